"""VoiceOS under 64 concurrent clients: partial PATCHes of the same phone numbers.

PATCH /phone_numbers/{number} changes only the keys sent: `inbound_agent_id` (an agent, or
null to detach) and `webhooks` (the whole list). Half the clients write agents, half write
webhook lists, so an agent PATCH that clobbered the webhooks (or the reverse) shows up at once.
`updated_at` has microseconds and must grow strictly in the order the server acknowledged the
writes. VoiceOS sends nothing when a number changes (its only number-level webhook is the
call-time `phone_call:connection_requested`), so the storm must produce no delivery.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from live_server import LiveServer

from .conftest import require, state_of
from .observe import (
    assert_conforms,
    deliveries,
    journal,
    matched_once,
    micros,
    replay,
    report,
    response_json,
    server_peak_in_flight,
    strictly_increasing,
    violations,
)
from .storm import CLIENTS, Sender, run_storm

PREFIX = "/voiceos"
HEADERS = {"Authorization": "Bearer voiceos_demo_key"}
NUMBERS = ("+14155550100", "+14155550101", "+12125550142")
EVENT = "phone_call:connection_requested"
FIELDS = ("inbound_agent_id", "webhooks")
ROUNDS = 3
POISON = "POISON"


@pytest.fixture
def api(server: LiveServer) -> httpx.Client:
    require("voiceos")
    return server.client(PREFIX, headers=HEADERS)


def planned_write(client: int, round_: int, agents: list[str]) -> tuple[str, dict[str, Any]]:
    """(number, body) of one client's write: agents from even clients, webhook lists from odd ones."""
    number = NUMBERS[(client + round_) % len(NUMBERS)]
    if client % 2 == 0:
        detach = round_ == 1 and client % 4 == 0
        return number, {"inbound_agent_id": None if detach else agents[client // 2]}
    if round_ == 2 and client % 4 == 1:
        return number, {"webhooks": []}
    hook = {"events": [EVENT], "url": f"http://127.0.0.1:9/voiceos/c{client:02d}r{round_}",
            "method": "GET" if round_ % 2 else "POST", "headers": {"X-Client": f"c{client:02d}"}, "filter": None}
    return number, {"webhooks": [hook]}


def refused_write(client: int, agents: list[str]) -> tuple[str, dict[str, Any], int]:
    """A PATCH the service refuses: a webhook method it does not know (422), or an unknown agent (404)."""
    number = NUMBERS[client % len(NUMBERS)]
    if client % 2:
        hook = {"events": [EVENT], "url": f"http://127.0.0.1:9/{POISON}", "method": "PUT"}
        return number, {"inbound_agent_id": agents[0], "webhooks": [hook]}, 422
    return number, {"inbound_agent_id": f"agt_{POISON}{client:02d}", "webhooks": []}, 404


def without_secrets(rendered: dict[str, Any]) -> dict[str, Any]:
    """The journal masks credentials (the imported number's Twilio auth_token); compare the rest."""
    return {k: v for k, v in rendered.items() if k != "telephony"}


def test_concurrent_patches_keep_both_fields(server, admin, api) -> None:
    agents = []
    for i in range(CLIENTS // 2):
        created = api.post("/agents", json={"prompt": f"agent of client {2 * i:02d}"})
        assert created.status_code == 200, created.text
        agents.append(created.json()["id"])
    before = {n: api.get(f"/phone_numbers/{n}").json() for n in NUMBERS}

    def storm(i: int, send: Sender) -> None:
        for round_ in range(ROUNDS):
            number, body = planned_write(i, round_, agents)
            send("PATCH", f"/phone_numbers/{number}", body, meta=(number, body))
            if round_ == 1:
                number, body, status = refused_write(i, agents)
                send("PATCH", f"/phone_numbers/{number}", body, meta=status)

    result = run_storm(server, PREFIX, storm, warmup_path=f"/phone_numbers/{NUMBERS[0]}", headers=HEADERS)
    result.assert_real_connections()

    acked = [c for c in result.calls if isinstance(c.meta, tuple)]
    refused = [c for c in result.calls if isinstance(c.meta, int)]
    assert len(acked) == CLIENTS * ROUNDS and len(refused) == CLIENTS
    assert [c.status for c in acked if not c.ok] == []
    assert [c.status for c in refused] == [c.meta for c in refused]
    for call in result.calls:
        assert violations("voiceos", "phone_numbers_update", call.status, call.content_type, call.raw) == []

    # One journal entry per acknowledged write; updated_at grows strictly in the journal's order.
    entries = journal(admin, "voiceos", "PATCH", "/phone_numbers/")
    answered = [e for e in entries if e["status"] == 200]
    assert sorted(e["status"] for e in entries if e["status"] != 200) == sorted(c.status for c in refused)
    journaled = [response_json(e) for e in answered]
    matched_once([c.json()["updated_at"] for c in acked], [b["updated_at"] for b in journaled], "voiceos writes")
    assert strictly_increasing([micros(b["updated_at"]) for b in journaled]), "updated_at went backwards"
    by_stamp = {c.json()["updated_at"]: c for c in acked}
    assert all(without_secrets(by_stamp[b["updated_at"]].json()) == without_secrets(b) for b in journaled)

    # No lost update: every answer shows the latest acknowledged agent and webhook list so far.
    ordered = [by_stamp[b["updated_at"]] for b in journaled]
    model = replay(before, [(c.meta[0], c.meta[1], c.json()) for c in ordered], FIELDS)

    stored = state_of(admin, "voiceos")["numbers"]
    for number in NUMBERS:
        latest = [c.json() for c in ordered if c.meta[0] == number][-1]
        now = assert_conforms("voiceos", "phone_numbers_get", api.get(f"/phone_numbers/{number}"))
        assert now == latest and {f: now[f] for f in FIELDS} == model[number]
        assert stored[number]["inbound_agent_id"] == model[number]["inbound_agent_id"]
        assert stored[number]["webhooks"] == model[number]["webhooks"]
        assert stored[number]["updated_us"] == micros(latest["updated_at"])
        last_agent = [c.meta[1] for c in ordered if c.meta[0] == number and "inbound_agent_id" in c.meta[1]]
        last_hooks = [c.meta[1] for c in ordered if c.meta[0] == number and "webhooks" in c.meta[1]]
        assert now["inbound_agent_id"] == last_agent[-1]["inbound_agent_id"]
        assert [h["url"] for h in now["webhooks"]] == [h["url"] for h in last_hooks[-1]["webhooks"]]
    assert POISON not in str(stored)

    # Number changes send nothing on VoiceOS.
    assert deliveries(admin, provider="voiceos") == []
    report(
        "voiceos patches",
        requests=len(result.calls),
        acknowledged=len(acked),
        refused=len(refused),
        events_expected=0,
        events_received=0,
        client_peak_in_flight=result.peak_in_flight(),
        server_peak_in_flight=server_peak_in_flight(entries),
    )
