"""Every provider's webhooks against receivers that misbehave: down, slow, 3xx, 4xx, 5xx, hang-ups, huge bodies.

The receiver is `hostile_receiver.HostileReceiver` (raw sockets). For the providers whose
webhooks go through the outbox (Gigs events, VoIPBIN customer webhooks, SignalWire status
callbacks) each case checks, on a frozen virtual clock, that:
- every attempt is recorded at /_telemock/deliveries with a clear outcome (status or error);
- the retries follow that provider's rules: which answers count as failures, how many attempts,
  and the exact delay before each one (nothing happens a millisecond early, the attempt happens
  on time);
- after the receiver recovers each message is accepted exactly once, and the receiver saw one
  request per attempt that reached it (extra copies only where the receiver got the body but the
  provider counted the attempt as failed).
VoiceOS calls its webhook synchronously during a simulated call, once, without retries (an
inferred rule, see the facts): there the simulate answer is the record.
"""

from __future__ import annotations

import concurrent.futures
import itertools
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from telemock.emulator import Config

from .hostile_receiver import (
    ANSWER,
    CLOSE,
    HANG,
    Behaviour,
    HostileReceiver,
    answer,
    huge,
    slow,
    trickle,
)

TIMEOUT_S = 0.5  # the webhook timeout of the matrix server, where a provider lets it be configured
START = "2030-05-01T09:00:00Z"
EPSILON_S = 0.001
HUGE_BYTES = 50 * 1024 * 1024
MESSAGES = 2  # per case: two resources, so two independent messages (two lanes)

GIGS_KEY = "gigs_demo_key"
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
VOIPBIN_KEY = {"accesskey": "voipbin_demo_accesskey"}
VOIPBIN_NUMBERS = ("0b266038-844b-11ec-97d8-63ba531361ce", "7f0a1d2e-3b4c-4d5e-8f60-718293a4b5c6")
SW_AUTH = ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")
SW_NUMBERS = "/api/relay/rest/phone_numbers"
SW_MAIN_LINE = ("6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b", "+15035550110")
VOICEOS_KEY = "voiceos_demo_key"
VOICEOS_NUMBER = "+14155550100"
FRONT_DESK, SALES = "agt_c0dcae8d85039ba6d03d2c4a", "agt_62f9a507d6373d81b927a3dc"
CALLER = "+15551234567"


# --- what each provider does with a failed attempt ------------------------------------------------


@dataclass(frozen=True)
class Rules:
    """A provider's delivery rules, as the facts state them (not read from the emulator's code)."""

    delays: tuple[float, ...]  # before each attempt, counted from the previous failure
    accepts: Callable[[int], bool]  # which statuses count as delivered


RULES = {
    # Svix: 2xx within the timeout, else retried immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h.
    "gigs": Rules((0, 5, 300, 1800, 7200, 18000, 36000, 36000), lambda s: 200 <= s < 300),
    # webhook-manager: 3 tries 1 s apart, only a transport error or >= 500 is a failure; 30 s client timeout.
    "voipbin": Rules((0, 1, 1), lambda s: s < 500),
    # best-effort status callbacks: the emulator's default schedule, 2xx only.
    "signalwire": Rules((0, 5, 30), lambda s: 200 <= s < 300),
}
OUTBOX_PROVIDERS = tuple(RULES)


def behaviour_for(name: str, provider: str, receiver: HostileReceiver) -> Behaviour:
    """The misbehaviour under test. `slow` outlasts the short timeout where a setting allows one; VoIPBIN's
    timeout is a fixed 30 s, too long for this suite, so there it answers late but within it."""
    return {
        "down": ANSWER,  # the port is closed instead
        "slow": slow(1.0 if provider == "voipbin" else 10.0),
        "redirect": answer(302, b"", location=receiver.url("/moved")),
        "client_error": answer(400),
        "server_error": answer(503),
        "close": CLOSE,
        "huge": huge(HUGE_BYTES),
        "trickle": trickle(TIMEOUT_S * 4, TIMEOUT_S / 5),
    }[name]


