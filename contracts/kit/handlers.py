"""Checks the endpoints a provider calls on an inbound call or message: `check_handler`.

Generated requests (the spec's `webhooks:` bodies, in every documented method and encoding),
signed as the provider signs them (its own signing code), are sent to the user's handler (an ASGI
app or a URL). Each answer is judged as the provider would: status, time (the provider's handler
timeout), and a document it can run (cXML verbs and attributes, SWML methods, VoiceOS's agent
choice). Then forgeries — unsigned, a tampered signature, the wrong key — must be refused.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable
from urllib.parse import urlencode

import httpx
import orjson
from hypothesis import given
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.reporting import with_reporter

from .check_reports import CheckFailed, indented
from .checks import kit_settings
from .deadline import DEFAULT_TIMEOUT, DidNotReturn, call_with_deadline
from .documents import MESSAGE_VERBS, SWML_CALL_METHODS, SWML_MESSAGE_METHODS, VOICE_VERBS, cxml_problem, swml_problem
from .receivers import asgi_url, tamper
from .strategies import events

Judge = Callable[[str], "str | None"]


@dataclass(frozen=True)
class HandlerKind:
    """One kind of request a provider sends to a user's handler, and what it accepts back."""

    provider: str
    name: str
    webhooks: tuple[str, ...]  # its entries under the spec's `webhooks:`
    encoding: str  # form | json (SignalWire's signatures) | event (the provider's webhook format)
    methods: tuple[str, ...]
    judge: Judge
    signed: bool = True


def voiceos_answer(text: str) -> str | None:
    """Empty (the number's inbound agent answers), or `{"agent_id": "<agent>"}`."""
    if not text.strip():
        return None
    try:
        body = orjson.loads(text)
    except orjson.JSONDecodeError:
        return 'the answer is not JSON; VoiceOS reads {"agent_id": "..."} (or an empty answer)'
    if not isinstance(body, dict):
        return 'the answer is not a JSON object; VoiceOS reads {"agent_id": "..."}'
    if "agent_id" in body and not isinstance(body["agent_id"], str):
        return "agent_id must be a string (an agent of the account)"
    return None


KINDS: tuple[HandlerKind, ...] = (
    HandlerKind("signalwire", "cxml-call", ("callRequest",), "form", ("POST", "GET"),
                lambda text: cxml_problem(text, VOICE_VERBS)),
    HandlerKind("signalwire", "cxml-message", ("messageRequest",), "form", ("POST", "GET"),
                lambda text: cxml_problem(text, MESSAGE_VERBS)),
    HandlerKind("signalwire", "swml-call", ("relayScriptRequest",), "json", ("POST",),
                lambda text: swml_problem(text, SWML_CALL_METHODS)),
    HandlerKind("signalwire", "swml-message", ("inboundMessageWebhook",), "json", ("POST",),
                lambda text: swml_problem(text, SWML_MESSAGE_METHODS)),
    HandlerKind("signalwire", "call-status", ("callStatusCallback",), "form", ("POST", "GET"), lambda text: None),
    HandlerKind("signalwire", "message-status", ("messageStatusCallback",), "json", ("POST",), lambda text: None),
    HandlerKind("voiceos", "connection-requested", ("phone_call:connection_requested",), "json", ("POST", "GET"),
                voiceos_answer, signed=False),
    HandlerKind("voipbin", "call-events", ("call_created", "call_progressing", "call_hangup", "activeflow_created",
                                           "message_created"), "event", ("POST",), lambda text: None),
)


def kinds_of(provider: str) -> list[HandlerKind]:
    return [kind for kind in KINDS if kind.provider == provider]


