"""VoiceOS resources as stored (plain dicts, times in µs) and as rendered on the wire.

Key order follows the SDK models (and so the service's response models). Ids are Inferred:
a prefix and 24 lowercase hex digits (`pn_`, `agt_`, `acc_`, `conv_`).
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone
from typing import Any, Mapping

from ...core.clock import utc_parts
from .bodies import AGENT_FIELDS
from .fixtures import InventoryNumber
from .state import (
    Agent,
    AgentConfig,
    Conversation,
    Message,
    PhoneCall,
    PhoneNumber,
    StoredWebhook,
    TenantState,
)

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
ONE_US = timedelta(microseconds=1)


def new_id(prefix: str) -> str:
    return f"{prefix}_{secrets.token_hex(12)}"


def new_phone_number_sid() -> str:
    return "PN" + secrets.token_hex(16)


def to_us(moment: datetime) -> int:
    """Exact microseconds since the epoch; a naive time is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return (moment - EPOCH) // ONE_US


def render_time(us: int | None) -> str | None:
    """How pydantic v2 writes a UTC datetime: `Z`, six fraction digits only when non-zero."""
    if us is None:
        return None
    text, fraction = utc_parts(us)
    return f"{text}.{fraction:06d}Z" if fraction else f"{text}Z"


def new_account_state(account_id: str | None = None) -> TenantState:
    """An account without keys or resources (fixtures and auto tenants fill it)."""
    return {
        "account": {"id": account_id or new_id("acc")},
        "api_keys": [],
        "numbers": {},
        "agents": {},
        "conversations": {},
        "retained": [],
    }


# --- phone numbers ------------------------------------------------------------------------


def new_number(
    *,
    phone_number: str,
    now_us: int,
    number_id: str | None = None,
    inbound_agent_id: str | None = None,
    webhooks: list[StoredWebhook] | None = None,
    phone_number_sid: str | None = None,
    account_sid: str | None = None,
    auth_token: str | None = None,
    updated_us: int | None = None,
) -> PhoneNumber:
    return {
        "id": number_id or new_id("pn"),
        "phone_number": phone_number,
        "inbound_agent_id": inbound_agent_id,
        "webhooks": webhooks or [],
        "telephony": {
            "provider": "twilio",
            "phone_number_sid": phone_number_sid or new_phone_number_sid(),
            "account_sid": account_sid,
            "auth_token": auth_token,
        },
        "created_us": now_us,
        "updated_us": now_us if updated_us is None else updated_us,
    }


def render_number(number: PhoneNumber, account_id: str, with_id: bool = True) -> dict[str, Any]:
    """PhoneNumberResponse; without `id` it is the `PhoneNumber` that DELETE returns."""
    rendered: dict[str, Any] = {
        "uri": f"/phone_numbers/{number['phone_number']}",
        "inbound_agent_id": number["inbound_agent_id"],
        "phone_number": number["phone_number"],
        "account_id": account_id,
        "created_at": render_time(number["created_us"]),
        "updated_at": render_time(number["updated_us"]),
        "telephony": dict(number["telephony"]),
        "webhooks": [render_webhook(w) for w in number["webhooks"]],
    }
    if with_id:
        rendered["id"] = number["id"]
    return rendered


def render_webhook(webhook: StoredWebhook) -> dict[str, Any]:
    return {
        "events": list(webhook["events"]),
        "url": webhook["url"],
        "method": webhook["method"],
        "headers": dict(webhook["headers"]),
        "filter": webhook["filter"],
    }


def render_to_buy(item: InventoryNumber) -> dict[str, Any]:
    return {
        "provider": "twilio",
        "phone_number": item.phone_number,
        "postal_code": item.postal_code,
        "iso_country": item.iso_country,
    }


# --- agents -------------------------------------------------------------------------------


AGENT_META = ("id", "created_us", "updated_us")


def new_agent(config: AgentConfig, now_us: int, agent_id: str | None = None) -> Agent:
    """`config` is the stored form of every AgentConfiguration field (bodies.stored_config)."""
    return {**config, "id": agent_id or new_id("agt"), "created_us": now_us, "updated_us": now_us}


def config_of(agent: Agent) -> AgentConfig:
    """The agent's configuration without its id and stamps, as a conversation keeps a copy of it."""
    return {k: v for k, v in agent.items() if k not in AGENT_META}  # type: ignore[return-value]


def agent_config(agent: AgentConfig) -> dict[str, Any]:
    """AgentConfigurationResponse: every configuration key, in the service's order."""
    stored: Mapping[str, Any] = agent
    rendered: dict[str, Any] = {}
    for name in AGENT_FIELDS:
        value = stored.get(name)
        if name == "webhooks":
            value = [render_webhook(w) for w in value or []]
        elif name == "metadata":
            value = dict(value or {})
        rendered[name] = value
    return rendered


def render_agent(agent: Agent, account_id: str) -> dict[str, Any]:
    return {
        **agent_config(agent),
        "uri": f"/agents/{agent['id']}",
        "account_id": account_id,
        "created_at": render_time(agent["created_us"]),
        "updated_at": render_time(agent["updated_us"]),
        "id": agent["id"],
    }


# --- conversations ------------------------------------------------------------------------


def new_conversation(
    *,
    kind: str,
    status: str,
    agent_config: AgentConfig,
    created_us: int,
    agent_id: str | None = None,
    started_us: int | None = None,
    ended_us: int | None = None,
    messages: list[Message] | None = None,
    phone_call: PhoneCall | None = None,
    ended_reason: str | None = None,
    cost_breakdown: dict[str, Any] | None = None,
    conversation_id: str | None = None,
) -> Conversation:
    """A conversation record, as fixtures seed them and simulated calls create them."""
    return {
        "id": conversation_id or new_id("conv"),
        "type": kind,
        "status": status,
        "started_us": started_us,
        "ended_us": ended_us,
        "agent_config": agent_config,
        "agent_id": agent_id,
        "messages": messages or [],
        "phone_call": phone_call,
        "ended_reason": ended_reason,
        "cost_breakdown": cost_breakdown,
        "created_us": created_us,
    }


def render_conversation(conversation: Conversation, account_id: str) -> dict[str, Any]:
    return {
        "uri": f"/conversations/{conversation['id']}",
        "type": conversation["type"],
        "account_id": account_id,
        "status": conversation["status"],
        "started_at": render_time(conversation["started_us"]),
        "ended_at": render_time(conversation["ended_us"]),
        "agent_config": agent_config(conversation["agent_config"]),
        "agent_id": conversation["agent_id"],
        "messages": [dict(m) for m in conversation["messages"]],
        "phone_call": dict(conversation["phone_call"]) if conversation["phone_call"] else None,
        "ended_reason": conversation["ended_reason"],
        "cost_breakdown": conversation["cost_breakdown"],
        "id": conversation["id"],
    }
