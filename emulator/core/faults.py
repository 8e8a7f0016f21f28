"""Fault injection: rules that slow, fail, drop or garble provider answers and webhook deliveries.

A rule matches requests (by provider, operationId, path glob or regex, tenant, method) or
deliveries (by provider, tenant, event type, URL) and fires with a probability, at most `count`
times and only inside a window of virtual time. Each rule has its own seeded random generator,
so the same sequence of requests meets the same faults on every run. Rules are test set-up, like
canned overrides: a full reset removes them, and they are neither in snapshots nor in the state
file.

Requests: `latency` holds the answer back (real seconds, fixed or a range), `status` answers with
the provider's own error body (`Provider.fault_response`) before the handler changes anything,
`drop` closes the connection without an answer (before the handler, or after it with
`after_handler`), `malformed` garbles the body the handler produced. Rules that name a tenant are
decided when the handler has authenticated the caller (`set_tenant`), the others before it runs.

Deliveries: `delay` holds an attempt back, `duplicate` sends it more than once, `reorder` takes it
out of its ordering lane and holds it until a later message has been delivered, `drop` loses it
(the attempt fails and is retried per the provider's policy).
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
import re
import time
from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from typing import TYPE_CHECKING, Any

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import Match
from starlette.types import Message as AsgiMessage
from starlette.types import Receive, Scope, Send

from .clock import VirtualClock, rfc3339
from .delivery import DeliveryWorker
from .errors import ApiError
from .outbox import PENDING, Message, Outbox

if TYPE_CHECKING:
    from .provider_app import ProviderApp

log = logging.getLogger("telemock.faults")

TARGETS = ("requests", "deliveries")
REQUEST_EFFECTS = ("latency", "status", "drop", "malformed")
DELIVERY_EFFECTS = ("delay", "duplicate", "reorder", "drop")
MALFORMED_MODES = ("truncate", "html", "garbage")
GATE_KEY = "telemock.fault_gate"
DROPPED_KEY = "telemock.dropped"
HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"


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

    # --- requests --------------------------------------------------------------------------------

    async def gate(self, app: ProviderApp, scope: Scope, receive: Receive, send: Send) -> Send | None:
        """Decides the faults of one provider request before its handler runs.

        Returns the `send` the handler must use (it applies latency, garbling, late drops), or
        None when a fault has already answered or dropped the request.
        """
        rules = self.request_rules(app.provider.name)
        if not rules:
            return send
        gate = RequestGate(self, app, scope, send)
        facts = RequestFacts(app, scope)
        gate.decide([r for r in rules if r.tenant is None and r.matches_request(facts)])
        if gate.terminal is not None:
            while (await receive()).get("more_body"):
                pass
            await gate.terminal_response()(scope, receive, gate.send)
            return None
        later = [r for r in rules if r.tenant is not None and r.matches_request(facts)]
        if later:
            gate.pending = later
            scope.setdefault("state", {})[GATE_KEY] = gate
        return gate.send if gate.shapes_answer or later else send


class RequestFacts:
    """What request rules match on; the operationId is looked up only if a rule asks for it."""

    def __init__(self, app: ProviderApp, scope: Scope) -> None:
        self.app = app
        self.scope = scope
        self.method: str = scope["method"]
        self.full_path: str = scope["path"]
        root = scope.get("root_path", "")
        self.route_path = self.full_path[len(root):] if root and self.full_path.startswith(root) else self.full_path
        self._operation: str | None | bool = False

    def operation(self) -> str | None:
        if self._operation is False:
            self._operation = None
            for route in self.app.router.routes:
                match, _ = route.matches(self.scope)
                if match is Match.FULL:
                    self._operation = getattr(route, "name", None)
                    break
        return self._operation  # type: ignore[return-value]


class RequestGate:
    """One request's fired faults, and the `send` that applies them to the answer."""

    def __init__(self, faults: Faults, app: ProviderApp, scope: Scope, send: Send) -> None:
        self.faults = faults
        self.app = app
        self.scope = scope
        self.inner = send
        self.delay = 0.0
        self.terminal: FaultRule | None = None
        self.malformed: FaultRule | None = None
        self.late_drop: FaultRule | None = None
        self.pending: list[FaultRule] = []
        self._held_start: AsgiMessage | None = None
        self._chunks: list[bytes] = []
        self._dropped = False

    @property
    def shapes_answer(self) -> bool:
        return bool(self.delay or self.malformed or self.late_drop)

    def decide(self, rules: list[FaultRule]) -> None:
        now = self.faults.clock.now_us()
        marks = self.scope.setdefault("state", {}).setdefault("telemock.marks", [])
        for rule in rules:
            terminal = rule.effect == "status" or (rule.effect == "drop" and not rule.after_handler)
            if terminal and self.terminal is not None:
                continue
            if not rule.draw(now):
                continue
            marks.append(rule.mark)
            self.delay += rule.delay_s()
            if terminal:
                self.terminal = rule
            elif rule.effect == "drop":
                self.late_drop = self.late_drop or rule
            elif rule.effect == "malformed":
                self.malformed = self.malformed or rule

    def on_tenant(self, conn: HTTPConnection, tenant: str) -> None:
        """Called by `set_tenant`: decides the rules that name a tenant; a status or drop stops the handler."""
        rules, self.pending = [r for r in self.pending if r.tenant == tenant], []
        self.scope.get("state", {}).pop(GATE_KEY, None)
        if rules:
            self.decide(rules)
        if self.terminal is not None:
            raise ApiError(self.terminal_response(conn))

    def terminal_response(self, conn: HTTPConnection | None = None) -> Response:
        rule = self.terminal
        assert rule is not None
        if rule.effect == "drop":
            delay, self.delay = self.delay, 0.0
            return DropResponse(delay)
        return self.app.provider.fault_response(conn or HTTPConnection(self.scope), rule.status or 500, rule.retry_after)

    async def send(self, message: AsgiMessage) -> None:
        if self._dropped:
            return
        if message["type"] == "http.response.start":
            if self.delay:
                delay, self.delay = self.delay, 0.0
                await asyncio.sleep(delay)
            if self.late_drop is not None:
                self._dropped = True
                await drop_connection(self.scope)
                return
            if self.malformed is not None:
                self._held_start = message
                return
        elif message["type"] == "http.response.body" and self._held_start is not None:
            self._chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            start, self._held_start = self._held_start, None
            assert self.malformed is not None
            body, content_type = garble(b"".join(self._chunks), self.malformed)
            start = dict(start)
            headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
            if content_type is not None:
                headers = [(k, v) for k, v in headers if k.lower() != b"content-type"] + [(b"content-type", content_type)]
            start["headers"] = headers + [(b"content-length", str(len(body)).encode())]
            await self.inner(start)
            await self.inner({"type": "http.response.body", "body": body, "more_body": False})
            return
        await self.inner(message)