def handler_kind(provider: str, name: str | None) -> HandlerKind:
    kinds = kinds_of(provider)
    if not kinds:
        providers = sorted({k.provider for k in KINDS})
        raise LookupError(f"{provider} calls no handler the kit can check (it checks: {', '.join(providers)}); "
                          "for webhook receivers use check_receiver")
    if name is None:
        return kinds[0]
    for kind in kinds:
        if kind.name == name:
            return kind
    raise LookupError(f"{provider} has no handler kind {name!r} (choose: {', '.join(k.name for k in kinds)})")


def provider_timeout(provider: str) -> float:
    """Seconds the provider waits for a handler's answer (its default setting)."""
    from .receivers import provider_plugin

    settings = provider_plugin(provider).settings
    for name in ("handler_timeout_seconds", "connection_webhook_timeout_seconds"):
        if hasattr(settings, name):
            return float(getattr(settings, name))
    return DEFAULT_TIMEOUT


# --- building signed requests -------------------------------------------------------------------


def form_pairs(body: Any) -> list[tuple[str, str]]:
    if not isinstance(body, dict):
        return []
    return [(k, v if isinstance(v, str) else json.dumps(v)) for k, v in body.items()]


def documented_fields(provider: str, webhook: str) -> set[str] | None:
    """The body's documented top-level fields: the provider sends no others (None: not listed)."""
    from ..validate import contract_for

    contract = contract_for(provider)
    operation = next(v for v in contract.spec["webhooks"][webhook].values() if isinstance(v, dict) and "requestBody" in v)
    media = next(iter(contract.resolve(operation["requestBody"])["content"].values()))
    properties = contract.resolve(media["schema"]).get("properties")
    return set(properties) if properties else None


def requests_of(provider: str, webhook: str) -> st.SearchStrategy[Any]:
    """Generated bodies of the webhook, with only its documented fields."""
    fields = documented_fields(provider, webhook)
    bodies = events(provider, webhook)
    if fields is None:
        return bodies
    return bodies.map(lambda body: {k: v for k, v in body.items() if k in fields} if isinstance(body, dict) else body)


@dataclass
class Outgoing:
    method: str
    url: str
    body: bytes
    headers: dict[str, str]


def build(kind: HandlerKind, url: str, method: str, generated: Any, key: str | None, headers: dict[str, str]) -> Outgoing:
    """The request as the provider sends it, signed with `key` (None: unsigned)."""
    from telemock.emulator.providers.signalwire.signing import form_headers, json_headers

    extra = dict(headers)
    if kind.encoding == "form":
        pairs = form_pairs(generated)
        if method == "GET":
            full = url + ("&" if "?" in url else "?") + urlencode(pairs) if pairs else url
            body = b""
        else:
            full, body = url, urlencode(pairs).encode()
        unsigned = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        signed = form_headers(key, full, body) if key is not None else unsigned
        return Outgoing(method, full, body, {**signed, **extra})
    if kind.encoding == "event":
        from .receivers import provider_format

        body = json.dumps(generated, separators=(",", ":")).encode()
        fmt = provider_format(kind.provider)
        signed = fmt.signed_headers(message_id="msg_" + hashlib.sha1(body).hexdigest()[:24], url=url, body=body,
                                    secret=key, wall_time=int(time.time()))
        return Outgoing("POST", url, body, {**signed, **extra})
    if method == "GET":
        fields = dict(form_pairs(generated))
        full = url + ("&" if "?" in url else "?") + urlencode(fields) if fields else url
        return Outgoing("GET", full, b"", extra)
    body = json.dumps(generated, separators=(",", ":")).encode()
    signed = json_headers(key, url, body, True) if (key is not None and kind.signed) else {"Content-Type": "application/json"}
    return Outgoing("POST", url, body, {**signed, **extra})


