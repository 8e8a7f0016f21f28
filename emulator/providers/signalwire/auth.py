"""HTTP Basic with Project ID and API token; each project is a tenant, each token has scopes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ...core.provider_app import set_tenant
from .errors import fail

if TYPE_CHECKING:
    from .provider import SignalwireProvider

NUMBERS_SCOPE = "numbers"


@dataclass
class Caller:
    tenant: str
    state: dict[str, Any]

    @property
    def project_id(self) -> str:
        return self.state["project"]["id"]


def basic_credentials(request: Request) -> tuple[str, str] | None:
    header = request.headers.get("authorization", "")
    scheme, _, encoded = header.partition(" ")
    if scheme.lower() != "basic" or not encoded.strip():
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    project, sep, token = decoded.partition(":")
    if not sep or not project or not token:
        return None
    return project, token


def authenticate(provider: SignalwireProvider, request: Request, scope: str | None = NUMBERS_SCOPE) -> Caller:
    """The calling project, or 401 `{"error": "Unauthorized"}` (bad credentials or missing scope)."""
    credentials = basic_credentials(request)
    if credentials is None:
        fail(401)
    project, token = credentials
    tenant = provider.project_tenants.get(project)
    if tenant is None and provider.runtime.config.auto_tenants:
        tenant = provider.create_auto_tenant(project, token)
    state = provider.store.get(tenant) if tenant is not None else None
    if state is None:
        fail(401)
    grant = state["tokens"].get(token)
    if grant is None:
        fail(401)
    set_tenant(request, tenant)  # type: ignore[arg-type]
    if scope is not None and scope not in grant["scopes"]:
        fail(401)
    return Caller(tenant, state)  # type: ignore[arg-type]
