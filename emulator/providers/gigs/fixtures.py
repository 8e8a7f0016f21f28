"""The `gigs:` section of a fixture file, and the provider's settings (the inferred choices, as knobs)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .state import DEFAULT_API_VERSION, SubscriptionStatus, UserStatus, VirtualNumberStatus

SVIX_SCHEDULE = (0.0, 5.0, 300.0, 1800.0, 7200.0, 18000.0, 36000.0, 36000.0)
PROJECT_SLUG = r"^[a-z0-9][a-z0-9-]{0,62}$"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class GigsSettings(Strict):
    """Behaviour the documentation leaves open; each default is the choice the spec describes."""

    processing_after_seconds: float = Field(
        2.0, ge=0, description="Virtual seconds from creation until a virtual number moves initiated → processing."
    )
    active_after_seconds: float = Field(
        5.0, ge=0, description="Virtual seconds from processing until the number is active."
    )
    assign_number_on: Literal["processing", "active"] = Field(
        "active", description="When phoneNumber is set: on entering processing, or on activation."
    )
    phone_number_prefix: str = Field(
        "+4477009", pattern=r"^\+[1-9][0-9]{1,11}$", description="Assigned numbers are this prefix plus random digits."
    )
    phone_number_length: int = Field(13, ge=8, le=16, description="Length of assigned numbers, '+' included.")
    cancel_ends: Literal["end_of_month", "after_delay"] = Field(
        "end_of_month",
        description="When a canceled active number ends: the start of the next calendar month (UTC), or after cancel_delay_seconds.",
    )
    cancel_delay_seconds: float = Field(30 * 24 * 3600.0, ge=0)
    send_updated_events: bool = Field(
        True, description="Send com.gigs.virtualNumber.updated after each activated/canceled/ended event, too."
    )
    foreign_project_error: Literal["permissionDenied", "notFound"] = Field(
        "permissionDenied", description="Answer to a valid key used on another project's path: 403 or 404."
    )
    timestamp_fraction: bool = Field(
        False,
        description="Render times as 2021-01-21T19:32:13.0Z (a form some documented examples show) instead of whole seconds.",
    )
    idempotency_ttl_seconds: float = Field(24 * 3600.0, gt=0, description="How long a stored response is replayed.")
    webhook_attempt_delays_seconds: list[float] = Field(
        default_factory=lambda: list(SVIX_SCHEDULE),
        min_length=1,
        description="Delay before each delivery attempt, from the failure of the previous one (Svix's schedule).",
    )
    webhook_timeout_seconds: float = Field(15.0, gt=0, description="Real seconds a receiver has to answer 2xx.")
    webhook_ordered: bool = Field(
        True, description="Deliver one number's events one at a time, in order (Svix itself does not promise order)."
    )
    webhook_svix_headers: bool = Field(False, description="Also send svix-id/-timestamp/-signature.")

    @field_validator("webhook_attempt_delays_seconds")
    @classmethod
    def non_negative(cls, value: list[float]) -> list[float]:
        if any(d < 0 for d in value):
            raise ValueError("delays must not be negative")
        return value


class ApiKeyFixture(Strict):
    key: str = Field(min_length=1, description="The bearer token.")
    id: str | None = Field(None, pattern=r"^apk_[A-Za-z0-9]+$", max_length=64, description="Shown as the event actor.")
    expires: str | None = Field(None, description="RFC 3339; past means expired.")


class UserFixture(Strict):
    id: str | None = Field(None, pattern=r"^usr_[A-Za-z0-9]+$", max_length=64)
    email: str = Field(min_length=3)
    email_verified: bool = True
    full_name: str | None = None
    birthday: str | None = Field(None, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
    preferred_locale: str = "en-US"
    status: UserStatus = "active"
    metadata: dict = {}
    created: str | None = None


class SubscriptionFixture(Strict):
    id: str | None = Field(None, pattern=r"^sub_[A-Za-z0-9]+$", max_length=64)
    user: str = Field(description="Id of a user of the same project.")
    status: SubscriptionStatus = "active"
    phone_number: str | None = Field(None, pattern=r"^\+[1-9][0-9]{1,14}$")
    metadata: dict = {}
    created: str | None = None
    activated: str | None = None
    canceled: str | None = None
    ended: str | None = None


class VirtualNumberFixture(Strict):
    id: str | None = Field(None, pattern=r"^vnr_[A-Za-z0-9]+$", max_length=64)
    subscription: str = Field(description="Id of a subscription of the same project; the user is taken from it.")
    status: VirtualNumberStatus = "active"
    phone_number: str | None = Field(None, pattern=r"^\+[1-9][0-9]{1,14}$", description="Assigned when absent.")
    created: str | None = None
    activated: str | None = None
    canceled: str | None = None
    ended: str | None = None


class EndpointFixture(Strict):
    id: str | None = Field(None, min_length=1)
    url: str
    secret: str | None = Field(None, description="whsec_…; generated when absent.")
    events: list[str] | None = Field(None, min_length=1, description="Event types or patterns (com.gigs.virtualNumber.*).")
    description: str = ""


class ProjectFixture(Strict):
    id: str = Field(pattern=PROJECT_SLUG, description="The project slug in the path; also the tenant name.")
    api_version: str = Field(DEFAULT_API_VERSION, pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", description="Stamped into events.")
    idempotency_keys: bool = Field(
        True, description="False: the project is outside the Idempotency-Key beta and requests sending it fail."
    )
    api_keys: list[ApiKeyFixture] = []
    users: list[UserFixture] = []
    subscriptions: list[SubscriptionFixture] = []
    virtual_numbers: list[VirtualNumberFixture] = []
    webhook_endpoints: list[EndpointFixture] = []


class GigsFixture(Strict):
    settings: GigsSettings | None = None
    projects: list[ProjectFixture] = []
