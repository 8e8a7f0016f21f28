"""A provider's route table (verb, path, operationId, handler) turned into Starlette routes."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

Handler = Callable[[Any, Request], Awaitable[Response]]


def bind(provider: Any, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A request-response endpoint that hands the provider to the handler (partials are not endpoints)."""

    async def endpoint(request: Request) -> Response:
        return await handler(provider, request)

    endpoint.__name__ = handler.__name__
    return endpoint


def table_routes(provider: Any, table: Iterable[tuple[str, str, str, Handler]], prefix: str = "") -> list[BaseRoute]:
    """One route per row, named by its operationId so the journal and the verdicts can refer to it."""
    return [Route(prefix + path, bind(provider, fn), methods=[verb], name=op) for verb, path, op, fn in table]
