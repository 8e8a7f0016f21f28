"""A simulated inbound call on a VoiceOS phone number: webhooks, agent choice, conversation.

What happens (Inferred where the facts are silent; each choice is a setting in fixtures.py):

1. The number is looked up among the accounts (or in `tenant`); an unknown number is a LookupError.
2. A conversation id is given out and every webhook of the number whose `events` include
   `phone_call:connection_requested` is called in list order (webhook.py). `filter` is stored but
   not evaluated, so it always matches. `connection_webhooks_called` decides whether the calls
   stop at the first reply that chose an agent (`until_agent`) or all webhooks are called (`all`).
3. The agent: the first 2xx reply whose `agent_id` is one of the account's agents; otherwise the
   number's `inbound_agent_id` (when it still names an agent of the account); otherwise the call
   is rejected (the facts: a null `inbound_agent_id` means the number receives no calls).
4. The conversation (`inbound_phone_call`, `phone_call {provider, to_number, from_number}`, the
   agent's id and a copy of its configuration) is recorded by the backend (backend_calls.py)
   once the agent is known, `started`,
   and ends on the virtual clock after `call_duration_seconds` (0 ends it at once) with
   `call_ended_reason`; an agent's `max_duration_seconds` cuts it short with `agent_ended`.
   A rejected call is recorded as `ended` with `ended_reason: unknown`, `started_at` and
   `agent_id` null, so the conversation id the webhooks received resolves (`rejected_calls:
   record`), or not at all (`drop`).
5. The conversation's events (`phone_call:accepted`, `conversation:started`, later
   `conversation:ended`; or `phone_call:rejected`) go to the webhooks that subscribe to them
   (events.py); the answer lists those queued during the call.

VoiceOS numbers have no messaging, so there is nothing to simulate for inbound messages.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from ...core.outgoing import new_client
from ...core.store import copy_plain
from . import events
from .models import new_id, render_conversation, render_time
from .phone import E164, normalize_number
from .state import Conversation, PhoneCall, StoredWebhook, TenantState

if TYPE_CHECKING:
    from .provider import VoiceosProvider

FILTER_NOTE = "filter is stored but not evaluated: every webhook whose events include the event is called"


async def simulate(provider: "VoiceosProvider", kind: str, params: dict[str, Any]) -> dict[str, Any]:
    if kind == "inbound-message":
        raise LookupError("voiceos has no inbound messages: its phone numbers take calls only")
    if kind != "inbound-call":
        raise LookupError(f"voiceos does not simulate {kind}")
    return await inbound_call(provider, params)


# --- parameters and lookup ----------------------------------------------------------------------


def read_params(params: dict[str, Any]) -> tuple[str, str, str | None, float | None]:
    """`to` (E.164), `from`, optional `tenant` and `duration_seconds`; ValueError when malformed."""
    to = params.get("to")
    caller = params.get("from")
    tenant = params.get("tenant")
    duration = params.get("duration_seconds")
    if not isinstance(to, str) or not E164.match(normalize_number(to)):
        raise ValueError(f"'to' must be an E.164 phone number, not {to!r}")
    if not isinstance(caller, str) or not caller.strip():
        raise ValueError("'from' must be the caller's number")
    if tenant is not None and not isinstance(tenant, str):
        raise ValueError("'tenant' must be a string")
    if duration is not None:
        if (
            isinstance(duration, bool)
            or not isinstance(duration, (int, float))
            or not math.isfinite(duration)
            or duration < 0
        ):
            raise ValueError("'duration_seconds' must be a number of seconds, 0 or more")
        duration = float(duration)
    return normalize_number(to), caller, tenant, duration


# --- the call ------------------------------------------------------------------------------------


async def inbound_call(provider: "VoiceosProvider", params: dict[str, Any]) -> dict[str, Any]:
    from . import webhook  # imports the HTTP client, needed only when a call is simulated

    backend = provider.backend
    to, caller, tenant_hint, duration = read_params(params)
    tenant, state = backend.call_target(to, tenant_hint)
    number = state["numbers"][to]
    account_id = state["account"]["id"]
    created_us = provider.clock.stamp_us()  # a write stamp: it orders the conversation lists
    arrived_us = provider.clock.now_us()
    conversation_id = new_id("conv")
    fields = webhook.event_fields(
        phone_number=to,
        from_number=caller,
        account_id=account_id,
        conversation_id=conversation_id,
        timestamp=render_time(arrived_us) or "",
    )
    hooks = copy_plain(number["webhooks"])  # the configuration at arrival; a PATCH meanwhile changes nothing
    inbound_agent_id = number["inbound_agent_id"]

    reports, chosen = await call_webhooks(provider, tenant, hooks, fields)

    answer: dict[str, Any] = {
        "provider": provider.name,
        "kind": "inbound-call",
        "tenant": tenant,
        "account_id": account_id,
        "phone_number": to,
        "from": caller,
        "event": webhook.EVENT,
        "webhooks": reports,
        "notes": [FILTER_NOTE],
    }
    current = provider.store.get(tenant)
    if current is not state:
        # A reset or a restored snapshot replaced the account while the webhooks were answering.
        answer.update(accepted=False, agent=None, conversation=None, events=[])
        answer["notes"].append("the account's state was reset or replaced during the call; nothing was recorded")
        return answer
    agent = choose_agent(state, chosen, inbound_agent_id, called=any("request" in r for r in reports))
    answer["agent"] = agent
    answer["accepted"] = agent["agent_id"] is not None
    call: PhoneCall = {"provider": "twilio", "to_number": to, "from_number": caller}
    conversation: Conversation | None
    if agent["agent_id"] is not None:
        conversation = backend.start_call(tenant, conversation_id, created_us, call, agent["agent_id"], duration)
    else:
        conversation = backend.reject_call(tenant, conversation_id, created_us, call)
    answer["conversation"] = render_conversation(conversation, account_id) if conversation else None
    answer["events"] = events.sent_for(backend, tenant, conversation_id)
    return answer


async def call_webhooks(
    provider: "VoiceosProvider", tenant: str, hooks: list[StoredWebhook], fields: dict[str, str]
) -> tuple[list[dict[str, Any]], tuple[int, str] | None]:
    """Calls the subscribed webhooks in list order: a report per webhook, and (index, agent) of the first choice."""
    from . import webhook  # imports the HTTP client, needed only when a call is simulated

    settings = provider.settings

    def is_agent(agent_id: str) -> bool:
        current = provider.store.get(tenant)
        return current is not None and agent_id in current["agents"]

    reports: list[dict[str, Any]] = []
    chosen: tuple[int, str] | None = None
    async with new_client(provider.runtime.destinations) as client:
        for index, hook in enumerate(hooks):
            report: dict[str, Any] = {
                "index": index,
                "url": hook["url"],
                "method": hook["method"],
                "filter": hook["filter"],
            }
            reports.append(report)
            if not webhook.subscribed(hook):
                report.update(sent=False, outcome=f"skipped: its events do not include {webhook.EVENT}")
                continue
            if chosen is not None and settings.connection_webhooks_called == "until_agent":
                report.update(sent=False, outcome=f"skipped: webhook {chosen[0]} already chose the agent")
                continue
            timeout = settings.connection_webhook_timeout_seconds
            exchange = await webhook.request_agent(client, hook, fields, timeout, is_agent)
            report.update(
                sent=exchange.sent,
                request=exchange.request,
                response=exchange.response,
                error=exchange.error,
                outcome=exchange.outcome,
            )
            if exchange.agent_id is not None:
                if chosen is None:
                    chosen = (index, exchange.agent_id)
                else:
                    report["outcome"] += f", but webhook {chosen[0]} had already chosen the agent"
    return reports, chosen


def choose_agent(
    state: TenantState, chosen: tuple[int, str] | None, inbound_agent_id: str | None, *, called: bool
) -> dict[str, Any]:
    """The agent of the call and why: a webhook's reply, else `inbound_agent_id`, else none (rejected)."""
    from . import webhook  # imports the HTTP client, needed only when a call is simulated

    if chosen is not None and chosen[1] in state["agents"]:
        return {"agent_id": chosen[1], "source": "webhook", "reason": f"webhook {chosen[0]} replied with its agent_id"}
    why = "no webhook reply chose an agent" if called else f"the number has no webhook for {webhook.EVENT}"
    if inbound_agent_id is None:
        return {"agent_id": None, "source": None, "reason": f"{why} and inbound_agent_id is null: the call is rejected"}
    if inbound_agent_id not in state["agents"]:
        return {
            "agent_id": None,
            "source": None,
            "reason": f"{why} and inbound_agent_id {inbound_agent_id!r} is not an agent of the account: "
            "the call is rejected",
        }
    return {
        "agent_id": inbound_agent_id,
        "source": "inbound_agent_id",
        "reason": f"{why}, so the number's inbound_agent_id is used",
    }
