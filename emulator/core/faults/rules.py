"""Fault rules: what a rule matches, what it does, when it may fire, and the table of rules.

A rule matches requests (by provider, operationId, path glob or regex, tenant, method) or
deliveries (by provider, tenant, event type, URL) and fires with a probability, at most `count`
times and only inside a window of virtual time. Each rule has its own seeded random generator,
so the same sequence of requests meets the same faults on every run. Rules are test set-up, like
canned overrides: a full reset removes them, and they are neither in snapshots nor in the state
file. What the effects do is in `requests.py` (latency, status, drop, malformed) and
`deliveries.py` (delay, duplicate, reorder, drop).
"""

from __future__ import annotations

import itertools
import random
import re
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import Any

from starlette.types import Scope

from ..clock import VirtualClock, rfc3339
from ..operations import Operations
from ..outbox import Message

TARGETS = ("requests", "deliveries")
REQUEST_EFFECTS = ("latency", "status", "drop", "malformed")
DELIVERY_EFFECTS = ("delay", "duplicate", "reorder", "drop")
MALFORMED_MODES = ("truncate", "html", "garbage")


@dataclass
class FaultRule:
    """One rule: what it matches, what it does, when it may fire, and how often it did."""

    id: int
    target: str
    effect: str
    provider: str | None = None
    operation: str | None = None
    path: str | None = None
    path_regex: str | None = None
    tenant: str | None = None
    method: str | None = None
    event_type: str | None = None
    url: str | None = None
    latency: tuple[float, float] | None = None
    status: int | None = None
    retry_after: int | None = None
    after_handler: bool = False
    mode: str = "truncate"
    copies: int = 2
    hold: float = 2.0
    probability: float = 1.0
    seed: int = 0
    count: int | None = None
    start_us: int | None = None
    end_us: int | None = None
    description: str = ""
    matched: int = 0
    fired: int = 0
    _regex: re.Pattern[str] | None = field(default=None, init=False, repr=False)
    _rng: random.Random = field(default_factory=random.Random, init=False, repr=False)

    def __post_init__(self) -> None:
        self._regex = re.compile(self.path_regex) if self.path_regex is not None else None
        self._rng = random.Random(self.seed)

    @property
    def spent(self) -> bool:
        return self.count is not None and self.fired >= self.count

    @property
    def mark(self) -> str:
        return f"fault:{self.id}:{self.effect}"

    def draw(self, now_us: int) -> bool:
        """Whether the rule fires for a request or attempt its filters already accepted."""
        if self.spent:
            return False
        if (self.start_us is not None and now_us < self.start_us) or (self.end_us is not None and now_us >= self.end_us):
            return False
        self.matched += 1
        if self.probability < 1.0 and self._rng.random() >= self.probability:
            return False
        self.fired += 1
        return True

    def delay_s(self) -> float:
        """The added latency of one firing: fixed, or drawn from the range with the rule's own generator."""
        if self.latency is None:
            return 0.0
        low, high = self.latency
        return low if high <= low else self._rng.uniform(low, high)

    def noise(self, length: int) -> bytes:
        """`length` random bytes from the rule's own generator (a garbled body, the same every run)."""
        return bytes(self._rng.randrange(256) for _ in range(length))

    # --- matching ------------------------------------------------------------------------------

    def matches_request(self, facts: RequestFacts) -> bool:
        if self.method is not None and facts.method != self.method:
            return False
        if self.path is not None and not (fnmatchcase(facts.route_path, self.path) or fnmatchcase(facts.full_path, self.path)):
            return False
        if self._regex is not None and not (self._regex.search(facts.route_path) or self._regex.search(facts.full_path)):
            return False
        if self.operation is not None and facts.operation() != self.operation:
            return False
        return True

    def matches_delivery(self, message: Message) -> bool:
        return (
            (self.provider is None or message.provider == self.provider)
            and (self.tenant is None or message.tenant == self.tenant)
            and (self.event_type is None or fnmatchcase(message.event_type or "", self.event_type))
            and (self.url is None or fnmatchcase(message.url, self.url))
        )

    def to_dict(self) -> dict[str, Any]:
        match = {
            key: value
            for key, value in (
                ("provider", self.provider),
                ("operation", self.operation),
                ("path", self.path),
                ("path_regex", self.path_regex),
                ("tenant", self.tenant),
                ("method", self.method),
                ("type", self.event_type),
                ("url", self.url),
            )
            if value is not None
        }
        params: dict[str, Any] = {}
        if self.latency is not None:
            params["latency"] = list(self.latency) if self.latency[0] != self.latency[1] else self.latency[0]
        if self.effect == "status":
            params["status"] = self.status
            params["retry_after"] = self.retry_after
        if self.effect == "drop" and self.target == "requests":
            params["after_handler"] = self.after_handler
        if self.effect == "malformed":
            params["mode"] = self.mode
        if self.effect == "duplicate":
            params["copies"] = self.copies
        if self.effect == "reorder":
            params["hold"] = self.hold
        return {
            "id": self.id,
            "target": self.target,
            "effect": self.effect,
            "match": match,
            **params,
            "probability": self.probability,
            "seed": self.seed,
            "count": self.count,
            "window": {
                "start": rfc3339(self.start_us) if self.start_us is not None else None,
                "end": rfc3339(self.end_us) if self.end_us is not None else None,
            },
            "description": self.description,
            "matched": self.matched,
            "fired": self.fired,
            "remaining": None if self.count is None else max(0, self.count - self.fired),
            "mark": self.mark,
        }


