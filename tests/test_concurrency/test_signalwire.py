"""SignalWire under 64 concurrent clients: merge-semantics PUTs on the same numbers, and releases racing them.

PUT /phone_numbers/{id} changes only the fields sent. Each client owns one field of one of the
four demo numbers and writes it round after round, so any lost update leaves a client's last
acknowledged value missing. SignalWire sends no webhook for a number change (its callbacks are
the handler requests of calls and messages), so the storm must produce no delivery at all.
`updated_at` is rendered in whole seconds, so on the wire it can only be checked never to go
backwards; the stored microsecond stamp is checked at the end.
"""

from __future__ import annotations

from typing import Any
from uuid import NAMESPACE_URL, uuid5

import httpx
import orjson
import pytest
from live_server import LiveServer

from .conftest import require, state_of
from .observe import (
    assert_conforms,
    deliveries,
    journal,
    matched_once,
    micros,
    non_decreasing,
    replay,
    report,
    response_json,
    server_peak_in_flight,
    strictly_increasing,
    violations,
)
from .storm import CLIENTS, Sender, run_storm

PREFIX = "/signalwire/api/relay/rest"
AUTH = ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")
NUMBERS = (
    "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b",  # Main line, 120 days old
    "0c9d8e7f-6a5b-4c3d-9e2f-1a0b9c8d7e6f",  # Austin IVR
    "3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7",  # Toll-free support
    "9a8b7c6d-5e4f-4a3b-b2c1-d0e9f8a7b6c5",  # bought 2 days ago
)
UUID_FIELDS = ("call_sip_endpoint_id", "call_video_room_id")
# Every free-form field PUT accepts that the number renders back (16 are used per number).
FIELDS = (
    "name", "call_request_url", "call_fallback_url", "call_status_callback_url", "call_laml_application_id",
    "call_dialogflow_agent_id", "call_relay_topic", "call_relay_topic_status_callback_url", "call_relay_script_url",
    "call_relay_context", "call_relay_context_status_callback_url", "call_relay_application", "call_relay_connector_id",
    "call_verto_resource", "message_request_url", "message_fallback_url", "message_laml_application_id",
    "message_relay_topic", "message_relay_context",
) + UUID_FIELDS
ROUNDS = 3
POISON = "POISON"


@pytest.fixture
def sw(server: LiveServer) -> httpx.Client:
    require("signalwire")
    return server.client(PREFIX, auth=AUTH)


