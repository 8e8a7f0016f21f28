"""The update request's rules: field types, allowed values, and each handler's companion field.

Validation collects every problem first, so a rejected update reports them all and changes nothing.
"""

from __future__ import annotations

from typing import Any

from .common import parse_uuid
from .fixtures import SignalwireSettings
from .models import (
    CALL_COMPANIONS,
    CALL_FLOW_VERSIONS,
    CALL_HANDLERS,
    HTTP_METHODS,
    MESSAGE_COMPANIONS,
    MESSAGE_HANDLERS,
    RECEIVE_MODES,
)
from .state import PhoneNumber

STRING, UUID = "string", "uuid"

# Every field PUT accepts: a kind, or the tuple of allowed values.
UPDATE_FIELDS: dict[str, str | tuple[str, ...]] = {
    "name": STRING,
    "call_handler": CALL_HANDLERS,
    "call_receive_mode": RECEIVE_MODES,
    "call_request_url": STRING,
    "call_request_method": HTTP_METHODS,
    "call_fallback_url": STRING,
    "call_fallback_method": HTTP_METHODS,
    "call_status_callback_url": STRING,
    "call_status_callback_method": HTTP_METHODS,
    "call_laml_application_id": STRING,
    "call_dialogflow_agent_id": STRING,
    "call_relay_topic": STRING,
    "call_relay_topic_status_callback_url": STRING,
    "call_relay_script_url": STRING,
    "call_relay_context": STRING,
    "call_relay_context_status_callback_url": STRING,
    "call_relay_application": STRING,
    "call_relay_connector_id": STRING,
    "call_sip_endpoint_id": UUID,
    "call_verto_resource": STRING,
    "call_video_room_id": UUID,
    "call_ai_agent_id": UUID,
    "call_flow_id": UUID,
    "call_flow_version": CALL_FLOW_VERSIONS,
    "message_handler": MESSAGE_HANDLERS,
    "message_request_url": STRING,
    "message_request_method": HTTP_METHODS,
    "message_fallback_url": STRING,
    "message_fallback_method": HTTP_METHODS,
    "message_laml_application_id": STRING,
    "message_relay_topic": STRING,
    "message_relay_context": STRING,
    "message_relay_application": STRING,
}
# The response object has no null for these, so null never clears them.
NOT_NULLABLE = frozenset({"call_receive_mode"})


def check_value(key: str, value: Any, settings: SignalwireSettings) -> tuple[Any, str | None]:
    """The value to store, or a problem description."""
    kind = UPDATE_FIELDS[key]
    if value is None:
        if settings.null_clears_fields and key not in NOT_NULLABLE:
            return None, None
        return None, f"{key} must be a string"
    if not isinstance(value, str):
        return None, f"{key} must be a string"
    if kind == UUID:
        if value == "":
            return None, None
        canonical = parse_uuid(value)
        if canonical is None:
            return None, f"{key} is not a valid UUID"
        return canonical, None
    if isinstance(kind, tuple) and value not in kind:
        if kind is HTTP_METHODS:
            return None, f"{key} is an invalid HTTP method; the method must be GET or POST"
        return None, f"{key} '{value}' is not included in the list: {', '.join(kind)}"
    return value, None


def validate_update(
    body: dict[str, Any], stored: PhoneNumber, settings: SignalwireSettings
) -> tuple[dict[str, Any], list[str]]:
    """The changes a PUT makes (only the fields sent) and the problems that forbid it."""
    changes: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in body.items():
        if key not in UPDATE_FIELDS:
            if settings.unknown_fields == "reject":
                problems.append(f"found unpermitted parameter: {key}")
            continue
        checked, problem = check_value(key, value, settings)
        if problem:
            problems.append(problem)
        else:
            changes[key] = checked
    if problems:
        return changes, problems
    for handler_key, companions in (("call_handler", CALL_COMPANIONS), ("message_handler", MESSAGE_COMPANIONS)):
        handler = changes.get(handler_key)
        if handler is None:
            continue
        companion = companions[handler]
        merged = changes[companion] if companion in changes else stored.get(companion)
        if not merged:
            problems.append(f"{companion} can't be blank when {handler_key} is {handler}")
    return changes, problems
