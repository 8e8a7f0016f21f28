"""kill -9 at random moments of a burst of writes: every write a client saw succeed is there after a restart.

The server runs as its own process with a state file; writer threads create, rename and delete
VoIPBIN flows over real sockets while the main thread sends SIGKILL after a random pause. A write
counts as acknowledged only when its whole answer arrived with a 2xx status. Writes that were in
flight when the process died may or may not be there; acknowledged ones must be, with their last
acknowledged content.
"""

from __future__ import annotations

import os
import random
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from test_webhooks.receiver import Receiver

from .support import FLOW, GIGS_AUTH, VOIPBIN_KEY, ServerProcess, voipbin_flows

ROUNDS = int(os.environ.get("TELEMOCK_CRASH_ROUNDS", "5"))
WRITERS = 3
SEED = int(os.environ.get("TELEMOCK_CRASH_SEED", str(random.SystemRandom().randrange(1 << 30))))


@dataclass
class Ledger:
    """What one writer was told: acknowledged names and deletions, and what it sent without an answer."""

    names: dict[str, str] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    unsure: dict[str, set[str]] = field(default_factory=dict)  # flow id -> names sent without an answer
    unsure_deletes: set[str] = field(default_factory=set)
    acknowledged: int = 0


def writer(url: str, ledger: Ledger, rng: random.Random, stop: threading.Event, tag: str) -> None:
    """Writes until the server dies (or `stop` is set); records only what was acknowledged."""
    with httpx.Client(base_url=f"{url}/voipbin/v1.0", params=VOIPBIN_KEY, timeout=5, trust_env=False) as client:
        counter = 0
        while not stop.is_set():
            counter += 1
            live = [fid for fid in ledger.names if fid not in ledger.deleted and fid not in ledger.unsure_deletes]
            roll = rng.random()
            try:
                if live and roll < 0.2:
                    target = rng.choice(live)
                    ledger.unsure_deletes.add(target)
                    response = client.delete(f"/flows/{target}")
                    response.raise_for_status()
                    ledger.unsure_deletes.discard(target)
                    ledger.deleted.add(target)
                elif live and roll < 0.45:
                    target = rng.choice(live)
                    name = f"{tag}-renamed-{counter}"
                    ledger.unsure.setdefault(target, set()).add(name)
                    response = client.put(f"/flows/{target}", json={"name": name, **FLOW})
                    response.raise_for_status()
                    ledger.unsure[target].discard(name)
                    ledger.names[target] = name
                else:
                    name = f"{tag}-{counter}"
                    response = client.post("/flows", json={"name": name, **FLOW})
                    response.raise_for_status()
                    ledger.names[response.json()["id"]] = name
            except httpx.HTTPError:
                return  # the server is gone: nothing after this was acknowledged
            ledger.acknowledged += 1


def check(state: dict[str, Any], ledgers: list[Ledger]) -> tuple[int, int]:
    """(acknowledged writes, writes found as acknowledged); AssertionError naming the first loss."""
    flows = voipbin_flows(state)
    found = 0
    for ledger in ledgers:
        for fid, name in ledger.names.items():
            assert fid in flows, f"acknowledged flow {fid} ({name}) is missing after the restart"
            flow = flows[fid]
            assert flow["name"] == name or flow["name"] in ledger.unsure.get(fid, set()), (
                f"flow {fid}: {flow['name']!r}, but the last acknowledged name was {name!r}"
            )
            found += 1
            if fid in ledger.deleted:
                assert flow["tm_delete"] is not None, f"acknowledged delete of {fid} was lost"
                found += 1
            elif fid not in ledger.unsure_deletes:
                assert flow["tm_delete"] is None, f"flow {fid} is deleted but no delete was sent"
    return sum(len(ledger.names) + len(ledger.deleted) for ledger in ledgers), found


