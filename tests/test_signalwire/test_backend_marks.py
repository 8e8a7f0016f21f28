"""Every change to a project's state marks exactly the tenants it changed: persistence writes those.

Each case runs over a real socket between two looks at the store: every tenant's state encoded
before and after, and the tenants marked meanwhile (`take_touched`). A tenant whose state changed
and was not marked would be lost by the state file; one marked without a change costs a write.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import orjson
import pytest
from test_signalwire.helpers import (
    BASE,
    HQ_ADDRESS,
    MAIN_LINE,
    NUMBERS,
    PROJECT,
    RECENT,
    TOKEN,
    advance,
    cached,
    freeze,
    write_fixture,
)

from telemock.emulator import Config
from telemock.emulator.providers.signalwire.routes import TABLE

OTHER_PROJECT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
GROUP = "5e5e5e5e-1111-4222-8333-444455556666"
MEMBERSHIP = "6f6f6f6f-1111-4222-8333-444455556666"
ADDRESSES = f"{BASE}/addresses"
GROUPS = f"{BASE}/number_groups"
NEW_ADDRESS = {"label": "Lab", "country": "US", "first_name": "Ada", "last_name": "L", "street_number": "1",
               "street_name": "Main St", "city": "Portland", "state": "OR", "postal_code": "97204",
               "emergency_enabled": True}
SHARED = "+14155550123"  # held by both projects, as fixtures allow
PROJECTS = f"""
signalwire:
  settings:
    e911_activation_seconds: 60
    inventory: [{{number: "+15035550111"}}]
  projects:
    - tenant: demo
      project_id: {PROJECT}
      tokens: [{{token: {TOKEN}}}]
      e911_addresses: [{{id: {HQ_ADDRESS}}}]
      numbers:
        - {{id: {RECENT}, number: "{SHARED}", purchased_days_ago: 2}}
        - {{id: {MAIN_LINE}, number: "+15035550110", purchased_days_ago: 120, e911_address_id: {HQ_ADDRESS}}}
      number_groups:
        - {{id: {GROUP}, name: Sales, memberships: [{{id: {MEMBERSHIP}, phone_number_id: {MAIN_LINE}}}]}}
    - tenant: other
      project_id: {OTHER_PROJECT}
      tokens: [{{token: PTother}}]
      numbers:
        - {{id: c0ffee00-1111-4222-8333-444455556666, number: "{SHARED}", purchased_days_ago: 20}}
