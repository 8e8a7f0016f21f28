"""Gigs under 64 concurrent clients: cancels racing on the same virtual numbers, and creates and cancels
of many different ones at once, with every `com.gigs.virtualNumber.*` event checked at a real receiver.

Exactly one cancel of a number may win (200); every other is a 409 `conflict` that changes
nothing and sends nothing. A winning cancel of an active number sends `canceled` and `updated`;
of a number not yet active, `canceled`, `ended` and `updated` (it ends at once). Virtual numbers
have no update timestamp on the wire (times are whole seconds), so the order of changes is
checked with each event's microsecond `occurred` time from the outbox: it must grow strictly
in the order the server acknowledged the changes, and the events of one number must arrive in
the order they were made. The server used here keeps new numbers `initiated` for an hour, so no
timed lifecycle step joins the storm.
"""

from __future__ import annotations

from collections import Counter
from itertools import pairwise
from typing import Any, Callable

import httpx
import orjson
import pytest
from live_server import LiveServer
from standardwebhooks import Webhook
from test_webhooks.receiver import Receiver

from .conftest import state_of
from .observe import (
    assert_conforms,
    event_violations,
    journal,
    micros,
    report,
    response_json,
    strictly_increasing,
    violations,
    wait_delivered,
)
from .storm import CLIENTS, Sender, run_storm

PROJECT = "demo"
PREFIX = f"/gigs/projects/{PROJECT}"
HEADERS = {"Authorization": "Bearer gigs_demo_key"}
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
ACTIVE_NUMBER = "vnr_0SNlurA049MEWV29mxRtSMDnKtUD"
VN = "com.gigs.virtualNumber."


@pytest.fixture
def gigs(gigs_server: LiveServer) -> httpx.Client:
    return gigs_server.client(PREFIX, headers=HEADERS)


@pytest.fixture
def endpoint(gigs_admin: httpx.Client, receiver: Receiver) -> dict[str, Any]:
    response = gigs_admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": PROJECT, "url": receiver.url()})
    assert response.status_code == 201, response.text
    return response.json()


