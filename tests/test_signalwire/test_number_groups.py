"""Number groups and their memberships: CRUD, counts, paging, and a released number leaving its groups."""

from __future__ import annotations

from typing import Any

import pytest
from test_signalwire.helpers import (
    assert_valid,
    AUSTIN_IVR,
    BASE,
    MAIN_LINE,
    NUMBERS,
    RECENT,
    TOLL_FREE,
    admin,
    client,
    details,
    set_profile,
    spec_schema,
    state,
)

GROUPS = f"{BASE}/number_groups"
MEMBERSHIPS = f"{BASE}/number_group_memberships"
SUPPORT = "1e2d3c4b-5a69-4788-9a0b-c1d2e3f4a5b6"  # holds MAIN_LINE and TOLL_FREE
MAIN_IN_SUPPORT = "7a6b5c4d-3e2f-4109-8a7b-6c5d4e3f2a1b"
GROUP = spec_schema("NumberGroup")
GROUP_LIST = spec_schema("NumberGroupList")
MEMBERSHIP = spec_schema("NumberGroupMembership")
MEMBERSHIP_LIST = spec_schema("NumberGroupMembershipList")


def members(server: Any, group_id: str) -> list[str]:
    page = client(server).get(f"{GROUPS}/{group_id}/number_group_memberships", params={"page_size": 1000}).json()
    assert_valid(MEMBERSHIP_LIST, page)
    return [m["phone_number"]["id"] for m in page["data"]]


def add(server: Any, group_id: str, number_id: str, status: int = 200) -> Any:
    response = client(server).post(f"{GROUPS}/{group_id}/number_group_memberships", json={"phone_number_id": number_id})
    assert response.status_code == status, response.text
    return response.json()


def test_the_seeded_group_counts_its_numbers(server):
    listed = client(server).get(GROUPS).json()
    assert_valid(GROUP_LIST, listed)
    assert listed["data"] == [{"id": SUPPORT, "name": "Support lines", "sticky_sender": True, "phone_number_count": 2}]
    assert members(server, SUPPORT) == [TOLL_FREE, MAIN_LINE]  # newest membership first
    membership = client(server).get(f"{MEMBERSHIPS}/{MAIN_IN_SUPPORT}").json()
    assert_valid(MEMBERSHIP, membership)
    assert membership["number_group_id"] == SUPPORT
    assert membership["phone_number"] == {"id": MAIN_LINE, "name": "Main line", "number": "+15035550110",
                                          "capabilities": ["voice", "fax", "sms", "mms"]}


def test_create_update_add_remove_and_delete(server):
    api = client(server)
    created = api.post(GROUPS, json={"name": "Sales"})
    assert created.status_code == 200
    group = created.json()
    assert_valid(GROUP, group)
    assert (group["name"], group["sticky_sender"], group["phone_number_count"]) == ("Sales", False, 0)
    updated = api.put(f"{GROUPS}/{group['id']}", json={"sticky_sender": True}).json()
    assert (updated["name"], updated["sticky_sender"]) == ("Sales", True)  # merge: the name stays

    joined = add(server, group["id"], RECENT)
    assert_valid(MEMBERSHIP, joined)
    add(server, group["id"], MAIN_LINE)  # a number may be in several groups
    assert api.get(f"{GROUPS}/{group['id']}").json()["phone_number_count"] == 2
    assert details(api.post(f"{GROUPS}/{group['id']}/number_group_memberships",
                            json={"phone_number_id": RECENT})) == ["Phone number has already been taken"]

    assert api.delete(f"{MEMBERSHIPS}/{joined['id']}").status_code == 204
    assert api.get(f"{MEMBERSHIPS}/{joined['id']}").status_code == 404
    assert members(server, group["id"]) == [MAIN_LINE]
    add(server, group["id"], RECENT)  # it may join again

    assert api.delete(f"{GROUPS}/{group['id']}").status_code == 204
    for url in (f"{GROUPS}/{group['id']}", f"{GROUPS}/{group['id']}/number_group_memberships"):
        assert api.get(url).json() == {"error": "Not Found"}
    assert api.get(f"{NUMBERS}/{RECENT}").status_code == 200  # deleting a group releases no number
    assert [g["id"] for g in api.get(GROUPS).json()["data"]] == [SUPPORT]
    assert members(server, SUPPORT) == [TOLL_FREE, MAIN_LINE]