def test_kill_9_during_write_bursts_loses_no_acknowledged_write(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    state_file = tmp_path / "state.db"
    ledgers: list[Ledger] = []
    acknowledged_requests = 0
    for round_ in range(ROUNDS):
        server = ServerProcess(state_file, "--provider", "voipbin")
        with server:
            if ledgers:
                check(server.state(), ledgers)
            round_ledgers = [Ledger() for _ in range(WRITERS)]
            stop = threading.Event()
            threads = [
                threading.Thread(target=writer, args=(server.url, ledger, random.Random(rng.random()), stop, f"r{round_}w{i}"))
                for i, ledger in enumerate(round_ledgers)
            ]
            for thread in threads:
                thread.start()
            target = rng.randint(8, 40)  # a random point of the burst, whatever the machine's speed
            deadline = time.monotonic() + 30
            while sum(ledger.acknowledged for ledger in round_ledgers) < target and time.monotonic() < deadline:
                time.sleep(0.002)
            time.sleep(rng.uniform(0, 0.05))  # and a random instant within the requests in flight
            server.kill9()
            stop.set()
            for thread in threads:
                thread.join(timeout=10)
            ledgers.extend(round_ledgers)
            acknowledged_requests += sum(ledger.acknowledged for ledger in round_ledgers)
    with ServerProcess(state_file, "--provider", "voipbin") as server:
        expected, found = check(server.state(), ledgers)
        alive = [fid for ledger in ledgers for fid in ledger.names if fid not in ledger.deleted | ledger.unsure_deletes]
        sample = alive[:: max(1, len(alive) // 20)]
        for fid in sample:  # and through the provider's own API, not only the snapshot
            response = server.client.get(f"/voipbin/v1.0/flows/{fid}", params=VOIPBIN_KEY)
            assert response.status_code == 200, response.text
        assert server.terminate() == 0
    print(f"\nkill -9 x{ROUNDS} (seed {SEED}): {acknowledged_requests} acknowledged writes, "
          f"{expected} acknowledged flow states checked, {found} found after restart")
    assert acknowledged_requests >= ROUNDS * 8, "the bursts were too short to mean anything"
    assert found == expected


def test_pending_deliveries_survive_kill_9_and_resume_to_a_receiver(tmp_path: Path) -> None:
    """Webhooks that could not be delivered before a crash are sent after the restart, with their history.

    The numbers' lifecycle steps (timer-driven) happen before the crash and their events are
    written when they happen: after the restart no step runs again, so no event is sent twice.
    """
    state_file = tmp_path / "state.db"
    receiver = Receiver().start()
    receiver.stop()  # the port is closed: every attempt fails until the receiver is back
    fast = ("--provider", "gigs", "--set", "gigs.webhook_attempt_delays_seconds=[0, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5]",
            "--set", "gigs.processing_after_seconds=0.1", "--set", "gigs.active_after_seconds=0.1")
    with ServerProcess(state_file, *fast) as server:
        endpoint = server.admin("POST", "/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url()})
        assert endpoint.status_code == 201, endpoint.text
        gigs = httpx.Client(base_url=f"{server.url}/gigs/projects/demo", headers=GIGS_AUTH, trust_env=False, timeout=5)
        numbers = [gigs.post("/virtualNumbers", json={"subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi"}) for _ in range(3)]
        gigs.close()
        assert all(n.status_code == 201 for n in numbers), [n.text for n in numbers]
        deadline = time.monotonic() + 10
        while True:  # created, updated, activated, updated per number; each number's first event tried and failed
            deliveries = server.admin("GET", "/deliveries").json()["deliveries"]
            if len(deliveries) == 12 and sum(1 for d in deliveries if d["attempts"]) >= 3:
                break
            assert time.monotonic() < deadline, f"expected 12 deliveries, 3 attempted: {deliveries}"
            time.sleep(0.05)
        before = {d["id"]: d for d in deliveries}
        assert all(d["status"] == "pending" for d in deliveries)
        server.kill9()
    receiver.start()  # the same port again
    try:
        with ServerProcess(state_file, *fast) as server:
            receiver.wait_for(12, timeout=15)
            after = server.admin("GET", "/deliveries", params={"status": "succeeded", "wait_for": 12, "timeout": 10}).json()
            assert after["count"] == 12, after
            resumed = {d["id"]: d for d in after["deliveries"]}
            assert set(resumed) == set(before), "a delivery was lost or a lifecycle event sent again"
            for delivery_id, old in before.items():
                new = resumed[delivery_id]
                assert new["message_id"] == old["message_id"]
                assert new["attempts"][: len(old["attempts"])] == old["attempts"], "the attempt history was lost"
                assert new["attempts"][-1]["status"] == 200
            received_ids = {r.headers["webhook-id"] for r in receiver.received}
            assert received_ids == {d["message_id"] for d in before.values()}
            numbers_now = server.state()["providers"]["gigs"]["tenants"]["demo"]["virtual_numbers"]
            assert all(numbers_now[n.json()["id"]]["status"] == "active" for n in numbers)
            time.sleep(0.3)
            assert len(receiver.received) == 12, "an event was sent twice after the restart"
            assert server.terminate() == 0
    finally:
        receiver.stop()
