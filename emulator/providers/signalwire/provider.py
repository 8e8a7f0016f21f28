"""The SignalWire plugin: tenants are projects, reached with HTTP Basic (project id, API token)."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute

from ...core.fixtures import FixtureError
from ...core.http import GenericError
from ...core.provider import Credential, Provider
from . import e911, errors
from .fixtures import ALL_SCOPES, InventoryNumber, SignalwireFixture, SignalwireSettings
from .models import render_number
from ...core.ordering import CreationIndex
from .phonefmt import parse
from .profiles import PROFILES, SignalwireProfile
from .seeding import empty_project_state, project_state
from .signing import FORM_FORMAT, JSON_FORMAT

E911_TARGETS = {"pending": ("active", "failed"), "pending_removal": ("unregistered",)}


class SignalwireProvider(Provider[SignalwireProfile, SignalwireSettings]):
    name = "signalwire"
    title = "SignalWire"
    hosts = ("*.signalwire.com",)
    profiles = PROFILES
    settings_model = SignalwireSettings
    fixture_model = SignalwireFixture

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        self.project_tenants: dict[str, str] = {}
        self.indexes: dict[str, CreationIndex] = {}
        self.holders: dict[str, set[str]] = {}  # number -> tenants holding it
        self._inventory: dict[str, InventoryNumber] = {}
        self._inventory_source: SignalwireSettings | None = None

    # --- plugin contract -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        from .routes import build_routes

        return build_routes(self)

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        return errors.generic_error(conn, kind, detail)

    def demo_credentials(self) -> list[Credential]:
        found = []
        for tenant, state in self.store.items():
            for token in state["tokens"]:
                found.append(
                    Credential(f"tenant {tenant} HTTP Basic (project id : API token)", f"{state['project']['id']}:{token}")
                )
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for token in state["tokens"]:
                return {"basic": [state["project"]["id"], token]}
        return None

    def load_tenants(self, fixture: SignalwireFixture, source: str) -> None:  # type: ignore[override]
        for position, project in enumerate(fixture.projects):
            where = f"{source}: signalwire.projects[{position}]"
            tenant = project.tenant or project.project_id
            if tenant in self.store:
                raise FixtureError(f"{where}.tenant: tenant {tenant!r} is declared twice")
            if project.project_id in self.project_tenants:
                raise FixtureError(f"{where}.project_id: project {project.project_id} is declared twice")
            state = project_state(project, where, self.clock.now_us(), self.clock.stamp_us, self.default_name)
            self.store.add(tenant, state)
            self.project_tenants[project.project_id] = tenant
        self.on_state_loaded()

    def on_state_loaded(self) -> None:
        self.project_tenants.clear()
        self.indexes.clear()
        self.holders.clear()
        for tenant, state in self.store.items():
            self.project_tenants[state["project"]["id"]] = tenant
            live = [n for n in state["numbers"].values() if n["released_us"] is None]
            self.indexes[tenant] = CreationIndex((n["created_us"], n["id"]) for n in live)
            for number in live:
                self.holders.setdefault(number["number"], set()).add(tenant)

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Finishes a number's pending E911 change now: `pending` → `active`/`failed`, `pending_removal` → `unregistered`."""
        state = self.store.get(tenant)
        if state is None:
            raise LookupError(f"signalwire has no tenant {tenant!r}")
        if resource != "e911":
            raise LookupError(f"signalwire resources with a lifecycle: e911 (not {resource!r})")
        number = state["numbers"].get(resource_id)
        if number is None or number["released_us"] is not None:
            raise LookupError(f"tenant {tenant!r} has no number {resource_id!r}")
        self.settle(number)
        allowed = E911_TARGETS.get(number["e911_status"], ())
        if to not in allowed:
            raise ValueError(f"e911_status {number['e911_status']} cannot move to {to!r} (allowed: {', '.join(allowed) or 'none'})")
        number["e911_next"] = to
        number["e911_due_us"] = self.clock.stamp_us()
        self.settle(number)
        return render_number(number, self.profile, self.clock.now_us())

    def webhook_format(self, event: str | None = None) -> Any:
        """SWML requests are signed JSON; every other request SignalWire sends is a signed form."""
        return JSON_FORMAT if event == "relayScriptRequest" else FORM_FORMAT

    def webhook_formats(self) -> list[Any]:
        """The signed form format of status callbacks, so restored deliveries can still be sent."""
        return [FORM_FORMAT]

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call or message on a number: its handler URLs are requested as SignalWire would."""
        from . import simulate as simulation  # its HTTP client is only needed when a call is simulated

        return await simulation.simulate(self, kind, params)

    # --- state helpers used by handlers --------------------------------------------------

    @property
    def inventory(self) -> dict[str, InventoryNumber]:
        """The search inventory by number, rebuilt whenever the settings object is replaced."""
        if self._inventory_source is not self.settings:
            self._inventory = {item.number: item for item in self.settings.inventory}
            self._inventory_source = self.settings
        return self._inventory

    def index(self, tenant: str) -> CreationIndex:
        return self.indexes[tenant]

    def is_held(self, number: str) -> bool:
        return bool(self.holders.get(number))

    def holds(self, tenant: str, number: str) -> bool:
        return tenant in self.holders.get(number, ())

    def add_number(self, tenant: str, record: dict[str, Any]) -> None:
        self.store.tenants[tenant]["numbers"][record["id"]] = record
        self.indexes[tenant].add(record["created_us"], record["id"])
        self.holders.setdefault(record["number"], set()).add(tenant)

    def release_number(self, tenant: str, record: dict[str, Any]) -> None:
        """Kept as released, so a page token naming it still works; gone from every read."""
        record["released_us"] = self.clock.stamp_us()
        self.indexes[tenant].discard(record["created_us"], record["id"])
        tenants = self.holders.get(record["number"], set())
        tenants.discard(tenant)
        if not tenants:
            self.holders.pop(record["number"], None)

    def settle(self, number: dict[str, Any]) -> dict[str, Any]:
        e911.settle(number, self.clock.now_us())
        return number

    def default_name(self, number: str) -> str | None:
        return parse(number).friendly_name() if self.settings.default_name == "formatted" else None

    def create_auto_tenant(self, project_id: str, token: str) -> str:
        """An unknown project with auto tenants on: a fresh empty project owning this token."""
        tenant = project_id
        while tenant in self.store:
            tenant += "+"
        state = empty_project_state(project_id)
        state["tokens"][token] = {"scopes": list(ALL_SCOPES)}
        self.store.add(tenant, state)
        self.project_tenants[project_id] = tenant
        self.indexes[tenant] = CreationIndex()
        return tenant
