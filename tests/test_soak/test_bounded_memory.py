"""Memory stays flat under load: the journal and the delivery history hold their bounds, RSS levels off.

The quick version of soak_memory.py, with the suite: 20,000 mixed requests (with webhooks to a
local receiver) at a server process with small bounds; RSS is read from /proc at 5,000 and at
20,000 requests. Plus: a single journal entry stays small whatever one request carries.
"""

from __future__ import annotations

import sys
import time

import httpx
import orjson
import pytest
from test_hostile.cases import base36
from test_hostile.rawhttp import build_request, exchange

from .workload import Receiver, bounds, drive, prepare, start_server

JOURNAL_SIZE = 200
DELIVERY_HISTORY = 100
REQUESTS = 20_000
GROWTH_LIMIT_MB = 30

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc/PID/status")


@pytest.fixture(scope="module")
def bounded_server(tmp_path_factory):
    receiver = Receiver()
    server = start_server(tmp_path_factory.mktemp("soak"), JOURNAL_SIZE, DELIVERY_HISTORY)
    prepare(server, receiver)
    yield server, receiver
    server.stop()
    receiver.close()


def test_journal_deliveries_and_rss_stay_bounded_over_20000_requests(bounded_server) -> None:
    server, receiver = bounded_server
    rss: dict[int, int] = {}

    def checkpoint(done: int) -> None:
        if done in (5_000, REQUESTS):
            rss[done] = server.rss_kb()

    progress = drive(server.port, REQUESTS, connections=4, on_checkpoint=checkpoint, checkpoint_every=5_000)
    assert progress.sent == REQUESTS and sum(progress.statuses.values()) == REQUESTS
    assert set(progress.statuses) == {200, 400, 401, 404}

    deadline = time.monotonic() + 10  # the last webhooks drain
    while time.monotonic() < deadline and bounds(server).get("deliveries_pending", 0):
        time.sleep(0.1)
    held = bounds(server)
    assert held["journal_entries"] == JOURNAL_SIZE == held["journal_capacity"]
    finished = held.get("deliveries_succeeded", 0) + held.get("deliveries_failed", 0)
    assert finished == DELIVERY_HISTORY, held
    assert held["deliveries"] <= DELIVERY_HISTORY + 5, held
    assert receiver.count > 4 * DELIVERY_HISTORY, "webhooks went out all along, not just the kept ones"
    growth_mb = (rss[REQUESTS] - rss[5_000]) / 1024
    assert growth_mb < GROWTH_LIMIT_MB, f"RSS grew {growth_mb:.1f} MB between 5,000 and 20,000 requests"


def test_one_journal_entry_stays_small_whatever_the_request_carries(bounded_server) -> None:
    """10,000 undocumented parameters and a 60 KB header: judged, journaled, but not kept whole."""
    server, _ = bounded_server
    query = "&".join(f"{base36(i)}=" for i in range(10_000))
    raw = build_request("GET", f"/voiceos/phone_numbers?{query}",
                        [("Authorization", "Bearer voiceos_demo_key"), ("X-Big", "b" * 60_000)])
    assert exchange(server.port, raw).status == 200
    entry = httpx.get(f"{server.url}/_telemock/journal", params={"provider": "voiceos", "limit": 1}).json()["entries"][0]
    assert entry["path"] == "/voiceos/phone_numbers"
    assert len(orjson.dumps(entry)) < 64 * 1024
    assert len(entry["violations"]) == 51 and entry["violations"][-1]["location"] == "verdict"
    assert "more violations not kept" in entry["violations"][-1]["message"]
    assert len(entry["query"]) == 101 and entry["query"]["…"] == ["9900 more parameters not kept"]
    assert len(entry["headers"]["x-big"]) < 5000
