"""Idempotency-Key on POST and DELETE: the first successful response is replayed for 24 h of virtual time,
for the same key on the same method and path. The backend stores the answers; this reads the header."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import Caller, authenticate, require_project
from .errors import IdempotencyKeysDisabled, PropertyInvalid

if TYPE_CHECKING:
    from .provider import GigsProvider

HEADER = "idempotency-key"
MAX_LENGTH = 255


def requested_key(request: Request, caller: Caller) -> str | None:
    """The request's key, validated as a header (so before any path, query or body check)."""
    if request.method not in ("POST", "DELETE"):
        return None  # ignored on other methods, and never an error there
    values = request.headers.getlist(HEADER)
    if not values:
        return None
    if len(values) > 1:
        raise PropertyInvalid("Header 'Idempotency-Key' may only be given once.", "Idempotency-Key")
    key = values[0]
    if not key or len(key) > MAX_LENGTH:
        raise PropertyInvalid(f"Header 'Idempotency-Key' must have 1 to {MAX_LENGTH} characters.", "Idempotency-Key")
    if not caller.state["project"]["idempotency_keys"]:
        raise IdempotencyKeysDisabled()
    # Scoped to the request target: a key reused on another endpoint or resource is a new key, so a
    # create never replays a cancel's 200 (nor a cancel a create's 201).
    return f"{request.method} {get_route_path(request.scope)} {key}"


def idempotent_caller(provider: "GigsProvider", request: Request) -> tuple[Caller, str | None, Response | None]:
    """The opening checks of a write, in Gigs' order: due lifecycle steps applied, the key, the
    Idempotency-Key header, the path's project; then the stored answer to replay, if there is one."""
    provider.backend.settle()
    caller = authenticate(provider, request)
    key = requested_key(request, caller)
    require_project(provider, request, caller)
    stored = provider.backend.replay(caller.project, key)
    replayed = None if stored is None else json_response(stored["body"], stored["status"])
    return caller, key, replayed
