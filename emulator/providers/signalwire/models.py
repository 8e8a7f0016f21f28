"""Phone numbers: the handler enums, a new number's defaults, merged configuration, and the wire rendering.

The stored shape is `state.PhoneNumber`; `render_number` turns it into the reference's PhoneNumber.
"""

from __future__ import annotations

import time
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Any

from ...core.clock import MICROS, utc_parts
from ...core.ids import uuid4_text
from .profiles import SignalwireProfile
from .state import NumberSource, PhoneNumber

CALL_HANDLERS = (
    "relay_context", "relay_topic", "relay_script", "relay_application", "relay_connector",
    "relay_sip_endpoint", "relay_verto_endpoint", "laml_webhooks", "laml_application",
    "dialogflow", "video_room", "ai_agent", "call_flow",
)
FABRIC_HANDLERS = frozenset({"ai_agent", "call_flow"})
MESSAGE_HANDLERS = ("relay_context", "relay_topic", "relay_application", "laml_webhooks", "laml_application")
HTTP_METHODS = ("GET", "POST")
RECEIVE_MODES = ("voice", "fax")
CALL_FLOW_VERSIONS = ("working_copy", "current_deployed")

# The field a handler needs, per handler (checked when the handler is sent).
CALL_COMPANIONS = {
    "laml_webhooks": "call_request_url",
    "relay_script": "call_relay_script_url",
    "relay_topic": "call_relay_topic",
    "relay_context": "call_relay_context",
    "relay_application": "call_relay_application",
    "laml_application": "call_laml_application_id",
    "dialogflow": "call_dialogflow_agent_id",
    "relay_connector": "call_relay_connector_id",
    "relay_sip_endpoint": "call_sip_endpoint_id",
    "relay_verto_endpoint": "call_verto_resource",
    "video_room": "call_video_room_id",
    "ai_agent": "call_ai_agent_id",
    "call_flow": "call_flow_id",
}
MESSAGE_COMPANIONS = {
    "laml_webhooks": "message_request_url",
    "laml_application": "message_laml_application_id",
    "relay_topic": "message_relay_topic",
    "relay_context": "message_relay_context",
    "relay_application": "message_relay_application",
}

# Configuration keys of the response object, in the reference's order.
CALL_KEYS = (
    "call_handler", "calling_handler_resource_id", "call_receive_mode", "call_request_url",
    "call_request_method", "call_fallback_url", "call_fallback_method", "call_status_callback_url",
    "call_status_callback_method", "call_laml_application_id", "call_dialogflow_agent_id",
    "call_relay_topic", "call_relay_topic_status_callback_url", "call_relay_script_url",
    "call_relay_context", "call_relay_context_status_callback_url", "call_relay_application",
    "call_relay_connector_id", "call_sip_endpoint_id", "call_verto_resource", "call_video_room_id",
)
MESSAGE_KEYS = (
    "message_handler", "messaging_handler_resource_id", "message_request_url", "message_request_method",
    "message_fallback_url", "message_fallback_method", "message_laml_application_id",
    "message_relay_topic", "message_relay_context",
)
# Accepted on update and stored, but not keys of the response object.
HIDDEN_KEYS = ("call_ai_agent_id", "call_flow_id", "call_flow_version", "message_relay_application")

# Unset values production renders as "" rather than null.
HANDLER_KEYS = CALL_KEYS + MESSAGE_KEYS
handler_values = itemgetter(*HANDLER_KEYS)
ALL_NULL: dict[str, str | None] = dict.fromkeys(HANDLER_KEYS)
RELAY_STRING_KEYS = frozenset({
    "call_relay_topic", "call_relay_topic_status_callback_url", "call_relay_script_url",
    "call_relay_context", "call_relay_context_status_callback_url", "call_relay_application",
    "call_verto_resource", "message_relay_topic", "message_relay_context",
})

NEW_NUMBER_CONFIG: dict[str, Any] = {
    **{key: None for key in CALL_KEYS + MESSAGE_KEYS + HIDDEN_KEYS},
    "message_swml_webhook": None,
    "call_handler": "laml_webhooks",
    "call_receive_mode": "voice",
    "call_request_method": "POST",
    "call_fallback_method": "POST",
    "call_status_callback_method": "POST",
    "message_request_method": "POST",
    "message_fallback_method": "POST",
}


def new_number(
    *,
    number: str,
    name: str | None,
    number_type: str,
    capabilities: list[str],
    country_code: str | None,
    source: NumberSource,
    created_us: int,
    number_id: str | None = None,
) -> PhoneNumber:
    """A freshly purchased or imported number with the defaults seen on a purchased number."""
    return {  # type: ignore[return-value]  # the configuration keys come from NEW_NUMBER_CONFIG
        "id": number_id or uuid4_text(),
        "number": number,
        "name": name,
        "capabilities": list(capabilities),
        "number_type": number_type,
        "country_code": country_code,
        "source": source,
        "created_us": created_us,
        "updated_us": created_us,
        "released_us": None,
        "e911_address_id": None,
        "e911_status": None,
        "e911_due_us": None,
        "e911_next": None,
        **NEW_NUMBER_CONFIG,
    }