def forgeries(kind: HandlerKind, genuine: Outgoing, url: str, generated: Any, key: str | None,
              headers: dict[str, str]) -> list[tuple[str, Outgoing]]:
    """Requests the handler must refuse: unsigned, a tampered signature, signed with another key;
    for a provider that does not sign, without the headers the user configured."""
    if not kind.signed:
        if not headers:
            return []
        return [("without the configured headers", build(kind, url, genuine.method, generated, None, {}))]
    if key is None:
        return []
    unsigned = build(kind, url, genuine.method, generated, None, {})
    tampered = Outgoing(genuine.method, genuine.url, genuine.body, {
        name: tamper(value) if "signature" in name.lower() else value for name, value in genuine.headers.items()})
    wrong = build(kind, url, genuine.method, generated, key + "x", headers)
    return [("unsigned", unsigned), ("tampered signature", tampered), ("signed with another key", wrong)]


# --- sending ------------------------------------------------------------------------------------


class Sender:
    """Sends to a URL over HTTP, or to an ASGI app in this process; each send has the kit's deadline."""

    def __init__(self, target: Any, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, trust_env=False) if isinstance(target, str) else None

    def send(self, request: Outgoing) -> tuple[int | None, str, float]:
        started = time.perf_counter()
        status, text = call_with_deadline(self._send, request, seconds=self.timeout, what="the handler")
        return status, text, time.perf_counter() - started

    def _send(self, request: Outgoing) -> tuple[int | None, str]:
        try:
            if self._client is not None:
                response = self._client.request(request.method, request.url, content=request.body, headers=request.headers)
            else:
                response = asyncio.run(self._asgi(request))
        except httpx.TimeoutException:
            raise DidNotReturn("the handler", self.timeout) from None
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, response.text[:64 * 1024]

    async def _asgi(self, request: Outgoing) -> httpx.Response:
        transport = httpx.ASGITransport(app=self.target, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, timeout=self.timeout) as client:
            return await client.request(request.method, request.url, content=request.body, headers=request.headers)

    def close(self) -> None:
        if self._client is not None:
            self._client.close()


# --- the check ----------------------------------------------------------------------------------


@dataclass
class HandlerFailure:
    kind: str
    problem: str
    request: Outgoing
    status: int | None
    answer: str

    def render(self) -> str:
        status = "no answer" if self.status is None else f"HTTP {self.status}"
        body = self.request.body.decode(errors="replace")[:300] if self.request.body else "(in the URL)"
        return (f"[{self.kind}] {self.problem} ({status})\n    request: {self.request.method} {self.request.url[:300]}\n"
                f"    body: {body}\n    answer: {self.answer[:300]!r}")


@dataclass
class HandlerReport:
    provider: str
    kind: str
    target: str
    requests: int = 0
    examples: int = 0
    seconds: float = 0.0
    failures: list[HandlerFailure] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def examples_per_second(self) -> float:
        return self.examples / self.seconds if self.seconds else 0.0

    def render(self) -> str:
        lines = [f"{self.provider} {self.kind} handler at {self.target}: {self.examples} generated calls, "
                 f"{self.requests} requests in {self.seconds:.1f} s"]
        lines += [f"  not checked: {note}" for note in self.not_checked]
        lines += indented(self.failures)
        if self.ok:
            lines.append("  every answer could be run and every forgery was refused")
        return "\n".join(lines)


class HandlerError(CheckFailed):
    """The handler mishandled a genuine call or obeyed a forged one; the report says how."""

    report: HandlerReport


class Problem(AssertionError):
    """A genuine request the handler mishandled: hypothesis shrinks it to a minimal one."""

    def __init__(self, failure: HandlerFailure) -> None:
        super().__init__(failure.problem)
        self.failure = failure


class Silent(BaseException):
    """The handler did not answer, or answered later than the provider waits: the check ends at
    once, without shrinking (each replay would cost that time again)."""

    def __init__(self, failure: HandlerFailure) -> None:
        super().__init__(failure.problem)
        self.failure = failure


