"""Stopping with SIGTERM: requests in flight get their answers; undelivered webhooks are kept or named."""

from __future__ import annotations

import json
import signal
import sqlite3
import threading
import time
from pathlib import Path

import httpx
import pytest
from test_webhooks.receiver import Receiver

from .support import GIGS_AUTH, VOIPBIN_KEY, ServerProcess

SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
SLOW_RETRIES = ("--set", "gigs.webhook_attempt_delays_seconds=[0, 3600]", "--set", "gigs.processing_after_seconds=3600")


def pending_deliveries(server: ServerProcess, count: int) -> list[dict]:
    """Waits until `count` deliveries exist and the first attempt of each has failed."""
    deadline = time.monotonic() + 10
    while True:
        found = server.admin("GET", "/deliveries").json()["deliveries"]
        if len(found) >= count and all(d["attempts"] for d in found[:count]):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def create_number(server: ServerProcess) -> None:
    response = httpx.post(f"{server.url}/gigs/projects/demo/virtualNumbers", json={"subscription": SUBSCRIPTION},
                          headers=GIGS_AUTH, trust_env=False, timeout=5)
    assert response.status_code == 201, response.text


def test_sigterm_finishes_requests_in_flight_and_names_the_undelivered_webhooks(tmp_path: Path) -> None:
    receiver = Receiver().start()
    receiver.stop()
    server = ServerProcess(None, "--provider", "voipbin,gigs", *SLOW_RETRIES, log_dir=tmp_path)
    with server:
        server.admin("POST", "/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url()}).raise_for_status()
        create_number(server)
        undelivered = pending_deliveries(server, 1)
        slow = server.admin("POST", "/faults", json={"provider": "voipbin", "effect": "latency", "latency": 1.0})
        assert slow.status_code == 201, slow.text
        answers: list[httpx.Response | Exception] = []

        def slow_request() -> None:
            try:
                answers.append(httpx.get(f"{server.url}/voipbin/v1.0/numbers", params=VOIPBIN_KEY, timeout=10, trust_env=False))
            except httpx.HTTPError as exc:
                answers.append(exc)

        thread = threading.Thread(target=slow_request)
        started = time.monotonic()
        thread.start()
        time.sleep(0.3)  # the request is being served (held by the latency fault)
        server.process.send_signal(signal.SIGTERM)
        code = server.process.wait(timeout=20)
        thread.join(timeout=10)
        server.close()
    assert code == 0
    assert len(answers) == 1 and isinstance(answers[0], httpx.Response), answers
    assert answers[0].status_code == 200 and time.monotonic() - started >= 1.0
    log = server.log()
    assert f"stopping with {len(undelivered)} undelivered webhook(s)" in log
    assert all(d["id"] in log for d in undelivered)
    assert "Traceback" not in log


def test_sigterm_with_a_state_file_keeps_undelivered_webhooks_for_the_next_start(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    receiver = Receiver().start()
    receiver.stop()
    with ServerProcess(state_file, "--provider", "gigs", *SLOW_RETRIES, "--log-level", "info") as server:
        server.admin("POST", "/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url()}).raise_for_status()
        create_number(server)
        undelivered = pending_deliveries(server, 1)
        assert server.terminate() == 0
    assert f"state saved to {state_file}" in server.log()
    with sqlite3.connect(state_file) as db:  # the server is gone: the file is free to read
        kept = {row[0]: json.loads(row[1]) for row in db.execute("SELECT id, data FROM deliveries")}
    assert {d["id"] for d in undelivered} <= set(kept)
    assert all(kept[d["id"]]["status"] == "pending" for d in undelivered)
    assert not Path(f"{state_file}-wal").exists() or Path(f"{state_file}-wal").stat().st_size == 0


def start_long_poll(server: ServerProcess, answers: list[httpx.Response | Exception]) -> threading.Thread:
    """A client waiting on `/deliveries?wait_for=` (nothing will come), on a connection known to be open."""
    client = httpx.Client(base_url=server.url, trust_env=False, timeout=90)
    client.get("/_telemock/health").raise_for_status()  # the connection is up: the wait goes out on it at once

    def wait() -> None:
        try:
            answers.append(client.get("/_telemock/deliveries", params={"wait_for": 5, "timeout": 60}))
        except httpx.HTTPError as exc:
            answers.append(exc)
        finally:
            client.close()

    thread = threading.Thread(target=wait)
    thread.start()
    time.sleep(0.5)
    assert thread.is_alive() and not answers, answers  # it is waiting
    return thread


@pytest.mark.parametrize("signals", [1, 2], ids=["ctrl-c", "ctrl-c-twice"])
def test_ctrl_c_ends_long_polls_at_once_and_exits_cleanly(tmp_path: Path, signals: int) -> None:
    state_file = tmp_path / "state.db"
    server = ServerProcess(state_file, "--provider", "gigs", "--log-level", "info")
    with server:
        answers: list[httpx.Response | Exception] = []
        waiter = start_long_poll(server, answers)
        started = time.monotonic()
        server.process.send_signal(signal.SIGINT)
        if signals == 2:
            time.sleep(0.05)  # while it stops
            server.process.send_signal(signal.SIGINT)
        code = server.process.wait(timeout=30)
        took = time.monotonic() - started
        waiter.join(timeout=10)
        server.close()
    print(f"\nexit after SIGINT x{signals}: {took:.2f} s")
    assert code == 0
    assert took < 2.0, f"took {took:.2f} s to exit"
    log = server.log()
    assert "Traceback" not in log and "CancelledError" not in log, log
    assert f"state saved to {state_file}" in log  # the app's shutdown ran, also when forced
    assert len(answers) == 1 and isinstance(answers[0], httpx.Response), answers
    assert answers[0].status_code == 200
    assert answers[0].json() == {"deliveries": [], "count": 0, "wait": {"for": 5, "satisfied": False, "stopped": True}}