class Faults:
    """The rule table, in the order rules were added; it belongs to the serving event loop."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self._rules: list[FaultRule] = []
        self._ids = itertools.count(1)
        self._request_providers: set[str | None] = set()
        self._deliveries = False

    def __bool__(self) -> bool:
        """True when some rule targets requests: the only check a request pays when there is none."""
        return bool(self._request_providers)

    @property
    def has_delivery_rules(self) -> bool:
        return self._deliveries

    def add(self, **fields: Any) -> FaultRule:
        if fields.get("seed") is None:
            fields["seed"] = random.SystemRandom().randrange(1 << 32)
        rule = FaultRule(id=next(self._ids), **fields)
        self._rules.append(rule)
        self._reindex()
        return rule

    def rules(self, target: str | None = None) -> list[FaultRule]:
        return [r for r in self._rules if target is None or r.target == target]

    def get(self, rule_id: int) -> FaultRule | None:
        return next((r for r in self._rules if r.id == rule_id), None)

    def remove(self, rule_id: int | None = None, target: str | None = None, provider: str | None = None) -> int:
        before = len(self._rules)
        self._rules = [
            r
            for r in self._rules
            if not (
                (rule_id is None or r.id == rule_id)
                and (target is None or r.target == target)
                and (provider is None or r.provider == provider)
            )
        ]
        self._reindex()
        return before - len(self._rules)

    def clear(self) -> None:
        self.remove()

    def _reindex(self) -> None:
        self._request_providers = {r.provider for r in self._rules if r.target == "requests"}
        self._deliveries = any(r.target == "deliveries" for r in self._rules)

    def request_rules(self, provider: str) -> list[FaultRule]:
        if provider not in self._request_providers and None not in self._request_providers:
            return []
        return [
            r
            for r in self._rules
            if r.target == "requests" and not r.spent and (r.provider is None or r.provider == provider)
        ]

    def delivery_rules(self, message: Message) -> list[FaultRule]:
        """The delivery rules that fire for this attempt (each one's generator drawn once)."""
        now = self.clock.now_us()
        return [
            r
            for r in self._rules
            if r.target == "deliveries" and not r.spent and r.matches_delivery(message) and r.draw(now)
        ]


class RequestFacts:
    """What request rules match on; the operationId is resolved only if a rule asks for it."""

    __slots__ = ("operations", "scope", "method", "full_path", "route_path")

    def __init__(self, operations: Operations, scope: Scope) -> None:
        self.operations = operations
        self.scope = scope
        self.method: str = scope["method"]
        self.full_path: str = scope["path"]
        root = scope.get("root_path", "")
        self.route_path = self.full_path[len(root):] if root and self.full_path.startswith(root) else self.full_path

    def operation(self) -> str | None:
        return self.operations.resolve(self.scope).operation
