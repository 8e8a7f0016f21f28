"""The provider-agnostic delivery engine, driven through its Python interface with a test-only format.

Messages go to arbitrary URLs (as VoIPBIN's webhook_uri or VoiceOS's per-number webhooks will),
with the format's own signature and the policy's own schedule, and are observed through the
control API like any provider's.
"""

from __future__ import annotations

import concurrent.futures
import hashlib
import hmac
import time
from dataclasses import dataclass
from typing import Any, Callable

import pytest

from telemock.emulator import Config
from telemock.emulator.core.webhooks import DeliveryPolicy

from .conftest import TLS
from .receiver import Receiver

SECRET = "test-secret"


@dataclass(frozen=True)
class HexFormat:
    """A made-up scheme: hex HMAC-SHA256 of the body in `x-test-signature`, the message id in `x-test-id`."""

    name: str = "test-hex"
    content_type: str = "text/plain"

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        signature = hmac.new((secret or "").encode(), body, hashlib.sha256).hexdigest()
        return {"content-type": self.content_type, "x-test-id": message_id, "x-test-signature": signature, "x-test-time": str(wall_time)}

    def new_secret(self) -> str:
        return SECRET

    def check_secret(self, secret: str) -> str | None:
        return None


FORMAT = HexFormat()


def on_loop(server, fn: Callable[[], Any]) -> Any:
    """Runs `fn` on the server's event loop (the outbox belongs to it) and returns its result."""
    loop = server.runtime.delivery.loop
    assert loop is not None, "the delivery worker is not running"
    done: concurrent.futures.Future[Any] = concurrent.futures.Future()

    def run() -> None:
        try:
            done.set_result(fn())
        except Exception as exc:  # pragma: no cover - surfaced below
            done.set_exception(exc)

    loop.call_soon_threadsafe(run)
    return done.result(timeout=5)


def send(server, url: str, body: bytes, *, policy: DeliveryPolicy | None = None, **extra: Any) -> str:
    def enqueue() -> str:
        message = server.runtime.outbox.send(
            provider="test-provider",
            tenant="t1",
            url=url,
            body=body,
            fmt=FORMAT,
            policy=policy or DeliveryPolicy(attempt_delays_s=(0, 10, 60)),
            secret=SECRET,
            event_type=extra.pop("event_type", "test.event"),
            **extra,
        )
        return message.id

    return on_loop(server, enqueue)


@pytest.fixture
def admin(server):
    admin = server.client("/_telemock", verify=TLS)
    admin.post("/clock/freeze").raise_for_status()
    return admin


def advance(admin, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def delivery(admin, delivery_id: str, attempts: int) -> dict:
    deadline = time.monotonic() + 5
    while True:
        found = admin.get(f"/deliveries/{delivery_id}").json()
        if len(found["attempts"]) >= attempts and found["status"] != "sending":
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"{delivery_id}: {len(found['attempts'])} attempts, wanted {attempts}")
        time.sleep(0.02)


def test_arbitrary_url_with_the_formats_own_signature_method_and_headers(server, admin, receiver):
    delivery_id = send(server, receiver.url("/customer/hook?x=1"), b"hello", method="PUT", headers={"x-extra": "1"})
    (request,) = receiver.wait_for(1)
    assert request.method == "PUT" and request.path == "/customer/hook" and request.query == "x=1"
    assert request.body == b"hello"
    assert request.headers["content-type"] == "text/plain"
    assert request.headers["x-extra"] == "1"
    assert request.headers["x-test-signature"] == hmac.new(SECRET.encode(), b"hello", hashlib.sha256).hexdigest()
    assert "webhook-signature" not in request.headers
    found = delivery(admin, delivery_id, 1)
    assert found["status"] == "succeeded"
    assert found["request"] == {"headers": {"x-extra": "1"}, "body": "hello"}
    attempt = found["attempts"][0]
    assert attempt["status"] == 200 and attempt["error"] is None and attempt["latency_ms"] > 0
    assert attempt["request"]["headers"]["x-test-id"] == found["message_id"]
    assert attempt["response"]["body"] == '{"ok":true}'


