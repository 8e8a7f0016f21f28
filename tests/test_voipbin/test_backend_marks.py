"""Every VoIPBIN operation that changes state marks exactly the tenants it changed.

Persistence writes the tenants the store marked, so a change made without marking its tenant
would be lost on restart. Each case below runs one operation over a real socket and compares
every tenant's encoded state before and after with what the store reports as touched.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

import httpx
import orjson
import pytest

from telemock.emulator import Config

from .support import ACCESSKEY, SMS_FLOW, SUPPORT_NUMBER, TALK_FLOW, TALK_NUMBER

OTHER_KEY = "voipbin_other_accesskey"
OTHER = {"voipbin": {"customers": [{"tenant": "other", "accesskeys": [{"key": OTHER_KEY}], "numbers": [{"number": "+15559870001"}]}]}}


@dataclass
class World:
    """The server under test, a client per customer, and the control API."""

    live: Any
    vb: httpx.Client
    other: httpx.Client
    admin: httpx.Client

    @property
    def store(self) -> Any:
        return self.live.runtime.providers["voipbin"].store

    def encoded(self) -> dict[str, bytes]:
        return {tenant: orjson.dumps(state) for tenant, state in self.store.items()}

    def changes(self, operation: Callable[[], object]) -> tuple[set[str], set[str]]:
        """(tenants whose state changed, tenants the store marked) across `operation`."""
        self.store.take_touched()
        before = self.encoded()
        operation()
        touched = self.store.take_touched()
        after = self.encoded()
        changed = {tenant for tenant in before.keys() | after.keys() if before.get(tenant) != after.get(tenant)}
        return changed, touched


def world_of(live: Any) -> World:
    admin = live.admin()
    assert admin.post("/fixtures", json=OTHER).status_code == 201
    return World(
        live=live,
        vb=live.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY}),
        other=live.client("/voipbin/v1.0", params={"accesskey": OTHER_KEY}),
        admin=admin,
    )


@pytest.fixture
def world(server) -> World:
    return world_of(server)


def ok(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return response.json()


def refused(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, response.text


def simulate(world: World, kind: str, to: str) -> None:
    body = {"provider": "voipbin", "to": to, "from": "+15557654321", "body": "hi"}
    answer = ok(world.admin.post(f"/simulate/{kind}", json=body))
    assert answer["outcome"] == "flow_executed", answer


def transition(world: World, to: str) -> None:
    body = {"provider": "voipbin", "tenant": "demo", "resource": "number", "id": TALK_NUMBER, "to": to}
    ok(world.admin.post("/transition", json=body))


def running_activeflow(world: World) -> str:
    return ok(world.vb.post("/activeflows", json={"flow_id": TALK_FLOW}))["id"]


def ended_activeflow(world: World) -> str:
    activeflow = running_activeflow(world)
    ok(world.vb.post(f"/activeflows/{activeflow}/stop"))
    return activeflow


@dataclass
class Case:
    """One operation (`run`, given what `setup` made) and the tenants it changes."""

    run: Callable[[World, Any], object]
    changes: set[str]
    setup: Callable[[World], Any] = lambda world: None


ACTION = [{"type": "answer"}]
CASES = {
    # writes
    "customer update": Case(lambda w, _: ok(w.vb.put("/customer", json={"name": "renamed"})), {"demo"}),
    "virtual number bought": Case(lambda w, _: ok(w.vb.post("/numbers", json={"number": "+899300000001", "type": "virtual"})), {"demo"}),
    "normal number bought": Case(lambda w, _: ok(w.vb.post("/numbers", json={"number": "+12182558711"})), {"demo"}),
    "number updated": Case(lambda w, _: ok(w.vb.put(f"/numbers/{TALK_NUMBER}", json={"name": "n"})), {"demo"}),
    "number flow ids": Case(lambda w, _: ok(w.vb.put(f"/numbers/{TALK_NUMBER}/flow_ids", json={"call_flow_id": SMS_FLOW})), {"demo"}),
    "number metadata": Case(lambda w, _: ok(w.vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": True})), {"demo"}),
    "number deleted": Case(lambda w, _: ok(w.vb.delete(f"/numbers/{SUPPORT_NUMBER}")), {"demo"}),
    "flow created": Case(lambda w, _: ok(w.vb.post("/flows", json={"actions": ACTION})), {"demo"}),
    "flow created by the other customer": Case(lambda w, _: ok(w.other.post("/flows", json={"actions": ACTION})), {"other"}),
    "flow replaced": Case(lambda w, _: ok(w.vb.put(f"/flows/{SMS_FLOW}", json={"name": "g"})), {"demo"}),
    "flow deleted, its number unassigned": Case(lambda w, _: ok(w.vb.delete(f"/flows/{TALK_FLOW}")), {"demo"}),
    "direct hash regenerated": Case(lambda w, _: ok(w.vb.post(f"/flows/{TALK_FLOW}/direct-hash-regenerate")), {"demo"}),
    "activeflow started": Case(lambda w, _: running_activeflow(w), {"demo"}),
    "activeflow stopped": Case(lambda w, af: ok(w.vb.post(f"/activeflows/{af}/stop")), {"demo"}, running_activeflow),
    "activeflow deleted": Case(lambda w, af: ok(w.vb.delete(f"/activeflows/{af}")), {"demo"}, running_activeflow),
    "inbound call runs the call flow": Case(lambda w, _: simulate(w, "inbound-call", "+821100000001"), {"demo"}),
    "inbound message runs the message flow": Case(lambda w, _: simulate(w, "inbound-message", "+15551230001"), {"demo"}),
    "lifecycle transition": Case(lambda w, _: transition(w, "suspended"), {"demo"}),
    # reads and refusals
    "list numbers": Case(lambda w, _: ok(w.vb.get("/numbers")), set()),
    "get a number": Case(lambda w, _: ok(w.vb.get(f"/numbers/{TALK_NUMBER}")), set()),
    "list flows": Case(lambda w, _: ok(w.vb.get("/flows")), set()),
    "get the customer": Case(lambda w, _: ok(w.vb.get("/customer")), set()),
    "available numbers": Case(lambda w, _: ok(w.vb.get("/available_numbers", params={"type": "virtual"})), set()),
    "login": Case(lambda w, _: ok(w.live.client("/voipbin").post("/auth/login", json={"username": "demo", "password": "demo"})), set()),
    "update refused for its body": Case(lambda w, _: refused(w.vb.put(f"/numbers/{TALK_NUMBER}", json={"name": 5}), 400), set()),
    "update refused for its flow": Case(
        lambda w, _: refused(w.vb.put(f"/numbers/{TALK_NUMBER}", json={"call_flow_id": "7f0a1d2e-3b4c-4d5e-8f60-000000000000"}), 404),
        set(),
    ),
    "stopping an ended activeflow": Case(lambda w, af: ok(w.vb.post(f"/activeflows/{af}/stop")), set(), ended_activeflow),
}


@pytest.mark.parametrize("name", list(CASES))
def test_an_operation_marks_exactly_the_tenants_it_changed(world: World, name: str) -> None:
    case = CASES[name]
    prepared = case.setup(world)
    changed, touched = world.changes(lambda: case.run(world, prepared))
    assert changed == case.changes, f"{name} changed {changed or 'nothing'}"
    assert touched == changed


def test_a_due_purchase_is_settled_on_read_and_marked(server_factory) -> None:
    world = world_of(server_factory(Config(settings={"voipbin": {"purchase_pending_seconds": 60}})))
    world.admin.post("/clock/freeze").raise_for_status()
    number = ok(world.vb.post("/numbers", json={"number": "+16465550177"}))
    assert number["status"] == "purchase-pending"
    assert world.changes(lambda: ok(world.vb.get(f"/numbers/{number['id']}"))) == (set(), set())
    world.admin.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    changed, touched = world.changes(lambda: ok(world.vb.get("/numbers")))
    assert changed == {"demo"} and touched == changed
    assert ok(world.vb.get(f"/numbers/{number['id']}"))["status"] == "active"


def test_an_unknown_access_key_creates_its_tenant_marked(server_factory) -> None:
    live = server_factory(Config(auto_tenants=True))
    world = world_of(live)
    fresh = live.client("/voipbin/v1.0", params={"accesskey": "a-key-nobody-declared"})
    changed, touched = world.changes(lambda: ok(fresh.get("/numbers")))
    assert changed == {"a-key-nobody-declared"} and touched == changed
