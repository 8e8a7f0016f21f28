"""One VoiceOS account's state as stored: typed shapes over plain JSON data, times in µs.

They type the backend's and the handlers' signatures only. At run time every record is a plain
dict, so snapshots, the state file and a per-test reset copy plain data and rebuild nothing.
"""

from __future__ import annotations

from typing import Any, Literal, NotRequired, TypedDict

Collection = Literal["numbers", "agents", "conversations"]
COLLECTIONS: tuple[Collection, ...] = ("numbers", "agents", "conversations")


class StoredWebhook(TypedDict):
    """A phone number's or an agent's webhook: every key present, `headers` `{}` when none were sent."""

    events: list[str]
    url: str
    method: str
    headers: dict[str, str]
    filter: str | None


class Telephony(TypedDict):
    """`account_sid` and `auth_token` are set only for a number imported from the user's Twilio account."""

    provider: str
    phone_number_sid: str
    account_sid: str | None
    auth_token: str | None


class PhoneNumber(TypedDict):
    id: str
    phone_number: str
    inbound_agent_id: str | None
    webhooks: list[StoredWebhook]
    telephony: Telephony
    created_us: int
    updated_us: int


class NumberChanges(TypedDict, total=False):
    """What a PATCH of a phone number sent: only these keys change."""

    inbound_agent_id: str | None
    webhooks: list[StoredWebhook]


class AgentConfig(TypedDict):
    """Every AgentConfiguration field in its stored form (bodies.stored_config); sub-objects keep unknown keys."""

    initial_message: str | None
    prompt: str | None
    voice: dict[str, Any] | None
    language_model: dict[str, Any] | None
    transcriber: dict[str, Any] | None
    max_duration_seconds: int | None
    webhooks: list[StoredWebhook]
    metadata: dict[str, str]


class Agent(AgentConfig):
    id: str
    created_us: int
    updated_us: int


class Message(TypedDict):
    role: str
    content: str


class PhoneCall(TypedDict):
    provider: str
    to_number: str
    from_number: str


class Conversation(TypedDict):
    """A call's record. While the clock holds something in store for it: `answers_us` while an
    outbound call is `queued` (the callee answers then), `ends_us` and `ends_reason` while it is
    `started` (it ends then, for that reason)."""

    id: str
    type: str
    status: str
    started_us: int | None
    ended_us: int | None
    agent_config: AgentConfig
    agent_id: str | None
    messages: list[Message]
    phone_call: PhoneCall | None
    ended_reason: str | None
    cost_breakdown: dict[str, Any] | None
    created_us: int
    answers_us: NotRequired[int]
    ends_us: NotRequired[int]
    ends_reason: NotRequired[str]


class Account(TypedDict):
    id: str


class TenantState(TypedDict):
    """One account: its keys, its resources by key (numbers by E.164), and `retained`: numbers it
    deleted without releasing them, still held at Twilio so nobody else can buy them."""

    account: Account
    api_keys: list[str]
    numbers: dict[str, PhoneNumber]
    agents: dict[str, Agent]
    conversations: dict[str, Conversation]
    retained: list[str]