"""
AI_AGENT = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"

# (operationId, method, path, body, status): one successful call of every route that writes.
WRITES = [
    ("phone_numbers_purchase", "POST", NUMBERS, {"number": "+15035550111"}, 200),
    ("phone_numbers_update", "PUT", f"{NUMBERS}/{RECENT}", {"name": "Front desk"}, 200),
    ("phone_numbers_update", "PUT", f"{NUMBERS}/{RECENT}",
     {"call_handler": "ai_agent", "call_ai_agent_id": AI_AGENT}, 200),
    ("phone_numbers_release", "DELETE", f"{NUMBERS}/{MAIN_LINE}", None, 204),
    ("e911_address_assign", "POST", f"{NUMBERS}/{RECENT}/e911_address", {"e911_address_id": HQ_ADDRESS}, 200),
    ("e911_address_remove", "DELETE", f"{NUMBERS}/{MAIN_LINE}/e911_address", None, 200),
    ("imported_phone_numbers_create", "POST", f"{BASE}/imported_phone_numbers",
     {"number": "+4930123456", "number_type": "longcode"}, 201),
    ("addresses_create", "POST", ADDRESSES, NEW_ADDRESS, 200),
    ("addresses_update", "PUT", f"{ADDRESSES}/{HQ_ADDRESS}", {"label": "Head office"}, 200),
    ("addresses_delete", "DELETE", f"{ADDRESSES}/{HQ_ADDRESS}", None, 204),
    ("number_groups_create", "POST", GROUPS, {"name": "Support"}, 200),
    ("number_groups_update", "PUT", f"{GROUPS}/{GROUP}", {"sticky_sender": True}, 200),
    ("number_groups_delete", "DELETE", f"{GROUPS}/{GROUP}", None, 204),
    ("number_group_memberships_create", "POST", f"{GROUPS}/{GROUP}/number_group_memberships",
     {"phone_number_id": RECENT}, 200),
    ("number_group_memberships_delete", "DELETE", f"{BASE}/number_group_memberships/{MEMBERSHIP}", None, 204),
]
# Writes refused (or with nothing to change): no tenant changes, none is marked.
NO_CHANGES = [
    ("POST", NUMBERS, {"number": "+15035550199"}, 422),  # not in the inventory
    ("PUT", f"{NUMBERS}/{RECENT}", {"call_request_method": "PUT"}, 422),
    ("PUT", f"{NUMBERS}/{RECENT}", {"call_receive_mode": "voice"}, 200),  # the value it has
    ("DELETE", f"{NUMBERS}/{RECENT}", None, 422),  # inside the release window
    ("POST", f"{NUMBERS}/{RECENT}/e911_address", {"e911_address_id": AI_AGENT}, 422),  # no such address
    ("DELETE", f"{NUMBERS}/{RECENT}/e911_address", None, 422),  # nothing active to remove
    ("POST", f"{BASE}/imported_phone_numbers", {"number": SHARED, "number_type": "longcode"}, 422),  # held
    ("GET", f"{NUMBERS}/00000000-0000-4000-8000-000000000000", None, 404),
    ("POST", ADDRESSES, {**NEW_ADDRESS, "state": "XX"}, 422),  # the carrier cannot place it
    ("PUT", f"{GROUPS}/{GROUP}", {"name": "Sales"}, 200),  # the name it has
    ("POST", f"{GROUPS}/{GROUP}/number_group_memberships", {"phone_number_id": MAIN_LINE}, 422),  # already in it
    ("GET", f"{GROUPS}/{GROUP}/number_group_memberships", None, 200),
    ("GET", ADDRESSES, None, 200),
]


@pytest.fixture(scope="module")
def projects_server(server_factory: Callable[..., Any], tmp_path_factory: Any) -> Any:
    path = write_fixture(tmp_path_factory.mktemp("marks"), PROJECTS)
    return server_factory(Config(fixtures=[path], auto_tenants=True))


@pytest.fixture
def live(projects_server: Any) -> Any:
    cached(projects_server, "/_telemock").post("/reset").raise_for_status()
    return projects_server


def api(live: Any, auth: tuple[str, str] = (PROJECT, TOKEN)) -> Any:
    return cached(live, "/signalwire", auth)


def control(live: Any) -> Any:
    return cached(live, "/_telemock")


def encoded(store: Any) -> dict[str, bytes]:
    return {tenant: orjson.dumps(state) for tenant, state in store.items()}


def watch(live: Any, act: Callable[[], Any]) -> tuple[Any, set[str], set[str]]:
    """What `act` answered, the tenants whose state it changed, and the tenants marked while it ran."""
    store = live.runtime.providers["signalwire"].store
    store.take_touched()
    before = encoded(store)
    answer = act()
    after = encoded(store)
    changed = {tenant for tenant in before.keys() | after.keys() if before.get(tenant) != after.get(tenant)}
    return answer, changed, store.take_touched()


def assign_due_e911(live: Any) -> None:
    """An E911 assignment on RECENT whose activation is due but not yet applied (nothing has read it)."""
    freeze(live)
    api(live).post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": HQ_ADDRESS}).raise_for_status()
    advance(live, 60)


def simulate(live: Any, kind: str, **extra: Any) -> Any:
    return control(live).post(f"/simulate/{kind}", json={
        "provider": "signalwire", "to": SHARED, "from": "+15035550999", "tenant": "demo", **extra})


def test_the_cases_cover_every_route_that_writes():
    # The compatibility (LaML) API's writes have their own cases: test_laml_marks.py.
    assert {op for verb, _path, op, _handler in TABLE if verb != "GET" and not op.startswith("laml_")} == {
        op for op, *_ in WRITES}


@pytest.mark.parametrize("op,method,path,body,status", WRITES, ids=[f"{w[0]}:{i}" for i, w in enumerate(WRITES)])
def test_a_write_marks_the_project_it_changed(live, op, method, path, body, status):
    response, changed, touched = watch(live, lambda: api(live).request(method, path, json=body))
    assert response.status_code == status, response.text
    assert changed == {"demo"}
    assert touched == changed


@pytest.mark.parametrize("method,path,body,status", NO_CHANGES)
def test_a_write_that_changes_nothing_marks_nothing(live, method, path, body, status):
    response, changed, touched = watch(live, lambda: api(live).request(method, path, json=body))
    assert response.status_code == status, response.text
    assert changed == set() and touched == set()


@pytest.mark.parametrize("path", [f"{NUMBERS}/{RECENT}", NUMBERS])
def test_a_read_that_applies_a_due_e911_change_marks_its_project(live, path):
    assign_due_e911(live)
    response, changed, touched = watch(live, lambda: api(live).get(path))
    assert "active" in response.text
    assert changed == {"demo"} and touched == changed
    _, changed, touched = watch(live, lambda: api(live).get(path))  # nothing is due any more
    assert changed == set() and touched == set()


def test_a_transition_marks_its_project(live):
    api(live).post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": HQ_ADDRESS}).raise_for_status()
    moved, changed, touched = watch(live, lambda: control(live).post("/transition", json={
        "provider": "signalwire", "tenant": "demo", "resource": "e911", "id": RECENT, "to": "failed"}))
    assert moved.status_code == 200 and moved.json()["e911_status"] == "failed"
    assert changed == {"demo"} and touched == changed


@pytest.mark.parametrize("kind", ["inbound-call", "inbound-message"])
def test_inbound_traffic_marks_the_project_it_changed(live, kind):
    _, changed, touched = watch(live, lambda: simulate(live, kind).raise_for_status())
    assert changed == set() and touched == set()  # nothing due: a simulation only reads
    assign_due_e911(live)
    _, changed, touched = watch(live, lambda: simulate(live, kind).raise_for_status())
    assert changed == {"demo"} and touched == changed  # the number was read, so its E911 change applied


def test_inbound_traffic_on_a_snapshot_without_signing_keys_marks_the_keys_it_adds(live):
    snapshot = control(live).get("/state").json()["providers"]["signalwire"]
    for state in snapshot["tenants"].values():
        del state["project"]["signing_key"], state["project"]["space_id"]
    control(live).put("/state", json={"providers": {"signalwire": snapshot}}).raise_for_status()
    answer, changed, touched = watch(live, lambda: simulate(live, "inbound-message").raise_for_status())
    assert changed == {"demo"} and touched == changed
    project = control(live).get("/state").json()["providers"]["signalwire"]["tenants"]["demo"]["project"]
    assert project["signing_key"].startswith("PSK_") and answer.json()["project_id"] == PROJECT


def test_an_unknown_project_with_auto_tenants_marks_the_tenant_it_creates(live):
    fresh = ("0b0b0b0b-1111-4222-8333-444455556666", "PTfresh")
    response, changed, touched = watch(live, lambda: api(live, fresh).get(NUMBERS))
    assert response.status_code == 200 and response.json()["data"] == []
    assert changed == {fresh[0]} and touched == changed
    _, changed, touched = watch(live, lambda: api(live, fresh).get(NUMBERS))
    assert changed == set() and touched == set()
