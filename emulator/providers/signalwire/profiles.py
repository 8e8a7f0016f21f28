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
    """

    search_item_shape: Literal["number", "e164"]
    search_links: Literal["self_first", "empty"]
    search_rule_breaks: Literal["no_matches", "invalid_attributes"]
    create_status: Literal[200, 201]
    unset_relay_string: Literal["null", "empty"]
    unset_video_room_id: Literal["null", "empty"]
    unset_status_callback_url: Literal["null", "empty"]


DOCUMENTED = SignalwireProfile(
    search_item_shape="number",
    search_links="self_first",
    search_rule_breaks="no_matches",
    create_status=200,
    unset_relay_string="null",
    unset_video_room_id="null",
    unset_status_callback_url="null",
)

OBSERVED = SignalwireProfile(
    search_item_shape="e164",
    search_links="empty",
    search_rule_breaks="invalid_attributes",
    create_status=201,
    unset_relay_string="empty",
    unset_video_room_id="empty",
    unset_status_callback_url="empty",
)

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
