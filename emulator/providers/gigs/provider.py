"""The Gigs plugin: tenants are projects, reached by their bearer keys; virtual numbers live on the virtual clock."""

from __future__ import annotations

from typing import Any

from ...core.fixtures import FixtureError
from ...core.provider import Credential, Provider
from ...core.webhooks import DeliveryPolicy, StandardWebhooksFormat
from .backend import GigsBackend
from .fixtures import GigsFixture, GigsSettings
from .models import render_virtual_number
from .profiles import PROFILES, GigsProfile


class GigsProvider(Provider[GigsProfile, GigsSettings]):
    name = "gigs"
    title = "Gigs"
    hosts = ("api.gigs.com",)
    profiles = PROFILES
    settings_model = GigsSettings
    fixture_model = GigsFixture
    backend_class = GigsBackend
    backend: GigsBackend

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        runtime.endpoints.enable(self.name, self.webhook_format())

    # --- tenants and credentials -------------------------------------------------------------

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
        """Each project to the backend, its webhook endpoints to the registry (Gigs has no API for them)."""
        for position, project in enumerate(fixture.projects):
            where = f"{source}: gigs.projects[{position}]"
            self.backend.load_project(project, where)
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

    def on_state_loaded(self) -> None:
        """The endpoints' signing format follows the settings in force; the backend rebuilds its indexes."""
        self.runtime.endpoints.enable(self.name, self.webhook_format())
        super().on_state_loaded()

    # --- control API ---------------------------------------------------------------------------

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Pushes a virtual number to processing, active, canceled or ended, now, as the provider would."""
        number = self.backend.transition(tenant, resource, resource_id, to)
        return render_virtual_number(number, self.backend.fraction)

    # --- webhooks ----------------------------------------------------------------------------

    def webhook_format(self, event: str | None = None) -> StandardWebhooksFormat:
        return StandardWebhooksFormat(name=self.name, also_svix_headers=self.settings.webhook_svix_headers)

    def delivery_policy(self) -> DeliveryPolicy:
        return DeliveryPolicy(
            attempt_delays_s=tuple(self.settings.webhook_attempt_delays_seconds),
            timeout_s=self.settings.webhook_timeout_seconds,
            ordered=self.settings.webhook_ordered,
        )
