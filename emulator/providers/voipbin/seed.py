"""A customer of the fixture file turned into a tenant's state, with errors that name the fixture path.

Flows and numbers may name flows by name or id; credentials and numbers must be unique across
every tenant the backend already holds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...core.fixtures import FixtureError, fixture_time
from ...core.ids import uuid4_text
from .actions import normalize_actions
from .errors import VoipbinError
from .fixtures import CustomerFixture
from .models import NIL_UUID, lenient_uuid, new_flow, new_number
from .state import Customer, TenantState

if TYPE_CHECKING:
    from .backend import VoipbinBackend


def customer_state(backend: "VoipbinBackend", customer: CustomerFixture, where: str) -> TenantState:
    """The new tenant's state; FixtureError when the customer cannot be loaded as declared."""
    customer_id = lenient_uuid(customer.id) if customer.id else uuid4_text()
    if customer.id and customer_id == NIL_UUID:
        raise FixtureError(f"{where}.id: {customer.id!r} is not a UUID")
    state: TenantState = {
        "customer": new_customer(customer, customer_id, backend.clock.now_us()),
        "accesskeys": {},
        "users": {},
        "numbers": {},
        "flows": {},
        "activeflows": {},
    }
    for position, key in enumerate(customer.accesskeys):
        if backend.tenant_of_accesskey(key.key) is not None or key.key in state["accesskeys"]:
            raise FixtureError(f"{where}.accesskeys[{position}].key: access key {key.key!r} is used twice")
        state["accesskeys"][key.key] = {"expires_us": fixture_time(key.expires, f"{where}.accesskeys[{position}].expires")}
    for position, user in enumerate(customer.users):
        if backend.tenant_of_user(user.username) is not None or user.username in state["users"]:
            raise FixtureError(f"{where}.users[{position}].username: {user.username!r} is used twice")
        state["users"][user.username] = {"password": user.password, "permission": user.permission}
    add_billing_accounts(backend, customer, state["customer"], where)
    flow_ids_by_name = add_flows(backend, customer, customer_id, state, where)
    add_numbers(backend, customer, customer_id, state, flow_ids_by_name, where)
    return state


def new_customer(customer: CustomerFixture, customer_id: str, now_us: int) -> Customer:
    return {
        "id": customer_id,
        "name": customer.name,
        "plan": customer.plan,
        "identity_verified": customer.identity_verified,
        "balance": customer.balance,
        "frozen": customer.frozen,
        "deletion_scheduled_us": None,
        "webhook_uri": customer.webhook_uri,
        "webhook_method": customer.webhook_method,
        "webhook_secret": customer.webhook_secret,
        "tm_create": now_us,
        "tm_update": None,
        "rtp_debug": customer.rtp_debug,
        "billing_account_id": NIL_UUID,
        "billing_accounts": {},
    }


def add_billing_accounts(backend: "VoipbinBackend", customer: CustomerFixture, record: Customer, where: str) -> None:
    """The customer's billing accounts (unique across tenants) and its default one among them."""
    accounts = record["billing_accounts"]  # type: ignore[typeddict-item]
    for position, account in enumerate(customer.billing_accounts):
        place = f"{where}.billing_accounts[{position}].id"
        account_id = fixture_uuid(account.id, place)
        assert account_id is not None
        if account_id in accounts or backend.owner_of_billing_account(account_id) is not None:
            raise FixtureError(f"{place}: billing account {account_id} is declared twice")
        accounts[account_id] = {"tm_delete": backend.clock.now_us() if account.deleted else None}
    if customer.billing_account_id is not None:
        default = fixture_uuid(customer.billing_account_id, f"{where}.billing_account_id")
        if default not in accounts:
            raise FixtureError(f"{where}.billing_account_id: {customer.billing_account_id!r} is not one of billing_accounts")
        record["billing_account_id"] = default  # type: ignore[typeddict-item]