def slot(client: int) -> tuple[str, str]:
    """The (number, field) a client owns: no two clients share one."""
    return NUMBERS[client % len(NUMBERS)], FIELDS[client // len(NUMBERS)]


def value(client: int, round_: int) -> str:
    field = slot(client)[1]
    tag = f"c{client:02d}r{round_}"
    return str(uuid5(NAMESPACE_URL, tag)) if field in UUID_FIELDS else f"https://hooks.example.org/{tag}"


def merge_storm(i: int, send: Sender) -> None:
    number, field = slot(i)
    for round_ in range(ROUNDS):
        send("PUT", f"/phone_numbers/{number}", {field: value(i, round_)}, meta=(number, {field: value(i, round_)}))
        if round_ == 1:  # one refused write: its own field poisoned, plus a method the service rejects
            send("PUT", f"/phone_numbers/{number}", {field: POISON, "call_request_method": "DELETE"}, meta=422)


def key(number: str, body: Any) -> tuple[str, bytes]:
    return number, orjson.dumps(body, option=orjson.OPT_SORT_KEYS)


def test_concurrent_merges_keep_every_clients_field(server, admin, sw) -> None:
    assert len(FIELDS) * len(NUMBERS) >= CLIENTS
    before = {n: sw.get(f"/phone_numbers/{n}").json() for n in NUMBERS}
    stored_before = state_of(admin, "signalwire")["numbers"]
    result = run_storm(server, PREFIX, merge_storm, warmup_path=f"/phone_numbers/{NUMBERS[0]}", auth=AUTH)
    result.assert_real_connections()

    acked = [c for c in result.calls if isinstance(c.meta, tuple)]
    refused = [c for c in result.calls if isinstance(c.meta, int)]
    assert len(acked) == CLIENTS * ROUNDS and len(refused) == CLIENTS
    assert [c.status for c in acked if not c.ok] == []
    assert [c.status for c in refused] == [422] * CLIENTS
    for call in result.calls:
        assert violations("signalwire", "phone_numbers_update", call.status, call.content_type, call.raw) == []

    # The journal holds each acknowledged write once; its order is the order they were applied in.
    entries = journal(admin, "signalwire", "PUT", "/phone_numbers/")
    answered = [e for e in entries if e["status"] == 200]
    assert sorted(e["status"] for e in entries if e["status"] != 200) == [422] * CLIENTS
    keys = [key(e["path"].rsplit("/", 1)[-1], orjson.loads(e["body"])) for e in answered]
    by_key = {key(c.meta[0], c.body): c for c in acked}
    matched_once(list(by_key), keys, "signalwire writes")
    ordered = [by_key[k] for k in keys]
    assert all(c.json() == response_json(e) for c, e in zip(ordered, answered, strict=True))
    assert non_decreasing([micros(c.json()["updated_at"]) for c in ordered]), "updated_at went backwards"

    # No lost update: each answer shows every earlier acknowledged write of every client.
    model = replay(before, [(c.meta[0], c.meta[1], c.json()) for c in ordered], FIELDS)

    # Every client's field holds its last acknowledged value, through the API and in the state.
    stored = state_of(admin, "signalwire")["numbers"]
    last: dict[int, str] = {}
    for call in ordered:
        last[call.client] = next(iter(call.meta[1].values()))
    assert len(last) == CLIENTS
    now = {n: assert_conforms("signalwire", "phone_numbers_get", sw.get(f"/phone_numbers/{n}")) for n in NUMBERS}
    for client, written in last.items():
        number, field = slot(client)
        assert now[number][field] == written == stored[number][field], f"client {client}'s {field} was lost"
    for number in NUMBERS:
        assert {f: now[number][f] for f in FIELDS} == model[number]
        latest = [c.json() for c in ordered if c.meta[0] == number][-1]
        assert now[number] == latest
        assert stored[number]["updated_us"] > stored_before[number]["updated_us"]
        assert micros(latest["updated_at"]) == stored[number]["updated_us"] // 1_000_000 * 1_000_000
    assert POISON not in str(stored)

    # A number change sends nothing: no delivery may exist for SignalWire.
    assert deliveries(admin, provider="signalwire") == []
    report(
        "signalwire merges",
        requests=len(result.calls),
        acknowledged=len(acked),
        refused=len(refused),
        events_expected=0,
        events_received=0,
        client_peak_in_flight=result.peak_in_flight(),
        server_peak_in_flight=server_peak_in_flight(entries),
    )


def release_race(i: int, send: Sender) -> None:
    """Half the clients update the number first, half release it first; then each does the other."""
    path = f"/phone_numbers/{NUMBERS[0]}"
    update = {"name": f"race c{i:02d}"}
    steps = [("PUT", update), ("DELETE", None)] if i % 2 else [("DELETE", None), ("PUT", update)]
    for method, body in steps:
        send(method, path, body)


def test_one_release_wins_and_no_update_follows_it(server, admin, sw) -> None:
    number = NUMBERS[0]  # bought 120 days ago: outside the 14-day release window
    result = run_storm(server, PREFIX, release_race, warmup_path=f"/phone_numbers/{number}", auth=AUTH)
    result.assert_real_connections()

    releases = result.where("DELETE")
    assert sorted(c.status for c in releases) == [204] + [404] * (CLIENTS - 1), "not exactly one release won"
    for call in result.calls:
        operation = "phone_numbers_release" if call.method == "DELETE" else "phone_numbers_update"
        assert violations("signalwire", operation, call.status, call.content_type, call.raw) == []

    entries = [e for e in journal(admin, "signalwire", "", f"/phone_numbers/{number}") if e["method"] != "GET"]
    assert len(entries) == len(result.calls)
    cut = next(i for i, e in enumerate(entries) if e["method"] == "DELETE" and e["status"] == 204)
    assert all(e["status"] == 200 for e in entries[:cut]), "a request before the winning release failed"
    after = [(e["method"], e["status"]) for e in entries[cut + 1:]]
    assert all(status == 404 for _, status in after), f"a request after the winning release succeeded: {after}"
    acked = [c for c in result.where("PUT") if c.ok]
    assert sorted(c.body["name"] for c in acked) == sorted(orjson.loads(e["body"])["name"] for e in entries[:cut])

    gone = sw.get(f"/phone_numbers/{number}")
    assert gone.status_code == 404
    assert_conforms("signalwire", "phone_numbers_get", gone)
    stored = state_of(admin, "signalwire")["numbers"][number]
    assert stored["released_us"] is not None and stored["updated_us"] < stored["released_us"]
    if acked:
        names = [orjson.loads(e["body"])["name"] for e in entries[:cut]]
        assert stored["name"] == names[-1]
    assert strictly_increasing([e["seq"] for e in entries])
    assert deliveries(admin, provider="signalwire") == []
    report(
        "signalwire release race",
        requests=len(result.calls),
        acknowledged=len(acked) + 1,
        refused=len(result.calls) - len(acked) - 1,
        events_expected=0,
        events_received=0,
        client_peak_in_flight=result.peak_in_flight(),
    )
