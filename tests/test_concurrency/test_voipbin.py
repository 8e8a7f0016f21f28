"""VoIPBIN under 64 concurrent clients: full-overwrite updates of the same numbers, and deletes racing updates.

PUT /numbers/{id} writes all four columns, PUT …/flow_ids both flow ids, PUT …/metadata the
metadata; each accepted one sends exactly one `number_updated` to the customer's webhook. The
server answers one request at a time per event loop, so the order it acknowledged the writes
in (its journal) is the order they happened: each answer must show every earlier acknowledged
write and nothing else, `tm_update` must grow strictly in that order, the final number must be
the acknowledged write with the latest `tm_update`, and the events of one number must arrive in
that order too. Refused writes (an unknown flow, a mistyped field) change nothing and send nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections import Counter
from typing import Any
from uuid import NAMESPACE_URL, uuid5

import httpx
import pytest
from live_server import LiveServer
from test_webhooks.receiver import Receiver

from .conftest import require, state_of
from .observe import (
    assert_conforms,
    event_violations,
    journal,
    matched_once,
    micros,
    replay,
    report,
    response_json,
    server_peak_in_flight,
    strictly_increasing,
    violations,
    wait_delivered,
)
from .storm import CLIENTS, Sender, run_storm

PREFIX = "/voipbin/v1.0"
ACCESSKEY = "voipbin_demo_accesskey"
SECRET = "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"  # the demo customer's webhook secret (fixtures/default.yaml)
TALK_FLOW = "d157ce07-0360-4cad-9007-c8ab89fccf9c"
SMS_FLOW = "3b0c7c5e-6f0a-4c4e-8d77-2a6f1f0e9a01"
NUMBERS = (
    "0b266038-844b-11ec-97d8-63ba531361ce",  # +821100000001, normal
    "7f0a1d2e-3b4c-4d5e-8f60-718293a4b5c6",  # +15551230001, normal
    "9c8b7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d",  # +899100000001, virtual
)
NIL = "00000000-0000-0000-0000-000000000000"
ROUNDS = 4
FIELDS = ("name", "detail", "call_flow_id", "message_flow_id", "metadata")
POISON = "POISON"
OPERATIONS = {"": "numbers_update", "flow_ids": "numbers_update_flow_ids", "metadata": "numbers_update_metadata"}


@pytest.fixture
def vb(server: LiveServer) -> httpx.Client:
    require("voipbin")
    return server.client(PREFIX, params={"accesskey": ACCESSKEY})


@pytest.fixture
def hooked(vb: httpx.Client, receiver: Receiver) -> Receiver:
    """The demo customer's webhook points at the live receiver (POST, signed with its secret)."""
    settings = {"name": "Demo customer", "detail": "", "email": "", "phone_number": "", "address": "",
                "webhook_method": "POST", "webhook_uri": receiver.url("/hook")}
    response = vb.put("/customer", json=settings)
    assert response.status_code == 200, response.text
    return receiver


def planned_write(client: int, round_: int) -> tuple[str, str, dict[str, Any], dict[str, Any]]:
    """(number, path, body, the columns it writes) of one client's write in one round; every body is valid."""
    number = NUMBERS[(client + round_) % len(NUMBERS)]
    tag = f"c{client:02d}r{round_}"
    kind = (client + 2 * round_) % 3
    body: dict[str, Any]
    if kind == 0:  # the four columns, always all of them
        call_flow, message_flow = [(TALK_FLOW, SMS_FLOW), (NIL, SMS_FLOW), (TALK_FLOW, NIL), (NIL, NIL)][client % 4]
        body = {"call_flow_id": call_flow, "message_flow_id": message_flow, "name": tag,
                "detail": f"detail of {tag}" if client % 2 else ""}
        return number, f"/numbers/{number}", body, dict(body)
    if kind == 1:  # both flow ids; this route does not verify them, so each write can be told apart
        body = {"call_flow_id": str(uuid5(NAMESPACE_URL, f"{tag}/call")), "message_flow_id": str(uuid5(NAMESPACE_URL, f"{tag}/message"))}
        return number, f"/numbers/{number}/flow_ids", body, dict(body)
    body = {"rtp_debug": (client + round_) % 2 == 0}
    return number, f"/numbers/{number}/metadata", body, {"metadata": dict(body)}


