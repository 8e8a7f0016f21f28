"""A provider's route table (verb, path, operationId, handler) turned into Starlette routes."""

from __future__ import annotations

from typing import Any, Awaitable, Callable, Iterable

from starlette._utils import get_route_path
from starlette.convertors import PathConvertor
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route, Router
from starlette.types import Receive, Scope, Send

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


class IndexedRouter(Router):
    """Starlette's Router, trying only the routes whose path has the request path's shape.

    Starlette tries every route's regex in turn; a provider has dozens. Routes are indexed by
    their number of `/` and their first segment, so a request runs the regexes of one to three
    routes, in the table's order (literal paths before parameters, as declared). Routes whose
    shape is not fixed (a `{name:path}` parameter, or not a `Route`) are tried for every path.
    """

    def __init__(self, routes: list[BaseRoute], **kwargs: Any) -> None:
        super().__init__(routes=routes, **kwargs)
        self._shapes: list[tuple[int, str | None] | None] = [_shape(route) for route in self.routes]
        self._firsts = {shape[1] for shape in self._shapes if shape is not None and shape[1] is not None}
        self._max_slashes = max((shape[0] for shape in self._shapes if shape is not None), default=0)
        self._candidates: dict[tuple[int, str | None], list[BaseRoute]] = {}

    def candidates(self, route_path: str) -> list[BaseRoute]:
        slashes = min(route_path.count("/"), self._max_slashes + 1)
        first = route_path.split("/", 2)[1] if slashes else ""
        key = (slashes, first if first in self._firsts else None)  # bounded: hostile paths share keys
        found = self._candidates.get(key)
        if found is None:
            found = [
                route
                for route, shape in zip(self.routes, self._shapes)
                if shape is None or (shape[0] == key[0] and (shape[1] is None or shape[1] == key[1]))
            ]
            self._candidates[key] = found
        return found

    async def app(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or self.redirect_slashes:
            await super().app(scope, receive, send)
            return
        scope.setdefault("router", self)
        partial = None
        partial_scope: Scope = {}
        for route in self.candidates(get_route_path(scope)):
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                scope["route"] = route
                scope.update(child_scope)
                await route.handle(scope, receive, send)
                return
            if match is Match.PARTIAL and partial is None:
                partial, partial_scope = route, child_scope
        if partial is not None:
            scope["route"] = partial
            scope.update(partial_scope)
            await partial.handle(scope, receive, send)
            return
        await self.default(scope, receive, send)


def _shape(route: BaseRoute) -> tuple[int, str | None] | None:
    """(number of `/`, first segment or None when it is a parameter), or None: try it always."""
    if not isinstance(route, Route) or any(isinstance(c, PathConvertor) for c in route.param_convertors.values()):
        return None
    path = route.path
    first = path.split("/", 2)[1] if path.count("/") else ""
    return path.count("/"), (None if "{" in first else first)
