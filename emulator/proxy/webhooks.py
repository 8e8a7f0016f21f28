"""Real webhooks through the proxy: `/_webhooks/<provider>[/rest]` receives what the provider sends.

Point the provider at it (a VoIPBIN customer's `webhook_uri`, a SignalWire number's handler
URLs, a Gigs endpoint, a VoiceOS number's webhooks). Each message is
- verified with the provider's own signing code and the secret given for it (signatures.py);
- judged against the documented events of the spec's `webhooks:` (the best-fitting one names it);
- forwarded, method, body and headers unchanged, to the user's receiver plus `/rest` and the
  query, so a local receiver gets real events; where the signature covers the URL and it
  verified, it is signed again for the receiver's URL;
- journaled like a request (operationId of the event, its departures as drift, marks
  `webhook:<event>`, `signature:<verdict>`, `forward:<status|failed|none>`) and, with
  `--record`, written as a recording.
The provider gets the receiver's answer (SignalWire and VoiceOS act on it), or 502/504 when
the receiver cannot be reached, or 204 when no receiver is configured for the provider.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

import httpx
from starlette.requests import ClientDisconnect, Request
from starlette.types import Receive, Scope, Send

from ..core.clock import rfc3339
from ..core.http import json_response
from .forwarder import header_value, relay
from .judging import contract_of, judge_event
from .messages import NOT_FORWARDED, NOT_RETURNED, Answer, Outgoing
from .recordings import WEBHOOK, RecordingWriter
from .signatures import VALID, SignatureCheck, signed_for, verify
from .upstream import reason

if TYPE_CHECKING:
    from ..core.runtime import Runtime

log = logging.getLogger("telemock.proxy")

WEBHOOKS_PREFIX = "_webhooks"
# httpx hands the receiver's answer over uncompressed, so its Content-Encoding no longer applies.
NOT_RELAYED = NOT_RETURNED | {b"content-encoding"}
SIGNATURE_HEADER = b"x-telemock-signature"
FORWARD_ERROR_HEADER = b"x-telemock-forward-error"


class WebhookRelay:
    def __init__(
        self,
        runtime: "Runtime",
        *,
        receivers: dict[str, str],
        secrets: dict[str, str],
        public_url: str | None = None,
        timeout_s: float = 30.0,
        recordings: RecordingWriter | None = None,
    ) -> None:
        self.runtime = runtime
        self.receivers = {name: url.rstrip("/") for name, url in receivers.items()}
        self.secrets = secrets
        self.public_url = public_url.rstrip("/") if public_url else None
        self.timeout_s = timeout_s
        self.recordings = recordings
        self._client: httpx.AsyncClient | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        root = scope.get("root_path", "")
        rest = scope["path"][len(root):] if scope["path"].startswith(root) else scope["path"]
        name, _, tail = rest.lstrip("/").partition("/")
        provider = self.runtime.providers.get(name)
        if provider is None:
            known = ", ".join(f"/{WEBHOOKS_PREFIX}/{n}" for n in self.runtime.providers)
            response = json_response({"error": {"code": "not_found", "message": f"webhooks are received at {known}"}}, 404)
            await response(scope, receive, send)
            return
        try:
            body = await Request(scope, receive).body()
        except ClientDisconnect:
            return
        started = time.perf_counter()
        message = Outgoing(scope["method"], "/" + tail if tail else "", b"", scope.get("query_string", b""), list(scope["headers"]), body)
        verdict = judge_event(contract_of(name), message.method, message.content_type, body, message.query)
        fmt = provider.webhook_format(verdict.name) if verdict.name else None
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in message.headers}
        check = verify(fmt, headers=headers, url=self.called_url(scope), body=body, secret=self.secrets.get(name))
        answer, outcome = await self.pass_on(name, message, fmt, check)
        duration_ms = (time.perf_counter() - started) * 1000
        marks = [f"webhook:{verdict.name or 'unknown'}", f"signature:{check.verdict}", f"forward:{outcome}"]
        self.runtime.journal.record(
            time=rfc3339(self.runtime.clock.now_us()), provider=name, tenant=None, operation=verdict.operation,
            method=message.method, path=scope["path"], query=message.query_string, headers=message.headers,
            body=body, status=answer.status, response_headers=answer.headers, response_body=answer.body,
            duration_ms=round(duration_ms, 3), violations=verdict.violations, marks=marks,
        )
        if self.recordings is not None:
            self.recordings.write(kind=WEBHOOK, provider=name, operation=verdict.operation, upstream=self.receivers.get(name, ""),
                                  request=message, answer=answer, duration_ms=duration_ms,
                                  event=verdict.name, signature=check.verdict)
        await relay(answer, message.method, send)

    async def pass_on(self, name: str, message: Outgoing, fmt: Any, check: SignatureCheck) -> tuple[Answer, str]:
        """The receiver's answer to the message and the journal's word for it (its status, `failed`, `none`)."""
        receiver = self.receivers.get(name)
        if receiver is None:
            return Answer(204, [], b""), "none"
        target = receiver + message.path + (f"?{message.query_string.decode('latin-1')}" if message.query_string else "")
        forwarded = [(k, v) for k, v in message.headers if k.lower() not in NOT_FORWARDED]
        forwarded.append((SIGNATURE_HEADER, check.verdict.encode()))
        secret = self.secrets.get(name)
        if check.verdict == VALID and secret:  # signed again where the signature covers the URL
            again = signed_for(fmt, check, url=target, body=message.body, secret=secret)
            forwarded = [(k, v) for k, v in forwarded if k.decode("latin-1").lower() not in again]
            forwarded += [(k.encode(), v.encode("latin-1")) for k, v in again.items()]
        return await self.forward(message.method, target, forwarded, message.body)

    def called_url(self, scope: Scope) -> str:
        """The URL the provider called, as it signed it: `--public-url` when the proxy sits behind a
        tunnel, else what the request itself says (scheme, Host, path and query)."""
        raw = scope.get("raw_path") or scope["path"].encode()
        target = raw.decode("latin-1") + (f"?{scope['query_string'].decode('latin-1')}" if scope.get("query_string") else "")
        if self.public_url:
            return self.public_url + target
        host = next((v.decode("latin-1") for k, v in scope["headers"] if k == b"host"), "")
        return f"{scope.get('scheme', 'http')}://{host}{target}"

    async def forward(self, method: str, url: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[Answer, str]:
        """The receiver's answer and its status, or 502 (504 for a timeout) and `failed` when it cannot be reached."""
        if self._client is None:
            self._client = httpx.AsyncClient(trust_env=False, follow_redirects=False, timeout=self.timeout_s)
            for default in ("accept", "user-agent"):
                del self._client.headers[default]
        try:
            async with asyncio.timeout(self.timeout_s):
                response = await self._client.request(method, url, headers=headers, content=body or None)
        except (TimeoutError, httpx.TimeoutException):
            return failed(504, f"the receiver at {url} did not answer within {self.timeout_s:g} s")
        except httpx.HTTPError as exc:
            return failed(502, f"cannot deliver to the receiver at {url}: {reason(exc)}")
        headers = [(k.lower(), v) for k, v in response.headers.raw if k.lower() not in NOT_RELAYED]
        return Answer(response.status_code, headers, response.content), str(response.status_code)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None


def failed(status: int, detail: str) -> tuple[Answer, str]:
    log.warning("webhook not forwarded: %s", detail)
    body = json_response({"error": {"code": "receiver_unreachable", "message": detail}}).body
    headers = [(b"content-type", b"application/json"), (FORWARD_ERROR_HEADER, header_value(detail).encode("latin-1"))]
    return Answer(status, headers, body), "failed"