def rejected_write(client: int) -> tuple[str, dict[str, Any], int]:
    """A write the service refuses (an unknown flow: 404; a number for a string: 400), poisoned to be traceable."""
    number = NUMBERS[client % len(NUMBERS)]
    name = f"{POISON}-{client:02d}"
    if client % 2:
        missing = str(uuid5(NAMESPACE_URL, f"missing-flow-{client}"))
        return f"/numbers/{number}", {"call_flow_id": missing, "message_flow_id": NIL, "name": name, "detail": name}, 404
    return f"/numbers/{number}", {"call_flow_id": NIL, "message_flow_id": NIL, "name": name, "detail": 7}, 400


def operation_of(path: str) -> str:
    parts = path.split("/")  # "", "numbers", id[, flow_ids | metadata]
    return OPERATIONS[parts[3] if len(parts) > 3 else ""]


def sign(body: bytes) -> str:
    return "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()


def update_storm(i: int, send: Sender) -> None:
    for round_ in range(ROUNDS):
        number, path, body, changes = planned_write(i, round_)
        send("PUT", path, body, meta=(number, changes))
        if round_ == 1:
            path, body, status = rejected_write(i)
            send("PUT", path, body, meta=status)


def test_concurrent_updates_of_the_same_numbers_lose_nothing(server, admin, vb, hooked) -> None:
    before = {n: vb.get(f"/numbers/{n}").json() for n in NUMBERS}
    result = run_storm(server, PREFIX, update_storm, warmup_path=f"/numbers/{NUMBERS[0]}", params={"accesskey": ACCESSKEY})
    result.assert_real_connections()

    refused = [c for c in result.calls if isinstance(c.meta, int)]
    acked = [c for c in result.calls if isinstance(c.meta, tuple)]
    assert len(acked) == CLIENTS * ROUNDS and len(refused) == CLIENTS
    assert [c.status for c in acked if not c.ok] == [], "a valid write was not acknowledged"
    assert [c.status for c in refused] == [c.meta for c in refused]
    for call in acked:
        assert violations("voipbin", operation_of(call.path), call.status, call.content_type, call.raw) == []
    for call in refused:
        assert violations("voipbin", "numbers_update", call.status, call.content_type, call.raw) == []

    # The journal: one entry per acknowledged write, in the order the server answered them.
    entries = journal(admin, "voipbin", "PUT", "/v1.0/numbers/")
    answered = [e for e in entries if e["status"] == 200]
    assert sorted(e["status"] for e in entries if e["status"] != 200) == sorted(c.status for c in refused)
    journaled = [response_json(e) for e in answered]
    matched_once([c.json()["tm_update"] for c in acked], [body["tm_update"] for body in journaled], "voipbin writes")
    stamps = [micros(body["tm_update"]) for body in journaled]
    assert strictly_increasing(stamps), "tm_update went backwards in the order the server acknowledged the writes"

    # No lost update: replaying the acknowledged writes in that order predicts every answer.
    by_stamp = {c.json()["tm_update"]: c for c in acked}
    assert all(by_stamp[body["tm_update"]].json() == body for body in journaled)
    ordered = [by_stamp[body["tm_update"]] for body in journaled]
    writes = [(c.meta[0], c.meta[1], c.json()) for c in ordered]
    model = replay(before, writes, FIELDS)

    # Full overwrite: each number now is exactly the acknowledged write with the latest tm_update.
    stored = state_of(admin, "voipbin")["numbers"]
    for number in NUMBERS:
        mine = [answer for n, _, answer in writes if n == number]
        latest = max(mine, key=lambda answer: micros(answer["tm_update"]))
        assert latest is mine[-1]
        now = assert_conforms("voipbin", "numbers_get", vb.get(f"/numbers/{number}"))
        assert now == latest
        assert {f: stored[number][f] for f in FIELDS} == model[number]
        assert stored[number]["tm_update"] == micros(latest["tm_update"])
        assert {k: v for k, v in now.items() if k not in FIELDS + ("tm_update",)} == {
            k: v for k, v in before[number].items() if k not in FIELDS + ("tm_update",)
        }
    assert POISON not in str(stored) and not any(POISON in c.raw.decode() for c in acked)

    # Events: every acknowledged write in exactly one signed number_updated, in order per number.
    messages = wait_delivered(admin, "voipbin", len(acked))
    assert {m["type"] for m in messages} == {"number_updated"}
    received = [r for r in hooked.received if r.path == "/hook"]
    assert len(received) == len(acked), f"{len(received)} events received for {len(acked)} acknowledged writes"
    events = []
    for request in received:
        assert request.headers["x-voipbin-signature"] == sign(request.body)
        assert event_violations("voipbin", "number_updated", request.body) == []
        event = request.json()
        assert set(event) == {"type", "data"} and event["type"] == "number_updated"
        events.append(event["data"])
    seen = Counter(data["tm_update"] for data in events)
    assert seen == Counter(c.json()["tm_update"] for c in acked), "an event is missing, duplicated or unacknowledged"
    assert all(data == by_stamp[data["tm_update"]].json() for data in events)
    for number in NUMBERS:
        arrived = [micros(d["tm_update"]) for d in events if d["id"] == number]
        acknowledged = [micros(answer["tm_update"]) for n, _, answer in writes if n == number]
        assert arrived == acknowledged, f"the events of {number} arrived out of the acknowledged order"

    report(
        "voipbin updates",
        requests=len(result.calls),
        acknowledged=len(acked),
        refused=len(refused),
        events_expected=len(acked),
        events_received=len(received),
        lost=sum(1 for c in acked if seen[c.json()["tm_update"]] == 0),
        duplicates=sum(n - 1 for n in seen.values() if n > 1),
        client_peak_in_flight=result.peak_in_flight(),
        server_peak_in_flight=server_peak_in_flight(entries),
    )


