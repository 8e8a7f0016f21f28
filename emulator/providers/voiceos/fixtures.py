"""The `voiceos:` section of a fixture file, and the provider's settings."""

from __future__ import annotations

from typing import Annotated, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .bodies import AgentConfiguration, PhoneNumberWebhook

E164_PATTERN = r"^\+[1-9][0-9]{6,14}$"
TIME_HELP = "RFC 3339; the current virtual time when left out."


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


# How long a webhook call may take, connection to reply, in real seconds.
WebhookSeconds = Annotated[float, Field(gt=0, le=60)]


class InventoryNumber(Strict):
    """A number `GET /phone_numbers/buy` offers until some account holds it."""

    phone_number: str = Field(pattern=E164_PATTERN)
    postal_code: Optional[str] = None
    iso_country: Optional[str] = None


class VoiceosSettings(Strict):
    """Knobs for behaviour the facts mark as inferred; each default is what the spec says."""

    inventory: list[InventoryNumber] = Field(
        default_factory=list,
        description="Numbers offered for sale, shared by all accounts, in the order searches list them.",
    )
    buy_pick: Literal["random", "first"] = Field(
        "random", description="Which available number POST /phone_numbers/buy takes when none is named."
    )
    buy_unlisted_numbers: bool = Field(
        False,
        description="Let POST /phone_numbers/buy take any free E.164 number, not only the inventory's.",
    )
    on_agent_delete: Literal["detach", "keep"] = Field(
        "detach",
        description="What deleting an agent does to numbers whose inbound_agent_id names it: "
        "`detach` sets it to null (and bumps updated_at), `keep` leaves the dangling id.",
    )
    unknown_agent_status: Literal[404, 422] = Field(
        404,
        description="PATCH of a phone number with an inbound_agent_id that is not one of the "
        "account's agents: 404 {detail: Agent not found}, or a 422 validation error.",
    )
    list_order: Literal["oldest_first", "newest_first"] = Field(
        "oldest_first", description="Order of the items in list pages."
    )
    missing_auth_status: Literal[401, 403] = Field(
        401,
        description="Status for a missing or non-bearer Authorization header; FastAPI's HTTPBearer "
        "answered 403 in the versions of 2024.",
    )
    accept_x_api_key: bool = Field(
        False, description="Also accept the key in an X-API-KEY header, as the legacy Flutter SDK sent it."
    )
    connection_webhook_timeout_seconds: WebhookSeconds = Field(
        5.0,
        description="How long a simulated call waits for each phone_call:connection_requested webhook "
        "(connect, send and reply) before it falls back to the number's inbound_agent_id.",
    )
    connection_webhooks_called: Literal["all", "until_agent"] = Field(
        "all",
        description="`all`: every webhook subscribed to phone_call:connection_requested is called, in "
        "list order, and the first valid agent_id reply wins; `until_agent`: the calls stop at that reply.",
    )
    call_duration_seconds: float = Field(
        60.0,
        ge=0,
        le=86400,
        description="Virtual seconds a simulated call lasts from `started` to `ended` (0: it ends at once); "
        "a simulation can override it with `duration_seconds`, and the agent's max_duration_seconds caps it.",
    )
    call_ended_reason: Literal["user_ended", "agent_ended", "unknown"] = Field(
        "user_ended", description="ended_reason of a simulated call that ends before its agent's max_duration_seconds."
    )
    event_webhook_timeout_seconds: WebhookSeconds = Field(
        5.0,
        description="How long one delivery of a conversation event (phone_call:accepted, conversation:ended…) "
        "may take before it counts as failed; events are not retried.",
    )
    outbound_answer_seconds: float = Field(
        5.0,
        ge=0,
        le=3600,
        description="Virtual seconds an outbound call (POST /conversations/create_phone_call) stays `queued` "
        "before the callee answers (0: it starts at once).",
    )
    outbound_call_outcome: Literal["answered", "rejected"] = Field(
        "answered",
        description="What the callee of an outbound call does: `answered` starts the conversation; `rejected` "
        "ends it unanswered (never started, ended_reason `unknown`, phone_call:rejected).",
    )
    recording_url_template: str = Field(
        "https://recordings.voiceos.invalid/{account_id}/{conversation_id}.wav",
        description="recording_url of a conversation that started and ended; {account_id} and {conversation_id} "
        "are filled in. The emulator has no audio: the default host is reserved and never resolves.",
    )
    rejected_calls: Literal["record", "drop"] = Field(
        "record",
        description="A simulated call without an agent: `record` keeps an ended conversation (ended_reason "
        "`unknown`, no agent, never started) so the conversation_id the webhooks received resolves; "
        "`drop` records nothing and sends no phone_call:rejected.",
    )

    @field_validator("recording_url_template")
    @classmethod
    def fillable_template(cls, value: str) -> str:
        try:
            value.format(account_id="acc", conversation_id="conv")
        except (KeyError, IndexError, ValueError) as exc:
            raise ValueError(f"only {{account_id}} and {{conversation_id}} can be filled in ({exc!r})") from None
        return value

    @field_validator("inventory")
    @classmethod
    def unique_numbers(cls, value: list[InventoryNumber]) -> list[InventoryNumber]:
        seen: set[str] = set()
        for item in value:
            if item.phone_number in seen:
                raise ValueError(f"{item.phone_number} is listed twice")
            seen.add(item.phone_number)
        return value


