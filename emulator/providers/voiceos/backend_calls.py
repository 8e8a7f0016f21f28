"""The backend's calls: conversations of simulated inbound calls and of outbound calls, on the virtual clock.

A call connected to an agent is `started` with a copy of the agent's configuration (events
`phone_call:accepted`, `conversation:started`) and ends after `call_duration_seconds` (or the
simulation's `duration_seconds`), cut short with `agent_ended` by the configuration's
`max_duration_seconds` (`conversation:ended`); 0 ends it at once, anything else sets a timer.

An inbound call without an agent is recorded `ended` (`ended_reason: unknown`, never started)
or not at all (setting `rejected_calls`), with `phone_call:rejected`. An outbound call
(`place_call`) is `queued` until the callee answers `outbound_answer_seconds` later; it then
starts as above, or, with `outbound_call_outcome: rejected`, ends unanswered like a rejected
inbound call. events.py sends the events; a conversation that started and ended has a recording.
"""

from __future__ import annotations

from typing import Literal

from ...core.clock import MICROS
from ...core.store import copy_plain
from . import events
from .backend_accounts import AccountBackend
from .bodies import AgentConfiguration, stored_config
from .errors import RecordingNotFound
from .models import config_of, new_conversation
from .state import AgentConfig, Conversation, PhoneCall, TenantState

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

    # --- inbound calls ---------------------------------------------------------------------------

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
        conversation = new_conversation(
            kind="inbound_phone_call",
            status="queued",
            agent_config=copy_plain(config_of(agent)),
            created_us=created_us,
            agent_id=agent_id,
            phone_call=call,
            conversation_id=conversation_id,
        )
        self._insert(tenant, "conversations", conversation_id, conversation)
        self._connect(tenant, conversation, self.clock.now_us(), duration_s)
        return conversation

    def reject_call(self, tenant: str, conversation_id: str, created_us: int, call: PhoneCall) -> Conversation | None:
        """Never started: no agent, a default configuration (the field is required), ended at once;
        None when rejected calls are not recorded."""
        if self.settings.rejected_calls != "record":
            return None
        conversation = new_conversation(
            kind="inbound_phone_call",
            status="queued",
            agent_config=stored_config(AgentConfiguration()),
            created_us=created_us,
            phone_call=call,
            conversation_id=conversation_id,
        )
        self._insert(tenant, "conversations", conversation_id, conversation)
        self._turn_down(tenant, conversation, self.clock.now_us())
        return conversation

    # --- outbound calls --------------------------------------------------------------------------

    def place_call(
        self, tenant: str, from_number: str, to_number: str, agent_id: str | None, config: AgentConfig | None
    ) -> Conversation:
        """A call from one of the account's numbers with an agent (or a configuration of its own),
        `queued` until the callee answers, at once or on a timer."""
        number = self.number(tenant, from_number)
        if agent_id is not None:
            config = copy_plain(config_of(self.agent(tenant, agent_id)))
        assert config is not None  # the body has one or the other (bodies.CreateCall)
        conversation = new_conversation(
            kind="outbound_phone_call",
            status="queued",
            agent_config=config,
            created_us=self.clock.stamp_us(),
            agent_id=agent_id,
            phone_call={"provider": "twilio", "to_number": to_number, "from_number": number["phone_number"]},
        )
        self._insert(tenant, "conversations", conversation["id"], conversation)
        now = self.clock.now_us()
        answers_us = now + round(self.settings.outbound_answer_seconds * MICROS)
        if answers_us <= now:
            self._answer(tenant, conversation, now)
        else:
            conversation["answers_us"] = answers_us
            self._schedule(tenant, conversation)
        return conversation

    def answer_call(self, tenant: str, conversation_id: str, at_us: int) -> None:
        """The timer of a queued outbound call: answered (or turned down) at its due instant."""
        conversation = self._due(tenant, conversation_id, "queued", "answers_us", at_us)
        if conversation is not None:
            self.changing(tenant)
            self._answer(tenant, conversation, at_us)

    def _answer(self, tenant: str, conversation: Conversation, at_us: int) -> None:
        conversation.pop("answers_us", None)
        if self.settings.outbound_call_outcome == "answered":
            self._connect(tenant, conversation, at_us, None)
        else:
            self._turn_down(tenant, conversation, at_us)

    # --- the lifecycle shared by both directions ------------------------------------------------

    def _connect(self, tenant: str, conversation: Conversation, at_us: int, duration_s: float | None) -> None:
        """`started` at `at_us`; its end is due after the call's duration, capped by the configuration."""
        self.changing(tenant)
        seconds = self.settings.call_duration_seconds if duration_s is None else duration_s
        reason = self.settings.call_ended_reason
        limit = conversation["agent_config"].get("max_duration_seconds")
        if limit is not None and limit < seconds:
            seconds, reason = float(max(limit, 0)), "agent_ended"
        conversation["status"] = "started"
        conversation["started_us"] = at_us
        events.announce(self, tenant, events.ACCEPTED, conversation, at_us)
        events.announce(self, tenant, events.STARTED, conversation, at_us)
        ends_us = at_us + round(seconds * MICROS)
        if ends_us <= at_us:
            self._end(tenant, conversation, at_us, reason)
        else:
            conversation["ends_us"] = ends_us
            conversation["ends_reason"] = reason
            self._schedule(tenant, conversation)

    def _turn_down(self, tenant: str, conversation: Conversation, at_us: int) -> None:
        """Ended without ever starting: nobody took the call."""
        self.changing(tenant)
        finish(conversation, at_us, "unknown")
        events.announce(self, tenant, events.REJECTED, conversation, at_us)

    def end_call(self, tenant: str, conversation_id: str, at_us: int) -> None:
        """The timer of a call in progress: `ended` at its due instant."""
        conversation = self._due(tenant, conversation_id, "started", "ends_us", at_us)
        if conversation is not None:
            self.changing(tenant)
            self._end(tenant, conversation, at_us, conversation["ends_reason"])

    def _end(self, tenant: str, conversation: Conversation, at_us: int, reason: str) -> None:
        finish(conversation, at_us, reason)
        events.announce(self, tenant, events.ENDED, conversation, at_us)

    def _due(
        self, tenant: str, conversation_id: str, status: str, due_key: Literal["answers_us", "ends_us"], at_us: int
    ) -> Conversation | None:
        """The conversation a timer is for, unless a reset, a restore or a change replaced it since."""
        state = self.store.get(tenant)
        conversation = state["conversations"].get(conversation_id) if state else None
        if conversation is None or conversation["status"] != status or conversation.get(due_key) != at_us:
            return None
        return conversation

    # --- timers --------------------------------------------------------------------------------

    def reschedule_calls(self) -> None:
        """After a reset or a restored snapshot: the timers of the calls still queued or in progress."""
        self.provider.runtime.timers.cancel_prefix(TIMER_PREFIX)
        for tenant, state in self.store.items():
            for conversation in state["conversations"].values():
                self._schedule(tenant, conversation)

    def _schedule(self, tenant: str, conversation: Conversation) -> None:
        """The conversation's next instant on the clock, if any: a queued call's answer or a started call's end."""
        conversation_id = conversation["id"]
        key = f"{TIMER_PREFIX}{tenant}:{conversation_id}"
        timers = self.provider.runtime.timers
        if conversation.get("status") == "queued" and "answers_us" in conversation:
            timers.schedule(key, conversation["answers_us"], lambda at: self.answer_call(tenant, conversation_id, at))
        elif conversation.get("status") == "started" and "ends_us" in conversation:
            timers.schedule(key, conversation["ends_us"], lambda at: self.end_call(tenant, conversation_id, at))

    # --- recordings ----------------------------------------------------------------------------

    def recording_url(self, tenant: str, conversation_id: str) -> str:
        """Where a conversation's audio is: only one that started and has ended has any (Inferred)."""
        conversation = self.conversation(tenant, conversation_id)
        if conversation["started_us"] is None or conversation["status"] != "ended":
            raise RecordingNotFound()
        account_id = self.tenant(tenant)["account"]["id"]
        return self.settings.recording_url_template.format(account_id=account_id, conversation_id=conversation_id)


def finish(conversation: Conversation, at_us: int, reason: str) -> None:
    """A conversation `ended` at `at_us`; its pending end, if any, is gone."""
    conversation["status"] = "ended"
    conversation["ended_us"] = at_us
    conversation["ended_reason"] = reason
    conversation.pop("ends_us", None)
    conversation.pop("ends_reason", None)