def delete_race(i: int, send: Sender) -> None:
    """Half the clients update the number first, half delete it first; then each does the other."""
    number = NUMBERS[1]
    update = {"call_flow_id": NIL, "message_flow_id": SMS_FLOW, "name": f"race c{i:02d}", "detail": ""}
    steps = [("PUT", update), ("DELETE", None)] if i % 2 else [("DELETE", None), ("PUT", update)]
    for method, body in steps:
        send(method, f"/numbers/{number}", body)


def test_one_delete_wins_and_no_update_follows_it(server, admin, vb, hooked) -> None:
    number = NUMBERS[1]
    result = run_storm(server, PREFIX, delete_race, warmup_path=f"/numbers/{number}", params={"accesskey": ACCESSKEY})
    result.assert_real_connections()

    deletes = result.where("DELETE")
    wins = [c for c in deletes if c.ok]
    assert len(wins) == 1, f"{len(wins)} deletes of the same number succeeded"
    assert sorted(c.status for c in deletes if not c.ok) == [404] * (CLIENTS - 1)
    for call in result.calls:
        operation = "numbers_delete" if call.method == "DELETE" else "numbers_update"
        assert violations("voipbin", operation, call.status, call.content_type, call.raw) == []
    deleted = wins[0].json()
    assert deleted["status"] == "deleted" and deleted["tm_delete"] == deleted["tm_update"]

    # In the order the server answered: updates succeed until the delete, and only 404 after it.
    entries = [e for e in journal(admin, "voipbin", "", f"/numbers/{number}") if e["method"] in ("PUT", "DELETE")]
    assert len(entries) == len(result.calls)
    cut = next(i for i, e in enumerate(entries) if e["method"] == "DELETE" and e["status"] == 200)
    assert all(e["status"] == 200 for e in entries[:cut]), "a request before the winning delete failed"
    assert all(e["status"] == 404 for e in entries[cut + 1:]), "a request after the winning delete succeeded"
    updates = [response_json(e) for e in entries[:cut]]
    stamps = [micros(u["tm_update"]) for u in updates] + [micros(deleted["tm_update"])]
    assert strictly_increasing(stamps)
    acked_updates = [c for c in result.where("PUT") if c.ok]
    assert sorted(c.json()["tm_update"] for c in acked_updates) == sorted(u["tm_update"] for u in updates)

    # Afterwards the number is gone from the API and soft-deleted in the state.
    gone = vb.get(f"/numbers/{number}")
    assert gone.status_code == 404
    assert_conforms("voipbin", "numbers_get", gone)
    assert state_of(admin, "voipbin")["numbers"][number]["tm_delete"] == micros(deleted["tm_delete"])

    # One event per acknowledged change: the updates, then exactly one number_deleted, last.
    expected = len(updates) + 1
    wait_delivered(admin, "voipbin", expected)
    received = [r.json() for r in hooked.received if r.path == "/hook"]
    assert [e["type"] for e in received] == ["number_updated"] * len(updates) + ["number_deleted"]
    assert [e["data"] for e in received] == updates + [deleted]
    report(
        "voipbin delete race",
        requests=len(result.calls),
        acknowledged=len(updates) + 1,
        refused=len(result.calls) - len(updates) - 1,
        events_expected=expected,
        events_received=len(received),
        client_peak_in_flight=result.peak_in_flight(),
    )

