"""The VoiceOS plugin: tenants are accounts, reached by bearer API key."""

from __future__ import annotations

from typing import Any

from ...core.fixtures import FixtureError
from ...core.provider import Credential, Provider
from . import simulate as calls
from .backend import VoiceosBackend
from .events import FORMAT
from .seed import account_state
from .fixtures import VoiceosFixture, VoiceosSettings
from .profiles import PROFILES, VoiceosProfile


class VoiceosProvider(Provider[VoiceosProfile, VoiceosSettings]):
    """State per tenant (state.TenantState): `account`, `api_keys`, `numbers` (by E.164), `agents`
    and `conversations` (by id), and `retained` (numbers deleted without release, still held)."""

    name = "voiceos"
    title = "VoiceOS"
    hosts = ("api.voiceos.io",)
    profiles = PROFILES
    settings_model = VoiceosSettings
    fixture_model = VoiceosFixture
    backend_class = VoiceosBackend
    backend: VoiceosBackend

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call: the number's webhooks choose the agent, a conversation is recorded (simulate.py)."""
        return await calls.simulate(self, kind, params)

    def webhook_formats(self) -> list[Any]:
        """The unsigned format of conversation events, so deliveries restored from a state file resume."""
        return [FORMAT]

    def demo_credentials(self) -> list[Credential]:
        found = [
            Credential(f"account {tenant} API key (Authorization: Bearer …)", key)
            for tenant, state in self.store.items()
            for key in state["api_keys"]
        ]
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for key in state["api_keys"]:
                return {"headers": {"Authorization": f"Bearer {key}"}}
        return None

    def load_tenants(self, fixture: VoiceosFixture, source: str) -> None:  # type: ignore[override]
        for position, account in enumerate(fixture.accounts):
            where = f"{source}: voiceos.accounts[{position}]"
            if account.tenant in self.store:
                raise FixtureError(f"{where}.tenant: tenant {account.tenant!r} is declared twice")
            self.backend.add_account(account.tenant, account_state(account, where, self.backend))
