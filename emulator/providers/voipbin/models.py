"""VoIPBIN resources as stored (the TypedDicts of state.py, times in µs) and as rendered on the wire."""

from __future__ import annotations

import re
import uuid
from typing import Any, Mapping

from ...core.ids import uuid4_text
from .profiles import VoipbinProfile
from .state import Action, Activeflow, Customer, Flow, Number
from .timefmt import record_times, render_time, time_fields

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
# Before execution reaches a real action, current_action is the reserved start marker (no type).
START_ACTION: Action = {"id": "00000000-0000-0000-0000-000000000001", "next_id": NIL_UUID, "type": ""}
CONTACT_FIELDS = ("name", "detail", "email", "phone_number", "address")

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


def render_times(record: Mapping[str, Any], keys: tuple[str, ...], profile: VoipbinProfile) -> dict[str, Any]:
    """The record's `tm_*` keys in the profile's era (they close every VoIPBIN object)."""
    return record_times(record, keys, profile)


# --- numbers --------------------------------------------------------------------------------------

NUMBER_TIMES = ("tm_purchase", "tm_renew", "tm_create", "tm_update", "tm_delete")


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
) -> Number:
    normal = kind != "virtual"
    return {
        "id": number_id or uuid4_text(),
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


def render_number(number: Number, profile: VoipbinProfile) -> dict[str, Any]:
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
        **render_times(number, NUMBER_TIMES, profile),
    }


def render_available(number: str, country: str, region: str, postal_code: str, features: list[str]) -> dict[str, Any]:
    """An AvailableNumber of `GET /available_numbers`."""
    return {"number": number, "country": country, "region": region, "postal_code": postal_code, "features": features}


# --- flows and actions ----------------------------------------------------------------------------

RECORD_TIMES = ("tm_create", "tm_update", "tm_delete")


def render_action(action: Action, profile: VoipbinProfile) -> dict[str, Any]:
    rendered: dict[str, Any] = {"id": action["id"], "next_id": action["next_id"]}
    if action.get("type"):
        rendered["type"] = action["type"]
    if action.get("option"):
        rendered["option"] = action["option"]
    if action.get("tm_execute") is not None:
        rendered["tm_execute"] = render_time(action["tm_execute"], profile)
    return rendered


def shown(action: Action, profile: VoipbinProfile) -> bool:
    """Whether the action is rendered: marker actions (no `type`) only where the profile shows them."""
    return bool(action.get("type")) or profile.marker_actions == "shown"


def new_flow(
    *,
    customer_id: str,
    name: str,
    detail: str,
    actions: list[Action],
    on_complete_flow_id: str,
    now_us: int,
    flow_id: str | None = None,
) -> Flow:
    return {
        "id": flow_id or uuid4_text(),
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


def render_flow(flow: Flow, profile: VoipbinProfile) -> dict[str, Any]:
    return {
        "id": flow["id"],
        "customer_id": flow["customer_id"],
        "type": flow["type"],
        "name": flow["name"],
        "detail": flow["detail"],
        "actions": [render_action(a, profile) for a in flow["actions"]],
        "direct_hash": flow["direct_hash"],
        "on_complete_flow_id": flow["on_complete_flow_id"],
        **render_times(flow, RECORD_TIMES, profile),
    }


# --- activeflows ----------------------------------------------------------------------------------


def new_activeflow(
    *,
    customer_id: str,
    flow_id: str,
    actions: list[Action],
    on_complete_flow_id: str,
    reference_type: str,
    now_us: int,
    reference_id: str = NIL_UUID,
    webhook_uri: str = "",
    webhook_method: str = "",
    variables: dict[str, str] | None = None,
    activeflow_id: str | None = None,
) -> Activeflow:
    """A running activeflow, before its first action (`current_action` is the start marker)."""
    return {
        "id": activeflow_id or uuid4_text(),
        "customer_id": customer_id,
        "flow_id": flow_id,
        "status": "running",
        "reference_type": reference_type,
        "reference_id": reference_id,
        "reference_activeflow_id": NIL_UUID,
        "on_complete_flow_id": on_complete_flow_id,
        "webhook_uri": webhook_uri,
        "webhook_method": webhook_method,
        "current_action": START_ACTION.copy(),
        "forward_action_id": NIL_UUID,
        "executed_actions": [],
        "actions": actions,
        "variables": variables or {},
        "tm_create": now_us,
        "tm_update": None,
        "tm_delete": None,
    }


def render_activeflow(activeflow: Activeflow, profile: VoipbinProfile) -> dict[str, Any]:
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
    if shown(activeflow["current_action"], profile):
        rendered["current_action"] = render_action(activeflow["current_action"], profile)
    rendered["forward_action_id"] = activeflow["forward_action_id"]
    executed = [render_action(a, profile) for a in activeflow["executed_actions"] if shown(a, profile)]
    if executed:
        rendered["executed_actions"] = executed
    rendered.update(render_times(activeflow, RECORD_TIMES, profile))
    return rendered


# --- the customer ---------------------------------------------------------------------------------


def render_customer(customer: Customer, profile: VoipbinProfile, *, with_secret: bool) -> dict[str, Any]:
    """customer-manager's WebhookMessage (Go `omitempty` on the strings); the self view adds the secret."""
    rendered: dict[str, Any] = {"id": customer["id"]}
    for key in CONTACT_FIELDS:
        if customer.get(key):
            rendered[key] = customer[key]  # type: ignore[literal-required]
    if customer.get("webhook_method"):
        rendered["webhook_method"] = customer["webhook_method"]
    if customer.get("webhook_uri"):
        rendered["webhook_uri"] = customer["webhook_uri"]
    rendered.update(
        {
            "billing_account_id": customer.get("billing_account_id") or NIL_UUID,
            "metadata": {"rtp_debug": bool(customer.get("rtp_debug", False))},
            "email_verified": True,
            "status": "frozen" if customer.get("frozen") else "active",
            "identity_verification_status": "verified" if customer.get("identity_verified") else "none",
        }
    )
    rendered.update(
        time_fields(
            {
                "tm_deletion_scheduled": customer.get("deletion_scheduled_us"),
                "tm_create": customer.get("tm_create"),
                "tm_update": customer.get("tm_update"),
                "tm_delete": None,
            },
            profile,
        )
    )
    if with_secret and customer.get("webhook_secret"):
        rendered["webhook_secret"] = customer["webhook_secret"]
    return rendered
