"""Tells a missing emulation from a real 404: requests for the provider's operations telemock lacks.

A request no route answers (or answers only for other methods) may still be one the real
provider serves. Each provider's catalog (`telemock.contracts.specs.catalog`) lists its public
operations; when such a request matches one that telemock does not emulate, its answer (the
provider's own error, as before) carries `X-Telemock-Not-Emulated: <operation>`, and its journal
entry the mark `not-emulated:<operation>`, which the journal's filter and summary and the request
log line read. Only the route-miss path asks; the catalog is read on a provider's first miss.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any, Iterable

from starlette._utils import get_route_path
from starlette.routing import BaseRoute, Route
from starlette.types import Scope

from .exchange import add_mark

if TYPE_CHECKING:
    from .provider import Provider

HEADER = "X-Telemock-Not-Emulated"
MARK_PREFIX = "not-emulated:"


def not_emulated_of(marks: Iterable[str]) -> str | None:
    """The operation a journaled request asked for that telemock does not emulate, if it was one."""
    for mark in marks:
        if mark.startswith(MARK_PREFIX):
            return mark[len(MARK_PREFIX):]
    return None


class NotEmulated:
    """A provider's listed operations that none of its routes serve, matched by method and path."""

    def __init__(self, provider: "Provider[Any, Any]") -> None:
        self.provider = provider
        self._patterns: list[tuple[str, re.Pattern[str], str]] | None = None

    def mark(self, scope: Scope) -> dict[str, str]:
        """The answer's extra header for a request telemock does not emulate (and its journal mark), else none."""
        name = self.operation_of(scope)
        if name is None:
            return {}
        add_mark(scope, MARK_PREFIX + name)
        return {HEADER: name}

    def operation_of(self, scope: Scope) -> str | None:
        method = "GET" if scope["method"] == "HEAD" else scope["method"]
        path = get_route_path(scope)
        for listed_method, pattern, name in self.patterns():
            if listed_method == method and pattern.fullmatch(path):
                return name
        return None

    def patterns(self) -> list[tuple[str, re.Pattern[str], str]]:
        if self._patterns is None:
            self._patterns = _patterns(self.provider.name, self.provider.operations.routes)
        return self._patterns


def _patterns(provider: str, routes: list[BaseRoute]) -> list[tuple[str, re.Pattern[str], str]]:
    from telemock.contracts.specs.catalog import load_catalog, path_shape

    try:
        listed = load_catalog(provider).operations
    except LookupError:  # a provider without a catalog: every miss is a plain 404
        return []
    served = {(method, path_shape(route.path)) for route in routes if isinstance(route, Route) for method in route.methods or ()}
    return [(op.method, _path_pattern(op.path, op.path_suffix), op.name) for op in listed if op.key not in served]


def _path_pattern(path: str, suffix: str) -> re.Pattern[str]:
    """The catalog path as a regex: a `{parameter}` is one path segment; the suffix is optional."""
    parts = re.split(r"\{[^}/]+\}", path)
    regex = "[^/]+".join(re.escape(part) for part in parts)
    return re.compile(regex + (f"(?:{re.escape(suffix)})?" if suffix else ""))
