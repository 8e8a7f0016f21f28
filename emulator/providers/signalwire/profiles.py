"""Where SignalWire's sources disagree, one named switch each.

`documented` follows the current reference (the OpenAPI 3.1 compiled from SignalWire's
TypeSpec); `observed` follows what production was recorded sending and, where no capture
exists, the previous reference (the OpenAPI 3.0.3 "RELAY REST API" it replaced), which agrees
with production wherever both are known.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class SignalwireProfile:
    """Switches read by the SignalWire handlers and renderers.

    search_item_shape: `number` sends the current reference's item (`number`, and `region`,
        `city`, `rate_center`, `lata` when known, `capabilities` as an object of booleans);
        `e164` sends the item recorded in production (`e164`, `national_number_formatted`,
        `international_number_formatted`, `rate_center`, `region`, `country_code`,
        `capabilities` as an array).
    search_links: `self_first` sends `links.self` and `links.first`, which the current reference
        requires; `empty` sends `links: {}`, as production does (search is not paginated).
    search_rule_breaks: what a search whose parameters break the service's rules gets:
        `no_matches` answers 200 with no items (the current reference lists no error status
        besides 401 and 500); `invalid_attributes` answers 422 as the service's backend does.
    create_status: the status of a created address, number group or membership: 200 in the
        current reference, 201 in the previous one.
    unset_relay_string: what an unset relay-type string field (`call_relay_topic`,
        `call_relay_context`, `call_relay_application`, `call_verto_resource`,
        `call_relay_script_url`, the relay status URLs, `message_relay_*`) renders as: `null`
        in the reference, `""` in production.
    unset_video_room_id: an unset `call_video_room_id`: `null` in the reference (a UUID
        field), `""` in production.
    unset_status_callback_url: an unset `call_status_callback_url`: `null` in the reference,
        `""` in production.

    The compatibility (LaML) API's switches:

    laml_error_body: `spec` sends `code` as an integer and the reference's `more_info` link, as
        the compatibility OpenAPI describes the error; `recorded` sends `code` as a string and the
        `developer.signalwire.com` link, as a recorded production error and SignalWire's shared
        status-code description do.
    laml_unset_url: an unset `voice_url`, `voice_fallback_url`, `status_callback`, `sms_url` or
        `sms_fallback_url`: `null` in the reference, `""` in a recorded production list.
    laml_number_uri: a number's `uri`: with `.json` in the reference's example, without it in a
        recorded production list.
    laml_friendly_names: how the compatibility API names a number by its digits: `reference`
        formats it `(253) 218-6751`, for an available number and for a number bought without a
        `FriendlyName`, as the compatibility OpenAPI's examples do; `recorded` gives available
        numbers `253-218-6751` and bought ones Relay REST's `+1 (253) 218-6751`, as recorded
        production searches and lists do.
    laml_friendly_name_max: the longest `FriendlyName` accepted: 255 characters in the
        compatibility OpenAPI, 64 in the compatibility API's error catalogue (code 20002).
    """

    search_item_shape: Literal["number", "e164"]
    search_links: Literal["self_first", "empty"]
    search_rule_breaks: Literal["no_matches", "invalid_attributes"]
    create_status: Literal[200, 201]
    unset_relay_string: Literal["null", "empty"]
    unset_video_room_id: Literal["null", "empty"]
    unset_status_callback_url: Literal["null", "empty"]
    laml_error_body: Literal["spec", "recorded"]
    laml_unset_url: Literal["null", "empty"]
    laml_number_uri: Literal["json", "bare"]
    laml_friendly_names: Literal["reference", "recorded"]
    laml_friendly_name_max: int


DOCUMENTED = SignalwireProfile(
    search_item_shape="number",
    search_links="self_first",
    search_rule_breaks="no_matches",
    create_status=200,
    unset_relay_string="null",
    unset_video_room_id="null",
    unset_status_callback_url="null",
    laml_error_body="spec",
    laml_unset_url="null",
    laml_number_uri="json",
    laml_friendly_names="reference",
    laml_friendly_name_max=255,
)

OBSERVED = SignalwireProfile(
    search_item_shape="e164",
    search_links="empty",
    search_rule_breaks="invalid_attributes",
    create_status=201,
    unset_relay_string="empty",
    unset_video_room_id="empty",
    unset_status_callback_url="empty",
    laml_error_body="recorded",
    laml_unset_url="empty",
    laml_number_uri="bare",
    laml_friendly_names="recorded",
    laml_friendly_name_max=64,
)

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