def received_events(receiver: Receiver, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
    """Every request the receiver got, each verified (Standard Webhooks signature) and checked against the spec."""
    hook = Webhook(endpoint["secret"])
    events = []
    for request in receiver.received:
        event = hook.verify(request.body, request.headers)
        assert event_violations("gigs", event["type"], request.body) == []
        events.append(event)
    return events


def occurred(messages: list[dict[str, Any]]) -> dict[str, int]:
    """Each event's id → the microsecond time of the change it reports (from the outbox)."""
    return {orjson.loads(m["request"]["body"])["id"]: micros(m["occurred"]) for m in messages}


def conflict(call: Any) -> bool:
    return call.status == 409 and call.json()["type"] == "conflict"


def cancel_race(targets: list[str]) -> Callable[[int, Sender], None]:
    def work(i: int, send: Sender) -> None:
        for k in range(len(targets)):
            target = targets[(i + k) % len(targets)]  # every client, every target, in a different order
            send("POST", f"/virtualNumbers/{target}/cancel", meta=target)

    return work


def test_exactly_one_cancel_of_a_number_wins(gigs_server, gigs_admin, gigs, endpoint, receiver) -> None:
    fresh = []
    for _ in range(3):
        created = gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION})
        assert created.status_code == 201 and created.json()["status"] == "initiated"
        fresh.append(created.json()["id"])
    targets = [ACTIVE_NUMBER] + fresh

    result = run_storm(gigs_server, PREFIX, cancel_race(targets), warmup_path=f"/virtualNumbers/{ACTIVE_NUMBER}", headers=HEADERS)
    result.assert_real_connections()
    for call in result.calls:
        assert violations("gigs", "virtual_numbers_cancel", call.status, call.content_type, call.raw) == []
    winners = {}
    for target in targets:
        mine = [c for c in result.calls if c.meta == target]
        won = [c for c in mine if c.ok]
        assert len(won) == 1, f"{len(won)} cancels of {target} succeeded"
        assert all(conflict(c) for c in mine if not c.ok) and len(mine) == CLIENTS
        winners[target] = won[0].json()
    assert winners[ACTIVE_NUMBER]["status"] == "active" and winners[ACTIVE_NUMBER]["canceledAt"] is not None
    assert micros(winners[ACTIVE_NUMBER]["endedAt"]) > micros(winners[ACTIVE_NUMBER]["canceledAt"])
    for target in fresh:
        assert winners[target]["status"] == "ended" and winners[target]["endedAt"] == winners[target]["canceledAt"]

    # In the server's order, the first cancel of each number is the one that won; all later ones conflict.
    entries = journal(gigs_admin, "gigs", "POST", "/cancel")
    assert len(entries) == CLIENTS * len(targets)
    for target in targets:
        statuses = [e["status"] for e in entries if f"/{target}/" in e["path"]]
        assert statuses == [200] + [409] * (CLIENTS - 1)
        assert response_json(next(e for e in entries if f"/{target}/" in e["path"])) == winners[target]
    for target in targets:
        assert assert_conforms("gigs", "virtual_numbers_get", gigs.get(f"/virtualNumbers/{target}")) == winners[target]

    # Events: the three creations, then one set per winning cancel; nothing for the 252 conflicts.
    expected = {ACTIVE_NUMBER: ["canceled", "updated"]} | {t: ["created", "canceled", "ended", "updated"] for t in fresh}
    total = sum(len(types) for types in expected.values())
    messages = wait_delivered(gigs_admin, "gigs", total)
    events = received_events(receiver, endpoint)
    assert len(events) == total and len({e["id"] for e in events}) == total
    times = occurred(messages)
    for target, types in expected.items():
        sent = [e for e in events if e["data"]["id"] == target]
        assert [e["type"].removeprefix(VN) for e in sent] == types, f"events of {target} out of order"
        canceled = next(e for e in sent if e["type"] == VN + "canceled")
        assert canceled["data"] == winners[target]
        assert all(times[a["id"]] <= times[b["id"]] for a, b in pairwise(sent))
    stored = state_of(gigs_admin, "gigs")["virtual_numbers"]
    for target in targets:
        canceled_event = next(e for e in events if e["data"]["id"] == target and e["type"] == VN + "canceled")
        assert stored[target]["canceled_us"] == times[canceled_event["id"]], "the stored cancel time is not the event's"
    winning_order = [next(t for t in targets if f"/{t}/" in e["path"]) for e in entries if e["status"] == 200]
    cancel_times = [times[next(e["id"] for e in events if e["data"]["id"] == t and e["type"] == VN + "canceled")] for t in winning_order]
    assert strictly_increasing(cancel_times), "the cancels' times do not follow the order the server acknowledged them in"
    report(
        "gigs cancel race",
        requests=len(result.calls),
        acknowledged=len(targets),
        refused=len(result.calls) - len(targets),
        events_expected=total,
        events_received=len(events),
        lost=total - len(events),
        duplicates=len(events) - len({e["id"] for e in events}),
        client_peak_in_flight=result.peak_in_flight(),
    )


