"""HTTP Basic with Project ID and API token; each project is a tenant, each token has scopes."""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from starlette.requests import Request

from ...core.provider import Caller as BaseCaller
from ...core.provider_app import set_tenant
from .errors import Unauthorized
from .state import ProjectState

if TYPE_CHECKING:
    from .provider import SignalwireProvider

NUMBERS_SCOPE = "numbers"


@dataclass
class Caller(BaseCaller):
    state: ProjectState  # type: ignore[assignment]  # the core's is an untyped dict


def basic_credentials(request: Request) -> tuple[str, str] | None:
    return decoded_basic(request.headers.get("authorization", ""))


@lru_cache(maxsize=1024)
def decoded_basic(header: str) -> tuple[str, str] | None:
    """(project, token) of an Authorization header, or None; a client sends the same one every
    time, so recent ones are decoded once (whether they are valid is asked of the state each time)."""
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
    """The calling project, or 401 `{"error": "Unauthorized"}` (bad credentials or missing scope).

    With auto tenants on, an unknown project becomes a fresh one owning the token.
    """
    credentials = basic_credentials(request)
    if credentials is None:
        raise Unauthorized("no HTTP Basic credentials")
    project, token = credentials
    backend = provider.backend
    tenant = backend.tenant_of_project(project)
    if tenant is None and provider.runtime.config.auto_tenants:
        tenant = backend.create_auto_tenant(project, token)
    state = backend.store.get(tenant) if tenant is not None else None
    if tenant is None or state is None:
        raise Unauthorized("unknown project")
    grant = state["tokens"].get(token)
    if grant is None:
        raise Unauthorized("unknown API token")
    set_tenant(request, tenant)
    if scope is not None and scope not in grant["scopes"]:
        raise Unauthorized(f"the token lacks the {scope} scope")
    return Caller(tenant, state)  # type: ignore[arg-type]
