"""Inbound calls and messages: number → flow → activeflow, with the webhooks the service sends.

Call (call-manager startIncomingDomainTypePSTN): the non-deleted number equal to the dialled
`to` is looked up across customers (unknown → "no route to destination", the call is hung up);
an inactive (frozen) customer, a balance at or below 0 (Inferred: billing's balance check), a
nil `call_flow_id` or a flow that is missing, deleted or another customer's all reject the
call (hung up: no call, no activeflow, no event). Otherwise an activeflow with `reference_type:
"call"` and a new call id as `reference_id` runs the flow, with the call's events (the backend's
`inbound.call`). Message: message-manager stores it for the live number (`message_created`), then
conversation-manager runs `message_flow_id` with `reference_type: "conversation"`; no usable
flow → only the message event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.ids import uuid4_text
from .backend_activeflows import Published
from .models import NIL_UUID, render_activeflow, render_number
from .state import Number, TenantState
from .traffic import render_call, render_message

if TYPE_CHECKING:
    from .provider import VoipbinProvider

KINDS = {
    "inbound-call": ("call_flow_id", "call", "call_id"),
    "inbound-message": ("message_flow_id", "conversation", "conversation_id"),
}


def find_number(provider: "VoipbinProvider", to: str, tenant: str | None) -> tuple[str, Number]:
    """The live number `to` (in `tenant` when given), or LookupError as the service hangs up."""
    if tenant is not None and tenant not in provider.store:
        raise LookupError(f"voipbin has no tenant {tenant!r}")
    found = provider.backend.numbers.routed(to)
    if found is None or (tenant is not None and found[0] != tenant):
        where = f"tenant {tenant!r}" if tenant is not None else "any customer"
        raise LookupError(f"no route to destination: {to} is not a number of {where} (the call is hung up)")
    return found


def refusal(state: TenantState, flow_id: str, flow_key: str, is_call: bool) -> str | None:
    """Why the inbound traffic cannot start an activeflow, or None when it can."""
    if is_call:
        customer = state["customer"]
        if customer.get("frozen"):
            return "the customer account is not active; the call is hung up"
        if customer.get("balance", 0) <= 0:
            return "the customer's balance is not enough for a call; the call is hung up"
    ending = "the call is hung up" if is_call else "the message is not handled"
    if flow_id == NIL_UUID:
        return f"the number has no {flow_key.removesuffix('_id').replace('_', ' ')} ({flow_key} is the nil UUID); {ending}"
    flow = state["flows"].get(flow_id)
    if flow is None or flow["tm_delete"] is not None:
        return f"flow {flow_id} is not a live flow of this customer; {ending}"
    return None


def simulate(provider: "VoipbinProvider", kind: str, params: dict[str, Any]) -> dict[str, Any]:
    if kind not in KINDS:
        raise LookupError(f"voipbin does not simulate {kind}")
    tenant_param = params.get("tenant")
    if tenant_param is not None and not isinstance(tenant_param, str):
        raise ValueError("'tenant' must be a string")
    to, caller, text = params.get("to"), params.get("from"), params.get("body", "")
    if not isinstance(to, str) or not isinstance(caller, str):
        raise ValueError("'to' and 'from' must be strings")
    if not isinstance(text, str):
        raise ValueError("'body' must be a string")
    flow_key, reference_type, reference_key = KINDS[kind]
    is_call = kind == "inbound-call"
    tenant, number = find_number(provider, to, tenant_param or None)
    backend = provider.backend
    answer: dict[str, Any] = {
        "provider": provider.name,
        "kind": kind,
        "tenant": tenant,
        "to": to,
        "from": caller,
        "number": render_number(backend.numbers.current(number), provider.profile),
    }
    flow_id = number[flow_key]  # type: ignore[literal-required]
    published: Published = []
    if not is_call:
        message, published = backend.inbound.message(tenant, number, caller, text)
        answer["message"] = render_message(message, provider.profile)
    reason = refusal(backend.tenant(tenant), flow_id, flow_key, is_call)
    if reason is not None:
        outcome = {"outcome": "rejected" if is_call else "ignored", "reason": reason, "activeflow": None}
        return answer | outcome | {"events": delivered(published)}
    reference_id = uuid4_text()
    if is_call:
        activeflow, route, call, steps = backend.inbound.call(tenant, number, flow_id, caller, reference_id)
        answer["call"] = render_call(call, provider.profile)
    else:
        activeflow, route, steps = backend.inbound.run_message_flow(tenant, flow_id, reference_id)
    return answer | {
        "outcome": "flow_executed",
        "reason": None,
        reference_key: reference_id,
        "activeflow": render_activeflow(activeflow, provider.profile),
        "walk": {"actions": len(route.visited), "stopped_by": route.stopped_by},
        "events": delivered(published + steps),
    }


def delivered(published: Published) -> list[dict[str, Any]]:
    """Each event sent, in order, with the deliveries queued for it."""
    return [
        {"type": event_type, "deliveries": [{"id": m.id, "url": m.url, "method": m.method} for m in messages]}
        for event_type, messages in published
    ]