def render_time(us: int) -> str:
    """UTC with second precision, `2025-06-03T15:51:29Z`, as the service sends."""
    return f"{utc_parts(us)[0]}Z"


def next_billed_us(created_us: int, now_us: int) -> int:
    """The first monthly anniversary of the purchase after now (one month after a fresh purchase).

    Counting months by the calendar puts the anniversary `months` on in now's month (or the
    first one, when now is in the purchase's month or before it), so it or the next is the one.
    """
    created, now = _month_of(created_us // MICROS), _month_of(now_us // MICROS)
    months = max(1, (now[0] - created[0]) * 12 + now[1] - created[1])
    this_month, next_month = _anniversaries(created_us, months)
    return this_month if this_month > now_us else next_month


@lru_cache(maxsize=8192)
def _month_of(second: int) -> tuple[int, int]:
    """(year, month) of a UTC second; a page renders several numbers in the same second."""
    moment = time.gmtime(second)
    return moment.tm_year, moment.tm_mon


@lru_cache(maxsize=8192)
def _anniversaries(created_us: int, months: int) -> tuple[int, int]:
    """The purchase's anniversaries `months` and `months + 1` months on; every render needs one.

    The same day of the month (or the month's last day) at the same time of day, counted in days
    without making datetimes: a purchase renders its first anniversary at once, so this runs on
    every create."""
    seconds, fraction = divmod(created_us, MICROS)
    days, second_of_day = divmod(seconds, 86_400)
    created = date.fromordinal(EPOCH_ORDINAL + days)

    def anniversary(months_on: int) -> int:
        index = created.month - 1 + months_on
        year, month = created.year + index // 12, index % 12 + 1
        day = min(created.day, days_in_month(year, month))
        return ((date(year, month, day).toordinal() - EPOCH_ORDINAL) * 86_400 + second_of_day) * MICROS + fraction

    return anniversary(months), anniversary(months + 1)


EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return MONTH_DAYS[month - 1]


_unset_by_profile: dict[tuple[str, str, str], dict[str, str | None]] = {}


def unset_values(profile: SignalwireProfile) -> dict[str, str | None]:
    """`unset_value` of every handler key, worked out once per profile."""
    key = (profile.unset_relay_string, profile.unset_video_room_id, profile.unset_status_callback_url)
    found = _unset_by_profile.get(key)
    if found is None:
        found = {name: unset_value(name, profile) for name in HANDLER_KEYS}
        if found == ALL_NULL:
            found = ALL_NULL
        _unset_by_profile[key] = found
    return found


def unset_value(key: str, profile: SignalwireProfile) -> str | None:
    if key in RELAY_STRING_KEYS:
        return "" if profile.unset_relay_string == "empty" else None
    if key == "call_video_room_id":
        return "" if profile.unset_video_room_id == "empty" else None
    if key == "call_status_callback_url":
        return "" if profile.unset_status_callback_url == "empty" else None
    return None


def render_number(number: PhoneNumber, profile: SignalwireProfile, now_us: int) -> dict[str, Any]:
    """Every key of the reference's PhoneNumber, always present."""
    rendered: dict[str, Any] = {
        "id": number["id"],
        "number": number["number"],
        "name": number["name"],
        "capabilities": list(number["capabilities"]),
        "number_type": number["number_type"],
        "e911_address_id": number["e911_address_id"],
        "e911_status": number["e911_status"],
        "created_at": render_time(number["created_us"]),
        "updated_at": render_time(number["updated_us"]),
        "next_billed_at": (
            render_time(next_billed_us(number["created_us"], now_us)) if number["source"] == "purchased" else None
        ),
    }
    unset = unset_values(profile)
    if unset is ALL_NULL:  # every unset key renders as null: the stored values as they are
        rendered.update(zip(HANDLER_KEYS, handler_values(number)))
    else:
        for key in HANDLER_KEYS:
            value = number[key]
            rendered[key] = unset[key] if value is None else value
    rendered["country_code"] = number["country_code"]
    return rendered


def configured(number: PhoneNumber, changes: dict[str, Any]) -> PhoneNumber:
    """A copy of a stored number with validated changes merged in.

    Binding `ai_agent` or `call_flow` materializes a Fabric resource: a new
    `calling_handler_resource_id` whenever the binding changes; any other handler clears it.
    Sending a `message_handler` replaces a Fabric resource bound to inbound messages.
    """
    merged: PhoneNumber = {**number, **changes}  # type: ignore[typeddict-item]
    if "message_handler" in changes and number.get("message_swml_webhook") is not None:
        merged["message_swml_webhook"] = None
        merged["messaging_handler_resource_id"] = None
    if "call_handler" in changes:
        resource_id = None
        if merged["call_handler"] in FABRIC_HANDLERS:
            resource_id = number["calling_handler_resource_id"]
            if binding(merged) != binding(number) or resource_id is None:
                resource_id = uuid4_text()
        merged["calling_handler_resource_id"] = resource_id
    return merged


def binding(number: PhoneNumber) -> tuple[Any, ...]:
    return (number["call_handler"], number["call_ai_agent_id"], number["call_flow_id"], number["call_flow_version"])