class AgentFixture(AgentConfiguration):
    """An agent: the POST /agents fields plus a fixed id and creation time."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: Optional[str] = Field(None, pattern=r"^agt_[0-9a-f]{24}$")
    created_at: Optional[str] = Field(None, description=TIME_HELP)


class TelephonyFixture(Strict):
    """account_sid and auth_token set means a number imported from the user's Twilio account."""

    provider: Literal["twilio"] = "twilio"
    phone_number_sid: Optional[str] = Field(None, pattern=r"^PN[0-9a-fA-F]{32}$")
    account_sid: Optional[str] = None
    auth_token: Optional[str] = None


class NumberFixture(Strict):
    id: Optional[str] = Field(None, pattern=r"^pn_[0-9a-f]{24}$")
    phone_number: str = Field(pattern=E164_PATTERN)
    inbound_agent_id: Optional[str] = Field(None, description="Id of an agent of the same account.")
    webhooks: list[PhoneNumberWebhook] = Field(default_factory=list)
    telephony: TelephonyFixture = Field(default_factory=lambda: TelephonyFixture.model_validate({}))
    created_at: Optional[str] = Field(None, description=TIME_HELP)
    updated_at: Optional[str] = Field(None, description="RFC 3339; created_at when left out.")


class MessageFixture(Strict):
    role: Literal["agent", "user"]
    content: str


class PhoneCallFixture(Strict):
    provider: Literal["twilio"] = "twilio"
    to_number: str
    from_number: str


class VoiceCostFixture(Strict):
    provider: Literal["azure", "elevenlabs", "rime", "deepgram", "playht"]
    cost: float
    characters: int


class TranscriberCostFixture(Strict):
    provider: Literal["deepgram", "azure"]
    cost: float
    seconds: float


class LanguageModelCostFixture(Strict):
    provider: Literal["openai"] = "openai"
    cost: float
    input_tokens: int
    output_tokens: int


class TelephonyCostFixture(Strict):
    provider: Literal["twilio"] = "twilio"
    cost: float
    seconds: float


class AgentCostFixture(Strict):
    provider: Literal["voiceos"] = "voiceos"
    cost: float
    seconds: float


class CostFixture(Strict):
    total: float
    voice: VoiceCostFixture
    transcriber: TranscriberCostFixture
    language_model: LanguageModelCostFixture
    telephony: Optional[TelephonyCostFixture] = None
    agent: AgentCostFixture


class ConversationFixture(Strict):
    """A past conversation; `agent_config` defaults to the configuration of `agent_id`."""

    id: Optional[str] = Field(None, pattern=r"^conv_[0-9a-f]{24}$")
    type: Literal["inbound_phone_call", "outbound_phone_call"] = "inbound_phone_call"
    status: Literal["started", "ended", "queued"] = "ended"
    started_at: Optional[str] = None
    ended_at: Optional[str] = None
    agent_id: Optional[str] = None
    agent_config: Optional[AgentConfiguration] = None
    messages: list[MessageFixture] = Field(default_factory=list)
    phone_call: Optional[PhoneCallFixture] = None
    ended_reason: Optional[Literal["agent_ended", "user_ended", "unknown"]] = None
    cost_breakdown: Optional[CostFixture] = None
    created_at: Optional[str] = Field(None, description="RFC 3339; started_at, or now, when left out.")


class AccountFixture(Strict):
    tenant: str = Field(min_length=1, description="Name of the tenant in the control API.")
    id: Optional[str] = Field(None, pattern=r"^acc_[0-9a-f]{24}$", description="Generated when left out.")
    api_keys: list[str] = Field(default_factory=list, description="Bearer keys of the account.")
    agents: list[AgentFixture] = Field(default_factory=list)
    numbers: list[NumberFixture] = Field(default_factory=list)
    conversations: list[ConversationFixture] = Field(default_factory=list)

    @field_validator("api_keys")
    @classmethod
    def non_empty_keys(cls, value: list[str]) -> list[str]:
        if any(not key.strip() or key != key.strip() or " " in key for key in value):
            raise ValueError("an API key is a non-empty string without spaces")
        return value


class VoiceosFixture(Strict):
    settings: Optional[VoiceosSettings] = None
    accounts: list[AccountFixture] = Field(default_factory=list)
