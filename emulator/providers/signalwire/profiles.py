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
    """

    search_item_shape: Literal["both", "e164"]
    unset_relay_string: Literal["null", "empty"]
    unset_video_room_id: Literal["null", "empty"]
    unset_status_callback_url: Literal["null", "empty"]


DOCUMENTED = SignalwireProfile(
    search_item_shape="both",
    unset_relay_string="null",
    unset_video_room_id="null",
    unset_status_callback_url="null",
)

OBSERVED = SignalwireProfile(
    search_item_shape="e164",
    unset_relay_string="empty",
    unset_video_room_id="empty",
    unset_status_callback_url="empty",
)

PROFILES = {"documented": DOCUMENTED, "observed": OBSERVED}
