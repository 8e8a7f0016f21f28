"""The VoIPBIN backend: every customer's state, the indexes derived from it, and every change.

Handlers parse a request in the service's order of checks and call the backend; the backend
checks what depends on state, raises the error classes, changes state (marking the tenant
first) and sends the events. Numbers, flows and activeflows each have a part of their own
(`self.numbers`, `self.flows`, `self.activeflows`); customers, credentials and the indexes
live here. The indexes are derived from the state in one place, `_index_tenant`, which
`rebuild` runs for every tenant after a reset or a restore.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...core.backend import Backend
from ...core.fixtures import FixtureError
from ...core.ordering import CreationIndex
from .backend_activeflows import Activeflows
from .backend_flows import Flows
from .backend_inbound import Inbound
from .backend_numbers import Numbers
from .seed import customer_state
from .errors import BillingAccountNotFound, PermissionDenied, ResourceNotFound, VoipbinError, untyped
from .fixtures import CustomerFixture
from .state import Customer, TenantState

if TYPE_CHECKING:
    from .provider import VoipbinProvider

COLLECTIONS = ("numbers", "flows", "activeflows")


class VoipbinBackend(Backend[TenantState]):
    provider: "VoipbinProvider"

    def __init__(self, provider: "VoipbinProvider") -> None:
        super().__init__(provider)
        self.accesskey_tenants: dict[str, str] = {}
        self.user_tenants: dict[str, str] = {}
        self.owners: dict[str, str] = {}  # number, flow or activeflow id → tenant
        self.active_numbers: dict[str, tuple[str, str]] = {}  # a held number → (tenant, number id)
        self.billing_account_owners: dict[str, str] = {}  # billing account id → tenant
        self.indexes: dict[tuple[str, str], CreationIndex] = {}  # (tenant, collection) → creation order
        self.numbers = Numbers(self)
        self.flows = Flows(self)
        self.activeflows = Activeflows(self)
        self.inbound = Inbound(self)

    # --- derived indexes -------------------------------------------------------------------------

    def rebuild(self) -> None:
        self.accesskey_tenants.clear()
        self.user_tenants.clear()
        self.owners.clear()
        self.active_numbers.clear()
        self.billing_account_owners.clear()
        self.indexes.clear()
        for tenant, state in self.store.items():
            self._index_tenant(tenant, state)  # type: ignore[arg-type]

    def _index_tenant(self, tenant: str, state: TenantState) -> None:
        for key in state["accesskeys"]:
            self.accesskey_tenants[key] = tenant
        for username in state["users"]:
            self.user_tenants[username] = tenant
        for account_id in state["customer"].get("billing_accounts", {}):
            self.billing_account_owners[account_id] = tenant
        for collection in COLLECTIONS:
            items: dict[str, Any] = state[collection]  # type: ignore[literal-required]
            self.indexes[(tenant, collection)] = CreationIndex((i["tm_create"], i["id"]) for i in items.values())
            for item_id in items:
                self.owners[item_id] = tenant
        for number in state["numbers"].values():
            if number["tm_delete"] is None:
                self.active_numbers[number["number"]] = (tenant, number["id"])

    # --- tenants and credentials -----------------------------------------------------------------

    def load_customers(self, customers: list[CustomerFixture], source: str) -> None:
        """The tenants a fixture section declares, each checked against the ones before it."""
        for position, customer in enumerate(customers):
            where = f"{source}: voipbin.customers[{position}]"
            if customer.tenant in self.store:
                raise FixtureError(f"{where}.tenant: tenant {customer.tenant!r} is declared twice")
            self._add_tenant(customer.tenant, customer_state(self, customer, where))

    def create_auto_tenant(self, accesskey: str) -> str | None:
        """An empty customer for an unknown access key (`auto_tenants`), named after the key.

        None when a tenant already has that name: the key is refused rather than replace it.
        """
        if accesskey in self.store:
            return None
        customer = CustomerFixture.model_validate({"tenant": accesskey, "accesskeys": [{"key": accesskey}]})
        self._add_tenant(accesskey, customer_state(self, customer, "auto tenant"))
        return accesskey

    def _add_tenant(self, tenant: str, state: TenantState) -> None:
        self.store.add(tenant, state)  # type: ignore[arg-type]  # the store marks it
        self._index_tenant(tenant, state)

    def state_of(self, tenant: Any) -> TenantState | None:
        """A tenant's state to read, or None for no tenant (or a name that is not one)."""
        return self.store.get(tenant) if isinstance(tenant, str) else None  # type: ignore[return-value]

    def tenant_of_accesskey(self, key: str) -> str | None:
        return self.accesskey_tenants.get(key)

    def tenant_of_user(self, username: str) -> str | None:
        return self.user_tenants.get(username)

    def owner_of_billing_account(self, account_id: str) -> str | None:
        return self.billing_account_owners.get(account_id)

    def owner_of(self, item_id: str) -> str | None:
        """The tenant holding a number, flow or activeflow with this id (deleted ones too)."""
        return self.owners.get(item_id)

    # --- the customer ----------------------------------------------------------------------------

    def customer(self, tenant: str) -> Customer:
        return self.tenant(tenant)["customer"]

    def update_customer(self, tenant: str, contact: dict[str, str], *, webhook_uri: str, webhook_method: str) -> Customer:
        """`PUT /customer`: contact fields and webhook settings overwritten (omitted ones cleared)."""
        customer = self.changing(tenant)["customer"]
        customer.update(contact)  # type: ignore[typeddict-item]
        customer["webhook_uri"] = webhook_uri
        customer["webhook_method"] = webhook_method
        customer["tm_update"] = self.clock.stamp_us()
        return customer

    def set_customer_metadata(self, tenant: str, *, rtp_debug: bool) -> Customer:
        """`PUT /customer/metadata`: the metadata replaced (customer-manager UpdateMetadata); no webhook."""
        customer = self.changing(tenant)["customer"]
        customer["rtp_debug"] = rtp_debug
        customer["tm_update"] = self.clock.stamp_us()
        return customer

    def set_billing_account(self, tenant: str, account_id: str) -> Customer:
        """`PUT /customer/billing_account_id`: the account must exist, be live and be this customer's."""
        owner = self.billing_account_owners.get(account_id)
        if owner is None:
            raise BillingAccountNotFound()
        if self.customer(owner)["billing_accounts"][account_id]["tm_delete"] is not None:  # type: ignore[typeddict-item]
            raise ResourceNotFound()
        if owner != tenant:
            raise PermissionDenied()
        customer = self.changing(tenant)["customer"]
        customer["billing_account_id"] = account_id
        customer["tm_update"] = self.clock.stamp_us()
        return customer

    # --- profile ---------------------------------------------------------------------------------

    def untyped(self, error: VoipbinError) -> VoipbinError:
        """`error`, or 500 INTERNAL where the observed backend fails with a plain Go error."""
        return untyped(error, self.profile.untyped_errors_as_internal)
