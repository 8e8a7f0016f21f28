"""Pydantic v2 mirrors of VoiceOS's request bodies, so validation errors read like FastAPI's.

The service is a FastAPI app: request bodies are pydantic models, unknown keys are ignored,
enums are Python enums (error type `enum`), and the voice, transcriber and language-model
objects are unions tried in order. Class names matter: pydantic puts them into the `loc` of
union errors, as the service does (`["body", "voice", "PlayhtVoice", "speed"]`).
"""

from __future__ import annotations

import enum
from typing import Annotated, Any, Callable, Generic, Literal, Optional, TypeVar, Union, cast

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
    model_validator,
)

from .phone import E164, normalize_number
from .state import AgentConfig, StoredWebhook


class MethodEnum(str, enum.Enum):
    GET = "GET"
    POST = "POST"


class PhoneNumberEvents(str, enum.Enum):
    connection_requested = "phone_call:connection_requested"


class EventName(str, enum.Enum):
    connection_requested = "phone_call:connection_requested"
    rejected = "phone_call:rejected"
    accepted = "phone_call:accepted"
    function_call_triggered = "function_call:triggered"
    conversation_started = "conversation:started"
    conversation_ended = "conversation:ended"
    conversation_duration = "conversation:duration"
    speech_started = "speech:started"
    speech_ended = "speech:ended"
    message_sent = "message:sent"
    message_generated = "message:generated"


class PhoneNumberProvider(str, enum.Enum):
    twilio = "twilio"


class ConversationStatus(str, enum.Enum):
    started = "started"
    ended = "ended"
    queued = "queued"


EventT = TypeVar("EventT", bound=enum.Enum)


class ElevenLabsModel(str, enum.Enum):
    eleven_multilingual_v2 = "eleven_multilingual_v2"
    eleven_monolingual_v1 = "eleven_monolingual_v1"
    eleven_turbo_v2 = "eleven_turbo_v2"


def null_means_left_out(default: Callable[[], Any]) -> BeforeValidator:
    """`null` for a field that document 0.8.0 gives no default (so pydantic, and the official SDK,
    take it as optional): read as the field left out, whose value the service then fills in."""
    return BeforeValidator(lambda value: default() if value is None else value)


# --- phone numbers ------------------------------------------------------------------------


class Body(BaseModel):
    """Request bodies: each model is built on first use, so start-up pays only for what it uses."""

    model_config = ConfigDict(defer_build=True)


class WebhookFields(Body, Generic[EventT]):
    """A webhook, of a phone number or of an agent: they differ in the events they may subscribe to.
    An empty `events` list is taken (the document sets no minimum): such a webhook is never called."""

    events: list[EventT]
    url: str
    method: MethodEnum
    headers: Optional[dict[str, str]] = None
    filter: Optional[str] = None


class PhoneNumberWebhook(WebhookFields[PhoneNumberEvents]):
    """A phone-number webhook; only `phone_call:connection_requested` can be subscribed to."""


class UpdatePhoneNumber(Body):
    """PATCH body: which keys were sent (`model_fields_set`) decides what changes."""

    inbound_agent_id: Optional[str] = None
    webhooks: Optional[list[PhoneNumberWebhook]] = None


class BuyPhoneNumber(Body):
    provider: Annotated[PhoneNumberProvider, null_means_left_out(lambda: PhoneNumberProvider.twilio)] = (
        PhoneNumberProvider.twilio
    )
    phone_number: Optional[str] = None


# --- agents -------------------------------------------------------------------------------


class Open(Body):
    """Provider sub-objects keep keys they do not know (newer docs add `credential_id`…)."""

    model_config = ConfigDict(extra="allow")


class PlayhtVoice(Open):
    provider: Literal["playht"] = "playht"
    model: Optional[str] = None
    speed: float = Field(1.0, ge=0, le=5)
    temperature: Optional[float] = Field(None, ge=0, le=2)
    text_guidance: Optional[float] = Field(None, ge=1, le=2)
    style_guidance: Optional[float] = Field(None, ge=1, le=30)


ELEVENLABS_LEVEL_DEFAULT = 0.5


