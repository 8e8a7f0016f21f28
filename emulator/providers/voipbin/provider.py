"""The VoIPBIN plugin: tenants are customers, reached by access key or login token."""

from __future__ import annotations

from typing import Any

from starlette.types import ASGIApp

from ...core.layers.cors import Cors
from ...core.provider import Credential, Provider
from .backend import VoipbinBackend
from .events import FORMAT
from .fixtures import VoipbinFixture, VoipbinSettings
from .models import render_number
from .profiles import PROFILES, VoipbinProfile
from . import served_spec
from .request_ids import RequestIdMiddleware


class VoipbinProvider(Provider[VoipbinProfile, VoipbinSettings]):
    name = "voipbin"
    title = "VoIPBIN"
    hosts = ("api.voipbin.net",)
    profiles = PROFILES
    settings_model = VoipbinSettings
    fixture_model = VoipbinFixture
    backend_class = VoipbinBackend
    backend: VoipbinBackend

    def profile_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        return served_spec.profile_spec(spec, self.profile)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """Every response carries X-Request-Id; CORS is open to all origins, as the service's is."""
        return Cors(
            RequestIdMiddleware(app),
            allow_origins=["*"],
            allow_methods=["POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Request-Id"],
        )

    def load_tenants(self, fixture: VoipbinFixture, source: str) -> None:  # type: ignore[override]
        self.backend.load_customers(fixture.customers, source)

    def demo_credentials(self) -> list[Credential]:
        found = []
        for tenant, state in self.store.items():
            for key in state["accesskeys"]:
                found.append(Credential(f"tenant {tenant} access key (?accesskey=)", key))
            for username, user in state["users"].items():
                found.append(Credential(f"tenant {tenant} login (POST /voipbin/auth/login)", f"{username} / {user['password']}"))
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for key in state["accesskeys"]:
                return {"params": {"accesskey": key}}
        return None

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Moves a number between the statuses the profile knows (`number_statuses`)."""
        if tenant not in self.store:
            raise LookupError(f"voipbin has no tenant {tenant!r}")
        if resource != "number":
            raise LookupError(f"voipbin resources with a lifecycle: number (not {resource!r})")
        return render_number(self.backend.numbers.transition(tenant, resource_id, to), self.profile)

    def webhook_format(self, event: str | None = None) -> Any:
        """Every VoIPBIN webhook is `{type, data}` signed with X-VoIPBIN-Signature."""
        return FORMAT

    def webhook_formats(self) -> list[Any]:
        """The `{type, data}` + X-VoIPBIN-Signature format, so deliveries restored from a state file resume."""
        return [FORMAT]

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call or message runs the number's call or message flow as an activeflow."""
        from .simulate import simulate

        return simulate(self, kind, params)
