"""Bearer API keys, each belonging to one account (a tenant), checked like FastAPI's HTTPBearer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ...core.provider_app import set_tenant
from .errors import fail

if TYPE_CHECKING:
    from .provider import VoiceosProvider


@dataclass
class Caller:
    tenant: str
    state: dict[str, Any]

    @property
    def account_id(self) -> str:
        return self.state["account"]["id"]


def presented_key(provider: "VoiceosProvider", request: Request) -> str | None:
    """HTTPBearer splits at the first space and wants scheme `bearer` (any case) and a credential."""
    header = request.headers.get("authorization")
    if header:
        scheme, _, credentials = header.partition(" ")
        if scheme.lower() == "bearer" and credentials:
            return credentials
    if provider.settings.accept_x_api_key:
        return request.headers.get("x-api-key") or None
    return None


def authenticate(provider: "VoiceosProvider", request: Request) -> Caller:
    """The caller's account, or 401 `Not authenticated` / `Invalid API key`."""
    key = presented_key(provider, request)
    if key is None:
        status = provider.settings.missing_auth_status
        fail(status, "Not authenticated", {"WWW-Authenticate": "Bearer"} if status == 401 else None)
    tenant = provider.key_tenants.get(key)
    if tenant is None and provider.runtime.config.auto_tenants:
        tenant = provider.create_auto_tenant(key)
    if tenant is None:
        fail(401, "Invalid API key", {"WWW-Authenticate": "Bearer"})
    set_tenant(request, tenant)
    return Caller(tenant, provider.store.tenants[tenant])
