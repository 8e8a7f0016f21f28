"""Checks a user's webhook receiver with generated, correctly signed (and deliberately broken) events.

For each generated documented event the receiver must accept the genuine delivery (2xx), accept a
duplicate without acting twice (when `effects` can observe its actions), accept deliveries out of
order, and refuse forgeries: a tampered signature, a tampered body, the wrong secret and — where
the provider's signature covers a timestamp — a stale delivery. Signing uses the provider plugin's
own `WebhookFormat`, so a new provider needs nothing here.

Every delivery (and every call of `effects`) has a deadline: a receiver that does not answer in
time ends the check at once with a `no-answer` failure, instead of costing the deadline again
for every event. A secret the provider's format cannot use, or a URL where nothing listens, is a
`ReceiverSetupError` / `Unreachable` before anything is sent.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Callable
from urllib.parse import urlencode

import httpx
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from hypothesis import strategies as st
from hypothesis.reporting import with_reporter

from .deadline import DEFAULT_TIMEOUT, DeadlineThread, DidNotReturn, StopCheck, call_with_deadline
from .progress import Progress, Silent
from .reach import probe
from .strategies import events
from ..validate import contract_for

STALE_SECONDS = 60 * 60

RECEIVER_CHECKS = {
    "rejected-valid": "accepts a genuine, correctly signed event",
    "duplicate-refused": "accepts a duplicate delivery",
    "not-idempotent": "acts once on a duplicate delivery",
    "reordered-refused": "accepts events delivered out of order",
    "forged-signature": "refuses a tampered signature",
    "tampered-body": "refuses a body that does not match its signature",
    "wrong-secret": "refuses an event signed with another secret",
    "stale-timestamp": "refuses a stale (replayed) delivery",
    "no-answer": "answers every delivery within the deadline",
}
"""Every check a receiver goes through, by the `kind` its failures carry."""

SIGNATURE_CHECKS = ("forged-signature", "tampered-body", "wrong-secret", "stale-timestamp")


class ReceiverSetupError(ValueError):
    """The check cannot run as asked (e.g. a secret the provider's signature scheme cannot use)."""


@dataclass
class ReceiverFailure:
    kind: str
    event: str
    message: str
    status: int | None
    body: str

    def render(self) -> str:
        status = "no answer" if self.status is None else f"HTTP {self.status}"
        return f"[{self.kind}] {self.event}: {self.message} ({status})\n    event: {self.body}"


@dataclass
class ReceiverReport:
    provider: str
    target: str
    deliveries: int = 0
    examples: int = 0
    failures: list[ReceiverFailure] = field(default_factory=list)
    not_applicable: list[str] = field(default_factory=list)
    skipped_checks: dict[str, str] = field(default_factory=dict)  # check kind -> why it did not run
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failures

    def render(self) -> str:
        lines = [f"{self.provider} receiver at {self.target}: {self.examples} events, {self.deliveries} deliveries"]
        for note in self.not_applicable:
            lines.append(f"  not checked: {note}")
        if self.ok:
            lines.append("  all checks passed")
        for failure in self.failures:
            lines.append("  " + failure.render())
        return "\n".join(lines)


@lru_cache(maxsize=None)
def provider_plugin(provider: str) -> Any:
    """The provider plugin, from a throwaway emulator with only that provider."""
    from telemock.emulator import Config, create_app

    app = create_app(Config(providers=[provider], verdicts=False))
    return app.state.runtime.providers[provider]


def provider_format(provider: str, event: str | None = None) -> Any:
    """The WebhookFormat the provider signs `event` with (None: it does not sign)."""
    return provider_plugin(provider).webhook_format(event)


def webhook_names(provider: str) -> list[str]:
    return sorted((contract_for(provider).spec.get("webhooks") or {}).keys())


def encode(fmt: Any, event: Any) -> bytes:
    content_type = getattr(fmt, "content_type", "application/json") if fmt is not None else "application/json"
    if content_type == "application/x-www-form-urlencoded" and isinstance(event, dict):
        return urlencode({k: v if isinstance(v, str) else json.dumps(v) for k, v in event.items()}).encode()
    return json.dumps(event, separators=(",", ":")).encode()


def tamper(signature: str) -> str:
    """The same signature with one character of its digest changed (in the middle, where every bit counts)."""
    chars = list(signature)
    for i in list(range(len(chars) // 2, len(chars))) + list(range(len(chars) // 2)):
        if chars[i].isascii() and chars[i].isalnum():
            # Same character class (hex stays hex, case stays case) but a different value.
            alphabet = "0123456789" if chars[i].isdigit() else ("abcdef" if chars[i].islower() else "ABCDEF")
            chars[i] = alphabet[(alphabet.find(chars[i]) + 1) % len(alphabet)] if chars[i] in alphabet else alphabet[0]
            return "".join(chars)
    return signature + "A"


def asgi_url(url: str | None) -> str:
    """Where to post to an ASGI app: `url` as given (`/hooks/gigs` or `http://host/hooks`); default `/webhook`."""
    url = url or "/webhook"
    return f"http://receiver{url}" if url.startswith("/") else url


class Transport:
    """Delivers to a URL over HTTP, or to an ASGI app in this process.

    An ASGI app is called through one client on one event loop for the whole check: a loop and a
    client per delivery cost milliseconds each, many times what a receiver takes to answer. Every
    delivery runs on one `DeadlineThread`, for the same reason.
    """

    def __init__(self, target: Any, timeout: float) -> None:
        self.target = target
        self.timeout = timeout
        self._client = httpx.Client(timeout=timeout, trust_env=False) if isinstance(target, str) else None
        self._runner: asyncio.Runner | None = None
        self._asgi_client: httpx.AsyncClient | None = None
        self._thread = DeadlineThread("telemock check: the receiver")

    def post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
        """The receiver's status and the start of its answer; DidNotReturn after `timeout` seconds."""
        try:
            return self._thread.call(self._post, url, body, headers, seconds=self.timeout, what="the receiver")
        except DidNotReturn:
            # The abandoned call may still hold the event loop running on its thread: left to it.
            self._runner = self._asgi_client = None
            raise

    def _post(self, url: str, body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
        try:
            if self._client is not None:
                response = self._client.post(url, content=body, headers=headers)
            else:
                response = self._loop().run(self._asgi(url, body, headers))
        except httpx.TimeoutException:
            raise DidNotReturn("the receiver", self.timeout) from None
        except httpx.HTTPError as exc:
            return None, f"{type(exc).__name__}: {exc}"
        return response.status_code, response.text[:200]

    def _loop(self) -> asyncio.Runner:
        if self._runner is None:
            self._runner = asyncio.Runner()
        return self._runner

    async def _asgi(self, url: str, body: bytes, headers: dict[str, str]) -> httpx.Response:
        if self._asgi_client is None:
            transport = httpx.ASGITransport(app=self.target, raise_app_exceptions=False)
            self._asgi_client = httpx.AsyncClient(transport=transport, timeout=self.timeout)
        return await self._asgi_client.post(url, content=body, headers=headers)

    def close(self) -> None:
        self._thread.close()
        if self._client is not None:
            self._client.close()
        if self._runner is not None:
            if self._asgi_client is not None:
                self._runner.run(self._asgi_client.aclose())
            self._runner.close()
            self._runner = None


def check_receiver(
    provider: str,
    target: Any,
    *,
    secret: str | None,
    url: str | None = None,
    event_names: list[str] | None = None,
    examples: int = 20,
    seed: int | None = None,
    effects: Callable[[], int] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    progress: Progress | None = None,
) -> ReceiverReport:
    """Deliver generated events to `target` (a URL, or an ASGI app with `url` as the path to post to,
    `/webhook` by default).

    `effects`, when given, returns how many actions the receiver has taken so far (rows written,
    jobs queued…); a duplicate delivery must not change it. Each delivery and each call of
    `effects` may take `timeout` seconds. Raises LookupError for an unknown event name,
    ReceiverSetupError for an unusable secret and `reach.Unreachable` when nothing listens at a URL.
    `progress` is told of each event (a run) and each delivery (a case) as they happen.
    """
    names = event_names or webhook_names(provider)
    if not names:
        raise LookupError(f"{provider} documents no webhooks")
    unknown = sorted(set(names) - set(webhook_names(provider)))
    if unknown:
        raise LookupError(f"{provider} documents no webhook {unknown[0]!r} (known: {', '.join(webhook_names(provider))})")
    formats = {name: provider_format(provider, name) for name in names}
    if secret:
        for fmt in {f for f in formats.values() if f is not None}:
            problem = fmt.check_secret(secret)
            if problem:
                raise ReceiverSetupError(f"the secret cannot sign {provider} webhooks: {problem}")
    if isinstance(target, str):
        probe(target, timeout)
    fmt = next((f for f in formats.values() if f is not None), None)
    post_url = target if isinstance(target, str) else asgi_url(url)
    report = ReceiverReport(provider=provider, target=post_url if isinstance(target, str) else f"ASGI app {post_url}")
    if fmt is None or not secret:
        report.not_applicable.append(
            f"signatures ({provider} does not sign its webhooks)" if fmt is None else "signatures (no secret given)"
        )
    elif not any(getattr(f, "timestamped", False) for f in formats.values()):
        report.not_applicable.append(f"stale deliveries ({provider}'s signature covers no timestamp)")
    report.skipped_checks = skipped_checks(provider, fmt, secret, formats, effects)
    shown = progress or Silent()
    started = time.monotonic()
    shown.start(examples)
    transport = Transport(target, timeout)
    seen_kinds: set[str] = set()

    def fail(kind: str, name: str, message: str, status: int | None, body: bytes) -> None:
        in_flight["failed"] = True
        if kind not in seen_kinds:
            seen_kinds.add(kind)
            report.failures.append(ReceiverFailure(kind, name, message, status, body.decode("utf-8", "replace")[:300]))

    def headers_for(fmt: Any, body: bytes, message_id: str, use_secret: str | None, wall: int) -> dict[str, str]:
        if fmt is None:
            return {"content-type": "application/json"}
        return fmt.signed_headers(message_id=message_id, url=post_url, body=body, secret=use_secret, wall_time=wall)

    in_flight: dict[str, Any] = {}

    def deliver(body: bytes, headers: dict[str, str]) -> tuple[int | None, str]:
        report.deliveries += 1
        in_flight["body"] = body
        try:
            return transport.post(post_url, body, headers)
        except DidNotReturn as exc:
            raise StopCheck(exc) from None
        finally:
            shown.case()

    def observed() -> int:
        """What `effects` says now (0 without it), within the deadline."""
        if effects is None:
            return 0
        try:
            return call_with_deadline(effects, seconds=timeout, what="effects()")
        except DidNotReturn as exc:
            raise StopCheck(exc) from None

    # Each kind's strategy is built once (building one compiles its schema), and one_of draws a
    # kind without the flatmap's strategy per example.
    strategy = st.one_of([events(provider, name).map(lambda event, name=name: (name, event)) for name in names])

    # The event delivered out of order is the one generated before (an older event arriving after
    # a newer one): drawing a second event per example doubled the cost of generation, the
    # check's largest cost by far. The first example has no older one and reorders itself.
    previous: list[tuple[str, Any]] = []

    @settings(max_examples=examples, deadline=None, database=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck), print_blob=False)
    @given(pair=strategy)
    def run(pair: tuple[str, Any]) -> None:
        other = previous[0] if previous else pair
        previous[:] = [pair]
        in_flight["failed"] = False
        shown.begin(pair[0], 8)
        try:
            deliveries(pair, other)
        except StopCheck:
            in_flight["failed"] = True
            raise
        finally:
            shown.end("failed" if in_flight["failed"] else "passed")

    def deliveries(pair: tuple[str, Any], other: tuple[str, Any]) -> None:
        name, event = pair
        in_flight["event"] = name
        fmt = formats[name]
        report.examples += 1
        body = encode(fmt, event)
        message_id = "msg_" + secrets.token_hex(12)
        now = int(time.time())
        genuine = headers_for(fmt, body, message_id, secret, now)
        before = observed()
        status, text = deliver(body, genuine)
        if status is None or not 200 <= status < 300:
            fail("rejected-valid", name, f"refused a genuine, correctly signed event: {text}", status, body)
            return
        acted = observed()
        status, text = deliver(body, headers_for(fmt, body, message_id, secret, int(time.time())))
        if status is None or not 200 <= status < 300:
            fail("duplicate-refused", name, f"refused a duplicate delivery (at-least-once delivery sends them): {text}", status, body)
        elif effects and (after := observed()) != acted:
            fail("not-idempotent", name, f"acted twice on one event (effects {before} → {acted} → {after})", status, body)
        other_name, other_event = other
        other_fmt = formats[other_name]
        other_body = encode(other_fmt, other_event)
        late, early = (other_fmt, other_body), (fmt, body)
        for out_of_order_fmt, out_of_order_body in (late, early):
            out_of_order_id = "msg_" + secrets.token_hex(12)
            status, text = deliver(
                out_of_order_body,
                headers_for(out_of_order_fmt, out_of_order_body, out_of_order_id, secret, int(time.time())),
            )
            if status is None or not 200 <= status < 300:
                fail("reordered-refused", other_name, f"refused an event delivered out of order: {text}", status, out_of_order_body)
        if fmt is None or not secret:
            return
        forged = dict(genuine)
        signature_header = next((h for h in forged if "signature" in h.lower()), None)
        if signature_header is not None:
            forged[signature_header] = tamper(forged[signature_header])
            status, _ = deliver(body, forged)
            if status is not None and 200 <= status < 300:
                fail("forged-signature", name, "accepted an event whose signature was tampered with", status, body)
        # Still well-formed, so only a signature check can tell it from the genuine one.
        is_form = getattr(fmt, "content_type", "") == "application/x-www-form-urlencoded"
        tampered_body = body + (b"&tampered=1" if is_form else b" ")
        status, _ = deliver(tampered_body, genuine)
        if status is not None and 200 <= status < 300:
            fail("tampered-body", name, "accepted a body that does not match its signature", status, body)
        wrong = headers_for(fmt, body, message_id, fmt.new_secret(), int(time.time()))
        status, _ = deliver(body, wrong)
        if status is not None and 200 <= status < 300:
            fail("wrong-secret", name, "accepted an event signed with another secret", status, body)
        if getattr(fmt, "timestamped", False):
            stale = headers_for(fmt, body, "msg_" + secrets.token_hex(12), secret, int(time.time()) - STALE_SECONDS)
            status, _ = deliver(body, stale)
            if status is not None and 200 <= status < 300:
                fail("stale-timestamp", name, f"accepted a delivery signed {STALE_SECONDS // 60} minutes ago (replay)", status, body)

    if seed is not None:
        run = hypothesis_seed(seed)(run)
    try:
        with with_reporter(lambda _text: None):
            run()
    except StopCheck as stop:
        body = in_flight.get("body", b"")
        report.failures.append(ReceiverFailure(
            "no-answer", in_flight.get("event", "?"), f"{stop.cause.what} did not return within {stop.cause.seconds:g} s; "
            "the check stopped there", None, body.decode("utf-8", "replace")[:300],
        ))
    finally:
        transport.close()
        shown.close()
        report.seconds = time.monotonic() - started
    return report


def skipped_checks(
    provider: str, fmt: Any, secret: str | None, formats: dict[str, Any], effects: Callable[[], int] | None,
) -> dict[str, str]:
    """The checks that cannot run as asked, each with why (for reports that list every check)."""
    skipped: dict[str, str] = {}
    if effects is None:
        skipped["not-idempotent"] = "no effects counter given"
    if fmt is None or not secret:
        why = f"{provider} does not sign its webhooks" if fmt is None else "no secret given"
        skipped |= {kind: why for kind in SIGNATURE_CHECKS}
    elif not any(getattr(f, "timestamped", False) for f in formats.values()):
        skipped["stale-timestamp"] = f"{provider}'s signature covers no timestamp"
    return skipped