def test_a_released_number_leaves_every_group(server):
    api = client(server)
    sales = api.post(GROUPS, json={"name": "Sales"}).json()
    add(server, sales["id"], MAIN_LINE)
    assert api.delete(f"{NUMBERS}/{MAIN_LINE}").status_code == 204  # 120 days old: outside the window
    assert members(server, SUPPORT) == [TOLL_FREE] and members(server, sales["id"]) == []
    assert api.get(f"{GROUPS}/{SUPPORT}").json()["phone_number_count"] == 1
    assert api.get(f"{MEMBERSHIPS}/{MAIN_IN_SUPPORT}").status_code == 404
    assert details(api.post(f"{GROUPS}/{SUPPORT}/number_group_memberships",
                            json={"phone_number_id": MAIN_LINE})) == ["Phone number must exist"]


def test_refusals_change_nothing(server):
    api = client(server)
    before = state(server)
    assert details(api.post(GROUPS, json={"name": " "})) == ["Name can't be blank"]
    assert details(api.post(GROUPS, json={"sticky_sender": "yes", "size": 3})) == [
        "found unpermitted parameter: size", "Name can't be blank", "Sticky sender must be true or false"]
    assert details(api.put(f"{GROUPS}/{SUPPORT}", json={"name": 5})) == ["Name must be a string"]
    join = f"{GROUPS}/{SUPPORT}/number_group_memberships"
    assert details(api.post(join, json={"phone_number_id": "not-a-uuid"})) == ["Phone number is not a valid UUID"]
    assert details(api.post(join, json={})) == ["Phone number can't be blank"]
    unknown = "00000000-0000-4000-8000-000000000000"
    assert add(server, SUPPORT, unknown, 422) == {"errors": [
        {"detail": "Phone number must exist", "status": "422", "title": "Invalid Attribute", "code": "422"}]}
    assert add(server, unknown, AUSTIN_IVR, 404) == {"error": "Not Found"}  # the group is looked up first
    assert api.post(GROUPS, content=b'"x"', headers={"content-type": "application/json"}).status_code == 400
    assert state(server) == before


@pytest.mark.parametrize("path", [f"{GROUPS}/not-a-uuid", f"{MEMBERSHIPS}/not-a-uuid",
                                  f"{GROUPS}/00000000-0000-4000-8000-000000000000/number_group_memberships"])
def test_unknown_ids_are_404(server, path):
    response = client(server).get(path)
    assert response.status_code == 404 and response.json() == {"error": "Not Found"}


def test_pages_filters_and_paging_errors_as_422(server):
    api = client(server)
    for name in ("Alpha team", "Beta team", "Gamma"):
        api.post(GROUPS, json={"name": name}).raise_for_status()
    assert [g["name"] for g in api.get(GROUPS, params={"filter_name": "TEAM"}).json()["data"]] == ["Beta team", "Alpha team"]
    first = api.get(GROUPS, params={"page_size": 2}).json()
    assert first["links"]["next"].startswith("/api/relay/rest/number_groups?page_number=1&page_size=2&page_token=PA")
    second = api.get(first["links"]["next"]).json()
    assert [g["name"] for g in first["data"] + second["data"]] == ["Gamma", "Beta team", "Alpha team", "Support lines"]
    assert second["links"]["prev"] == "/api/relay/rest/number_groups?page_number=0&page_size=2"
    memberships = api.get(f"{GROUPS}/{SUPPORT}/number_group_memberships", params={"page_size": 1}).json()
    assert memberships["links"]["next"].startswith(f"/api/relay/rest/number_groups/{SUPPORT}/number_group_memberships?")
    assert [m["phone_number"]["id"] for m in api.get(memberships["links"]["next"]).json()["data"]] == [MAIN_LINE]
    for params in ({"page_size": 1001}, {"page_number": "one"}, {"page_number": 2}):
        assert api.get(GROUPS, params=params).status_code == 422


def test_the_observed_profile_answers_creates_with_201(server):
    set_profile(server, "observed")
    api = client(server)
    created = api.post(GROUPS, json={"name": "Sales"})
    assert created.status_code == 201
    joined = api.post(f"{GROUPS}/{created.json()['id']}/number_group_memberships", json={"phone_number_id": RECENT})
    assert joined.status_code == 201 and joined.json()["phone_number"]["id"] == RECENT


def test_group_state_survives_a_snapshot_round_trip(server):
    control = admin(server)
    client(server).post(GROUPS, json={"name": "Kept"}).raise_for_status()
    snapshot = control.get("/state").json()
    control.post("/reset").raise_for_status()
    control.put("/state", json=snapshot).raise_for_status()
    assert [g["name"] for g in client(server).get(GROUPS).json()["data"]] == ["Kept", "Support lines"]
    assert client(server).get(f"{GROUPS}/{SUPPORT}").json()["phone_number_count"] == 2