def garble(body: bytes, rule: FaultRule) -> tuple[bytes, bytes | None]:
    """The malformed body (and a new content type, if the mode changes it). Empty bodies stay empty."""
    if not body:
        return body, None
    if rule.mode == "html":
        return HTML_PAGE, b"text/html"
    if rule.mode == "garbage":
        return bytes(rule._rng.randrange(256) for _ in range(max(8, min(len(body), 64)))), None
    return body[: len(body) // 2] or b"{", None


class DropResponse(Response):
    """Answers by closing the connection: the client sees the server hang up without a response."""

    def __init__(self, delay: float = 0.0) -> None:
        super().__init__(b"", status_code=500)
        self.delay = delay

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.delay:
            await asyncio.sleep(self.delay)
        await drop_connection(scope)


def _server_cycle() -> Any:
    """The server's per-request object that owns the socket (uvicorn's RequestResponseCycle).

    ASGI has no way to close a connection without answering, so the transport is found on the
    task that runs the request: the coroutine chain is searched for an object with a `transport`.
    """
    task = asyncio.current_task()
    coro: Any = task.get_coro() if task is not None else None
    for _ in range(64):
        frame = getattr(coro, "cr_frame", None)
        if frame is None:
            break
        owner = frame.f_locals.get("self")
        if owner is not None and hasattr(getattr(owner, "transport", None), "close"):
            return owner
        coro = getattr(coro, "cr_await", None)
    return None


async def drop_connection(scope: Scope) -> None:
    """Closes the client's connection at once, without a response; the journal records status 0."""
    scope.setdefault("state", {})[DROPPED_KEY] = True
    cycle = _server_cycle()
    if cycle is None:
        raise ConnectionAbortedError("the server does not expose its transport; cannot drop the connection")
    cycle.transport.close()
    for _ in range(200):  # until the server notices, so it does not answer 500 for the silent app
        if getattr(cycle, "disconnected", True):
            return
        await asyncio.sleep(0.001)


# --- deliveries ------------------------------------------------------------------------------------


def detach_from_lane(outbox: Outbox, message: Message) -> None:
    """Takes a message out of its ordering lane (as a replay does), letting the lane's next one go first."""
    lane = message.lane
    queue = outbox._lanes.get(lane) if lane is not None else None
    if queue is None or message.id not in queue:
        return
    was_head = queue[0] == message.id
    queue.remove(message.id)
    if not queue:
        del outbox._lanes[lane]  # type: ignore[arg-type]
    elif was_head:
        head = outbox.messages.get(queue[0])
        if head is not None and head.status == PENDING:
            outbox._arm(head)


class FaultyDelivery(DeliveryWorker):
    """The delivery worker with the `deliveries` fault rules applied to each attempt."""

    def __init__(self, outbox: Outbox, clock: VirtualClock, faults: Faults, **options: Any) -> None:
        super().__init__(outbox, clock, **options)
        self.faults = faults
        self.delivered = 0
        self._holding = 0
        self._progress = asyncio.Condition()

    async def _send(self, message: Message) -> tuple[dict[str, Any], bool]:
        rules = self.faults.delivery_rules(message) if self.faults.has_delivery_rules else []
        if not rules:
            result = await super()._send(message)
            await self._count_delivered()
            return result
        marks = [rule.mark for rule in rules]
        delay = sum(rule.delay_s() for rule in rules)
        dropped = next((r for r in rules if r.effect == "drop"), None)
        reorder = next((r for r in rules if r.effect == "reorder"), None)
        copies = max((r.copies for r in rules if r.effect == "duplicate"), default=1)
        if reorder is not None:
            detach_from_lane(self.outbox, message)
            await self._wait_for_overtaker(reorder.hold)
        if delay:
            await asyncio.sleep(delay)
        if dropped is not None:
            started = (time.perf_counter(), self.clock.now_us())
            attempt = self._record(message, {}, None, None, f"dropped by fault {dropped.id}", started)
            attempt["faults"] = marks
            return attempt, False
        attempt, succeeded = await super()._send(message)
        for _ in range(copies - 1):
            await super()._send(message)
        attempt["faults"] = marks
        await self._count_delivered()
        return attempt, succeeded

    async def _count_delivered(self) -> None:
        self.delivered += 1
        if self._holding:  # only a held (reordered) attempt waits for this
            async with self._progress:
                self._progress.notify_all()

    async def _wait_for_overtaker(self, hold: float) -> None:
        """Until one more delivery has completed, or `hold` real seconds have passed."""
        target = self.delivered + 1

        async def overtaken() -> None:
            async with self._progress:
                await self._progress.wait_for(lambda: self.delivered >= target)

        self._holding += 1
        try:
            await asyncio.wait_for(overtaken(), hold)
        except TimeoutError:
            pass
        finally:
            self._holding -= 1

