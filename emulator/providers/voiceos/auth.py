"""Bearer API keys, each belonging to one account (a tenant), checked like FastAPI's HTTPBearer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from ...core.provider import Caller as BaseCaller
from ...core.provider_app import set_tenant
from .errors import InvalidApiKey, NotAuthenticated, NotAuthenticatedLegacy
from .state import TenantState

if TYPE_CHECKING:
    from .provider import VoiceosProvider


@dataclass
class Caller(BaseCaller):
    state: TenantState  # type: ignore[assignment]

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
    """The caller's account, or 401 `Not authenticated` (403 by setting) / `Invalid API key`."""
    key = presented_key(provider, request)
    if key is None:
        raise NotAuthenticated() if provider.settings.missing_auth_status == 401 else NotAuthenticatedLegacy()
    backend = provider.backend
    tenant = backend.tenant_of_key(key)
    if tenant is None and provider.runtime.config.auto_tenants:
        tenant = backend.create_auto_tenant(key)
    if tenant is None:
        raise InvalidApiKey()
    set_tenant(request, tenant)
    return Caller(tenant, backend.tenant(tenant))
