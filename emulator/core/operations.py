"""One resolver per provider: which route, and so which operationId, a request is for.

Faults and overrides (which match rules by operationId), the router and the journal all need
the answer; the resolver is built once from the provider's routes and resolves a request at most
once, keeping the result in its scope's state.

Starlette tries every route's regex in turn, and a provider has dozens. Routes are indexed by
their number of `/` and their first two segments (VoIPBIN's all start with `/v1.0`), so a
request runs the regexes of one to three routes, in the table's order (literal paths before
parameters, as declared). Routes whose shape is not fixed (a `{name:path}` parameter, or not a
`Route`) are tried for every path. A (method, path) pair resolved once is remembered (bounded),
since a client asks for the same paths again and again: its later requests skip the regexes.
"""

from __future__ import annotations

from typing import Any, Iterable, NamedTuple

from starlette._utils import get_route_path
from starlette.convertors import PathConvertor
from starlette.routing import BaseRoute, Match, Route
from starlette.types import Scope

from .exchange import OPERATION_KEY
from .memo import remember


class Resolved(NamedTuple):
    """The route a request matched: fully (path and method) or by path only (a 405), or none."""

    route: BaseRoute | None
    full: bool
    child_scope: dict[str, Any]

    @property
    def operation(self) -> str | None:
        """The operationId of a full match; None for a wrong method or an unknown path."""
        return getattr(self.route, "name", None) if self.full else None


UNRESOLVED = Resolved(None, False, {})
LEADING = 2  # segments indexed
MATCH_MEMO_SIZE = 4096  # resolved (method, path) pairs kept
Shape = tuple[int, tuple["str | None", ...]]  # the number of `/`, then each leading segment or None (a parameter)


class Operations:
    """A provider's routes indexed by path shape; `operation_ids` are the provider's own."""

    def __init__(self, routes: list[BaseRoute], core_routes: Iterable[BaseRoute] = ()) -> None:
        self.operation_ids = frozenset(name for route in routes if (name := getattr(route, "name", None)))
        self.routes = [*routes, *core_routes]
        self._shapes = [_shape(route) for route in self.routes]
        self._literals = [
            {shape[1][i] for shape in self._shapes if shape is not None and shape[1][i] is not None} for i in range(LEADING)
        ]
        self._max_slashes = max((shape[0] for shape in self._shapes if shape is not None), default=0)
        self._candidates: dict[Shape, tuple[list[BaseRoute], bool]] = {}  # by shape: routes, all plain Routes
        # (method, path) → (route, full match, path parameters): the same path resolves the same way
        # every time; kept for paths whose candidates are all plain Routes, the oldest dropped first.
        self._matched: dict[tuple[str, str], tuple[BaseRoute | None, bool, dict[str, Any]]] = {}

    def resolve(self, scope: Scope) -> Resolved:
        """The request's route, looked up on the first call and kept in its state for the others
        (a provider request always has a state: the provider app gives it one)."""
        state = scope["state"]
        found = state.get(OPERATION_KEY)
        if found is None:
            found = state[OPERATION_KEY] = self._match(scope)
        return found

    def _match(self, scope: Scope) -> Resolved:
        route_path = get_route_path(scope)
        key = (scope["method"], route_path)
        known = self._matched.get(key)
        if known is not None and not scope.get("path_params"):
            route, full, params = known
            if route is None:
                return UNRESOLVED
            # tuple.__new__ builds the NamedTuple without its Python-level __new__: this runs on every request.
            return tuple.__new__(Resolved, (route, full, {"endpoint": route.endpoint, "path_params": dict(params)}))
        routes, plain = self._indexed(route_path)
        found = self._scan(scope, routes)
        if plain and known is None and not scope.get("path_params"):
            params = found.child_scope.get("path_params", {}) if found.route is not None else {}
            remember(self._matched, key, (found.route, found.full, dict(params)), MATCH_MEMO_SIZE)
        return found

    def _scan(self, scope: Scope, routes: list[BaseRoute]) -> Resolved:
        partial = None
        for route in routes:
            match, child_scope = route.matches(scope)
            if match is Match.FULL:
                return tuple.__new__(Resolved, (route, True, child_scope))
            if match is Match.PARTIAL and partial is None:
                partial = tuple.__new__(Resolved, (route, False, child_scope))
        return partial or UNRESOLVED

    def _indexed(self, route_path: str) -> tuple[list[BaseRoute], bool]:
        """The routes to try for the path's shape, and whether all are Starlette's own `Route`, which
        matches on the method and the path alone (so the result can be remembered)."""
        slashes = min(route_path.count("/"), self._max_slashes + 1)
        segments = route_path.split("/", LEADING + 1)[1 : LEADING + 1]
        segments += [""] * (LEADING - len(segments))
        # bounded: a segment no route names literally counts as None, so hostile paths share keys
        leading = tuple(part if part in known else None for part, known in zip(segments, self._literals))
        key = (slashes, leading)
        found = self._candidates.get(key)
        if found is None:
            routes = [
                route
                for route, shape in zip(self.routes, self._shapes)
                if shape is None or (shape[0] == slashes and all(
                    mine is None or mine == theirs for mine, theirs in zip(shape[1], leading)
                ))
            ]
            found = self._candidates[key] = (routes, all(type(route) is Route for route in routes))
        return found


def _shape(route: BaseRoute) -> Shape | None:
    """(number of `/`, the leading segments, None where one is a parameter), or None: try it always."""
    if not isinstance(route, Route) or any(isinstance(c, PathConvertor) for c in route.param_convertors.values()):
        return None
    path = route.path
    segments = path.split("/", LEADING + 1)[1 : LEADING + 1]
    segments += [""] * (LEADING - len(segments))
    return path.count("/"), tuple(None if "{" in part else part for part in segments)
