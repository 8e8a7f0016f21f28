"""Where SignalWire's reference and its recorded production responses differ, one named switch each."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class SignalwireProfile:
    """Switches read by the SignalWire renderers.

    search_item_shape: `both` sends every key of the two documented item shapes (`e164` and
        `number`, the formatted numbers, `city`, `lata`, `capabilities` as an array), as the
        spec describes; `e164` sends only the item recorded in production (`e164`,
        `national_number_formatted`, `international_number_formatted`, `rate_center`, `region`,
        `country_code`, `capabilities`), without `number`, `city` and `lata`.
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

    search_item_shape: Literal["both", "e164"]
    unset_relay_string: Literal["null", "empty"]
    unset_video_room_id: Literal["null", "empty"]
    unset_status_callback_url: Literal["null", "empty"]
    laml_error_body: Literal["spec", "recorded"]
    laml_unset_url: Literal["null", "empty"]
    laml_number_uri: Literal["json", "bare"]
    laml_friendly_names: Literal["reference", "recorded"]
    laml_friendly_name_max: int


DOCUMENTED = SignalwireProfile(
    search_item_shape="both",
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