def attempt_answer(name: str, provider: str) -> int | None:
    """The status an attempt records for this misbehaviour (None: no answer at all)."""
    slow_answered = provider == "voipbin"  # 1 s is well within VoIPBIN's fixed 30 s
    return {"redirect": 302, "client_error": 400, "server_error": 503, "huge": 200, "slow": 200 if slow_answered else None}.get(name)


def check_outcome(attempt: dict[str, Any], name: str, provider: str) -> None:
    """Each attempt says clearly what happened."""
    status = attempt_answer(name, provider)
    assert attempt["status"] == status, attempt
    error = attempt["error"]
    if status is not None:
        assert error is None
    elif name == "down":
        assert error.startswith("ConnectError"), error
    elif name == "slow":
        assert error == "timeout", error
    elif name == "close":
        assert error.startswith("RemoteProtocolError") and "without sending a response" in error, error
    if name == "huge":
        assert len(attempt["response"]["body"]) <= 4096  # kept short, whatever the receiver sent
    if name == "redirect":
        assert attempt["response"]["headers"]["location"].endswith("/moved")


# --- servers, clients, receivers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def matrix_server(server_factory: Callable[..., Any]) -> Any:
    """Short timeouts where the providers have a setting for them; Gigs numbers stay `initiated` (one event each)."""
    return server_factory(
        Config(
            settings={
                "gigs": {"webhook_timeout_seconds": TIMEOUT_S, "processing_after_seconds": 10**9},
                "signalwire": {"handler_timeout_seconds": TIMEOUT_S},
                "voiceos": {"connection_webhook_timeout_seconds": TIMEOUT_S},
            }
        )
    )


@pytest.fixture
def live(matrix_server: Any) -> Any:
    admin = matrix_server.admin()
    admin.post("/reset").raise_for_status()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": START}).raise_for_status()
    return matrix_server


@pytest.fixture
def hostile() -> Iterator[HostileReceiver]:
    with HostileReceiver() as receiver:
        yield receiver


@dataclass
class Clients:
    admin: httpx.Client
    api: httpx.Client


def clients(server: Any, provider: str) -> Clients:
    api = {
        "gigs": lambda: server.client("/gigs/projects/demo", headers={"Authorization": f"Bearer {GIGS_KEY}"}),
        "voipbin": lambda: server.client("/voipbin/v1.0", params=VOIPBIN_KEY),
        "signalwire": lambda: server.client("/signalwire", auth=SW_AUTH),
        "voiceos": lambda: server.client("/voiceos", headers={"Authorization": f"Bearer {VOICEOS_KEY}"}),
    }[provider]()
    return Clients(server.admin(), api)


# --- how each provider is made to send ---------------------------------------------------------------


def point(c: Clients, provider: str, url: str) -> None:
    """Makes the provider's webhooks (of the demo tenant) go to `url`."""
    if provider == "gigs":
        response = c.admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": url})
        assert response.status_code == 201, response.text
    elif provider == "voipbin":
        response = c.api.put("/customer", json={"name": "Demo customer", "webhook_method": "POST", "webhook_uri": url})
        assert response.status_code == 200, response.text
    elif provider == "signalwire":
        fields = {"call_request_url": "", "call_status_callback_url": url}
        response = c.api.put(f"{SW_NUMBERS}/{SW_MAIN_LINE[0]}", json=fields)
        assert response.status_code == 200, response.text
    else:
        hook = {"events": ["phone_call:connection_requested"], "url": url, "method": "POST", "headers": {"X-Secret": "s3cr3t"}}
        response = c.api.patch(f"/phone_numbers/{VOICEOS_NUMBER}", json={"webhooks": [hook]})
        assert response.status_code == 200, response.text