def add_flows(
    backend: "VoipbinBackend", customer: CustomerFixture, customer_id: str, state: TenantState, where: str
) -> dict[str, str]:
    """The customer's flows, then their `on_complete_flow_id` references; returns flow ids by name."""
    flow_ids_by_name: dict[str, str] = {}
    records = []
    for position, flow in enumerate(customer.flows):
        try:
            actions = normalize_actions([a.model_dump(exclude_none=True) for a in flow.actions])
        except VoipbinError as exc:
            raise FixtureError(f"{where}.flows[{position}].actions: {exc.message}") from None
        record = new_flow(
            customer_id=customer_id,
            name=flow.name,
            detail=flow.detail,
            actions=actions,
            on_complete_flow_id=NIL_UUID,
            now_us=backend.clock.stamp_us(),
            flow_id=fixture_uuid(flow.id, f"{where}.flows[{position}].id"),
        )
        claim_id(backend, state, record["id"], f"{where}.flows[{position}].id")
        state["flows"][record["id"]] = record
        records.append(record)
        if flow.name:
            flow_ids_by_name[flow.name] = record["id"]
    for position, (flow, record) in enumerate(zip(customer.flows, records)):
        if flow.on_complete_flow_id:
            where_ref = f"{where}.flows[{position}].on_complete_flow_id"
            record["on_complete_flow_id"] = flow_reference(flow.on_complete_flow_id, state, flow_ids_by_name, where_ref)
    return flow_ids_by_name


def add_numbers(
    backend: "VoipbinBackend",
    customer: CustomerFixture,
    customer_id: str,
    state: TenantState,
    flow_ids_by_name: dict[str, str],
    where: str,
) -> None:
    taken = {number["number"] for _, held in backend.store.items() for number in held["numbers"].values()}
    for position, number in enumerate(customer.numbers):
        place = f"{where}.numbers[{position}]"
        if number.number in taken:
            raise FixtureError(f"{place}.number: {number.number} is declared twice")
        taken.add(number.number)
        if number.type == "virtual" and not number.number.startswith("+899"):
            raise FixtureError(f"{place}.number: a virtual number starts with +899")
        record = new_number(
            customer_id=customer_id,
            number=number.number,
            kind=number.type,
            status=number.status,
            now_us=backend.clock.stamp_us(),
            call_flow_id=flow_reference(number.call_flow, state, flow_ids_by_name, f"{place}.call_flow"),
            message_flow_id=flow_reference(number.message_flow, state, flow_ids_by_name, f"{place}.message_flow"),
            name=number.name,
            detail=number.detail,
            t38_enabled=number.t38_enabled,
            emergency_enabled=number.emergency_enabled,
            rtp_debug=number.rtp_debug,
            number_id=fixture_uuid(number.id, f"{place}.id"),
        )
        claim_id(backend, state, record["id"], f"{place}.id")
        state["numbers"][record["id"]] = record


def claim_id(backend: "VoipbinBackend", state: TenantState, item_id: str, where: str) -> None:
    """Ids are unique across every customer's numbers and flows, as the service's UUIDs are."""
    if item_id in state["flows"] or item_id in state["numbers"] or backend.owner_of(item_id) is not None:
        raise FixtureError(f"{where}: id {item_id} is declared twice")


def fixture_uuid(value: str | None, where: str) -> str | None:
    if value is None:
        return None
    parsed = lenient_uuid(value)
    if parsed == NIL_UUID:
        raise FixtureError(f"{where}: {value!r} is not a UUID")
    return parsed


def flow_reference(value: str | None, state: TenantState, by_name: dict[str, str], where: str) -> str:
    """A flow of this customer named by its name or id; the nil UUID when none is named."""
    if not value:
        return NIL_UUID
    if value in by_name:
        return by_name[value]
    parsed = lenient_uuid(value)
    if parsed in state["flows"]:
        return parsed
    raise FixtureError(f"{where}: no flow named or with id {value!r} in this customer")

