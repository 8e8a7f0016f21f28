"""The `signalwire:` section of a fixture file, and the provider's settings."""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, NonNegativeFloat, field_validator, model_validator

from .geo import AREA_CODES, TOLL_FREE_AREA_CODES
from .phonefmt import NANP, parse
from .state import AddressType

Capability = Literal["voice", "sms", "mms", "fax"]
ALL_CAPABILITIES: list[Capability] = ["voice", "fax", "sms", "mms"]
ALL_SCOPES = ["calling", "chat", "fax", "management", "messaging", "numbers", "pubsub", "storage", "tasking", "video"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


def canonical_uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except (ValueError, AttributeError, TypeError):
        raise ValueError(f"{value!r} is not a UUID") from None


# A UUID in any accepted spelling, stored canonical (lower case, hyphenated).
Uuid = Annotated[str, AfterValidator(canonical_uuid)]


class InventoryNumber(Strict):
    """A number the search offers and a purchase accepts; blanks are filled from the area code."""

    number: str = Field(pattern=NANP.pattern, description="A North American E.164 number, +1NXXNXXXXXX.")
    number_type: Literal["local", "toll-free"] | None = Field(
        None, description="Derived from the area code (800, 833, 844, 855, 866, 877, 888 are toll-free)."
    )
    region: str | None = Field(None, pattern=r"^[A-Z]{2}$")
    city: str | None = None
    rate_center: str | None = None
    lata: str | None = None
    capabilities: list[Capability] = Field(default_factory=lambda: list(ALL_CAPABILITIES))

    @model_validator(mode="after")
    def fill_from_area_code(self) -> InventoryNumber:
        parsed = parse(self.number)
        if self.number_type is None:
            self.number_type = "toll-free" if parsed.area_code in TOLL_FREE_AREA_CODES else "local"
        if self.number_type == "local":
            known = AREA_CODES.get(parsed.area_code or "")
            if known is not None:
                self.region = self.region or known.region
                self.city = self.city or known.city
                self.rate_center = self.rate_center or known.rate_center
                self.lata = self.lata or known.lata
        else:
            self.region = self.city = self.rate_center = None
        return self

    @property
    def country_code(self) -> str:
        return parse(self.number).country or "US"


class SignalwireSettings(Strict):
    """Knobs for behaviour the facts mark as inferred or variable."""

    release_window_days: float = Field(
        14, ge=0, description="A purchased number cannot be released for this long after its purchase."
    )
    trial_release_window_days: float = Field(30, ge=0, description="The same window for projects marked `trial`.")
    e911_activation_seconds: float = Field(
        120, ge=0, description="Virtual time an E911 assignment stays `pending` before `active` (or `failed`)."
    )
    e911_removal_seconds: float = Field(
        120, ge=0, description="Virtual time an E911 removal stays `pending_removal` before `unregistered`."
    )
    default_name: Literal["formatted", "null"] = Field(
        "formatted", description="A new number's name: its formatted number (`+1 (503) 555-0142`) or null."
    )
    unknown_fields: Literal["reject", "ignore"] = Field(
        "reject", description="Fields a request body does not document: 422, or silently dropped."
    )
    null_clears_fields: bool = Field(
        False, description="Accept JSON null on update to clear a nullable field (otherwise 422, a wrong type)."
    )
    inventory: list[InventoryNumber] = Field(default_factory=list, description="Numbers the search offers.")
    handler_timeout_seconds: float = Field(
        10, gt=0, le=120,
        description="Real seconds a handler URL (cXML, SWML) may take to answer before the request counts as "
        "failed and the fallback URL is tried; also the time limit of each status callback attempt.",
    )
    fallback_on_invalid_reply: bool = Field(
        False,
        description="Also try the fallback URL when the handler answers 2xx with something that is not a cXML "
        "<Response> document (Twilio does; SignalWire documents the fallback only for a failed request).",
    )
    call_duration_seconds: int = Field(
        30, ge=0, description="`CallDuration` of a completed simulated call in the status callback."
    )
    audio_in_mos: str = Field(
        "4.5", pattern=r"^[0-9]+(\.[0-9]+)?$", description="`AudioInMos` (1 to 5) in the status callback."
    )
    status_callback_attempt_delays_seconds: list[NonNegativeFloat] = Field(
        default_factory=lambda: [0.0, 5.0, 30.0],
        min_length=1,
        description="Best-effort status callbacks (a call's end, a reply message's delivery states): the first "
        "attempt at once, then a retry after each further delay (virtual seconds after the previous failure).",
    )
    sha256_signature: bool = Field(
        True,
        description="JSON (SWML) requests also carry `X-SignalWire-Sha256-Signature` (hex HMAC-SHA256 of URL + "
        "body), which the official SDK says the platform sends next to `X-SignalWire-Signature`.",
    )
    swml_envs: dict[str, str] = Field(
        default_factory=dict, description="`envs` of SWML requests: the environment variables set on the project."
    )

    @field_validator("inventory")
    @classmethod
    def unique_numbers(cls, value: list[InventoryNumber]) -> list[InventoryNumber]:
        seen: set[str] = set()
        for item in value:
            if item.number in seen:
                raise ValueError(f"{item.number} is listed twice")
            seen.add(item.number)
        return value


class TokenFixture(Strict):
    token: str = Field(min_length=1)
    scopes: list[str] = Field(
        default_factory=lambda: list(ALL_SCOPES),
        description="Phone-number operations need `numbers`; lookup needs none.",
    )


class E911AddressFixture(Strict):
    """An address of the project, as the Addresses API shows it; seeded ones are trusted, not checked."""

    id: Uuid
    label: str = ""
    country: str = Field("US", pattern=r"^[A-Z]{2}$")
    first_name: str = ""
    last_name: str = ""
    street_number: str = ""
    street_name: str = ""
    address_type: AddressType | None = None
    address_number: str | None = None
    city: str = ""
    state: str = ""
    postal_code: str = ""
    validated: bool = Field(True, description="Validated by the carrier (emergency enabled): numbers may use it.")
    provisioning_fails: bool = Field(False, description="Assignments end `failed` instead of `active`.")


class SwmlWebhookFixture(Strict):
    """A Fabric SWML Webhook resource (`used_for: messaging`) assigned to the number's inbound messages.

    The Relay REST API cannot set one; the number then shows `messaging_handler_resource_id` and
    `message_handler: null`, and inbound messages are POSTed to it as SWML JSON requests.
    """

    id: Uuid | None = Field(None, description="The resource id; random when absent.")
    primary_request_url: str = Field(min_length=1)
    fallback_request_url: str | None = Field(None, description="Requested when the primary URL fails.")
    status_callback_url: str | None = Field(
        None, description="Receives message status callbacks for replies without a `status_url` of their own."
    )


class MembershipFixture(Strict):
    id: Uuid | None = None
    phone_number_id: Uuid


class NumberGroupFixture(Strict):
    id: Uuid | None = None
    name: str = Field(min_length=1)
    sticky_sender: bool = False
    memberships: list[MembershipFixture] = Field(
        default_factory=list, description="Numbers of the project in the group, by their ids."
    )


class NumberFixture(BaseModel):
    """A number the project already holds; any update field may be given too (validated as a PUT)."""

    model_config = ConfigDict(extra="allow", defer_build=True)

    id: Uuid | None = None
    number: str = Field(pattern=r"^\+[1-9][0-9]{1,14}$")
    number_type: Literal["longcode", "toll-free"] | None = None
    capabilities: list[Capability] = Field(default_factory=lambda: list(ALL_CAPABILITIES))
    imported: bool = Field(False, description="Imported numbers have no billing date and no release window.")
    purchased_days_ago: float | None = Field(None, ge=0, description="Creation time relative to start-up.")
    created_at: str | None = Field(None, description="RFC 3339 creation time (instead of purchased_days_ago).")
    e911_address_id: Uuid | None = Field(None, description="An address of the project, assigned and active.")
    message_swml_webhook: SwmlWebhookFixture | None = Field(
        None, description="A SWML webhook handling inbound messages (a Fabric resource, not settable through the API)."
    )

    def update_fields(self) -> dict[str, Any]:
        return dict(self.model_extra or {})


class ProjectFixture(Strict):
    tenant: str | None = Field(None, description="Name in the control API; the project id when absent.")
    project_id: str = Field(min_length=1)
    trial: bool = Field(False, description="Trial projects have the longer release window.")
    signing_key: str | None = Field(
        None, min_length=1,
        description="The project's Signing Key, which signs every request sent to its numbers' URLs; "
        "a random `PSK_…` key when absent (read it from the control API's state).",
    )
    space_id: Uuid | None = Field(
        None, description="The space's id in SWML requests; derived from the project id when absent."
    )
    tokens: list[TokenFixture] = Field(min_length=1)
    e911_addresses: list[E911AddressFixture] = []
    numbers: list[NumberFixture] = []
    number_groups: list[NumberGroupFixture] = []


class SignalwireFixture(Strict):
    settings: SignalwireSettings | None = None
    projects: list[ProjectFixture] = []
