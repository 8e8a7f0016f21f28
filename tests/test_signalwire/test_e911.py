"""E911 addresses: assignment and removal, finished by the carrier after a delay of the virtual clock."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import (
    BRANCH_ADDRESS,
    HQ_ADDRESS,
    MAIN_LINE,
    NUMBERS,
    RECENT,
    UNVALIDATED_ADDRESS,
    admin,
    advance,
    client,
    details,
    freeze,
    state,
    write_fixture,
)

from telemock.emulator import Config

E911 = f"{NUMBERS}/{RECENT}/e911_address"


def test_assignment_is_pending_then_active(server):
    api = client(server)
    freeze(server)
    pending = api.post(E911, json={"e911_address_id": HQ_ADDRESS})
    assert pending.status_code == 200
    body = pending.json()
    assert (body["e911_status"], body["e911_address_id"]) == ("pending", HQ_ADDRESS)
    advance(server, 119)
    assert api.get(f"{NUMBERS}/{RECENT}").json()["e911_status"] == "pending"
    advance(server, 1)
    listed = {n["id"]: n for n in api.get(NUMBERS).json()["data"]}
    assert listed[RECENT]["e911_status"] == "active"
    active = api.get(f"{NUMBERS}/{RECENT}").json()
    assert active["e911_address_id"] == HQ_ADDRESS
    assert active["updated_at"] > body["updated_at"]


def test_removal_is_pending_then_unregistered(server):
    api = client(server)
    freeze(server)
    url = f"{NUMBERS}/{MAIN_LINE}/e911_address"
    removing = api.delete(url).json()
    assert (removing["e911_status"], removing["e911_address_id"]) == ("pending_removal", HQ_ADDRESS)
    assert details(api.delete(url)) == [
        "The E911 address can only be removed while e911_status is active (it is pending_removal)"
    ]
    assert "pending_removal" in details(api.post(url, json={"e911_address_id": BRANCH_ADDRESS}))[0]
    advance(server, 120)
    gone = api.get(f"{NUMBERS}/{MAIN_LINE}").json()
    assert (gone["e911_status"], gone["e911_address_id"]) == ("unregistered", None)
    again = api.post(url, json={"e911_address_id": BRANCH_ADDRESS}).json()
    assert (again["e911_status"], again["e911_address_id"]) == ("pending", BRANCH_ADDRESS)


def test_assignment_while_pending_is_refused(server):
    api = client(server)
    freeze(server)
    api.post(E911, json={"e911_address_id": HQ_ADDRESS}).raise_for_status()
    before = state(server)
    assert details(api.post(E911, json={"e911_address_id": BRANCH_ADDRESS})) == [
        "An E911 address cannot be assigned while e911_status is pending"
    ]
    assert details(api.delete(E911)) == [
        "The E911 address can only be removed while e911_status is active (it is pending)"
    ]
    assert state(server) == before


def test_reassignment_of_an_active_number_is_allowed(server):
    body = client(server).post(f"{NUMBERS}/{MAIN_LINE}/e911_address", json={"e911_address_id": BRANCH_ADDRESS}).json()
    assert (body["e911_status"], body["e911_address_id"]) == ("pending", BRANCH_ADDRESS)


def test_removal_without_an_address_is_refused(server):
    assert details(client(server).delete(E911)) == [
        "The E911 address can only be removed while e911_status is active (it is not set)"
    ]


@pytest.mark.parametrize(
    "payload,problem",
    [
        ({}, "e911_address_id can't be blank"),
        ({"e911_address_id": ""}, "e911_address_id can't be blank"),
        ({"e911_address_id": 5}, "e911_address_id must be a string"),
        ({"e911_address_id": "hq"}, "e911_address_id is not a valid UUID"),
        ({"e911_address_id": HQ_ADDRESS, "label": "x"}, "found unpermitted parameter: label"),
        ({"e911_address_id": "00000000-0000-4000-8000-000000000000"},
         "e911_address_id does not match a validated address of this project"),
        ({"e911_address_id": UNVALIDATED_ADDRESS}, "e911_address_id refers to an address that has not been validated"),
    ],
)
def test_bad_assignments_change_nothing(server, payload, problem):
    before = state(server)
    assert details(client(server).post(E911, json=payload)) == [problem]
    assert state(server) == before


def test_malformed_body_is_400(server):
    before = state(server)
    response = client(server).post(E911, content=b"{nope", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Bad Request"}
    assert state(server) == before


def test_control_api_finishes_a_pending_change(server):
    client(server).post(E911, json={"e911_address_id": HQ_ADDRESS}).raise_for_status()
    moved = admin(server).post("/transition", json={
        "provider": "signalwire", "tenant": "demo", "resource": "e911", "id": RECENT, "to": "failed"})
    assert moved.status_code == 200 and moved.json()["e911_status"] == "failed"
    refused = admin(server).post("/transition", json={
        "provider": "signalwire", "tenant": "demo", "resource": "e911", "id": RECENT, "to": "active"})
    assert refused.status_code == 409
    assert client(server).get(f"{NUMBERS}/{RECENT}").json()["e911_status"] == "failed"


FAILING = """
signalwire:
  settings:
    e911_activation_seconds: 0
    e911_removal_seconds: 30
  projects:
    - project_id: 11111111-2222-4333-8444-555555555555
      tokens: [{token: PTfail}]
      e911_addresses:
        - {id: 8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59, label: fails, provisioning_fails: true}
        - {id: 2d6e9b14-3c5a-4f7e-8a90-b1c2d3e4f5a6, label: works}
      numbers:
        - {id: 9a8b7c6d-5e4f-4a3b-b2c1-d0e9f8a7b6c5, number: "+14155550123"}
"""


def test_failed_provisioning_and_zero_delay(server_factory, tmp_path):
    live = server_factory(Config(fixtures=[write_fixture(tmp_path, FAILING)]))
    api = client(live, ("11111111-2222-4333-8444-555555555555", "PTfail"))
    failed = api.post(E911, json={"e911_address_id": HQ_ADDRESS}).json()
    assert failed["e911_status"] == "failed"  # no delay: settled in the same response
    assert "failed" in details(api.delete(E911))[0]
    active = api.post(E911, json={"e911_address_id": BRANCH_ADDRESS}).json()
    assert active["e911_status"] == "active"
    assert api.delete(E911).json()["e911_status"] == "pending_removal"
