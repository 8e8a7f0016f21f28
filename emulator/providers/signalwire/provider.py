"""The SignalWire plugin: tenants are projects, reached with HTTP Basic (project id, API token)."""

from __future__ import annotations

from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.fixtures import FixtureError
from ...core.http import GenericError
from ...core.provider import Credential, Provider
from . import laml_errors
from .backend import SignalwireBackend
from .fixtures import SignalwireFixture, SignalwireSettings
from .models import render_number
from .profiles import PROFILES, SignalwireProfile
from . import served_spec
from .seed import project_state
from .signing import FORM_FORMAT, JSON_FORMAT, JsonFormat

# The requests SignalWire sends as JSON (named as in the spec's `webhooks:`).
JSON_EVENTS = frozenset({"relayScriptRequest", "inboundMessageWebhook", "messageStatusCallback"})


class SignalwireProvider(Provider[SignalwireProfile, SignalwireSettings]):
    name = "signalwire"
    title = "SignalWire"
    hosts = ("*.signalwire.com",)
    profiles = PROFILES
    settings_model = SignalwireSettings
    fixture_model = SignalwireFixture
    backend_class = SignalwireBackend
    backend: SignalwireBackend

    def profile_spec(self, spec: dict[str, Any]) -> dict[str, Any]:
        return served_spec.profile_spec(spec, self.profile)

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
            if self.backend.tenant_of_project(project.project_id) is not None:
                raise FixtureError(f"{where}.project_id: project {project.project_id} is declared twice")
            state = project_state(project, where, self.clock.now_us(), self.clock.stamp_us, self.backend.default_name)
            self.backend.add_tenant(tenant, state)

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Finishes a number's pending E911 change now: `pending` → `active`/`failed`, `pending_removal` → `unregistered`."""
        if tenant not in self.store:
            raise LookupError(f"signalwire has no tenant {tenant!r}")
        if resource != "e911":
            raise LookupError(f"signalwire resources with a lifecycle: e911 (not {resource!r})")
        number = self.backend.finish_e911(tenant, resource_id, to)
        return render_number(number, self.profile, self.clock.now_us())

    def webhook_format(self, event: str | None = None) -> Any:
        """SWML fetches and message status callbacks are signed JSON; the cXML requests are signed forms."""
        return JSON_FORMAT if event in JSON_EVENTS else FORM_FORMAT

    def webhook_formats(self) -> list[Any]:
        """The formats of what the outbox sends (call and message status callbacks), so restored deliveries
        can still be sent."""
        return [FORM_FORMAT, JsonFormat(with_sha256=self.settings.sha256_signature)]

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call or message on a number: its handler URLs are requested as SignalWire would."""
        from . import simulate as simulation  # its HTTP client is only needed when a call is simulated

        return await simulation.simulate(self, kind, params)

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        """The compatibility (LaML) API answers in its own Twilio-style format, Relay REST in its."""
        if laml_errors.is_laml(conn):
            error = laml_errors.generic_error(conn, kind, detail)
            return laml_errors.styled(error, self.profile.laml_error_body).response(conn)
        return super().generic_error(conn, kind, detail)

    def fault_response(self, conn: HTTPConnection, status: int, retry_after: int | None) -> Response:
        """An injected fault on a compatibility path carries the fault's status in its body too."""
        if not laml_errors.is_laml(conn):
            return super().fault_response(conn, status, retry_after)
        response = laml_errors.styled(laml_errors.fault_error(status), self.profile.laml_error_body).response(conn)
        if retry_after is not None:
            response.headers["Retry-After"] = str(retry_after)
        return response
