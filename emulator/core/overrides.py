"""Canned answers that replace the stateful one for an operation: how a client meets rare responses.

The contract kit fills these with documented-valid responses generated from the spec; a rule can
apply to the next N matching requests or until removed. A rule may also require query parameters
and request headers (`match`): the kit serves a sequence of pages keyed by the cursor a client
sends, and confines its answers to one test's credentials on a shared server.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from starlette.responses import Response


@dataclass
class Override:
    id: int
    provider: str
    operation: str
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    times: int | None = None
    served: int = 0
    query: dict[str, str] = field(default_factory=dict)  # parameters the request must carry, with these values
    request_headers: dict[str, str] = field(default_factory=dict)  # lower-case names, exact values

    def matches(self, query: dict[str, str], headers: dict[str, str]) -> bool:
        return all(query.get(k) == v for k, v in self.query.items()) and all(
            headers.get(k) == v for k, v in self.request_headers.items()
        )

    def response(self) -> Response:
        return Response(self.body, status_code=self.status, headers=self.headers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "provider": self.provider,
            "operation": self.operation,
            "status": self.status,
            "headers": self.headers,
            "body": self.body.decode("utf-8", "replace"),
            "times": self.times,
            "served": self.served,
            "match": {"query": self.query, "headers": self.request_headers},
        }


class Overrides:
    """Newest rule first; a rule with `times` left at 0 is spent and removed."""

    def __init__(self) -> None:
        self._rules: list[Override] = []
        self._ids = itertools.count(1)

    def __bool__(self) -> bool:
        return bool(self._rules)

    def providers(self) -> set[str]:
        return {rule.provider for rule in self._rules}

    def add(self, **fields: Any) -> Override:
        rule = Override(id=next(self._ids), **fields)
        self._rules.insert(0, rule)
        return rule

    def take(self, provider: str, operation: str | None, scope: dict[str, Any] | None = None) -> Override | None:
        """The newest rule for the operation whose `match` the request (its ASGI `scope`) meets."""
        query: dict[str, str] | None = None
        headers: dict[str, str] | None = None
        for rule in self._rules:
            if rule.provider == provider and rule.operation == operation:
                if rule.query or rule.request_headers:
                    if query is None or headers is None:
                        query, headers = request_parts(scope or {})
                    if not rule.matches(query, headers):
                        continue
                rule.served += 1
                if rule.times is not None:
                    rule.times -= 1
                    if rule.times <= 0:
                        self._rules.remove(rule)
                return rule
        return None

    def list(self) -> list[Override]:
        return list(self._rules)

    def remove(self, rule_id: int | None = None, provider: str | None = None) -> int:
        before = len(self._rules)
        self._rules = [
            r for r in self._rules
            if not ((rule_id is None or r.id == rule_id) and (provider is None or r.provider == provider))
        ]
        return before - len(self._rules)


def request_parts(scope: dict[str, Any]) -> tuple[dict[str, str], dict[str, str]]:
    """The query parameters (first value of each) and the headers (lower-case names) of a request."""
    query: dict[str, str] = {}
    for key, value in parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True):
        query.setdefault(key, value)
    headers = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
    return query, headers
