"""Serves the inspector's files at /ui/ under the control API, in front of the admin-token guard.

The files hold no data: the page asks for the admin token (when the server has one) and sends
it with every control-API call, so the guard still stands before everything the page shows.
A browser cannot attach a bearer token to a navigation, so the page itself must be open.
"""

from __future__ import annotations

from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.responses import RedirectResponse
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...core.http import json_response

STATIC = Path(__file__).parent / "static"
PREFIX = "/ui"

# The page loads its own files only and talks to its own origin; nothing inline, no frames.
PAGE_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
     b"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"cache-control", b"no-cache"),  # revalidate (ETag) so an upgraded server serves its new page
]


def route_path(scope: Scope) -> str:
    """The path below the control API's mount point."""
    path: str = scope["path"]
    root: str = scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


class InspectorPage:
    """`/ui` → `/ui/`; `/ui/<file>` → the file; everything else → the control API behind it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.files = StaticFiles(directory=STATIC, html=True)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = route_path(scope)
        if path == PREFIX:
            await RedirectResponse(f"{scope.get('root_path', '')}{PREFIX}/", 308)(scope, receive, send)
        elif path.startswith(PREFIX + "/"):
            await self.serve_file(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def serve_file(self, scope: Scope, receive: Receive, send: Send) -> None:
        child = dict(scope)
        child["root_path"] = scope.get("root_path", "") + PREFIX
        try:
            await self.files(child, receive, with_page_headers(send))
        except HTTPException as exc:  # no such file, or not GET/HEAD: the control API's own error shape
            code = "method_not_allowed" if exc.status_code == 405 else "not_found"
            message = f"{scope['method']} {scope['path']}: not a file of the inspector"
            await json_response({"error": {"code": code, "message": message}}, exc.status_code)(scope, receive, send)


def with_page_headers(send: Send) -> Send:
    async def sending(message: Message) -> None:
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *PAGE_HEADERS]}
        await send(message)

    return sending
