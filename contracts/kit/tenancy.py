"""Whose state a test works on, when several tests share one server.

In this process each pytest worker has an emulator of its own, reset to its fixtures before
every test: a test acts as the demo tenants. A server reached with `--telemock-url` may serve
several workers (pytest-xdist), tests and jobs at once, and a whole-server reset in one test
would wipe another's state mid-test. There, when the server creates a tenant for unknown
credentials (`telemock serve --auto-tenants`), every test gets fresh credentials of its own:
one new UUID used for every part of the provider's demo credentials (key, token, project id).
Each provider names an auto tenant after that credential (Gigs after the project in the path,
which a test takes from `telemock.gigs.tenant`), so the tenant is the UUID too: the test's
journal, state and teardown reset are scoped to it.
"""

from __future__ import annotations

import base64
import uuid
from typing import Any


def fresh_credential() -> str:
    """A new tenant's credential and name: a UUID is a valid key, token, SignalWire project id
    and Gigs project slug alike."""
    return str(uuid.uuid4())


def fresh_auth(demo_auth: dict[str, Any], credential: str) -> dict[str, Any]:
    """The demo credentials' shape (`headers`, `params`, `cookies`, `basic`) with `credential` in every value."""
    fresh: dict[str, Any] = {}
    for place in ("headers", "params", "cookies"):
        if demo_auth.get(place):
            fresh[place] = {name: swapped(value, credential) for name, value in demo_auth[place].items()}
    if demo_auth.get("basic"):
        fresh["basic"] = [credential, credential]
    return fresh


def swapped(value: str, credential: str) -> str:
    """`Bearer <key>` keeps its scheme; a bare value is replaced whole."""
    scheme, sep, _ = value.partition(" ")
    return f"{scheme} {credential}" if sep and scheme.isalpha() else credential


def request_match(auth: dict[str, Any]) -> dict[str, dict[str, str]]:
    """What requests made with `auth` carry, for overrides confined to them: query parameters and headers."""
    headers = {name.lower(): value for name, value in (auth.get("headers") or {}).items()}
    if auth.get("basic"):
        user, password = auth["basic"]
        headers["authorization"] = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"query": dict(auth.get("params") or {}), "headers": headers}
