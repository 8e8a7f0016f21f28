"""SignalWire's backend: the one owner of the projects' state, its indexes and every change to them.

Handlers parse a request in the service's order of checks and call one method here; a method
raises the provider's error classes for what depends on state, marks the tenant before it
changes anything (persistence writes exactly the marked tenants) and returns what to render.
The E911 lifecycle, which every read of a number passes through, is `backend_e911.E911Backend`;
addresses, number groups and their memberships are parts (`self.addresses`, `self.groups`,
`self.memberships`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ...core.clock import MICROS, to_datetime
from .backend_addresses import Addresses
from .backend_e911 import E911Backend
from .backend_groups import Memberships, NumberGroups
from .errors import CouldNotPurchase, NumberTaken, PurchasedTooRecently
from .fixtures import ALL_SCOPES, InventoryNumber, SignalwireSettings
from .indexes import ProjectIndexes
from .models import configured, new_number
from .paging import NumberPage, PageRequest, matches_filters, walk
from .phonefmt import parse
from .seed import DAY_US, derived_space_id, empty_project_state, outdated, upgrade
from .signing import new_signing_key
from .state import NumberSource, PhoneNumber, Project, ProjectState


class SignalwireBackend(E911Backend):
    """Projects (tenants by project id), their numbers and the search inventory."""

    def __init__(self, provider: Any) -> None:
        super().__init__(provider)
        self.indexes = ProjectIndexes()
        self.addresses = Addresses(self)
        self.memberships = Memberships(self)
        self.groups = NumberGroups(self, self.memberships)
        self._inventory: dict[str, InventoryNumber] = {}
        self._inventory_source: SignalwireSettings | None = None

    def rebuild(self) -> None:
        """The indexes, after a snapshot saved by an older version is given what it lacks."""
        for tenant, state in self.store.items():
            if outdated(state):  # type: ignore[arg-type]
                upgrade(self.changing(tenant))
        self.indexes = ProjectIndexes()
        for tenant, state in self.store.items():
            self.indexes.add_tenant(tenant, state)  # type: ignore[arg-type]
        for part in self.parts():
            part.rebuild()

    def parts(self) -> tuple[Addresses, Memberships, NumberGroups]:
        return (self.addresses, self.memberships, self.groups)

    # --- projects ------------------------------------------------------------------------

    def tenant_of_project(self, project_id: str) -> str | None:
        return self.indexes.project_tenants.get(project_id)

    def add_tenant(self, tenant: str, state: ProjectState) -> None:
        """A new project, from fixtures or auto tenants."""
        self.store.add(tenant, state)  # type: ignore[arg-type]  # marks the tenant
        self.indexes.add_tenant(tenant, state)
        for part in self.parts():
            part.index_tenant(tenant)

    def create_auto_tenant(self, project_id: str, token: str) -> str:
        """An unknown project with auto tenants on: a fresh empty project owning this token."""
        tenant = project_id
        while tenant in self.store:
            tenant += "+"
        self.add_tenant(tenant, empty_project_state(project_id, tokens={token: {"scopes": list(ALL_SCOPES)}}))
        return tenant

    def signing_project(self, tenant: str) -> Project:
        """The project, given a signing key and a space id if a restored snapshot predates them."""
        project = self.tenant(tenant)["project"]
        if "signing_key" not in project or "space_id" not in project:
            project = self.changing(tenant)["project"]
            project.setdefault("signing_key", new_signing_key())
            project.setdefault("space_id", derived_space_id(project["id"]))
        return project

    # --- numbers -------------------------------------------------------------------------

    @property
    def inventory(self) -> dict[str, InventoryNumber]:
        """The search inventory by number, rebuilt whenever the settings object is replaced."""
        if self._inventory_source is not self.settings:
            self._inventory = {item.number: item for item in self.settings.inventory}
            self._inventory_source = self.settings
        return self._inventory

    def available(self, wanted: Callable[[InventoryNumber], bool], limit: int) -> list[InventoryNumber]:
        """Up to `limit` inventory numbers nobody holds that `wanted` accepts, in inventory order."""
        found: list[InventoryNumber] = []
        for item in self.inventory.values():
            if len(found) >= limit:
                break
            if not self.indexes.is_held(item.number) and wanted(item):
                found.append(item)
        return found

    def default_name(self, number: str) -> str | None:
        return parse(number).friendly_name() if self.settings.default_name == "formatted" else None

    def page(self, tenant: str, request: PageRequest) -> NumberPage:
        """Newest first; a page token names the last number of the previous page (400 when it names none)."""
        numbers = self.tenant(tenant)["numbers"]

        def keep(number_id: str) -> bool:
            number = numbers[number_id]
            return number["released_us"] is None and matches_filters(number["name"], number["number"], request.filters)

        found = walk(self.indexes.created[tenant], numbers, request, keep)
        return NumberPage([self.settle(tenant, numbers[i]) for i in found.items], found.next_token, found.previous_token)

    def purchase(self, tenant: str, wanted: str) -> PhoneNumber:
        """Only numbers the search inventory offers and nobody holds."""
        item = self.inventory.get(wanted)
        if item is None or self.indexes.is_held(wanted):
            raise CouldNotPurchase(wanted)
        number_type = "toll-free" if item.number_type == "toll-free" else "longcode"
        return self._add_number(tenant, wanted, number_type, list(item.capabilities), item.country_code, "purchased")

    def import_number(self, tenant: str, e164: str, number_type: str, capabilities: list[str]) -> PhoneNumber:
        """A number hosted elsewhere: no billing date, no release window; once per project."""
        if self.indexes.holds(tenant, e164):
            raise NumberTaken(e164)
        return self._add_number(tenant, e164, number_type, capabilities, parse(e164).country, "imported")

    def _add_number(
        self,
        tenant: str,
        e164: str,
        number_type: str,
        capabilities: list[str],
        country: str | None,
        source: NumberSource,
    ) -> PhoneNumber:
        number = new_number(
            number=e164,
            name=self.default_name(e164),
            number_type=number_type,
            capabilities=capabilities,
            country_code=country,
            source=source,
            created_us=self.clock.stamp_us(),
        )
        self.changing(tenant)["numbers"][number["id"]] = number
        self.indexes.add_number(tenant, number)
        return number

    def update_number(self, tenant: str, number_id: str | None, changes: dict[str, Any]) -> PhoneNumber:
        """Merges validated changes; the update time moves only when something changed."""
        number = self.live_number(tenant, number_id)
        merged = configured(number, changes)
        if merged != number:
            self.changing(tenant)
            number.update(merged)
            number["updated_us"] = self.clock.stamp_us()
        return number

    def release_number(self, tenant: str, number_id: str | None) -> None:
        """Refused inside the release window after a purchase, on the virtual clock.

        A released number is kept, so a page token naming it still works; it is gone from every read.
        """
        number = self.live_number(tenant, number_id)
        if number["source"] == "purchased":
            earliest = number["created_us"] + self.release_window_us(tenant)
            if self.clock.now_us() < earliest:
                raise PurchasedTooRecently(earliest_release_text(earliest))
        self.changing(tenant)
        number["released_us"] = self.clock.stamp_us()
        self.indexes.discard_number(tenant, number)
        self.memberships.leave_all(tenant, number["id"])

    def release_window_us(self, tenant: str) -> int:
        settings = self.settings
        trial = self.tenant(tenant)["project"]["trial"]
        days = settings.trial_release_window_days if trial else settings.release_window_days
        return round(days * DAY_US)

    # --- inbound traffic -----------------------------------------------------------------

    def inbound_number(self, to: str, tenant: str | None) -> tuple[str, PhoneNumber]:
        """The tenant holding `to` and the number, settled; a tenant may be named by its name or project id.

        LookupError when nobody (or not the tenant named) holds it, ValueError when several do.
        """
        if tenant is not None:
            owner = tenant if tenant in self.store else self.tenant_of_project(tenant)
            if owner is None:
                raise LookupError(f"signalwire has no tenant {tenant!r}")
            if not self.indexes.holds(owner, to):
                raise LookupError(f"tenant {tenant!r} holds no number {to}")
        else:
            holders = self.indexes.holders_of(to)
            if not holders:
                raise LookupError(f"no SignalWire project holds the number {to}")
            if len(holders) > 1:
                raise ValueError(f"{to} is held by several tenants ({', '.join(holders)}); name one with 'tenant'")
            owner = holders[0]
        for number in self.tenant(owner)["numbers"].values():
            if number["number"] == to and number["released_us"] is None:
                return owner, self.settle(owner, number)
        raise LookupError(f"tenant {owner!r} holds no number {to}")


def earliest_release_text(earliest_us: int) -> str:
    """Rounded up to the second, so waiting until the time shown is always enough."""
    seconds = -(-earliest_us // MICROS)
    return to_datetime(seconds * MICROS).strftime("%Y-%m-%d %H:%M:%S")
