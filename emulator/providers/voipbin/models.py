"""VoIPBIN resources as stored (plain dicts, times in µs) and as rendered on the wire."""

from __future__ import annotations

import re
import uuid
from typing import Any

from .profiles import VoipbinProfile
from .timefmt import render_time

NIL_UUID = "00000000-0000-0000-0000-000000000000"
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")

# The server's accepted action types (flow-manager TypeListAll).
ACTION_TYPES = frozenset(
    """amd answer ai_summary ai_talk ai_task beep block branch call case_create
    condition_call_digits condition_call_status condition_datetime condition_variable
    confbridge_join conference_join connect conversation_send digits_receive digits_send echo
    email_send external_media_start external_media_stop fetch fetch_flow goto hangup
    message_send mute play queue_join recording_start recording_stop sleep stop stream_echo
    talk transcribe_start transcribe_stop transcribe_recording variable_set webhook_send""".split()
)
ANONYMOUS_VALUES = {"", "yes", "no", "auto"}
WEBHOOK_METHODS = {"POST", "GET", "PUT", "DELETE"}


CANONICAL_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def parse_uuid(value: Any) -> str | None:
    """A canonical UUID string, or None; the nil UUID counts as not a UUID for path ids."""
    if not isinstance(value, str):
        return None
    if CANONICAL_UUID.fullmatch(value):  # the usual spelling, without building a UUID object
        return None if value == NIL_UUID else value
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    text = str(parsed)
    return None if text == NIL_UUID else text


def lenient_uuid(value: Any) -> str:
    """uuid.FromStringOrNil: anything that is not a UUID becomes the nil UUID."""
    return parse_uuid(value) or NIL_UUID


def new_number(
    *,
    customer_id: str,
    number: str,
    kind: str,
    status: str,
    now_us: int,
    call_flow_id: str = NIL_UUID,
    message_flow_id: str = NIL_UUID,
    name: str = "",
    detail: str = "",
    t38_enabled: bool = False,
    emergency_enabled: bool = False,
    rtp_debug: bool = False,
    number_id: str | None = None,
) -> dict[str, Any]:
    normal = kind != "virtual"
    return {
        "id": number_id or str(uuid.uuid4()),
        "customer_id": customer_id,
        "number": number,
        "type": kind,
        "call_flow_id": call_flow_id,
        "message_flow_id": message_flow_id,
        "name": name,
        "detail": detail,
        "status": status,
        "t38_enabled": t38_enabled if normal else False,
        "emergency_enabled": emergency_enabled if normal else False,
        "metadata": {"rtp_debug": rtp_debug},
        "tm_purchase": now_us if normal else None,
        "tm_renew": now_us if normal else None,
        "tm_create": now_us,
        "tm_update": None,
        "tm_delete": None,
        "active_at": None,
    }


TIME_KEYS_NUMBER = ("tm_purchase", "tm_renew", "tm_create", "tm_update", "tm_delete")


def render_number(number: dict[str, Any], profile: VoipbinProfile) -> dict[str, Any]:
    return {
        "id": number["id"],
        "customer_id": number["customer_id"],
        "number": number["number"],
        "type": number["type"],
        "call_flow_id": number["call_flow_id"],
        "message_flow_id": number["message_flow_id"],
        "name": number["name"],
        "detail": number["detail"],
        "status": number["status"],
        "t38_enabled": number["t38_enabled"],
        "emergency_enabled": number["emergency_enabled"],
        "metadata": {"rtp_debug": number["metadata"]["rtp_debug"]},
        "tm_purchase": render_time(number["tm_purchase"], profile),
        "tm_renew": render_time(number["tm_renew"], profile),
        "tm_create": render_time(number["tm_create"], profile),
        "tm_update": render_time(number["tm_update"], profile),
        "tm_delete": render_time(number["tm_delete"], profile),
    }


def render_action(action: dict[str, Any], profile: VoipbinProfile) -> dict[str, Any]:
    rendered: dict[str, Any] = {"id": action["id"], "next_id": action["next_id"]}
    if action.get("type"):
        rendered["type"] = action["type"]
    if action.get("option"):
        rendered["option"] = action["option"]
    if action.get("tm_execute") is not None:
        rendered["tm_execute"] = render_time(action["tm_execute"], profile)
    return rendered


def new_flow(
    *,
    customer_id: str,
    name: str,
    detail: str,
    actions: list[dict[str, Any]],
    on_complete_flow_id: str,
    now_us: int,
    flow_id: str | None = None,
) -> dict[str, Any]:
    return {
        "id": flow_id or str(uuid.uuid4()),
        "customer_id": customer_id,
        "type": "flow",
        "name": name,
        "detail": detail,
        "actions": actions,
        "direct_hash": "",
        "on_complete_flow_id": on_complete_flow_id,
        "tm_create": now_us,
        "tm_update": None,
        "tm_delete": None,
    }


def render_flow(flow: dict[str, Any], profile: VoipbinProfile) -> dict[str, Any]:
    return {
        "id": flow["id"],
        "customer_id": flow["customer_id"],
        "type": flow["type"],
        "name": flow["name"],
        "detail": flow["detail"],
        "actions": [render_action(a, profile) for a in flow["actions"]],
        "direct_hash": flow["direct_hash"],
        "on_complete_flow_id": flow["on_complete_flow_id"],
        "tm_create": render_time(flow["tm_create"], profile),
        "tm_update": render_time(flow["tm_update"], profile),
        "tm_delete": render_time(flow["tm_delete"], profile),
    }


def render_activeflow(activeflow: dict[str, Any], profile: VoipbinProfile) -> dict[str, Any]:
    rendered: dict[str, Any] = {
        "id": activeflow["id"],
        "customer_id": activeflow["customer_id"],
        "flow_id": activeflow["flow_id"],
        "status": activeflow["status"],
        "reference_type": activeflow["reference_type"],
        "reference_id": activeflow["reference_id"],
        "reference_activeflow_id": activeflow["reference_activeflow_id"],
        "on_complete_flow_id": activeflow["on_complete_flow_id"],
    }
    if activeflow["webhook_uri"]:
        rendered["webhook_uri"] = activeflow["webhook_uri"]
    if activeflow["webhook_method"]:
        rendered["webhook_method"] = activeflow["webhook_method"]
    rendered["current_action"] = render_action(activeflow["current_action"], profile)
    rendered["forward_action_id"] = activeflow["forward_action_id"]
    if activeflow["executed_actions"]:
        rendered["executed_actions"] = [render_action(a, profile) for a in activeflow["executed_actions"]]
    rendered["tm_create"] = render_time(activeflow["tm_create"], profile)
    rendered["tm_update"] = render_time(activeflow["tm_update"], profile)
    rendered["tm_delete"] = render_time(activeflow["tm_delete"], profile)
    return rendered