def test_the_policy_schedule_runs_on_the_virtual_clock_until_attempts_run_out(server, admin, receiver):
    receiver.status = 503
    delivery_id = send(server, receiver.url(), b"x")
    delivery(admin, delivery_id, 1)  # the failure is recorded: the 10 s count from here
    advance(admin, 9)
    time.sleep(0.15)
    assert len(receiver.received) == 1
    advance(admin, 1)
    delivery(admin, delivery_id, 2)
    advance(admin, 60)
    found = delivery(admin, delivery_id, 3)
    assert found["status"] == "failed" and found["next_attempt"] is None and found["attempts_left"] == 0
    assert [a["status"] for a in found["attempts"]] == [503, 503, 503]
    advance(admin, 86400)
    time.sleep(0.15)
    assert len(receiver.received) == 3
    assert len({r.headers["x-test-id"] for r in receiver.received}) == 1


def test_redirects_are_failures(server, admin, receiver):
    receiver.status = 302
    delivery_id = send(server, receiver.url(), b"x", policy=DeliveryPolicy(attempt_delays_s=(0,)))
    assert delivery(admin, delivery_id, 1)["status"] == "failed"


def test_slow_receivers_time_out(server, admin):
    slow = Receiver()

    def sleepy(request) -> int:
        time.sleep(0.5)
        return 200

    slow.responder = sleepy
    with slow:
        delivery_id = send(server, slow.url(), b"x", policy=DeliveryPolicy(attempt_delays_s=(0,), timeout_s=0.1))
        found = delivery(admin, delivery_id, 1)
    assert found["status"] == "failed"
    assert found["attempts"][0]["error"] == "timeout"


def test_ordering_key_holds_later_messages_until_the_first_is_done(server, admin, receiver):
    receiver.responder = lambda r: 500 if r.body == b"1" else 200
    first = send(server, receiver.url(), b"1", ordering_key="res-a")
    second = send(server, receiver.url(), b"2", ordering_key="res-a")
    other = send(server, receiver.url(), b"3", ordering_key="res-b")
    receiver.wait_for(2)
    delivery(admin, first, 1)
    time.sleep(0.15)
    assert sorted(r.body for r in receiver.received) == [b"1", b"3"]
    assert admin.get(f"/deliveries/{second}").json()["status"] == "pending"
    receiver.responder = None
    advance(admin, 10)
    requests = receiver.wait_for(4)
    assert [r.body for r in requests][2:] == [b"1", b"2"]
    assert delivery(admin, first, 2)["status"] == "succeeded"
    assert delivery(admin, other, 1)["status"] == "succeeded"


def test_unordered_policy_does_not_wait(server, admin, receiver):
    receiver.responder = lambda r: 500 if r.body == b"1" else 200
    policy = DeliveryPolicy(attempt_delays_s=(0, 10), ordered=False)
    send(server, receiver.url(), b"1", ordering_key="res-a", policy=policy)
    send(server, receiver.url(), b"2", ordering_key="res-a", policy=policy)
    assert sorted(r.body for r in receiver.wait_for(2)) == [b"1", b"2"]


def test_a_failed_message_releases_its_lane(server, admin, receiver):
    receiver.responder = lambda r: 500 if r.body == b"1" else 200
    send(server, receiver.url(), b"1", ordering_key="k", policy=DeliveryPolicy(attempt_delays_s=(0,)))
    send(server, receiver.url(), b"2", ordering_key="k")
    assert [r.body for r in receiver.wait_for(2)] == [b"1", b"2"]


def test_wait_for_long_polls_until_enough_match(server, admin, receiver):
    pool = concurrent.futures.ThreadPoolExecutor(1)
    waiting = pool.submit(
        lambda: server.admin().get("/deliveries", params={"status": "succeeded", "wait_for": 2, "timeout": 5}).json()
    )
    time.sleep(0.2)
    assert not waiting.done()
    send(server, receiver.url(), b"a")
    send(server, receiver.url(), b"b")
    started = time.monotonic()
    result = waiting.result(timeout=5)
    assert time.monotonic() - started < 2
    assert result["count"] == 2 and result["wait"] == {"for": 2, "satisfied": True}
    timed_out = admin.get("/deliveries", params={"type": "nothing", "wait_for": 1, "timeout": 0.2}).json()
    assert timed_out["wait"] == {"for": 1, "satisfied": False} and timed_out["count"] == 0
    pool.shutdown()


