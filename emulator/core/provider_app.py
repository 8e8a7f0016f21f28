"""The ASGI app of one provider: its routes, its error format for generic failures, the journal."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING, Any

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import Match, Route
from starlette.types import Message, Receive, Scope, Send

from .clock import rfc3339
from .faults import DROPPED_KEY, GATE_KEY
from .errors import ProviderError
from .http import BodyTooLarge, GenericError, MalformedBody, json_response
from .journal import clip_text, parse_query
from .routing import IndexedRouter
from .secrets import (
    MASK,
    SECRET_BODY_KEYS,
    SECRET_HEADERS,
    SECRET_QUERY_KEYS,
    mask_json_body,
)

if TYPE_CHECKING:
    from .provider import Provider

log = logging.getLogger("telemock.requests")


MAX_KEPT_VIOLATIONS = 50
VERDICT_MEMO_SIZE = 512
VERDICT_MEMO_BODY_BYTES = 4096


def bounded_violations(found: list[dict[str, Any]]) -> list[dict[str, Any]]:
    kept = found[:MAX_KEPT_VIOLATIONS]
    if len(found) > MAX_KEPT_VIOLATIONS:
        kept.append({"operation": found[0].get("operation"), "location": "verdict",
                     "expected": f"at most {MAX_KEPT_VIOLATIONS} violations kept per request",
                     "got": str(len(found)), "message": f"{len(found) - MAX_KEPT_VIOLATIONS} more violations not kept"})
    return kept


def mask_violation(item: dict[str, Any]) -> None:
    """A verdict quotes what the client sent, so it is masked like the request it judges.

    A credential-named query parameter, header or cookie loses its value; a body excerpt loses
    the values of secret keys, also where the excerpt is itself escaped inside a JSON string (a
    body that did not parse) and in the validator's message.
    """
    kind, _, name = item["location"].partition(".")
    name = name.lower()
    body_key = item["location"].rsplit("/", 1)[-1].lower() if kind.startswith("body/") else ""
    if (kind == "query" and name in SECRET_QUERY_KEYS) or (kind == "header" and name in SECRET_HEADERS) or kind == "cookie":
        item["got"] = f'"{MASK}"'
    elif body_key in SECRET_BODY_KEYS:  # the value of a secret field, whatever its type
        item["got"] = f'"{MASK}"'
        item["message"] = f"the value of {body_key!r} does not match the documented schema ({item['expected']})"
        return
    else:
        got = mask_json_body(item["got"].encode()).decode()
        unescaped = got.replace('\\"', '"')
        if unescaped != got and mask_json_body(unescaped.encode()).decode() != unescaped:
            got = f'"{MASK}"'  # a secret inside an escaped excerpt: no excerpt at all
        item["got"] = clip_text(got)
    item["message"] = clip_text(mask_json_body(item["message"].encode()).decode())


def sends_body(headers: list[tuple[bytes, bytes]]) -> bool:
    """Whether the request announced a body (a length above 0, or chunked transfer)."""
    for name, value in headers:
        if name == b"content-length":
            return value.strip() not in (b"", b"0")
        if name == b"transfer-encoding":
            return True
    return False


def tenant_of(scope: Scope) -> str | None:
    return scope.get("state", {}).get("telemock.tenant")


def set_tenant(conn: HTTPConnection, tenant: str) -> None:
    """Handlers call this once auth has resolved the caller, so the journal can say whose it was.

    Fault rules that name a tenant are decided here; one that answers raises a ProviderError.
    """
    state = conn.scope.setdefault("state", {})
    state["telemock.tenant"] = tenant
    gate = state.get(GATE_KEY)
    if gate is not None:
        gate.on_tenant(conn, tenant)


class ProviderApp:
    """Routes one provider's requests and guarantees an answer in the provider's own format.

    Unknown routes, wrong methods, oversize or malformed bodies and unexpected exceptions
    all end here, never as a bare Starlette page or a dropped connection.
    """

    def __init__(self, provider: "Provider[Any, Any]") -> None:
        self.provider = provider
        self.runtime = provider.runtime
        routes = provider.routes() + [
            Route("/openapi.json", self.serve_spec, methods=["GET"], name="openapi")
        ]
        self.router = IndexedRouter(routes=routes, redirect_slashes=False)
        self.app = provider.wrap(self.handle)
        self.recorder = Recorder(provider, self.app)  # built once: it keeps the compiled contract

    async def serve_spec(self, request: Any) -> Response:
        from telemock.contracts.specs import served_spec

        base = f"{request.url.scheme}://{request.url.netloc}{request.scope.get('root_path', '')}"
        return json_response(served_spec(self.provider.name, base))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.router(scope, receive, send)
            return
        scope.setdefault("state", {})
        await self.recorder(scope, receive, send)

    async def handle(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.runtime.faults:
            gated = await self.runtime.faults.gate(self, scope, receive, send)
            if gated is None:
                return  # answered or dropped by an injected fault
            send = gated
        limit = self.runtime.config.max_body_bytes
        conn = HTTPConnection(scope)
        declared = conn.headers.get("content-length")
        if declared is not None and declared.isascii() and declared.isdigit() and int(declared) > limit:
            await self._generic(conn, GenericError.BODY_TOO_LARGE, f"body over {limit} bytes", send)
            return
        started = False
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        if self.runtime.overrides and await self._serve_override(scope, receive, send):
            return
        try:
            await self.router(scope, limited_receive, tracking_send)
        except ProviderError as exc:
            if not started:
                await exc.response(conn)(scope, receive, send)
        except BodyTooLarge:
            if not started:
                await self._generic(conn, GenericError.BODY_TOO_LARGE, f"body over {limit} bytes", send)
        except MalformedBody as exc:
            if not started:
                await self._generic(conn, GenericError.MALFORMED_BODY, exc.detail, send)
        except HTTPException as exc:
            kind = GenericError.METHOD_NOT_ALLOWED if exc.status_code == 405 else GenericError.ROUTE_NOT_FOUND
            if not started:
                await self._generic(conn, kind, exc.detail, send)
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if not started:
                await self._generic(conn, GenericError.INTERNAL, "internal error", send)

    async def _serve_override(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Answers with a canned response registered for this operation, if there is one."""
        if self.provider.name not in self.runtime.overrides.providers():
            return False
        for route in self.router.routes:
            match, _ = route.matches(scope)
            if match is Match.FULL:
                break
        else:
            return False
        rule = self.runtime.overrides.take(self.provider.name, getattr(route, "name", None), scope)
        if rule is None:
            return False
        scope["route"] = route
        scope["state"].setdefault("telemock.marks", []).append(f"override:{rule.id}")
        while (await receive()).get("more_body"):
            pass
        await rule.response()(scope, receive, send)
        return True

    async def _generic(self, conn: HTTPConnection, kind: GenericError, detail: str, send: Send) -> None:
        response = self.provider.generic_error(conn, kind, detail)

        async def no_body() -> Message:
            return {"type": "http.disconnect"}

        await response(conn.scope, no_body, send)


