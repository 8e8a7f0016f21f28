"""A provider's route table (verb, path, operationId, handler) turned into Starlette routes.

`core/operations.py` indexes them and resolves each request; `core/layers/router.py` dispatches.
"""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from .http import json_response

Handler = Callable[[Any, Request], Awaitable[Response]]
# A provider's route table: (verb, real path, operationId as in the spec, handler), in match order.
Table = list[tuple[str, str, str, Handler]]


def bind(provider: Any, handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """A request-response endpoint that hands the provider to the handler (partials are not endpoints)."""

    async def endpoint(request: Request) -> Response:
        return await handler(provider, request)

    endpoint.__name__ = handler.__name__
    return endpoint


def table_routes(provider: Any, table: Iterable[tuple[str, str, str, Handler]], prefix: str = "") -> list[BaseRoute]:
    """One route per row, named by its operationId so the journal and the verdicts can refer to it."""
    return [Route(prefix + path, bind(provider, fn), methods=[verb], name=op) for verb, path, op, fn in table]


SPEC_OPERATION = "openapi"


def spec_route(provider: Any) -> BaseRoute:
    """The route every provider gets from the core: its spec at `/openapi.json`, as the active
    profile answers (`Provider.profile_spec`), so a client generated from it reads every answer."""

    async def serve_spec(request: Request) -> Response:
        from telemock.contracts.specs import served_spec

        base = f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}"
        return json_response(provider.profile_spec(served_spec(provider.name, base)))

    return Route("/openapi.json", serve_spec, methods=["GET"], name=SPEC_OPERATION)