def test_creates_and_cancels_of_different_numbers_at_once(gigs_server, gigs_admin, gigs, endpoint, receiver) -> None:
    created_by: list[list[str]] = [[] for _ in range(CLIENTS)]

    def work(i: int, send: Sender) -> None:
        """Create a number; cancel the neighbour's if it exists yet (a race with its owner); cancel one's own."""
        made = send("POST", "/virtualNumbers", {"subscription": SUBSCRIPTION}, meta="create")
        assert made.status == 201, made.raw
        own = made.json()["id"]
        created_by[i].append(own)
        for theirs in list(created_by[(i + 1) % CLIENTS]):
            send("POST", f"/virtualNumbers/{theirs}/cancel", meta=theirs)
        send("POST", f"/virtualNumbers/{own}/cancel", meta=own)

    result = run_storm(gigs_server, PREFIX, work, warmup_path=f"/virtualNumbers/{ACTIVE_NUMBER}", headers=HEADERS)
    result.assert_real_connections()
    creates = [c for c in result.calls if c.meta == "create"]
    cancels = [c for c in result.calls if c.meta != "create"]
    numbers = [c.json()["id"] for c in creates]
    assert len(set(numbers)) == CLIENTS
    for call in creates:
        assert violations("gigs", "virtual_numbers_create", call.status, call.content_type, call.raw) == []
    for call in cancels:
        assert violations("gigs", "virtual_numbers_cancel", call.status, call.content_type, call.raw) == []
    winners: dict[str, dict[str, Any]] = {}
    for number in numbers:
        attempts = [c for c in cancels if c.meta == number]
        won = [c for c in attempts if c.ok]
        assert len(won) == 1 and all(conflict(c) for c in attempts if not c.ok), f"{number}: {[c.status for c in attempts]}"
        winners[number] = won[0].json()
        assert winners[number]["status"] == "ended"
    contested = sum(1 for number in numbers if sum(c.meta == number for c in cancels) > 1)

    # In the server's order: each number is created before any cancel of it, and its first cancel wins.
    entries = [e for e in journal(gigs_admin, "gigs", "POST", "/virtualNumbers")]
    assert len(entries) == len(result.calls)
    acked: list[tuple[str, str]] = []  # (number, created | canceled) in the order the server acknowledged them
    seen: dict[str, list[int]] = {}
    for entry in entries:
        if entry["path"].endswith("/virtualNumbers"):
            assert entry["status"] == 201
            number = response_json(entry)["id"]
            assert number not in seen
            seen[number] = []
            acked.append((number, "created"))
        else:
            number = entry["path"].split("/")[-2]
            assert number in seen, "a cancel was answered before the number's creation"
            seen[number].append(entry["status"])
            if entry["status"] == 200:
                acked.append((number, "canceled"))
    assert all(statuses[0] == 200 and set(statuses[1:]) <= {409} for statuses in seen.values())

    # Events: created, canceled, ended, updated per number, in that order; nothing for the conflicts.
    total = 4 * CLIENTS
    messages = wait_delivered(gigs_admin, "gigs", total)
    events = received_events(receiver, endpoint)
    counted = Counter(e["id"] for e in events)
    assert len(events) == total and len(counted) == total, "an event was lost or delivered twice"
    times = occurred(messages)
    first: dict[tuple[str, str], int] = {}
    by_create = {c.json()["id"]: c.json() for c in creates}
    for number in numbers:
        mine = [e for e in events if e["data"]["id"] == number]
        assert [e["type"].removeprefix(VN) for e in mine] == ["created", "canceled", "ended", "updated"]
        assert mine[0]["data"] == by_create[number] and mine[1]["data"] == winners[number]
        assert mine[3]["previousData"]["status"] == "initiated"
        for event in mine[:2]:
            first[(number, event["type"].removeprefix(VN))] = times[event["id"]]
    assert strictly_increasing([first[item] for item in acked]), "event times do not follow the acknowledged order"

    # Afterwards every number reads back as ended, conforms, and is stored with its events' times.
    stored = state_of(gigs_admin, "gigs")["virtual_numbers"]
    for number in numbers:
        assert assert_conforms("gigs", "virtual_numbers_get", gigs.get(f"/virtualNumbers/{number}")) == winners[number]
        assert stored[number]["status"] == "ended"
        assert stored[number]["created_us"] == first[(number, "created")]
        assert stored[number]["canceled_us"] == stored[number]["ended_us"] == first[(number, "canceled")]
    report(
        "gigs create+cancel",
        requests=len(result.calls),
        acknowledged=len(acked),
        refused=len(result.calls) - len(acked),
        contested_numbers=contested,
        events_expected=total,
        events_received=len(events),
        lost=total - len(counted),
        duplicates=sum(n - 1 for n in counted.values()),
        client_peak_in_flight=result.peak_in_flight(),
    )
