"""The innermost layer: hands the request to the route its operation resolved to.

No route list is scanned here; `Operations.resolve` did it (at most once per request). A path
no route knows raises a 404 and a known path with the wrong method a 405 (Starlette's own
`HTTPException`s), which the error layer answers in the provider's format.

A full match calls the route's endpoint itself (a `ProviderRequest` in, a `Response` out) instead of
going through Starlette's `Route.handle`, whose exception-handler wrapper and extra `send`
frame do nothing here: the error layer outside answers every exception.
"""

from __future__ import annotations

import inspect
from typing import Any, Awaitable, Callable

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import Receive, Scope, Send

from ..http import ProviderRequest
from ..operations import Operations

Endpoint = Callable[[Request], Awaitable[Response]]


class OperationRouter:
    def __init__(self, operations: Operations) -> None:
        self.operations = operations
        # by id: Starlette's routes compare by value and are not hashable; they live as long as this
        self.endpoints: dict[int, Endpoint] = {
            id(route): route.endpoint for route in operations.routes if direct_endpoint(route)
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.operations.resolve(scope)
        route = found.route
        if route is None:
            raise HTTPException(status_code=404)
        scope["route"] = route
        scope.update(found.child_scope)
        endpoint = self.endpoints.get(id(route)) if found.full else None
        if endpoint is None:  # a wrong method (405), or a route that is an ASGI app itself
            await route.handle(scope, receive, send)
            return
        response = await endpoint(ProviderRequest(scope, receive, send))
        await response(scope, receive, send)


def direct_endpoint(route: Any) -> bool:
    """Whether the route is a plain `async def endpoint(request)` that `Route.handle` would only wrap
    (no route middleware, no body limit of its own: its app is Starlette's request_response)."""
    return (
        type(route) is Route
        and inspect.iscoroutinefunction(route.endpoint)
        and getattr(route.app, "__qualname__", "").startswith("request_response.")
    )
