"""Gigs authentication: `Authorization: Bearer <key>`, one project per key, checked before anything else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ...core.provider_app import set_tenant
from .errors import UNAUTHENTICATED, fail

if TYPE_CHECKING:
    from .provider import GigsProvider


@dataclass
class Caller:
    project: str
    state: dict[str, Any]
    api_key_id: str

    @property
    def actor(self) -> dict[str, str]:
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
    token = bearer_token(request)
    if token is None:
        fail("unauthenticated", UNAUTHENTICATED)
    project = provider.key_projects.get(token)
    if project is None and provider.runtime.config.auto_tenants:
        project = provider.create_auto_tenant(token, request.path_params.get("project", ""))
    state = provider.store.get(project) if project is not None else None
    if state is None:
        fail("unauthenticated", UNAUTHENTICATED)
    key = state["api_keys"][token]
    if key["expires_us"] is not None and key["expires_us"] <= provider.clock.now_us():
        fail("unauthenticated", UNAUTHENTICATED)
    set_tenant(request, project)  # type: ignore[arg-type]
    return Caller(project, state, key["id"])  # type: ignore[arg-type]


def require_project(provider: "GigsProvider", request: Request, caller: Caller) -> None:
    """The path's project must be the key's own: 403 `permissionDenied` (or 404, a setting) otherwise."""
    if request.path_params["project"] == caller.project:
        return
    if provider.settings.foreign_project_error == "notFound":
        fail("notFound", "Project not found.")
    fail("permissionDenied", "The API key is not allowed to access this project.")