def test_delivery_filters_and_bad_queries(server, admin, receiver):
    send(server, receiver.url(), b"a", event_type="one")
    send(server, receiver.url(), b"b", event_type="two")
    admin.get("/deliveries", params={"status": "succeeded", "wait_for": 2, "timeout": 5})
    assert [d["type"] for d in admin.get("/deliveries", params={"type": "two"}).json()["deliveries"]] == ["two"]
    assert admin.get("/deliveries", params={"tenant": "t1"}).json()["count"] == 2
    assert admin.get("/deliveries", params={"tenant": "t2"}).json()["count"] == 0
    assert admin.get("/deliveries", params={"status": "lost"}).status_code == 400
    assert admin.get("/deliveries", params={"wait_for": "x"}).status_code == 400
    assert admin.get("/deliveries", params={"wait_for": 1, "timeout": 1000}).status_code == 400
    assert admin.get("/deliveries", params={"provider": "nope"}).status_code == 404
    assert admin.get("/deliveries/dlv_nope").status_code == 404
    assert admin.post("/deliveries/dlv_nope/replay").status_code == 404


def test_replay_needs_a_finished_delivery(server, admin, receiver):
    receiver.status = 500
    delivery_id = send(server, receiver.url(), b"x")
    delivery(admin, delivery_id, 1)
    response = admin.post(f"/deliveries/{delivery_id}/replay")
    assert response.status_code == 409 and response.json()["error"]["code"] == "not_finished"


def test_replay_of_a_failed_delivery_gets_a_fresh_schedule(server, admin, receiver):
    receiver.status = 500
    delivery_id = send(server, receiver.url(), b"x", policy=DeliveryPolicy(attempt_delays_s=(0,)))
    assert delivery(admin, delivery_id, 1)["status"] == "failed"
    receiver.status = 200
    assert admin.post(f"/deliveries/{delivery_id}/replay").json()["status"] == "pending"
    found = delivery(admin, delivery_id, 2)
    assert found["status"] == "succeeded" and [a["status"] for a in found["attempts"]] == [500, 200]


def test_reset_drops_pending_messages(server, admin, receiver):
    receiver.status = 500
    delivery_id = send(server, receiver.url(), b"x")
    delivery(admin, delivery_id, 1)
    admin.post("/reset").raise_for_status()
    assert admin.get("/deliveries").json()["count"] == 0
    admin.post("/clock/advance", json={"seconds": 3600})
    time.sleep(0.15)
    assert len(receiver.received) == 1


def test_history_is_bounded_but_pending_messages_are_kept(server_factory, receiver):
    live = server_factory(Config(providers=["gigs"], delivery_history=3))
    admin = live.admin()
    admin.post("/clock/freeze")
    receiver.responder = lambda r: 500 if r.body == b"stuck" else 200
    stuck = send(live, receiver.url(), b"stuck")
    for n in range(6):
        send(live, receiver.url(), str(n).encode())
    receiver.wait_for(7)
    deadline = time.monotonic() + 5
    while admin.get("/deliveries", params={"status": "sending"}).json()["count"] and time.monotonic() < deadline:
        time.sleep(0.02)
    remaining = {d["id"]: d for d in admin.get("/deliveries").json()["deliveries"]}
    assert [d["status"] for d in remaining.values()].count("succeeded") == 3  # the 3 that finished last
    assert remaining[stuck]["status"] == "pending"  # never dropped, however old


def test_the_worker_starts_and_stops_with_the_app(server_factory, receiver):
    live = server_factory(Config(providers=["gigs"]))
    worker = live.runtime.delivery
    assert worker.running
    send(live, receiver.url(), b"x")
    receiver.wait_for(1)
    live.stop()
    assert not worker.running and worker.loop is None
