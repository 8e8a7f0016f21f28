"""A fixture's account turned into an account's state, checked against the accounts already loaded."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from ...core.fixtures import FixtureError
from .bodies import AgentConfiguration, dump_webhook, stored_config
from .fixtures import AccountFixture, ConversationFixture
from .models import config_of, new_account_state, new_agent, new_conversation, new_number, to_us
from .state import Conversation, TenantState

if TYPE_CHECKING:
    from ...core.clock import VirtualClock
    from .backend import VoiceosBackend


def account_state(account: AccountFixture, where: str, backend: "VoiceosBackend") -> TenantState:
    """The account's state; a key or a number that another account (or this one) already has is refused."""
    clock = backend.clock
    state = new_account_state(account.id)
    for position, key in enumerate(account.api_keys):
        if backend.tenant_of_key(key) is not None or key in state["api_keys"]:
            raise FixtureError(f"{where}.api_keys[{position}]: API key {key!r} is used twice")
        state["api_keys"].append(key)
    for position, agent in enumerate(account.agents):
        place = f"{where}.agents[{position}]"
        if agent.id in state["agents"]:
            raise FixtureError(f"{place}.id: agent {agent.id} is declared twice")
        created = fixture_time(clock, agent.created_at, f"{place}.created_at")
        stored = new_agent(stored_config(agent), created, agent.id)
        state["agents"][stored["id"]] = stored
    for position, number in enumerate(account.numbers):
        place = f"{where}.numbers[{position}]"
        if number.phone_number in backend.number_owner or number.phone_number in state["numbers"]:
            raise FixtureError(f"{place}.phone_number: {number.phone_number} is declared twice")
        if number.inbound_agent_id is not None and number.inbound_agent_id not in state["agents"]:
            raise FixtureError(f"{place}.inbound_agent_id: no agent {number.inbound_agent_id!r} in this account")
        created = fixture_time(clock, number.created_at, f"{place}.created_at")
        updated = fixture_time(clock, number.updated_at, f"{place}.updated_at") if number.updated_at else created
        state["numbers"][number.phone_number] = new_number(
            phone_number=number.phone_number,
            now_us=created,
            number_id=number.id,
            inbound_agent_id=number.inbound_agent_id,
            webhooks=[dump_webhook(w) for w in number.webhooks],
            phone_number_sid=number.telephony.phone_number_sid,
            account_sid=number.telephony.account_sid,
            auth_token=number.telephony.auth_token,
            updated_us=updated,
        )
    for position, conversation in enumerate(account.conversations):
        record = conversation_record(clock, conversation, state, f"{where}.conversations[{position}]")
        state["conversations"][record["id"]] = record
    return state


def conversation_record(
    clock: "VirtualClock", item: ConversationFixture, state: TenantState, where: str
) -> Conversation:
    """A past conversation; its configuration is its own, its agent's, or the defaults."""
    if item.agent_id is not None and item.agent_id not in state["agents"]:
        raise FixtureError(f"{where}.agent_id: no agent {item.agent_id!r} in this account")
    if item.agent_config is not None:
        config = stored_config(item.agent_config)
    elif item.agent_id is not None:
        config = config_of(state["agents"][item.agent_id])
    else:
        config = stored_config(AgentConfiguration())
    started = fixture_time(clock, item.started_at, f"{where}.started_at") if item.started_at else None
    ended = fixture_time(clock, item.ended_at, f"{where}.ended_at") if item.ended_at else None
    created = fixture_time(clock, item.created_at, f"{where}.created_at") if item.created_at else started
    return new_conversation(
        kind=item.type,
        status=item.status,
        agent_config=config,
        created_us=created if created is not None else clock.stamp_us(),
        agent_id=item.agent_id,
        started_us=started,
        ended_us=ended,
        messages=[m.model_dump() for m in item.messages],  # type: ignore[misc]
        phone_call=item.phone_call.model_dump() if item.phone_call else None,  # type: ignore[arg-type]
        ended_reason=item.ended_reason,
        cost_breakdown=item.cost_breakdown.model_dump() if item.cost_breakdown else None,
        conversation_id=item.id,
    )


def fixture_time(clock: "VirtualClock", value: str | None, where: str) -> int:
    """An RFC 3339 time in µs; the current virtual time when left out."""
    if value is None:
        return clock.stamp_us()
    try:
        return to_us(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        raise FixtureError(f"{where}: {value!r} is not an RFC 3339 time") from None