class Recorder:
    """Plain ASGI wrapper that journals the exchange; BaseHTTPMiddleware would cost ~250 µs."""

    def __init__(self, provider: "Provider[Any, Any]", app: Any) -> None:
        self.provider = provider
        self.app = app
        self._contract: Any = None
        self._contract_loaded = not provider.runtime.config.verdicts
        # A verdict depends on the request's bytes alone; clients repeat requests (polling, retries,
        # the same test run again), so recent verdicts are kept by request.
        self._verdicts: dict[tuple[Any, ...], list[dict[str, Any]]] = {}

    @property
    def contract(self) -> Any:
        """Compiled on the first judged request, so start-up does not pay for it."""
        if not self._contract_loaded:
            from telemock.contracts.specs import available_specs
            from telemock.contracts.validate import contract_for

            self._contract = contract_for(self.provider.name) if self.provider.name in available_specs() else None
            self._contract_loaded = True
        return self._contract

    def verdict(
        self,
        scope: Scope,
        operation: str | None,
        headers: list[tuple[bytes, bytes]],
        body: bytes | None,
    ) -> list[dict[str, Any]]:
        """How the client's request departs from the documented contract (judged, not enforced).

        `body` is None when it was not received: the body is then not judged."""
        if self.contract is None or operation == "openapi":
            return []
        path = scope.get("path", "")
        key = None
        if body is None or len(body) <= VERDICT_MEMO_BODY_BYTES:
            key = (scope["method"], path, scope.get("query_string", b""), tuple(headers), body, operation)
            known = self._verdicts.get(key)
            if known is not None:
                return list(known)
        root = scope.get("root_path", "")
        relative = path[len(root):] if root and path.startswith(root) else path
        header_map = {name.decode("latin-1").lower(): value.decode("latin-1") for name, value in headers}
        query = parse_query(scope.get("query_string", b""))
        try:
            _, found = self.contract.check_request(scope["method"], relative, query, header_map, body, operation)
        except Exception:  # a verdict must never cost the client its answer
            log.exception("could not judge %s %s against the contract", scope["method"], path)
            return [{"operation": operation, "location": "verdict", "expected": "a judgeable request",
                     "got": "", "message": "telemock could not judge this request; see its log"}]
        judged = [v.to_dict() for v in found]
        for item in judged:
            mask_violation(item)
        if key is not None:
            if len(self._verdicts) >= VERDICT_MEMO_SIZE:
                del self._verdicts[next(iter(self._verdicts))]  # the oldest
            self._verdicts[key] = judged
        return list(judged)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        started_at = time.perf_counter()
        request_chunks: list[bytes] = []
        response_chunks: list[bytes] = []
        status = 500
        response_headers: list[tuple[bytes, bytes]] = []
        body_read = False

        async def recording_receive() -> Message:
            nonlocal body_read
            message = await receive()
            if message["type"] == "http.request":
                request_chunks.append(message.get("body", b""))
                body_read = not message.get("more_body", False)
            return message

        recorded = False

        async def recording_send(message: Message) -> None:
            nonlocal status, response_headers, recorded
            if message["type"] == "http.response.start":
                status = message["status"]
                response_headers = list(message.get("headers", ()))
            elif message["type"] == "http.response.body":
                response_chunks.append(message.get("body", b""))
                if not message.get("more_body", False) and not recorded:
                    # Journaled before the last byte leaves, so a client that has its answer
                    # always finds the request (and its verdict) in the journal.
                    recorded = True
                    self._record(scope, status, request_chunks, body_read, response_headers, response_chunks, started_at)
            await send(message)

        try:
            await self.app(scope, recording_receive, recording_send)
        finally:
            if not recorded:
                if scope.get("state", {}).get(DROPPED_KEY):
                    status = 0  # the connection was dropped without an answer
                self._record(scope, status, request_chunks, body_read, response_headers, response_chunks, started_at)

    def _record(
        self,
        scope: Scope,
        status: int,
        request_chunks: list[bytes],
        body_read: bool,
        response_headers: list[tuple[bytes, bytes]],
        response_chunks: list[bytes],
        started_at: float,
    ) -> None:
        """`body_read` is False when the answer came before the body was received (e.g. a 404
        for an unknown id): the body is then neither judged nor shown as empty."""
        runtime = self.provider.runtime
        duration_ms = round((time.perf_counter() - started_at) * 1000, 3)
        route = scope.get("route")
        operation = getattr(route, "name", None) if route is not None else None
        headers = list(scope.get("headers", ()))
        path = scope.get("path", "")
        request_body = b"".join(request_chunks)
        judged_body = request_body if body_read or not sends_body(headers) else None
        violations = bounded_violations(self.verdict(scope, operation, headers, judged_body))
        entry = runtime.journal.record(
            time=rfc3339(runtime.clock.now_us()),
            provider=self.provider.name,
            tenant=tenant_of(scope),
            operation=operation,
            method=scope["method"],
            path=path,
            query=scope.get("query_string", b""),
            headers=headers,
            body=request_body,
            status=status,
            response_headers=response_headers,
            response_body=b"".join(response_chunks),
            duration_ms=duration_ms,
            violations=violations,
            marks=list(scope.get("state", {}).get("telemock.marks", ())),
        )
        if violations:
            log.warning(
                "%s %s %s broke the documented contract: %s",
                self.provider.name,
                entry.method,
                path,
                "; ".join(f"{v['location']}: {v['message']}" for v in violations[:5])
                + (f" (+{len(violations) - 5} more)" if len(violations) > 5 else ""),
                extra={"provider": self.provider.name, "tenant": entry.tenant, "operation": operation,
                       "status": status, "violations": violations},
            )
        if runtime.config.log_requests:
            log.info(
                "%s %s %s -> %d (%.1f ms)",
                self.provider.name,
                entry.method,
                path,
                status,
                duration_ms,
                extra={
                    "provider": self.provider.name,
                    "tenant": entry.tenant,
                    "operation": operation,
                    "status": status,
                    "latency_ms": duration_ms,
                },
            )
