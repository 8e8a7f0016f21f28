"""Inbound calls and messages as VoIPBIN's call-manager and message-manager shape them, and their
renderings in call and message events.

Neither is an API resource here (there is no `/calls` or `/messages` route): a call or message
lives for one simulated inbound exchange and is seen through its events. Call: the Call
WebhookMessage (Go `omitempty` on its strings, lists, metadata and times; the docs' Call struct
shows every key but leaves unset times out too). Message: the Message WebhookMessage (no
`omitempty`; unset times rendered as every other VoIPBIN time).
"""

from __future__ import annotations

from typing import Any, TypedDict

from ...core.ids import uuid4_text
from .models import NIL_UUID, START_ACTION, render_action, shown
from .profiles import VoipbinProfile
from .state import Action
from .timefmt import time_fields

ADDRESS_KEYS = ("type", "target", "target_name", "name", "detail")
# Call WebhookMessage fields tagged `omitempty` that can be empty (UUIDs and structs never are).
CALL_OMITEMPTY = frozenset(
    {"type", "chained_call_ids", "recording_ids", "status", "metadata", "direction", "mute_direction", "hangup_by", "hangup_reason"}
)
CALL_TIMES = ("tm_progressing", "tm_ringing", "tm_hangup", "tm_create", "tm_update", "tm_delete")


class Call(TypedDict):
    id: str
    customer_id: str
    flow_id: str
    activeflow_id: str
    source: str  # the caller's number
    destination: str  # the dialled number
    status: str  # ringing → progressing → terminating → hangup
    action: Action
    rtp_debug: bool
    hangup_by: str
    hangup_reason: str
    tm_progressing: int | None
    tm_ringing: int | None
    tm_hangup: int | None
    tm_create: int
    tm_update: int | None
    tm_delete: int | None


class Message(TypedDict):
    id: str
    customer_id: str
    source: str
    destination: str
    text: str
    tm_create: int


def new_call(*, customer_id: str, call_id: str, flow_id: str, activeflow_id: str, source: str,
             destination: str, rtp_debug: bool, now_us: int) -> Call:
    """An incoming call as call-manager creates it: `ringing` (the channel rings), the activeflow's start marker."""
    return {
        "id": call_id,
        "customer_id": customer_id,
        "flow_id": flow_id,
        "activeflow_id": activeflow_id,
        "source": source,
        "destination": destination,
        "status": "ringing",
        "action": START_ACTION.copy(),
        "rtp_debug": rtp_debug,
        "hangup_by": "",
        "hangup_reason": "",
        "tm_progressing": None,
        "tm_ringing": None,
        "tm_hangup": None,
        "tm_create": now_us,
        "tm_update": None,
        "tm_delete": None,
    }


def new_message(*, customer_id: str, source: str, destination: str, text: str, now_us: int) -> Message:
    return {
        "id": uuid4_text(),
        "customer_id": customer_id,
        "source": source,
        "destination": destination,
        "text": text,
        "tm_create": now_us,
    }


def address(number: str, profile: VoipbinProfile) -> dict[str, str]:
    """A `tel` CommonAddress; its empty strings follow `empty_event_fields` (all Address keys are omitempty)."""
    full = {"type": "tel", "target": number, "target_name": "", "name": "", "detail": ""}
    return full if profile.empty_event_fields == "shown" else {k: v for k, v in full.items() if v}


def render_call(call: Call, profile: VoipbinProfile) -> dict[str, Any]:
    """The Call WebhookMessage, keys in its order; unset times are left out in every profile."""
    rendered: dict[str, Any] = {
        "id": call["id"],
        "customer_id": call["customer_id"],
        "owner_type": "",
        "owner_id": NIL_UUID,
        "flow_id": call["flow_id"],
        "activeflow_id": call["activeflow_id"],
        "type": "flow",
        "master_call_id": NIL_UUID,
        "chained_call_ids": [],
        "recording_id": NIL_UUID,
        "recording_ids": [],
        "groupcall_id": NIL_UUID,
        "source": address(call["source"], profile),
        "destination": address(call["destination"], profile),
        "status": call["status"],
        "action": render_action(call["action"], profile) if shown(call["action"], profile) else None,
        "metadata": {"rtp_debug": True} if call["rtp_debug"] else {},
        "direction": "incoming",
        "mute_direction": "",
        "hangup_by": call["hangup_by"],
        "hangup_reason": call["hangup_reason"],
    }
    if rendered["action"] is None:
        del rendered["action"]
    if profile.empty_event_fields == "omitted":
        rendered = {k: v for k, v in rendered.items() if k not in CALL_OMITEMPTY or v not in ("", [], {})}
    rendered.update(time_fields({key: call[key] for key in CALL_TIMES if call[key] is not None}, profile))  # type: ignore[literal-required]
    return rendered


def render_message(message: Message, profile: VoipbinProfile) -> dict[str, Any]:
    """The Message WebhookMessage of an inbound SMS: one target, `received`, in one part."""
    target: dict[str, Any] = {"destination": address(message["destination"], profile), "status": "received", "parts": 1}
    target.update(time_fields({"tm_update": None}, profile))
    rendered: dict[str, Any] = {
        "id": message["id"],
        "customer_id": message["customer_id"],
        "type": "sms",
        "source": address(message["source"], profile),
        "targets": [target],
        "text": message["text"],
        "direction": "inbound",
    }
    rendered.update(time_fields({"tm_create": message["tm_create"], "tm_update": None, "tm_delete": None}, profile))
    return rendered

