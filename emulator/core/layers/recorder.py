"""The outermost layer of a provider: journals each exchange, with its contract verdict.

Plain ASGI (`BaseHTTPMiddleware` would cost ~250 µs a request). The entry is written before the
last byte of the answer leaves, so a client that has its answer always finds the request (and
its verdict) in the journal; a request whose connection a fault drops is journaled (status 0)
before the connection closes.
"""

from __future__ import annotations

import logging
from time import perf_counter, time
from typing import TYPE_CHECKING, Any, Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..connection import ConnectionDropped
from ..exchange import DRIFT_KEY, MARKS_KEY, TENANT_KEY, mark_started
from ..journal import flat_headers
from ..logs import RequestLine, log_request
from ..not_emulated import not_emulated_of
from ..verdicts import Verdicts

if TYPE_CHECKING:
    from ..provider import Provider

log = logging.getLogger("telemock.requests")


def sends_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request announced a body (a length above 0, or chunked transfer)."""
    for name, value in headers:
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False


class Recorder:
    """Journals what came in and what went out (body, status, tenant, operationId, verdict, marks).

    The verdict judges the request; an answer from the real provider (the proxy) adds its own
    departures from the contract, marked as drift.
    """

    def __init__(self, app: ASGIApp, provider: "Provider[Any, Any]") -> None:
        self.app = app
        self.provider = provider
        self.runtime = provider.runtime
        self.verdicts = Verdicts(provider.name, provider.runtime.config.verdicts)  # built once: it keeps the contract

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started_at = perf_counter()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        status = 500
        response_headers: list[tuple[bytes, bytes]] = []
        body_read = False
        recorded = False

        async def recording_receive() -> Message:
            nonlocal body_read
            message = await receive()
            if message["type"] == "http.request":
                request_chunks.append(message.get("body", b""))
                body_read = not message.get("more_body", False)
            return message

        async def recording_send(message: Message) -> None:
            nonlocal status, response_headers, recorded
            kind = message["type"]
            if kind == "http.response.body":
                response_chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and not recorded:
                    recorded = True
                    self.record(scope, status, request_chunks, body_read, response_headers, response_chunks, started_at)
            elif kind == "http.response.start":
                mark_started(scope)  # the inner layers answer no error after this
                status = message["status"]
                response_headers = message.get("headers", ())  # copied flat by the journal
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        except ConnectionDropped:
            status = 0  # closed without an answer
            raise
        finally:
            if not recorded:
                self.record(scope, status, request_chunks, body_read, response_headers, response_chunks, started_at)

    def record(
        self,
        scope: Scope,
        status: int,
        request_chunks: list[bytes],
        body_read: bool,
        response_headers: Iterable[tuple[bytes, bytes]],
        response_chunks: list[bytes],
        started_at: float,
    ) -> None:
        """`body_read` is False when the answer came before the body was received (e.g. a 404
        for an unknown id): the body is then neither judged nor shown as empty."""
        runtime = self.runtime
        runtime.served += 1
        name = self.provider.name
        duration_ms = int((perf_counter() - started_at) * 1_000_000) / 1000  # in ms, to the µs
        route = scope.get("route")
        operation = getattr(route, "name", None) if route is not None else None
        headers = scope["headers"]
        flat = flat_headers(headers)  # the verdict's memo key and the journal's copy
        path = scope["path"]
        method = scope["method"]
        request_body = b"".join(request_chunks)
        judged_body = request_body if body_read or not sends_body(headers) else None
        violations = self.verdicts.judge(scope, operation, flat, judged_body)
        state = scope["state"]
        drift = state.get(DRIFT_KEY)
        if drift:
            violations = violations + drift
        tenant = state.get(TENANT_KEY)
        marks = state.get(MARKS_KEY, ())
        runtime.journal.add(
            runtime.clock.now_us(), name, tenant, operation, method, path, scope.get("query_string", b""), flat,
            request_body, status, flat_headers(response_headers),
            b"".join(response_chunks),
            duration_ms, violations, marks,
        )
        if violations:
            log.warning(
                "%s %s %s broke the documented contract: %s",
                name,
                method,
                path,
                "; ".join(f"{v['location']}: {v['message']}" for v in violations[:5])
                + (f" (+{len(violations) - 5} more)" if len(violations) > 5 else ""),
                extra={"provider": name, "tenant": tenant, "operation": operation,
                       "status": status, "violations": violations},
            )
        if runtime.config.log_requests:
            missing = not_emulated_of(marks) if marks else None  # a route miss the real provider serves
            # tuple.__new__ makes the NamedTuple without its Python-level __new__: this runs on every request.
            log_request(tuple.__new__(
                RequestLine, (time(), name, method, path, status, duration_ms, tenant, operation, missing)))
