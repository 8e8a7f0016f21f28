"""An optional bearer token in front of the control API, as plain ASGI.

With a token configured every `/_telemock/` route needs `Authorization: Bearer <token>`, except
`GET /_telemock/health`, which container and load-balancer health checks call without one.
Without a token the guard is not installed at all.
"""

from __future__ import annotations

import hmac
import ipaddress

from starlette.types import ASGIApp, Receive, Scope, Send

from ..core.http import json_response

OPEN_ROUTES = {("GET", "/health")}


def presented_token(scope: Scope) -> bytes | None:
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            scheme, _, token = value.partition(b" ")
            if scheme.lower() == b"bearer" and token.strip():
                return token.strip()
            return None
    return None


class AdminGuard:
    """Answers 401 (the control API's JSON error) unless the request carries the admin token."""

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self.token = token.encode()

    def relative_path(self, scope: Scope) -> str:
        path: str = scope.get("path", "")
        root: str = scope.get("root_path", "")
        return path[len(root):] if root and path.startswith(root) else path

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "http" and (scope.get("method"), self.relative_path(scope)) in OPEN_ROUTES:
            await self.app(scope, receive, send)
            return
        presented = presented_token(scope)
        if presented is not None and hmac.compare_digest(presented, self.token):
            await self.app(scope, receive, send)
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        message = ("this control API needs the admin token: Authorization: Bearer <token>"
                   if presented is None else "the admin token does not match")
        response = json_response(
            {"error": {"code": "unauthorized", "message": message}}, 401, {"WWW-Authenticate": 'Bearer realm="telemock"'}
        )
        await response(scope, receive, send)


def guard(app: ASGIApp, token: str | None) -> ASGIApp:
    """The app behind the token guard, or unchanged when no token is configured."""
    return AdminGuard(app, token) if token else app


def is_loopback(host: str) -> bool:
    """Whether listening on `host` keeps the control API on this machine."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name: it may resolve to anything
