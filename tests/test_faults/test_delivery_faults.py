"""Faults on the sending side of webhooks, seen by a real receiver: duplicates, delays, reordering, losses."""

from __future__ import annotations

import time

import pytest

from .conftest import SUBSCRIPTION, add_fault

CREATED = "com.gigs.virtualNumber.created"
UPDATED = "com.gigs.virtualNumber.updated"


@pytest.fixture
def frozen(admin):
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": "2030-01-15T10:00:00Z"}).raise_for_status()
    return admin


def create(gigs) -> dict:
    response = gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION})
    assert response.status_code == 201, response.text
    return response.json()


def test_duplicate_sends_the_same_message_more_than_once(admin, gigs, endpoint, receiver, frozen):
    rule = add_fault(admin, target="deliveries", effect="duplicate", copies=3, type="*.created", count=1)
    create(gigs)
    got = receiver.wait_for(3)
    assert {r.headers["webhook-id"] for r in got} == {got[0].headers["webhook-id"]}
    assert all(r.json()["type"] == CREATED for r in got)
    delivery = admin.get("/deliveries", params={"type": CREATED, "status": "succeeded", "wait_for": 1}).json()["deliveries"][0]
    assert len(delivery["attempts"]) == 1 and delivery["attempts"][0]["faults"] == [f"fault:{rule['id']}:duplicate"]
    assert delivery["status"] == "succeeded"
    time.sleep(0.2)
    assert len(receiver.received) == 3


def test_delay_holds_an_attempt_back_in_real_time(admin, gigs, endpoint, receiver, frozen):
    add_fault(admin, target="deliveries", effect="delay", latency=0.5, provider="gigs", tenant="demo")
    started = time.monotonic()
    create(gigs)
    receiver.wait_for(1)
    assert receiver.received[0].arrived - started >= 0.5


def test_reorder_lets_a_later_message_arrive_first(admin, gigs, endpoint, receiver, frozen):
    rule = add_fault(admin, target="deliveries", effect="reorder", type=CREATED, hold=5, count=1)
    create(gigs)
    time.sleep(0.1)  # the created event is taken out of its lane and held
    admin.post("/clock/advance", json={"seconds": 2}).raise_for_status()  # → processing: an updated event
    got = receiver.wait_for(2)
    assert [r.json()["type"] for r in got] == [UPDATED, CREATED]
    done = admin.get("/deliveries", params={"status": "succeeded", "wait_for": 2}).json()["deliveries"]
    created = next(d for d in done if d["type"] == CREATED)
    assert created["attempts"][0]["faults"] == [f"fault:{rule['id']}:reorder"]


def test_drop_loses_an_attempt_which_is_then_retried(admin, gigs, endpoint, receiver, frozen):
    rule = add_fault(admin, target="deliveries", effect="drop", count=1)
    create(gigs)
    first = admin.get("/deliveries", params={"wait_for": 1}).json()["deliveries"][0]
    deadline = time.monotonic() + 5
    while not first["attempts"]:
        assert time.monotonic() < deadline
        time.sleep(0.02)
        first = admin.get(f"/deliveries/{first['id']}").json()
    attempt = first["attempts"][0]
    assert attempt["status"] is None and attempt["error"] == f"dropped by fault {rule['id']}"
    assert attempt["faults"] == [f"fault:{rule['id']}:drop"] and first["status"] == "pending"
    assert receiver.received == []
    admin.post("/clock/advance", json={"seconds": 5}).raise_for_status()  # the provider's next attempt
    got = receiver.wait_for(1)
    assert got[0].headers["webhook-id"] == first["message_id"]
    done = admin.get("/deliveries", params={"status": "succeeded", "wait_for": 1}).json()["deliveries"]
    # The advance also moved the number to processing: its updated event may have arrived already, after this one.
    assert done[0]["id"] == first["id"] and len(done[0]["attempts"]) == 2
