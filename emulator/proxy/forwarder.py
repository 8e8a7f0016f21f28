"""The innermost layer of a proxied provider: the upstream answers where the emulator's handlers would.

It sits where `OperationRouter` sits in the emulator (core/provider_app.py), so the journal and
its verdicts, faults, overrides, the body limit and the provider's error format all work as
they do there. It resolves the operation with the emulator's own resolver, forwards the request,
judges the answer against the documented contract (drift, kept with the request's verdict by
the recorder), writes the exchange to the recordings folder when there is one, and answers
with what the upstream answered. When no answer comes, the client gets the provider's own error
with a status saying so (502, 504; 404 for a replay with no matching recording), a header
naming the failure, and a journal mark.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.requests import ClientDisconnect, HTTPConnection, Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from ..core.exchange import add_drift, add_mark
from ..core.routing import SPEC_OPERATION
from .judging import answer_drift, contract_of, documented_operation
from .messages import Answer, Outgoing, Upstream, UpstreamFailed
from .recordings import REQUEST, RecordingWriter

if TYPE_CHECKING:
    from ..core.provider import Provider

log = logging.getLogger("telemock.proxy")


class Forwarder:
    def __init__(self, provider: "Provider[Any, Any]", upstream: Upstream, recordings: RecordingWriter | None = None) -> None:
        self.provider = provider
        self.upstream = upstream
        self.recordings = recordings
        self._contract: Any = None

    @property
    def contract(self) -> Any:
        """Compiled on the first answer, so start-up does not pay for it."""
        if self._contract is None:
            self._contract = contract_of(self.provider.name) or False
        return self._contract or None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.provider.operations.resolve(scope)
        if found.full:
            scope["route"] = found.route  # the journal names the operation as the emulator would
            if found.operation == SPEC_OPERATION:  # the documented spec is telemock's, served here
                scope.update(found.child_scope)
                await found.route.handle(scope, receive, send)  # type: ignore[union-attr]
                return
        try:
            body = await Request(scope, receive).body()
        except ClientDisconnect:
            return  # nobody is waiting for an answer
        request = outgoing(scope, body)
        request.operation = documented_operation(self.contract, request.method, request.path, found.operation)
        started = time.perf_counter()
        try:
            answer = await self.upstream.answer(request)
        except UpstreamFailed as failure:
            add_mark(scope, f"{self.upstream.mark}:{failure.kind}")
            log.warning("%s %s %s: %s", self.provider.name, request.method, request.path, failure.detail)
            await failure_response(self.provider, scope, failure)(scope, receive, send)
            return
        duration_ms = (time.perf_counter() - started) * 1000
        if answer.source is not None:
            add_mark(scope, f"{self.upstream.mark}:{answer.source}")
        plain = answer.identity()
        if plain is None:  # compressed in a way telemock cannot undo: relayed, but neither judged nor readable
            add_mark(scope, "undecoded")
        else:
            add_drift(scope, answer_drift(self.contract, request.operation, plain.status, plain.content_type, plain.body))
        if self.recordings is not None:
            self.recordings.write(kind=REQUEST, provider=self.provider.name, operation=request.operation,
                                  upstream=self.upstream.name, request=request, answer=plain or answer, duration_ms=duration_ms)
        await relay(answer, request.method, send)


def outgoing(scope: Scope, body: bytes) -> Outgoing:
    """The request relative to the provider's prefix, its path as the client encoded it."""
    root: str = scope.get("root_path", "")
    path: str = scope["path"]
    relative = path[len(root):] if root and path.startswith(root) else path
    raw: bytes = scope.get("raw_path") or b""
    prefix = root.encode()
    raw_relative = raw[len(prefix):] if raw.startswith(prefix) and raw else quote(relative).encode()
    return Outgoing(
        method=scope["method"],
        path=relative,
        raw_path=raw_relative or b"/",
        query_string=scope.get("query_string", b""),
        headers=list(scope["headers"]),
        body=body,
    )


async def relay(answer: Answer, method: str, send: Send) -> None:
    headers = answer.headers + answer.extra_headers
    if method != "HEAD" and not (answer.status < 200 or answer.status in (204, 304)):
        headers = [*headers, (b"content-length", str(len(answer.body)).encode())]
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if method == "HEAD" else answer.body})


def failure_response(provider: "Provider[Any, Any]", scope: Scope, failure: UpstreamFailed) -> Response:
    """The provider's own error for what failed: where its envelope has a message, the message says what."""
    error = provider.module("errors").generic_error(failure.generic, failure.detail)
    error.message = failure.detail
    response = error.response(HTTPConnection(scope))
    response.status_code = failure.status
    response.headers[failure.header] = header_value(f"{failure.kind}; {failure.detail}")
    return response


def header_value(text: str) -> str:
    """One line of latin-1, as a header must be."""
    return " ".join(text.split()).encode("latin-1", "replace").decode("latin-1")
