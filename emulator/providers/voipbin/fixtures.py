"""The `voipbin:` section of a fixture file, and the provider's settings."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

PLAN_LIMITS: dict[str, int | None] = {"free": 5, "basic": 50, "professional": 500, "unlimited": None}
FEATURES = ("emergency", "fax", "mms", "sms", "voice")


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", defer_build=True)


class AvailableNumberFixture(Strict):
    number: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$")
    region: str = ""
    postal_code: str = ""
    features: list[Literal["emergency", "fax", "mms", "sms", "voice"]] = ["voice", "sms"]


class VoipbinSettings(Strict):
    """Knobs for behaviour the facts mark as inferred or variable; see the README."""

    purchase_pending_seconds: float = Field(
        0,
        ge=0,
        description="Normal numbers start purchase-pending and turn active after this much virtual time "
        "(in profiles where a number can be purchase-pending: not `openapi`).",
    )
    normal_number_cost: float = Field(1.0, ge=0, description="Balance a normal number purchase takes.")
    virtual_without_type: bool = Field(
        False, description="Treat POST /numbers of a +899 number without `type` as virtual, as the docs show."
    )
    token_lifetime_seconds: int = Field(7 * 24 * 3600, gt=0)
    inventory: dict[str, list[AvailableNumberFixture]] = Field(
        default_factory=dict, description="Normal numbers offered by GET /available_numbers, per ISO country."
    )

    @field_validator("inventory")
    @classmethod
    def country_codes(cls, value: dict[str, list[AvailableNumberFixture]]) -> dict[str, list[AvailableNumberFixture]]:
        for country in value:
            if len(country) != 2 or not country.isalpha() or not country.isupper():
                raise ValueError(f"{country!r} is not an ISO 3166 alpha-2 country code")
        return value


class UserFixture(Strict):
    username: str = Field(min_length=1)
    password: str = Field(min_length=1)
    permission: Literal["admin", "manager", "agent"] = "admin"


class AccessKeyFixture(Strict):
    key: str = Field(min_length=1)
    expires: str | None = Field(None, description="RFC 3339; past means expired.")


class ActionFixture(BaseModel):
    model_config = ConfigDict(extra="allow", defer_build=True)
    id: str | None = None
    next_id: str | None = None
    type: str
    option: dict | None = None


class FlowFixture(Strict):
    id: str | None = None
    name: str = ""
    detail: str = ""
    actions: list[ActionFixture] = []
    on_complete_flow_id: str | None = None


class NumberFixture(Strict):
    id: str | None = None
    number: str = Field(pattern=r"^\+[1-9][0-9]{6,14}$")
    type: Literal["normal", "virtual"] = "normal"
    status: Literal["active", "purchase-pending", "suspended"] = "active"
    name: str = ""
    detail: str = ""
    call_flow: str | None = Field(None, description="Id or name of a flow of the same customer.")
    message_flow: str | None = None
    t38_enabled: bool = False
    emergency_enabled: bool = False
    rtp_debug: bool = False


class BillingAccountFixture(Strict):
    id: str = Field(description="Billing account UUID.")
    deleted: bool = False


class CustomerFixture(Strict):
    tenant: str = Field(min_length=1, description="Name of the tenant in the control API.")
    id: str | None = Field(None, description="Customer UUID; generated when absent.")
    name: str = ""
    plan: Literal["free", "basic", "professional", "unlimited"] = "basic"
    identity_verified: bool = True
    balance: float = 100.0
    frozen: bool = False
    webhook_uri: str = ""
    webhook_method: Literal["POST", "GET", "PUT", "DELETE"] = "POST"
    webhook_secret: str = ""
    rtp_debug: bool = False
    billing_account_id: str | None = Field(
        None, description="The default billing account: one of `billing_accounts`; the nil UUID when absent."
    )
    billing_accounts: list[BillingAccountFixture] = Field(
        default_factory=list, description="Billing accounts of this customer, for PUT /v1.0/customer/billing_account_id."
    )
    accesskeys: list[AccessKeyFixture] = []
    users: list[UserFixture] = []
    flows: list[FlowFixture] = []
    numbers: list[NumberFixture] = []


class VoipbinFixture(Strict):
    settings: VoipbinSettings | None = None
    customers: list[CustomerFixture] = []
