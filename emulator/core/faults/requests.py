"""Request faults: the layer that slows, fails, drops or garbles a provider's answers.

`latency` holds the answer back (real seconds, fixed or a range), `status` answers with the
provider's own error body (`Provider.fault_response`) before the handler changes anything,
`drop` closes the connection without an answer (before the handler, or after it with
`after_handler`), `malformed` garbles the body the handler produced. Rules that name a tenant
are decided when the handler has authenticated the caller (`set_tenant`), the others before it
runs. A request pays one check when no rule targets requests.

A drop raises `ConnectionDropped`: the recorder journals the request (status 0) on the way out
and the provider app closes the connection afterwards (core/connection.py says how).
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any, Awaitable

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..connection import ConnectionDropped
from ..errors import ProviderError
from ..exchange import add_mark, listen_for_tenant
from .rules import FaultRule, Faults, RequestFacts

if TYPE_CHECKING:
    from ..provider import Provider

HTML_PAGE = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n"


class RequestFaults:
    """The layer: decides the request's fault rules and applies them to its answer."""

    def __init__(self, app: ASGIApp, provider: "Provider[Any, Any]") -> None:
        self.app = app
        self.provider = provider
        self.faults = provider.runtime.faults
        self.operations = provider.operations

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """A plain call, not a coroutine: without rules for the provider it costs no extra frame."""
        faults = self.faults
        rules = faults.request_rules(self.provider.name) if faults else None
        if not rules:
            return self.app(scope, receive, send)
        return self.gated(rules, scope, receive, send)

    async def gated(self, rules: list[FaultRule], scope: Scope, receive: Receive, send: Send) -> None:
        gate = RequestGate(self.provider, self.faults, scope, send)
        facts = RequestFacts(self.operations, scope)
        gate.decide([r for r in rules if r.tenant is None and r.matches_request(facts)])
        if gate.terminal is not None:
            while (await receive()).get("more_body"):
                pass
            await gate.answer_terminal(receive)
            return
        later = [r for r in rules if r.tenant is not None and r.matches_request(facts)]
        if later:
            gate.pending = later
            listen_for_tenant(scope, gate.on_tenant)
        try:
            await self.app(scope, receive, gate.send if gate.shapes_answer or later else send)
        except ConnectionDropped:
            await gate.hold()
            raise


class FaultStatus(ProviderError):
    """The answer of a `status` rule, in the provider's own error format."""

    def __init__(self, provider: "Provider[Any, Any]", rule: FaultRule) -> None:
        super().__init__(f"injected fault {rule.id}: HTTP {rule.status}")
        self.provider = provider
        self.rule = rule

    def render(self, conn: HTTPConnection) -> Response:
        return self.provider.fault_response(conn, self.rule.status or 500, self.rule.retry_after)


class RequestGate:
    """One request's fired faults, and the `send` that applies them to the answer."""

    def __init__(self, provider: "Provider[Any, Any]", faults: Faults, scope: Scope, send: Send) -> None:
        self.provider = provider
        self.faults = faults
        self.scope = scope
        self.inner = send
        self.delay = 0.0
        self.terminal: FaultRule | None = None
        self.malformed: FaultRule | None = None
        self.late_drop: FaultRule | None = None
        self.pending: list[FaultRule] = []
        self._held_start: Message | None = None
        self._chunks: list[bytes] = []

    @property
    def shapes_answer(self) -> bool:
        return bool(self.delay or self.malformed or self.late_drop)

    def decide(self, rules: list[FaultRule]) -> None:
        now = self.faults.clock.now_us()
        for rule in rules:
            terminal = rule.effect == "status" or (rule.effect == "drop" and not rule.after_handler)
            if terminal and self.terminal is not None:
                continue
            if not rule.draw(now):
                continue
            add_mark(self.scope, rule.mark)
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
        if rules:
            self.decide(rules)
        rule = self.terminal
        if rule is not None:
            if rule.effect == "drop":
                raise ConnectionDropped(f"connection dropped by fault {rule.id}")
            raise FaultStatus(self.provider, rule)

    async def answer_terminal(self, receive: Receive) -> None:
        """The answer of a rule decided before the handler: a status in the provider's format, or a drop."""
        rule = self.terminal
        assert rule is not None
        if rule.effect == "drop":
            await self.hold()
            raise ConnectionDropped(f"connection dropped by fault {rule.id}")
        await FaultStatus(self.provider, rule).response(HTTPConnection(self.scope))(self.scope, receive, self.send)

    async def hold(self) -> None:
        """Waits out the latency the fired rules added, once."""
        if self.delay:
            delay, self.delay = self.delay, 0.0
            await asyncio.sleep(delay)

    async def send(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            await self.hold()
            if self.late_drop is not None:
                raise ConnectionDropped(f"connection dropped by fault {self.late_drop.id} after the handler")
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
        return rule.noise(max(8, min(len(body), 64))), None
    return body[: len(body) // 2] or b"{", None
