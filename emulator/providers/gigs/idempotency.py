"""Idempotency-Key on POST and DELETE: the first successful response is replayed for 24 h of virtual time,
for the same key on the same method and path."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette._utils import get_route_path
from starlette.requests import Request
from starlette.responses import Response

from ...core.clock import MICROS
from ...core.http import json_response
from .auth import Caller
from .errors import fail, invalid

if TYPE_CHECKING:
    from .provider import GigsProvider

HEADER = "idempotency-key"
MAX_LENGTH = 255
PRUNE_ABOVE = 512


def requested_key(request: Request, caller: Caller) -> str | None:
    """The request's key, validated as a header (so before any path, query or body check)."""
    if request.method not in ("POST", "DELETE"):
        return None  # ignored on other methods, and never an error there
    values = request.headers.getlist(HEADER)
    if not values:
        return None
    if len(values) > 1:
        invalid("Header 'Idempotency-Key' may only be given once.", prop="Idempotency-Key")
    key = values[0]
    if not key or len(key) > MAX_LENGTH:
        invalid(f"Header 'Idempotency-Key' must have 1 to {MAX_LENGTH} characters.", prop="Idempotency-Key")
    if not caller.state["project"]["idempotency_keys"]:
        fail("invalid", "Idempotency keys are not enabled for this project.",
             hint="Send the request without the Idempotency-Key header.")
    # Scoped to the request target: a key reused on another endpoint or resource is a new key, so a
    # create never replays a cancel's 200 (nor a cancel a create's 201).
    return f"{request.method} {get_route_path(request.scope)} {key}"


def replay(provider: "GigsProvider", caller: Caller, key: str | None) -> Response | None:
    """The stored response for `key`, while it is fresh."""
    if key is None:
        return None
    stored = caller.state["idempotency"].get(key)
    if stored is None:
        return None
    if stored["expires_us"] <= provider.clock.now_us():
        del caller.state["idempotency"][key]
        return None
    return json_response(stored["body"], stored["status"])


def remember(provider: "GigsProvider", caller: Caller, key: str | None, status: int, body: Any) -> None:
    """Stores a successful response; failures are not stored, so the key may be retried."""
    if key is None or status >= 400:
        return
    now = provider.clock.now_us()
    entries: dict[str, Any] = caller.state["idempotency"]
    if len(entries) >= PRUNE_ABOVE:
        for old in [k for k, v in entries.items() if v["expires_us"] <= now]:
            del entries[old]
    entries[key] = {
        "expires_us": now + round(provider.settings.idempotency_ttl_seconds * MICROS),
        "status": status,
        "body": body,
    }
