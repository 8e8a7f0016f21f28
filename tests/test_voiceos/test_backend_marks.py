"""Every change to a VoiceOS account marks exactly that account, so persistence writes what changed.

Each operation runs over a real socket; around it, every account's state is encoded before and
after and compared with what the store says was touched (`take_touched`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

import httpx
import orjson
import pytest
from test_voiceos.demo import (
    FRONT_DESK,
    IMPORTED,
    NO_AGENT,
    NOW,
    OTHER_KEY,
    SALES,
    WITH_WEBHOOK,
    admin_client,
    voiceos_client,
)

from telemock.emulator import Config

HERE = Path(__file__).parent
OTHER_NUMBER = "+13105550111"
FOR_SALE = "+14155550120"
CALLER = "+14155550199"


@dataclass
class Clients:
    live: Any
    api: httpx.Client
    other: httpx.Client
    admin: httpx.Client

    @property
    def store(self) -> Any:
        return self.live.runtime.providers["voiceos"].store

    def call(self, **body: Any) -> httpx.Response:
        """An outbound call from the demo account's imported number."""
        return self.api.post("/conversations/create_phone_call", json={"from_number": IMPORTED, "to_number": CALLER, **body})

    def simulate(self, to: str, **extra: Any) -> httpx.Response:
        return self.admin.post("/simulate/inbound-call", json={"provider": "voiceos", "to": to, "from": CALLER, **extra})


@pytest.fixture(scope="module")
def marks_server(server_factory: Callable[..., Any]) -> Clients:
    """Two accounts (demo, other) and auto tenants for unknown keys."""
    live = server_factory(Config(fixtures=[Path("default"), HERE / "other_account.yaml"], auto_tenants=True))
    return Clients(live, voiceos_client(live), voiceos_client(live, OTHER_KEY), admin_client(live))


@pytest.fixture
def clients(marks_server: Clients) -> Clients:
    """Reset, with the clock frozen at NOW: nothing changes between the requests but what they do."""
    admin = marks_server.admin
    admin.post("/reset").raise_for_status()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": NOW}).raise_for_status()
    return marks_server


def encoded(store: Any) -> dict[str, bytes]:
    return {tenant: orjson.dumps(state) for tenant, state in store.items()}


def observe(clients: Clients, action: Callable[[], httpx.Response]) -> tuple[httpx.Response, set[str], set[str]]:
    """The answer, the accounts whose state changed, and the accounts the store was told about."""
    clients.store.take_touched()
    before = encoded(clients.store)
    response = action()
    after = encoded(clients.store)
    changed = {tenant for tenant in before.keys() | after.keys() if before.get(tenant) != after.get(tenant)}
    return response, changed, clients.store.take_touched()


Step = Callable[[Clients], httpx.Response]

# (what it does, setup run before watching, the change watched, the account it changes)
WRITES: list[tuple[str, Step | None, Step, str]] = [
    ("buy a named number", None, lambda c: c.api.post("/phone_numbers/buy", json={"phone_number": FOR_SALE}), "demo"),
    ("buy any number", None, lambda c: c.api.post("/phone_numbers/buy", json={"phone_number": None}), "demo"),
    (
        "buy back a kept number",
        lambda c: c.api.delete(f"/phone_numbers/{NO_AGENT}"),
        lambda c: c.api.post("/phone_numbers/buy", json={"phone_number": NO_AGENT}),
        "demo",
    ),
    (
        "patch a number",
        None,
        lambda c: c.api.patch(f"/phone_numbers/{WITH_WEBHOOK}", json={"inbound_agent_id": SALES, "webhooks": []}),
        "demo",
    ),
    ("delete a number, kept", None, lambda c: c.api.delete(f"/phone_numbers/{NO_AGENT}"), "demo"),
    (
        "delete a number, released",
        None,
        lambda c: c.api.delete(f"/phone_numbers/{IMPORTED}", params={"release_phone_number": "true"}),
        "demo",
    ),
    ("create an agent", None, lambda c: c.api.post("/agents", json={"prompt": "Take a message."}), "demo"),
    ("patch an agent", None, lambda c: c.api.patch(f"/agents/{SALES}", json={"prompt": "Sell."}), "demo"),
    ("delete an agent a number uses", None, lambda c: c.api.delete(f"/agents/{FRONT_DESK}"), "demo"),
    (
        "patch the other account's number",
        None,
        lambda c: c.other.patch(f"/phone_numbers/{OTHER_NUMBER}", json={"inbound_agent_id": None}),
        "other",
    ),
    ("an inbound call with an agent", None, lambda c: c.simulate(IMPORTED), "demo"),
    ("an inbound call without an agent", None, lambda c: c.simulate(NO_AGENT), "demo"),
    ("an inbound call to the other account", None, lambda c: c.simulate(OTHER_NUMBER), "other"),
    (
        "a call ending on the virtual clock",
        lambda c: c.simulate(IMPORTED, duration_seconds=30),
        lambda c: c.admin.post("/clock/advance", json={"seconds": 31}),
        "demo",
    ),
    ("an outbound call", None, lambda c: c.call(agent_id=SALES), "demo"),
    (
        "an outbound call answered on the virtual clock",
        lambda c: c.call(agent_id=SALES),
        lambda c: c.admin.post("/clock/advance", json={"seconds": 5}),
        "demo",
    ),
    (
        "an outbound call from the other account",
        None,
        lambda c: c.other.post(
            "/conversations/create_phone_call",
            json={"from_number": OTHER_NUMBER, "to_number": CALLER, "agent_id": "agt_0000000000000000000000ff"},
        ),
        "other",
    ),
    (
        "an auto tenant from an unknown key",
        None,
        lambda c: voiceos_client(c.live, "fresh-key-for-marks").get("/phone_numbers"),
        "fresh-key-for-marks",
    ),
]