def emit(c: Clients, provider: str, index: int) -> None:
    """One new message: a Gigs number created, a VoIPBIN number updated, a SignalWire call ended."""
    if provider == "gigs":
        response = c.api.post("/virtualNumbers", json={"subscription": SUBSCRIPTION})
        assert response.status_code == 201, response.text
    elif provider == "voipbin":
        response = c.api.put(f"/numbers/{VOIPBIN_NUMBERS[index]}/metadata", json={"rtp_debug": True})
        assert response.status_code == 200, response.text
    else:
        body = {"provider": "signalwire", "to": SW_MAIN_LINE[1], "from": CALLER}
        response = c.admin.post("/simulate/inbound-call", json=body)
        assert response.status_code == 200, response.text
        assert response.json()["status_callback"]["delivery_id"]


def read_back(c: Clients, provider: str) -> None:
    """A provider GET, which must answer while a delivery hangs."""
    path = {"gigs": "/virtualNumbers", "voipbin": "/numbers", "signalwire": SW_NUMBERS, "voiceos": "/phone_numbers"}
    assert c.api.get(path[provider]).status_code == 200


# --- deliveries and the clock ---------------------------------------------------------------------


def advance(admin: httpx.Client, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


def messages(admin: httpx.Client, provider: str, count: int) -> list[str]:
    found = admin.get("/deliveries", params={"provider": provider, "wait_for": count, "timeout": 5}).json()
    assert found["count"] == count, found
    return [d["id"] for d in found["deliveries"]]


def settled(admin: httpx.Client, delivery_id: str, attempts: int, timeout: float = 10) -> dict[str, Any]:
    """The delivery once it has `attempts` attempts and none is in flight."""
    deadline = time.monotonic() + timeout
    while True:
        found = admin.get(f"/deliveries/{delivery_id}").json()
        if len(found["attempts"]) >= attempts and found["status"] != "sending":
            assert len(found["attempts"]) == attempts, found["attempts"]
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{delivery_id}: {len(found['attempts'])} attempts ({found['status']}), wanted {attempts}")
        time.sleep(0.01)


def step(admin: httpx.Client, seconds: float, ids: list[str], done: int) -> None:
    """Moves the clock onto the next attempt: a millisecond before it nothing may have happened."""
    advance(admin, seconds - EPSILON_S)
    for delivery_id in ids:
        found = admin.get(f"/deliveries/{delivery_id}").json()
        assert found["status"] == "pending" and len(found["attempts"]) == done, (found["status"], found["attempts"][-1:])
    advance(admin, EPSILON_S)


def check_schedule(found: dict[str, Any], delays: tuple[float, ...]) -> None:
    """Attempt n started exactly delays[n] after attempt n-1 (frozen clock: an attempt takes no virtual time)."""
    times = [instant(found["created"])] + [instant(a["time"]) for a in found["attempts"]]
    gaps = [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]
    assert gaps == list(delays[: len(gaps)]), gaps


@dataclass
class Figures:
    """Totals over the outbox cases, and one line per case (printed at the end with -s)."""

    sent: int = 0
    attempts: int = 0
    delivered: int = 0
    lost: int = 0
    duplicates: int = 0
    rows: list[str] = field(default_factory=list)


FIGURES = Figures()


def count(found: list[dict[str, Any]], receiver: HostileReceiver, case: str) -> dict[str, int]:
    """Per message: accepted once by the provider's rules, and the copies the receiver saw."""
    by_body = receiver.by_body()
    copies = [len(by_body.get(d["request"]["body"].encode(), [])) for d in found]
    figures = {
        "sent": len(found),
        "attempts": sum(len(d["attempts"]) for d in found),
        "delivered": sum(d["status"] == "succeeded" for d in found),
        "lost": sum(d["status"] != "succeeded" for d in found),
        "duplicates": sum(max(0, n - 1) for n in copies),
    }
    for key, value in figures.items():
        setattr(FIGURES, key, getattr(FIGURES, key) + value)
    first = found[0]["attempts"][0]
    FIGURES.rows.append(
        f"{case:<36} first attempt: {first['status'] or first['error'][:40]!s:<42} "
        f"attempts/msg {len(found[0]['attempts'])}  {found[0]['status']}  receiver copies {copies}"
    )
    return figures


@pytest.fixture(scope="module", autouse=True)
def report() -> Iterator[None]:
    yield
    totals = {k: v for k, v in vars(FIGURES).items() if k != "rows"}
    print("\n" + "\n".join(FIGURES.rows) + f"\noutbox totals over {len(FIGURES.rows)} cases: {totals}")


# --- the matrix: outbox providers ------------------------------------------------------------------

BEHAVIOURS = ("down", "slow", "redirect", "client_error", "server_error", "close", "huge")


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
@pytest.mark.parametrize("provider", OUTBOX_PROVIDERS)
def test_retries_follow_the_providers_rules_and_nothing_is_lost(live, hostile, provider, behaviour):
    """Two messages meet the misbehaviour on every attempt but the last allowed one (or once, when the
    provider counts the answer as delivered); each attempt is on time and recorded, each message is
    accepted once, and the receiver saw exactly one request per attempt that reached it."""
    rules = RULES[provider]
    c = clients(live, provider)
    failing = attempt_answer(behaviour, provider)
    fails = failing is None or not rules.accepts(failing)
    bad_attempts = len(rules.delays) - 1 if fails else 0  # the receiver recovers for the last allowed attempt
    point(c, provider, hostile.url(f"/{provider}"))
    hostile.behave(behaviour_for(behaviour, provider, hostile))
    if behaviour == "down":
        hostile.stop()
    for index in range(MESSAGES):
        emit(c, provider, index)
    ids = messages(c.admin, provider, MESSAGES)

    for n in range(1, bad_attempts + 1):
        for delivery_id in ids:
            found = settled(c.admin, delivery_id, n)
            assert found["status"] == "pending" and found["attempts_left"] == len(rules.delays) - n
            check_outcome(found["attempts"][-1], behaviour, provider)
            check_schedule(found, rules.delays)
        if n < bad_attempts:
            step(c.admin, rules.delays[n], ids, n)
    if fails:
        if behaviour == "down":
            hostile.start()
        hostile.behave(ANSWER)
        step(c.admin, rules.delays[bad_attempts], ids, bad_attempts)

    found = [settled(c.admin, delivery_id, bad_attempts + 1) for delivery_id in ids]
    for delivery in found:
        assert delivery["status"] == "succeeded" and delivery["next_attempt"] is None
        check_schedule(delivery, rules.delays)
        if not fails:
            check_outcome(delivery["attempts"][0], behaviour, provider)
    assert c.admin.get("/health").status_code == 200
    read_back(c, provider)

    hostile.settled()
    figures = count(found, hostile, f"{provider} {behaviour}")
    reached = bad_attempts + 1 - (bad_attempts if behaviour == "down" else 0)
    for delivery in found:
        copies = hostile.by_body()[delivery["request"]["body"].encode()]
        assert len(copies) == reached
        assert copies[-1].answered == delivery["attempts"][-1]["status"]  # the accepted attempt is the receiver's answer
    assert figures["lost"] == 0 and figures["delivered"] == MESSAGES
    assert figures["duplicates"] == MESSAGES * (reached - 1)
    assert not [h for h in hostile.hits if h.path == "/moved"]  # redirects are never followed


@pytest.mark.parametrize(
    ("provider", "behaviour"), [("gigs", "server_error"), ("voipbin", "close"), ("signalwire", "down")]
)
def test_a_message_that_never_gets_through_fails_after_the_last_attempt_and_can_be_replayed(
    live, hostile, provider, behaviour
):
    """Every attempt fails: the message ends `failed` after exactly the provider's number of attempts,
    nothing more happens a week later, and a replay after the receiver recovers delivers it."""
    rules = RULES[provider]
    c = clients(live, provider)
    point(c, provider, hostile.url(f"/{provider}"))
    hostile.behave(behaviour_for(behaviour, provider, hostile))
    if behaviour == "down":
        hostile.stop()
    for index in range(MESSAGES):
        emit(c, provider, index)
    ids = messages(c.admin, provider, MESSAGES)
    for n in range(1, len(rules.delays) + 1):
        for delivery_id in ids:
            check_outcome(settled(c.admin, delivery_id, n)["attempts"][-1], behaviour, provider)
        if n < len(rules.delays):
            step(c.admin, rules.delays[n], ids, n)
    advance(c.admin, 7 * 86400)
    for delivery_id in ids:
        found = settled(c.admin, delivery_id, len(rules.delays))
        assert found["status"] == "failed" and found["attempts_left"] == 0 and found["next_attempt"] is None
        check_schedule(found, rules.delays)

    if behaviour == "down":
        hostile.start()
    hostile.behave(ANSWER)
    for delivery_id in ids:
        assert c.admin.post(f"/deliveries/{delivery_id}/replay").status_code == 202
    found = [settled(c.admin, delivery_id, len(rules.delays) + 1) for delivery_id in ids]
    assert all(d["status"] == "succeeded" and d["attempts"][-1]["status"] == 200 for d in found)
    figures = count(found, hostile, f"{provider} {behaviour}, every attempt, replay")
    assert figures["lost"] == 0
    reached = 1 if behaviour == "down" else len(rules.delays) + 1
    assert figures["duplicates"] == MESSAGES * (reached - 1)


# --- engine defects, documented ----------------------------------------------------------------------


def peak_rss_reset() -> int | None:
    """Resets this process's peak RSS (the server runs in it) and returns the current RSS in kB."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return None
    return rss("VmRSS")


def rss(key: str) -> int:
    return int(re.search(rf"{key}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


@pytest.mark.parametrize("provider", [*OUTBOX_PROVIDERS, "voiceos"])
def test_a_huge_answer_is_not_kept_in_memory(live, hostile, provider):
    """A 50 MB answer: the peak memory of this process (the server runs in it) grows by far less than that."""
    c = clients(live, provider)
    point(c, provider, hostile.url(f"/{provider}"))
    hostile.behave(huge(HUGE_BYTES))
    before = peak_rss_reset()
    if before is None:
        pytest.skip("/proc/self/clear_refs is not writable here")
    if provider == "voiceos":
        report = simulate_call(c).json()["webhooks"][0]
        assert report["response"]["status"] == 200
    else:
        emit(c, provider, 0)
        (delivery_id,) = messages(c.admin, provider, 1)
        assert settled(c.admin, delivery_id, 1)["status"] == "succeeded"
    (hit,) = hostile.settled()
    grown_mb = (rss("VmHWM") - before) / 1024
    assert grown_mb < HUGE_BYTES / 2**20 / 2, f"peak memory grew by {grown_mb:.0f} MB; the receiver: {hit.ended}"


@pytest.mark.parametrize("provider", ["gigs", "signalwire", "voiceos"])
def test_a_body_dribbled_past_the_timeout_is_a_timeout(live, hostile, provider):
    """Headers at once, then a byte every timeout/5 for 4 timeouts: the answer is not complete in time."""
    c = clients(live, provider)
    point(c, provider, hostile.url(f"/{provider}"))
    hostile.behave(behaviour_for("trickle", provider, hostile))
    if provider == "voiceos":
        report = simulate_call(c).json()["webhooks"][0]
        assert report["error"] == f"no reply within {TIMEOUT_S:g} s"
        return
    emit(c, provider, 0)
    (delivery_id,) = messages(c.admin, provider, 1)
    attempt = settled(c.admin, delivery_id, 1)["attempts"][0]
    assert attempt["error"] == "timeout", f"{attempt['status']} after {attempt['latency_ms']} ms"


# --- VoiceOS: a synchronous webhook, called once per call ------------------------------------------


def simulate_call(c: Clients) -> httpx.Response:
    response = c.admin.post("/simulate/inbound-call", json={"provider": "voiceos", "to": VOICEOS_NUMBER, "from": CALLER})
    assert response.status_code == 200, response.text
    return response


VOICEOS_OUTCOMES = {
    "down": ("ConnectError", None),
    "slow": (f"no reply within {TIMEOUT_S:g} s", None),
    "redirect": (None, 302),
    "client_error": (None, 400),
    "server_error": (None, 503),
    "close": ("RemoteProtocolError", None),
    "huge": (None, 200),
}


@pytest.mark.parametrize("behaviour", BEHAVIOURS)
def test_voiceos_falls_back_to_the_numbers_agent_without_retrying(live, hostile, behaviour):
    """The call-time webhook fails once (reported in the simulate answer), the call takes the number's
    inbound_agent_id, nothing is retried or queued; once the receiver recovers, its reply chooses the agent."""
    c = clients(live, "voiceos")
    point(c, "voiceos", hostile.url("/voiceos"))
    hostile.behave(behaviour_for(behaviour, "voiceos", hostile))
    if behaviour == "down":
        hostile.stop()
    answer_ = simulate_call(c).json()
    (report,) = answer_["webhooks"]
    error, status = VOICEOS_OUTCOMES[behaviour]
    if error is None:
        assert report["error"] is None and report["response"]["status"] == status
        assert "chose" not in report["outcome"]
    else:
        assert report["error"].startswith(error) and report["response"] is None, report
    if behaviour == "huge":
        assert len(report["response"]["body"]) <= 64 * 1024
    assert answer_["agent"] == {
        "agent_id": FRONT_DESK,
        "source": "inbound_agent_id",
        "reason": "no webhook reply chose an agent, so the number's inbound_agent_id is used",
    }
    assert answer_["conversation"]["agent_id"] == FRONT_DESK

    if behaviour == "down":
        hostile.start()
    hostile.behave(answer(200, f'{{"agent_id": "{SALES}"}}'.encode()))
    recovered = simulate_call(c).json()
    assert recovered["agent"]["agent_id"] == SALES and recovered["agent"]["source"] == "webhook"
    hits = hostile.settled()
    assert len(hits) == (1 if behaviour == "down" else 2)  # one request per call: never retried
    assert all(h.headers["x-secret"] == "s3cr3t" for h in hits)
    assert c.admin.get("/deliveries", params={"provider": "voiceos"}).json()["count"] == 0
    assert not [h for h in hits if h.path == "/moved"]
    FIGURES.rows.append(
        f"voiceos {behaviour:<28} webhook: {str(report['error'] or report['response']['status'])[:40]:<42} "
        f"requests per call 1, fallback to inbound_agent_id, receiver copies {len(hits)}"
    )


# --- the API stays responsive while a receiver holds a delivery -------------------------------------


@pytest.mark.parametrize("provider", ["gigs", "voipbin", "signalwire", "voiceos"])
def test_the_api_answers_while_a_receiver_holds_a_delivery(server, hostile, provider):
    """Default timeouts (15 s, 30 s, 10 s, 5 s): the held request is surely in flight while the API is used."""
    c = clients(server, provider)
    c.admin.post("/clock/freeze").raise_for_status()
    point(c, provider, hostile.url(f"/{provider}"))
    hostile.behave(HANG)
    pool = concurrent.futures.ThreadPoolExecutor(1)
    call = pool.submit(simulate_call, clients(server, provider)) if provider == "voiceos" else None
    if call is None:
        emit(c, provider, 0)
    assert hostile.holding.wait(5), "the receiver never got the request"

    assert c.admin.get("/health").json()["status"] == "ok"
    read_back(c, provider)
    if call is None:
        (delivery_id,) = messages(c.admin, provider, 1)
        held = c.admin.get(f"/deliveries/{delivery_id}").json()
        assert held["status"] == "sending" and held["attempts"] == []
        if provider == "gigs":  # other deliveries go on meanwhile (the other lane is a second number)
            hostile.behave(ANSWER)
            emit(c, provider, 1)
            other = [d for d in messages(c.admin, provider, 2) if d != delivery_id]
            assert settled(c.admin, other[0], 1)["status"] == "succeeded"
    else:
        assert not call.done()

    hostile.release(answer(200, f'{{"agent_id": "{SALES}"}}'.encode()))
    if call is None:
        found = settled(c.admin, delivery_id, 1)
        assert found["status"] == "succeeded" and found["attempts"][0]["status"] == 200
    else:
        assert call.result(timeout=10).json()["agent"]["agent_id"] == SALES
    pool.shutdown()
    assert hostile.settled()[0].ended == "released"