def integer_or_documented_default(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Document 0.8.0 types `similarity_boost` and `stability` as integers from 0 to 1, yet gives them
    the default 0.5 (which the official SDK sends): that one fraction passes, any other one is refused."""
    if type(value) is float and value == ELEVENLABS_LEVEL_DEFAULT:
        return value
    return handler(value)


# An integer stays an integer on the way back: SDK 0.8.1.3 refuses 1.0 where it expects 1.
ElevenLabsLevel = Annotated[
    int,
    Field(ge=0, le=1),
    WrapValidator(integer_or_documented_default),
    PlainSerializer(lambda value: value, return_type=Any),
]


class ElevenlabsVoice(Open):
    provider: Literal["elevenlabs"] = "elevenlabs"
    voice_id: Optional[str] = None
    model_id: Annotated[ElevenLabsModel, null_means_left_out(lambda: ElevenLabsModel.eleven_turbo_v2)] = (
        ElevenLabsModel.eleven_turbo_v2
    )
    optimize_latency: int = Field(3, ge=0, le=4)
    use_speaker_boost: bool = False
    similarity_boost: ElevenLabsLevel = ELEVENLABS_LEVEL_DEFAULT
    stability: ElevenLabsLevel = ELEVENLABS_LEVEL_DEFAULT


class AzureVoice(Open):
    provider: Literal["azure"] = "azure"
    model: Optional[str] = None
    pitch: int = Field(0, ge=-20, le=20)
    rate: int = Field(0, ge=-50, le=50)


class DeepgramVoice(Open):
    provider: Literal["deepgram"] = "deepgram"
    model: Optional[str] = None


class RimeVoice(Open):
    provider: Literal["rime"] = "rime"
    speaker: Optional[str] = None
    speed_alpha: float = Field(1.0, ge=0.5, le=2)
    reduce_latency: bool = False


class DeepgramTranscriber(Open):
    provider: Literal["deepgram"] = "deepgram"
    model: Optional[str] = None
    language: Optional[str] = None
    keywords: Annotated[list[str], null_means_left_out(list)] = Field(default_factory=list)


class AzureTranscriber(Open):
    provider: Literal["azure"] = "azure"
    languages: Annotated[list[str], null_means_left_out(lambda: ["en-US"])] = Field(default_factory=lambda: ["en-US"])


class OpenAI(Open):
    provider: Literal["openai"] = "openai"
    model: Optional[str] = None


Voice = Union[PlayhtVoice, ElevenlabsVoice, AzureVoice, DeepgramVoice, RimeVoice]
Transcriber = Union[DeepgramTranscriber, AzureTranscriber]


class Webhook(WebhookFields[EventName]):
    """An agent webhook: the same fields as a phone-number webhook, with every event name."""


class AgentConfiguration(Body):
    """POST /agents: every field optional; left-out fields take the defaults below."""

    initial_message: Optional[str] = None
    prompt: Optional[str] = None
    voice: Optional[Voice] = None
    language_model: Optional[OpenAI] = None
    transcriber: Optional[Transcriber] = None
    max_duration_seconds: Optional[int] = 600
    webhooks: Optional[list[Webhook]] = None
    metadata: Optional[dict[str, str]] = None


class UpdateAgent(Body):
    """PATCH /agents/{id}: only the keys sent change, each replacing the stored value."""

    initial_message: Optional[str] = None
    prompt: Optional[str] = None
    voice: Optional[Voice] = None
    language_model: Optional[OpenAI] = None
    transcriber: Optional[Transcriber] = None
    max_duration_seconds: Optional[int] = None
    webhooks: Optional[list[Webhook]] = None
    metadata: Optional[dict[str, str]] = None


AGENT_FIELDS = tuple(AgentConfiguration.model_fields)


# --- conversations ------------------------------------------------------------------------


class CreateCall(Body):
    """POST /conversations/create_phone_call: from one of the account's numbers to `to_number`,
    with the agent `agent_id` names or, when it is null, the configuration `agent_config`."""

    from_number: str
    to_number: str
    agent_id: Optional[str] = None
    agent_config: Optional[AgentConfiguration] = None

    @field_validator("from_number")
    @classmethod
    def account_number(cls, value: str) -> str:
        return normalize_number(value)

    @field_validator("to_number")
    @classmethod
    def dialable(cls, value: str) -> str:
        """Inferred: a number the telephony provider cannot dial is refused before anything is placed."""
        number = normalize_number(value)
        if not E164.match(number):
            raise ValueError("to_number must be a phone number including the country code (E.164)")
        return number

    @model_validator(mode="after")
    def has_an_agent(self) -> "CreateCall":
        """Each of the two says the other is used when it is null, so one of them is needed (Inferred)."""
        if self.agent_id is None and self.agent_config is None:
            raise ValueError("agent_id or agent_config is required")
        return self


def dump_webhook(webhook: WebhookFields[Any]) -> StoredWebhook:
    """As stored and returned: every key present, `headers` `{}` when none were given."""
    return {
        "events": [event.value for event in webhook.events],
        "url": webhook.url,
        "method": webhook.method.value,
        "headers": dict(webhook.headers or {}),
        "filter": webhook.filter,
    }


def dump_part(value: BaseModel | None) -> dict[str, Any] | None:
    """A voice, transcriber or language model as stored: defaults filled, nulls left out."""
    if value is None:
        return None
    return value.model_dump(mode="json", exclude_none=True)


def stored_field(name: str, value: Any) -> Any:
    """One agent configuration field as stored."""
    if name in ("voice", "language_model", "transcriber"):
        return dump_part(value)
    if name == "webhooks":
        return [dump_webhook(w) for w in value or []]
    if name == "metadata":
        return dict(value or {})
    return value


def stored_config(config: AgentConfiguration) -> AgentConfig:
    """Every agent configuration field as stored, the defaults for those left out."""
    return cast(AgentConfig, {name: stored_field(name, getattr(config, name)) for name in AGENT_FIELDS})


def stored_changes(update: UpdateAgent) -> dict[str, Any]:
    """The fields a PATCH of an agent sent, as stored: each replaces the stored value whole."""
    return {name: stored_field(name, getattr(update, name)) for name in AGENT_FIELDS if name in update.model_fields_set}
