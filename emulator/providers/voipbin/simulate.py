"""Inbound calls and messages: number → flow → activeflow, with the webhooks the service sends.

Call (call-manager startIncomingDomainTypePSTN): the non-deleted number equal to the dialled
`to` is looked up across customers (unknown → "no route to destination", the call is hung up);
an inactive (frozen) customer, a balance at or below 0 (Inferred: billing's balance check), a
nil `call_flow_id` or a flow that is missing, deleted or another customer's all reject the
call (hung up, no activeflow). Otherwise an activeflow with `reference_type: "call"` and a new
call id as `reference_id` runs the flow. Message (conversation-manager): the same lookup with
`message_flow_id` and `reference_type: "conversation"`; no usable flow → nothing happens.

The walk is instant: `activeflow_created`, then one `activeflow_updated` per action reached
(flow-manager's updateCurrentAction publishes one per step), then one when the activeflow ends.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

from ...core.outbox import Message
from .activeflows import START_ACTION
from .events import activeflow_event
from .models import NIL_UUID
from .numbers import render
from .walker import Walk, walk

if TYPE_CHECKING:
    from .provider import VoipbinProvider

KINDS = {
    "inbound-call": ("call_flow_id", "call", "call_id"),
    "inbound-message": ("message_flow_id", "conversation", "conversation_id"),
}


def find_number(provider: "VoipbinProvider", to: str, tenant: str | None) -> tuple[str, dict[str, Any]]:
    """The live number `to` (in `tenant` when given), or LookupError as the service hangs up."""
    if tenant is not None and tenant not in provider.store:
        raise LookupError(f"voipbin has no tenant {tenant!r}")
    owner = provider.active_numbers.get(to)
    if owner is None or (tenant is not None and owner[0] != tenant):
        where = f"tenant {tenant!r}" if tenant is not None else "any customer"
        raise LookupError(f"no route to destination: {to} is not a number of {where} (the call is hung up)")
    return owner[0], provider.store.tenants[owner[0]]["numbers"][owner[1]]


def refusal(provider: "VoipbinProvider", tenant: str, flow_id: str, flow_key: str, is_call: bool) -> str | None:
    """Why the inbound traffic cannot start an activeflow, or None when it can."""
    state = provider.store.tenants[tenant]
    if is_call:
        customer = state["customer"]
        if customer.get("frozen"):
            return "the customer account is not active; the call is hung up"
        if customer.get("balance", 0) <= 0:
            return "the customer's balance is not enough for a call; the call is hung up"
    if flow_id == NIL_UUID:
        ending = "the call is hung up" if is_call else "the message is not handled"
        return f"the number has no {flow_key.removesuffix('_id').replace('_', ' ')} ({flow_key} is the nil UUID); {ending}"
    flow = state["flows"].get(flow_id)
    if flow is None or flow["tm_delete"] is not None:
        ending = "the call is hung up" if is_call else "the message is not handled"
        return f"flow {flow_id} is not a live flow of this customer; {ending}"
    return None


def simulate(provider: "VoipbinProvider", kind: str, params: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise LookupError(f"voipbin does not simulate {kind}")
    tenant_param = params.get("tenant")
    if tenant_param is not None and not isinstance(tenant_param, str):
        raise ValueError("'tenant' must be a string")
    to, caller = params.get("to"), params.get("from")
    if not isinstance(to, str) or not isinstance(caller, str):
        raise ValueError("'to' and 'from' must be strings")
    flow_key, reference_type, reference_key = KINDS[kind]
    is_call = kind == "inbound-call"
    tenant, number = find_number(provider, to, tenant_param or None)
    answer: dict[str, Any] = {
        "provider": provider.name,
        "kind": kind,
        "tenant": tenant,
        "to": to,
        "from": caller,
        "number": render(provider, number),
    }
    reason = refusal(provider, tenant, number[flow_key], flow_key, is_call)
    if reason is not None:
        return answer | {"outcome": "rejected" if is_call else "ignored", "reason": reason, "activeflow": None, "events": []}
    reference_id = str(uuid.uuid4())
    events: list[dict[str, Any]] = []
    activeflow, route = run_flow(provider, tenant, number[flow_key], reference_type, reference_id, events)
    return answer | {
        "outcome": "flow_executed",
        "reason": None,
        reference_key: reference_id,
        "activeflow": activeflow,
        "walk": {"actions": len(route.visited), "stopped_by": route.stopped_by},
        "events": events,
    }


def run_flow(
    provider: "VoipbinProvider",
    tenant: str,
    flow_id: str,
    reference_type: str,
    reference_id: str,
    events: list[dict[str, Any]],
) -> tuple[dict[str, Any], Walk]:
    """Creates the activeflow, walks it to its end with an event per change; returns it rendered, and the walk."""
    state = provider.store.tenants[tenant]
    flow = state["flows"][flow_id]
    record: dict[str, Any] = {
        "id": str(uuid.uuid4()),
        "customer_id": state["customer"]["id"],
        "flow_id": flow_id,
        "status": "running",
        "reference_type": reference_type,
        "reference_id": reference_id,
        "reference_activeflow_id": NIL_UUID,
        "on_complete_flow_id": flow["on_complete_flow_id"],
        "webhook_uri": "",
        "webhook_method": "",
        "current_action": dict(START_ACTION),
        "forward_action_id": NIL_UUID,
        "executed_actions": [],
        "actions": flow["actions"],
        "variables": {},
        "tm_create": provider.clock.stamp_us(),
        "tm_update": None,
        "tm_delete": None,
    }
    provider.add_item(tenant, "activeflows", record)
    publish(provider, "activeflow_created", record, events)
    route = walk(flow["actions"], reference_type=reference_type)
    for action in route.visited:
        now = provider.clock.stamp_us()
        record["executed_actions"].append(record["current_action"])
        record["current_action"] = dict(action, tm_execute=now)
        record["tm_update"] = now
        publish(provider, "activeflow_updated", record, events)
    record["status"] = "ended"
    record["tm_update"] = provider.clock.stamp_us()
    return publish(provider, "activeflow_updated", record, events), route


def publish(provider: "VoipbinProvider", event_type: str, record: dict[str, Any], events: list[dict[str, Any]]) -> dict[str, Any]:
    data, messages = activeflow_event(provider, event_type, record)
    events.append({"type": event_type, "deliveries": [delivery(m) for m in messages]})
    return data


def delivery(message: Message) -> dict[str, Any]:
    return {"id": message.id, "url": message.url, "method": message.method}