def check_handler(
    target: Any,
    *,
    provider: str,
    kind: str | None = None,
    url: str | None = None,
    signing_key: str | None = None,
    headers: dict[str, str] | None = None,
    methods: Iterable[str] | None = None,
    examples: int = 20,
    seed: int | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> HandlerReport:
    """Sends generated, signed inbound-call/message requests to a handler and judges its answers.

    `target` is an ASGI app (then `url` is the path, default `/webhook`) or the handler's URL.
    `signing_key` is the key the handler verifies with (SignalWire's Signing Key); without it no
    forgery can be told apart and the signature is not checked. `headers` are the headers a
    VoiceOS webhook is configured with (its only authentication). A handler that does not answer
    within `timeout` seconds ends the check; one slower than the provider waits fails too.
    """
    handler = handler_kind(provider, kind)
    full_url = asgi_url(url) if not isinstance(target, str) else target
    report = HandlerReport(provider, handler.name, full_url if isinstance(target, str) else f"ASGI app{url or '/webhook'}")
    wanted = tuple(m.upper() for m in (methods or handler.methods))
    unknown = [m for m in wanted if m not in handler.methods]
    if unknown:
        raise LookupError(f"{provider} sends {handler.name} requests with {', '.join(handler.methods)}, not {unknown[0]}")
    limit = provider_timeout(provider)
    configured = dict(headers or {})
    if handler.signed and signing_key is None:
        report.not_checked.append("the signature (pass the signing key the handler verifies with)")
    if not handler.signed and not configured:
        report.not_checked.append(f"authentication ({provider} does not sign; pass the headers the webhook is configured with)")
    sender = Sender(target, timeout)
    started = time.perf_counter()
    first: dict[str, Any] = {}

    def exchange(name: str, request: Outgoing) -> tuple[int | None, str, float]:
        report.requests += 1
        try:
            return sender.send(request)
        except DidNotReturn as exc:
            waits = f" ({provider} would wait {limit:g} s: raise timeout= to let it)" if limit > exc.seconds else ""
            raise Silent(HandlerFailure(name, f"the handler did not answer within {exc.seconds:g} s{waits}; the check "
                                              "stopped there", request, None, "")) from None

    def judged(generated: Any, method: str) -> None:
        genuine = build(handler, full_url, method, generated, signing_key, configured)
        status, answer, seconds = exchange("genuine", genuine)
        problem = None
        if seconds > limit:  # not shrunk: each replay would be as slow
            raise Silent(HandlerFailure("slow", f"the answer took {seconds:.1f} s; {provider} waits {limit:g} s",
                                        genuine, status, answer))
        if status is None or not 200 <= status < 300:
            name, problem = "genuine", f"a correctly signed {method} request was not answered 2xx"
        else:
            name, problem = "document", handler.judge(answer)
        if problem:
            raise Problem(HandlerFailure(name, problem, genuine, status, answer))

    @kit_settings(examples)
    @given(generated=st.one_of([requests_of(provider, name) for name in handler.webhooks]), method=st.sampled_from(wanted))
    def run(generated: Any, method: str) -> None:
        report.examples += 1
        first.setdefault(method, generated)
        judged(generated, method)

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    try:
        with with_reporter(lambda _text: None):
            run()
        for method, generated in first.items():
            genuine = build(handler, full_url, method, generated, signing_key, configured)
            for name, forged in forgeries(handler, genuine, full_url, generated, signing_key, configured):
                status, answer, _ = exchange(name, forged)
                if status is not None and 200 <= status < 300:
                    report.failures.append(HandlerFailure(
                        "forgery", f"a request {name} was accepted ({status}); it must be refused (401 or 403)",
                        forged, status, answer))
                    return report  # one accepted forgery says it all
    except (Problem, Silent) as exc:
        report.failures.append(exc.failure)
    finally:
        sender.close()
        report.seconds = time.perf_counter() - started
    if report.requests == 0:
        report.failures.append(HandlerFailure("nothing", "no request was sent: nothing was exercised",
                                              Outgoing("POST", full_url, b"", {}), None, ""))
    return report
