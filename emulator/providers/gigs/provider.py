"""The Gigs plugin: tenants are projects, reached by their bearer keys; virtual numbers live on the virtual clock."""

from __future__ import annotations

import random
import re
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute

from ...core.fixtures import FixtureError
from ...core.http import GenericError
from ...core.provider import Credential, Provider
from ...core.webhooks import DeliveryPolicy, StandardWebhooksFormat
from . import errors, lifecycle
from .fixtures import PROJECT_SLUG, GigsFixture, GigsSettings
from .models import new_id, render_virtual_number
from ...core.ordering import CreationIndex
from .profiles import PROFILES, GigsProfile
from .seed import empty_project, project_state

COLLECTIONS = ("users", "subscriptions", "virtual_numbers")
_rng = random.SystemRandom()


class GigsProvider(Provider[GigsProfile, GigsSettings]):
    name = "gigs"
    title = "Gigs"
    hosts = ("api.gigs.com",)
    profiles = PROFILES
    settings_model = GigsSettings
    fixture_model = GigsFixture

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        self.key_projects: dict[str, str] = {}
        self.indexes: dict[tuple[str, str], CreationIndex] = {}
        self.phone_numbers: set[str] = set()
        runtime.endpoints.enable(self.name, self.webhook_format())

    # --- plugin contract ---------------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        from .routes import build_routes

        return build_routes(self)

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        return errors.generic_error(conn, kind, detail)

    def demo_credentials(self) -> list[Credential]:
        found = []
        for project, state in self.store.items():
            for key in state["api_keys"]:
                found.append(Credential(f"project {project} (Authorization: Bearer)", key))
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for key in state["api_keys"]:
                return {"headers": {"Authorization": f"Bearer {key}"}}
        return None

    def load_tenants(self, fixture: GigsFixture, source: str) -> None:  # type: ignore[override]
        for position, project in enumerate(fixture.projects):
            where = f"{source}: gigs.projects[{position}]"
            if project.id in self.store:
                raise FixtureError(f"{where}.id: project {project.id!r} is declared twice")
            state = project_state(self, project, where)
            self.store.add(project.id, state)
            for key in state["api_keys"]:
                self.key_projects[key] = project.id
            for index, endpoint in enumerate(project.webhook_endpoints):
                try:
                    self.runtime.endpoints.add(
                        self.name,
                        project.id,
                        endpoint.url,
                        secret=endpoint.secret,
                        events=endpoint.events,
                        endpoint_id=endpoint.id,
                        description=endpoint.description,
                    )
                except ValueError as exc:
                    raise FixtureError(f"{where}.webhook_endpoints[{index}]: {exc}") from None
        self.on_state_loaded()

    def on_state_loaded(self) -> None:
        """Rebuilds key lookups, paging indexes, the set of used numbers and the lifecycle timers."""
        self.runtime.endpoints.enable(self.name, self.webhook_format())
        self.key_projects.clear()
        self.indexes.clear()
        self.phone_numbers.clear()
        self.runtime.timers.cancel_prefix(lifecycle.TIMER_PREFIX)
        for project, state in self.store.items():
            for key in state["api_keys"]:
                self.key_projects[key] = project
            for collection in COLLECTIONS:
                items = state[collection]
                self.indexes[(project, collection)] = CreationIndex((i["created_us"], i["id"]) for i in items.values())
            for number in state["virtual_numbers"].values():
                if number["phoneNumber"]:
                    self.phone_numbers.add(number["phoneNumber"])
                lifecycle.schedule(self, project, number)

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Pushes a virtual number to processing, active, canceled or ended, now, as the provider would."""
        self.settle()
        state = self.store.get(tenant)
        if state is None:
            raise LookupError(f"gigs has no project {tenant!r}")
        if resource not in ("virtualNumber", "virtualNumbers", "virtual_number"):
            raise LookupError(f"gigs resources with a lifecycle: virtualNumber (not {resource!r})")
        number = state["virtual_numbers"].get(resource_id)
        if number is None:
            raise LookupError(f"project {tenant!r} has no virtual number {resource_id!r}")
        try:
            lifecycle.force(self, tenant, number, to)
        except lifecycle.Conflict as exc:
            raise ValueError(str(exc)) from None
        return render_virtual_number(number, self.fraction)

    # --- webhooks ----------------------------------------------------------------------------

    def webhook_format(self, event: str | None = None) -> StandardWebhooksFormat:
        return StandardWebhooksFormat(name=self.name, also_svix_headers=self.settings.webhook_svix_headers)

    def delivery_policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            attempt_delays_s=tuple(self.settings.webhook_attempt_delays_seconds),
            timeout_s=self.settings.webhook_timeout_seconds,
            ordered=self.settings.webhook_ordered,
        )

    # --- helpers used by handlers ------------------------------------------------------------

    @property
    def fraction(self) -> bool:
        """Whether times carry the `.0` fraction (the `timestamp_fraction` setting)."""
        return self.settings.timestamp_fraction

    def settle(self) -> None:
        """Applies every lifecycle step that virtual time has reached (reads see the current state)."""
        self.runtime.timers.run_due()

    def index(self, project: str, collection: str) -> CreationIndex:
        return self.indexes[(project, collection)]

    def add_item(self, project: str, collection: str, item: dict[str, Any]) -> None:
        self.store.tenants[project][collection][item["id"]] = item
        self.indexes[(project, collection)].add(item["created_us"], item["id"])

    def assign_phone_number(self) -> str:
        """A random unused number: the configured prefix plus random digits."""
        prefix = self.settings.phone_number_prefix
        digits = max(1, self.settings.phone_number_length - len(prefix))
        for _ in range(1000):
            candidate = prefix + "".join(_rng.choice("0123456789") for _ in range(digits))
            if candidate not in self.phone_numbers:
                self.phone_numbers.add(candidate)
                return candidate
        raise RuntimeError("no unused phone number left for the configured prefix")

    def create_auto_tenant(self, key: str, project: str) -> str | None:
        """With auto tenants, an unknown key on an unused project path creates that project, ready to use."""
        if not project or project in self.store or not re.match(PROJECT_SLUG, project):
            return None
        state = empty_project(project)
        now = self.clock.stamp_us()
        user_id, sub_id = new_id("usr_"), new_id("sub_")
        state["api_keys"][key] = {"id": new_id("apk_"), "expires_us": None}
        state["users"][user_id] = {
            "id": user_id, "metadata": {}, "birthday": None, "created_us": now, "email": f"{project}@example.com",
            "emailVerified": True, "fullName": None, "preferredLocale": "en-US", "status": "active",
        }
        state["subscriptions"][sub_id] = {
            "id": sub_id, "metadata": {}, "activated_us": now, "canceled_us": None, "created_us": now,
            "ended_us": None, "phoneNumber": None, "status": "active", "user": user_id,
        }
        self.store.add(project, state)
        self.key_projects[key] = project
        for collection in COLLECTIONS:
            items = state[collection]
            self.indexes[(project, collection)] = CreationIndex((i["created_us"], i["id"]) for i in items.values())
        return project
