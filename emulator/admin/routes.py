"""The control API's route table: verb, path, handler. Its OpenAPI lives in openapi.yaml."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route, Router
from starlette.types import Receive, Scope, Send

from . import faults as ft
from . import handlers as h
from . import journal_feed as jf
from . import overrides as ov
from . import webhooks as wh
from .guard import guard
from .ui import InspectorPage

Handler = Callable[[Request], Awaitable[Response]]

ROUTES: list[tuple[str, str, Handler]] = [
    ("GET", "/", h.index),
    ("GET", "/health", h.health),
    ("POST", "/reset", h.reset),
    ("POST", "/fixtures", h.seed),
    ("GET", "/state", h.get_state),
    ("PUT", "/state", h.put_state),
    ("GET", "/journal", h.journal),
    ("GET", "/journal/summary", h.journal_summary),
    ("GET", "/journal/feed", jf.journal_feed),
    ("GET", "/journal/{seq}", jf.journal_entry),
    ("GET", "/clock", h.clock),
    ("POST", "/clock/freeze", h.clock_freeze),
    ("POST", "/clock/resume", h.clock_resume),
    ("POST", "/clock/advance", h.clock_advance),
    ("POST", "/clock/set", h.clock_set),
    ("GET", "/providers", h.providers),
    ("GET", "/profiles", h.profiles),
    ("PUT", "/profiles", h.set_profile),
    ("POST", "/transition", h.transition),
    ("POST", "/simulate/{kind}", h.simulate),
    ("POST", "/overrides", ov.create_override),
    ("GET", "/overrides", ov.list_overrides),
    ("DELETE", "/overrides", ov.delete_overrides),
    ("DELETE", "/overrides/{override_id}", ov.delete_override),
    ("POST", "/webhook-endpoints", wh.create_endpoint),
    ("GET", "/webhook-endpoints", wh.list_endpoints),
    ("GET", "/webhook-endpoints/{endpoint_id}", wh.get_endpoint),
    ("DELETE", "/webhook-endpoints/{endpoint_id}", wh.delete_endpoint),
    ("GET", "/deliveries", wh.list_deliveries),
    ("GET", "/deliveries/{delivery_id}", wh.get_delivery),
    ("POST", "/deliveries/{delivery_id}/replay", wh.replay_delivery),
    ("POST", "/faults", ft.create_fault),
    ("GET", "/faults", ft.list_faults),
    ("DELETE", "/faults", ft.delete_faults),
    ("GET", "/faults/{fault_id}", ft.get_fault),
    ("DELETE", "/faults/{fault_id}", ft.delete_fault),
    ("GET", "/openapi.json", h.openapi),
]


def guarded(handler: Handler) -> Handler:
    async def endpoint(request: Request) -> Response:
        try:
            return await handler(request)
        except h.AdminError as exc:
            return h.admin_error(exc.status, exc.code, exc.message)

    endpoint.__name__ = handler.__name__
    return endpoint


class AdminApp:
    """Turns routing misses into the control API's JSON errors."""

    def __init__(self, runtime: Any) -> None:
        self.runtime = runtime
        self.router = Router(
            routes=[Route(path, guarded(fn), methods=[verb], name=fn.__name__) for verb, path, fn in ROUTES],
            redirect_slashes=False,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        scope["telemock.runtime"] = self.runtime
        try:
            await self.router(scope, receive, send)
        except HTTPException as exc:
            code = "method_not_allowed" if exc.status_code == 405 else "not_found"
            response = h.admin_error(exc.status_code, code, f"{scope['method']} {scope['path']}: {exc.detail}")
            await response(scope, receive, send)


def admin_app(runtime: Any) -> Any:
    """The control API, behind the admin-token guard when a token is configured; the inspector's
    page in front of the guard (it holds no data and asks for the token itself)."""
    return InspectorPage(guard(AdminApp(runtime), runtime.config.admin_token))