@pytest.mark.parametrize(("setup", "change", "tenant"), [w[1:] for w in WRITES], ids=[w[0] for w in WRITES])
def test_a_change_marks_exactly_the_account_it_changed(clients: Clients, setup: Step | None, change: Step, tenant: str) -> None:
    if setup is not None:
        setup(clients).raise_for_status()
    response, changed, touched = observe(clients, lambda: change(clients))
    assert response.status_code == 200, response.text
    assert changed == {tenant}
    assert touched == changed


def test_the_call_timer_changes_the_conversation_it_ends(clients: Clients) -> None:
    """The timer case above is not vacuous: the call was in progress and the clock ended it."""
    conversation_id = clients.simulate(IMPORTED, duration_seconds=30).json()["conversation"]["id"]
    assert clients.api.get(f"/conversations/{conversation_id}").json()["status"] == "started"
    _, changed, touched = observe(clients, lambda: clients.admin.post("/clock/advance", json={"seconds": 31}))
    assert changed == touched == {"demo"}
    ended = clients.api.get(f"/conversations/{conversation_id}").json()
    assert (ended["status"], ended["ended_reason"]) == ("ended", "user_ended")


def test_the_answer_timer_changes_the_call_it_answers(clients: Clients) -> None:
    """The answer case above is not vacuous: the call was queued and the clock started it."""
    conversation_id = clients.call(agent_id=SALES).json()["id"]
    assert clients.api.get(f"/conversations/{conversation_id}").json()["status"] == "queued"
    _, changed, touched = observe(clients, lambda: clients.admin.post("/clock/advance", json={"seconds": 5}))
    assert changed == touched == {"demo"}
    assert clients.api.get(f"/conversations/{conversation_id}").json()["status"] == "started"


# (what it is, the request) — reads, and writes refused before anything changed
UNCHANGING: list[tuple[str, Step]] = [
    ("list numbers", lambda c: c.api.get("/phone_numbers")),
    ("get a number", lambda c: c.api.get(f"/phone_numbers/{WITH_WEBHOOK}")),
    ("search numbers", lambda c: c.api.get("/phone_numbers/buy")),
    ("list agents", lambda c: c.api.get("/agents")),
    ("list conversations", lambda c: c.api.get("/conversations", params={"status": "ended"})),
    ("no credentials", lambda c: voiceos_client(c.live, None).post("/agents", json={})),
    ("malformed JSON", lambda c: c.api.patch(f"/phone_numbers/{WITH_WEBHOOK}", content=b"{")),
    ("an invalid body", lambda c: c.api.patch(f"/phone_numbers/{WITH_WEBHOOK}", json={"webhooks": [{}]})),
    ("patch a missing number", lambda c: c.api.patch("/phone_numbers/+19995550100", json={"inbound_agent_id": None})),
    (
        "patch with an unknown agent",
        lambda c: c.api.patch(f"/phone_numbers/{WITH_WEBHOOK}", json={"inbound_agent_id": "agt_000000000000000000000000"}),
    ),
    ("patch another account's number", lambda c: c.api.patch(f"/phone_numbers/{OTHER_NUMBER}", json={})),
    ("buy a held number", lambda c: c.api.post("/phone_numbers/buy", json={"phone_number": OTHER_NUMBER})),
    ("delete a missing number", lambda c: c.api.delete("/phone_numbers/+19995550100")),
    ("delete a missing agent", lambda c: c.api.delete("/agents/agt_000000000000000000000000")),
    ("a call to an unknown number", lambda c: c.simulate("+19995550100")),
    ("get a recording", lambda c: c.api.get("/conversations/conv_624af12836ffbeecf2497d61/recording")),
    ("an outbound call without an agent", lambda c: c.call()),
    ("an outbound call from another account's number", lambda c: c.call(from_number=OTHER_NUMBER, agent_id=SALES)),
    ("an outbound call with an unknown agent", lambda c: c.call(agent_id="agt_000000000000000000000000")),
]


@pytest.mark.parametrize("request_", [u[1] for u in UNCHANGING], ids=[u[0] for u in UNCHANGING])
def test_reads_and_refused_writes_change_and_mark_nothing(clients: Clients, request_: Step) -> None:
    response, changed, touched = observe(clients, lambda: request_(clients))
    assert response.status_code in (200, 400, 401, 404, 422), response.text
    assert changed == set()
    assert touched == set()
