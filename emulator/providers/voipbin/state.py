"""A VoIPBIN customer's state as stored: TypedDicts over plain JSON data, times in integer µs.

They only name the keys; at run time every record stays a plain dict, so snapshots,
persistence and per-test resets copy plain data.
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class BillingAccount(TypedDict):
    """A billing account of the customer (billing-manager); only its existence matters here."""

    tm_delete: int | None


class Customer(TypedDict):
    """The customer a tenant stands for; `PUT /v1.0/customer` adds the contact fields,
    `PUT /v1.0/customer/metadata` `rtp_debug`, `PUT /v1.0/customer/billing_account_id` the default account."""

    id: str
    name: str
    plan: str  # a key of fixtures.PLAN_LIMITS
    identity_verified: bool
    balance: float
    frozen: bool
    deletion_scheduled_us: int | None
    webhook_uri: str
    webhook_method: str
    webhook_secret: str
    tm_create: int
    tm_update: int | None
    detail: NotRequired[str]
    email: NotRequired[str]
    phone_number: NotRequired[str]
    address: NotRequired[str]
    rtp_debug: NotRequired[bool]
    billing_account_id: NotRequired[str]
    billing_accounts: NotRequired[dict[str, BillingAccount]]


class AccessKey(TypedDict):
    expires_us: int | None


class User(TypedDict):
    """A login of the customer: `admin` (CustomerAdmin), `manager` or `agent`."""

    password: str
    permission: str


class NumberMetadata(TypedDict):
    rtp_debug: bool


class Number(TypedDict):
    id: str
    customer_id: str
    number: str
    type: str  # normal | virtual
    call_flow_id: str
    message_flow_id: str
    name: str
    detail: str
    status: str
    t38_enabled: bool
    emergency_enabled: bool
    metadata: NumberMetadata
    tm_purchase: int | None
    tm_renew: int | None
    tm_create: int
    tm_update: int | None
    tm_delete: int | None
    active_at: int | None  # when a purchase-pending number turns active (emulator knob)


class Action(TypedDict):
    id: str
    next_id: str
    type: str
    option: NotRequired[dict[str, Any]]
    tm_execute: NotRequired[int]


class Flow(TypedDict):
    id: str
    customer_id: str
    type: str
    name: str
    detail: str
    actions: list[Action]
    direct_hash: str
    on_complete_flow_id: str
    tm_create: int
    tm_update: int | None
    tm_delete: int | None


class Activeflow(TypedDict):
    id: str
    customer_id: str
    flow_id: str
    status: str  # running | ended
    reference_type: str  # api | call | conversation
    reference_id: str
    reference_activeflow_id: str
    on_complete_flow_id: str
    webhook_uri: str
    webhook_method: str
    current_action: Action
    forward_action_id: str
    executed_actions: list[Action]
    actions: list[Action]
    variables: dict[str, str]
    tm_create: int
    tm_update: int | None
    tm_delete: int | None


class TenantState(TypedDict):
    """One tenant: a customer, its credentials and its resources by id."""

    customer: Customer
    accesskeys: dict[str, AccessKey]
    users: dict[str, User]
    numbers: dict[str, Number]
    flows: dict[str, Flow]
    activeflows: dict[str, Activeflow]
