"""Gigs authentication: `Authorization: Bearer <key>`, one project per key, checked before anything else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from starlette.requests import Request

from ...core.provider import Caller as TenantCaller
from ...core.provider_app import set_tenant
from .errors import PermissionDenied, ProjectNotFound, Unauthenticated
from .events import Actor
from .state import ProjectState

if TYPE_CHECKING:
    from .provider import GigsProvider


@dataclass
class Caller(TenantCaller):
    """The key's project (the tenant), its state, and the key's id, which is the actor of its changes."""

    state: ProjectState  # type: ignore[assignment]  # the core's plain dict, typed for Gigs
    api_key_id: str

    @property
    def project(self) -> str:
        return self.tenant

    @property
    def actor(self) -> Actor:
        return {"type": "apiKey", "apiKey": self.api_key_id}


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def authenticate(provider: "GigsProvider", request: Request) -> Caller:
    """The key's project, or 401 `unauthenticated` (missing, unknown or expired key)."""
    backend = provider.backend
    token = bearer_token(request)
    if token is None:
        raise Unauthenticated()
    project = backend.project_of_key(token)
    if project is None and provider.runtime.config.auto_tenants:
        project = backend.auto_project(token, request.path_params.get("project", ""))
    if project is None or project not in backend.store:
        raise Unauthenticated()
    state = backend.tenant(project)
    key = state["api_keys"][token]
    if key["expires_us"] is not None and key["expires_us"] <= backend.clock.now_us():
        raise Unauthenticated()
    set_tenant(request, project)
    return Caller(project, state, key["id"])


def require_project(provider: "GigsProvider", request: Request, caller: Caller) -> None:
    """The path's project must be the key's own: 403 `permissionDenied` (or 404, a setting) otherwise."""
    if request.path_params["project"] == caller.project:
        return
    if provider.settings.foreign_project_error == "notFound":
        raise ProjectNotFound()
    raise PermissionDenied()


def project_caller(provider: "GigsProvider", request: Request) -> Caller:
    """The opening checks of a read: lifecycle steps due by now applied, then the key, then the path's project."""
    provider.backend.settle()
    caller = authenticate(provider, request)
    require_project(provider, request, caller)
    return caller
