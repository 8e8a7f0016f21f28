"""The backend's calls: the conversation a simulated inbound call records, and its end on the virtual clock.

A call with an agent is `started` with a copy of the agent's configuration and ends after
`call_duration_seconds` (or the simulation's `duration_seconds`), cut short with `agent_ended`
by the agent's `max_duration_seconds`; 0 ends it at once, anything else sets a timer. A call
without an agent is recorded `ended` (`ended_reason: unknown`, never started) or not at all
(setting `rejected_calls`).
"""

from __future__ import annotations

from ...core.clock import MICROS
from ...core.store import copy_plain
from .backend_accounts import AccountBackend
from .bodies import AgentConfiguration, stored_config
from .models import config_of, new_conversation
from .state import Conversation, PhoneCall, TenantState

TIMER_PREFIX = "voiceos:call:"


class CallBackend(AccountBackend):
    def call_target(self, to: str, tenant: str | None) -> tuple[str, TenantState]:
        """The account that holds the number (or `tenant`, checked), and its state; LookupError when none does."""
        if tenant is not None:
            if tenant not in self.store:
                raise LookupError(f"voiceos has no account {tenant!r}")
            state = self.tenant(tenant)
            if to not in state["numbers"]:
                raise LookupError(f"account {tenant!r} has no phone number {to}")
            return tenant, state
        owner = self.number_owner.get(to)
        if owner is None:
            raise LookupError(f"no voiceos account has the phone number {to}")
        return owner, self.tenant(owner)

    def start_call(
        self,
        tenant: str,
        conversation_id: str,
        created_us: int,
        call: PhoneCall,
        agent_id: str,
        duration_s: float | None,
    ) -> Conversation:
        """`started` now, with a copy of the agent's configuration; it ends at once or on a timer."""
        agent = self.tenant(tenant)["agents"][agent_id]
        started_us = self.clock.now_us()
        seconds = self.settings.call_duration_seconds if duration_s is None else duration_s
        reason = self.settings.call_ended_reason
        limit = agent.get("max_duration_seconds")
        if limit is not None and limit < seconds:
            seconds, reason = float(max(limit, 0)), "agent_ended"
        conversation = new_conversation(
            kind="inbound_phone_call",
            status="started",
            agent_config=copy_plain(config_of(agent)),
            created_us=created_us,
            agent_id=agent_id,
            started_us=started_us,
            phone_call=call,
            conversation_id=conversation_id,
        )
        ends_us = started_us + round(seconds * MICROS)
        if ends_us <= started_us:
            finish(conversation, started_us, reason)
        else:
            conversation["ends_us"] = ends_us
            conversation["ends_reason"] = reason
        self._insert(tenant, "conversations", conversation_id, conversation)
        self._schedule_end(tenant, conversation)
        return conversation

    def reject_call(self, tenant: str, conversation_id: str, created_us: int, call: PhoneCall) -> Conversation | None:
        """Never started: no agent, a default configuration (the field is required), ended at once;
        None when rejected calls are not recorded."""
        if self.settings.rejected_calls != "record":
            return None
        conversation = new_conversation(
            kind="inbound_phone_call",
            status="ended",
            agent_config=stored_config(AgentConfiguration()),
            created_us=created_us,
            ended_us=self.clock.now_us(),
            phone_call=call,
            ended_reason="unknown",
            conversation_id=conversation_id,
        )
        self._insert(tenant, "conversations", conversation_id, conversation)
        return conversation

    def end_call(self, tenant: str, conversation_id: str, at_us: int) -> None:
        """The timer of a call in progress: `ended` at its due instant, unless the state changed since."""
        state = self.store.get(tenant)
        conversation = state["conversations"].get(conversation_id) if state else None
        if conversation is None or conversation["status"] != "started" or conversation.get("ends_us") != at_us:
            return  # reset, restored or replaced since the timer was set
        self.changing(tenant)
        finish(conversation, at_us, conversation["ends_reason"])

    def reschedule_calls(self) -> None:
        """After a reset or a restored snapshot: the timers of the calls still in progress."""
        self.provider.runtime.timers.cancel_prefix(TIMER_PREFIX)
        for tenant, state in self.store.items():
            for conversation in state["conversations"].values():
                self._schedule_end(tenant, conversation)

    def _schedule_end(self, tenant: str, conversation: Conversation) -> None:
        if conversation.get("status") != "started" or "ends_us" not in conversation:
            return
        conversation_id = conversation["id"]
        self.provider.runtime.timers.schedule(
            f"{TIMER_PREFIX}{tenant}:{conversation_id}",
            conversation["ends_us"],
            lambda at: self.end_call(tenant, conversation_id, at),
        )


def finish(conversation: Conversation, at_us: int, reason: str) -> None:
    """A conversation `ended` at `at_us`; its pending end, if any, is gone."""
    conversation["status"] = "ended"
    conversation["ended_us"] = at_us
    conversation["ended_reason"] = reason
    conversation.pop("ends_us", None)
    conversation.pop("ends_reason", None)
