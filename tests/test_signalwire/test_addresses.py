"""E911 addresses: list, create (with the carrier's check), retrieve, update, delete, and their use on numbers."""

from __future__ import annotations

from typing import Any

import pytest
from test_signalwire.helpers import (
    assert_valid,
    BASE,
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
    set_profile,
    spec_schema,
    state,
)

ADDRESSES = f"{BASE}/addresses"
ADDRESS = spec_schema("Address")
ADDRESS_LIST = spec_schema("AddressList")
REFUSED = spec_schema("AddressValidationError")
VALID = {
    "label": "Warehouse", "country": "US", "first_name": "Emmett", "last_name": "Brown", "street_number": "1640",
    "street_name": "Riverside Drive", "city": "Hill Valley", "state": "CA", "postal_code": "91905",
}


def create(server: Any, status: int = 200, **changes: Any) -> Any:
    response = client(server).post(ADDRESSES, json={**VALID, **changes})
    assert response.status_code == status, response.text
    return response.json()


def test_seeded_addresses_are_listed_newest_first_in_the_reference_shape(server):
    body = client(server).get(ADDRESSES).json()
    assert_valid(ADDRESS_LIST, body)
    assert [a["id"] for a in body["data"]] == [UNVALIDATED_ADDRESS, BRANCH_ADDRESS, HQ_ADDRESS]
    branch = client(server).get(f"{ADDRESSES}/{BRANCH_ADDRESS}").json()
    validated_at = branch.pop("validated_at")
    assert validated_at.endswith("Z")
    assert branch == {
        "id": BRANCH_ADDRESS, "label": "Branch, 500 Congress Ave, Austin TX", "country": "US", "first_name": "Grace",
        "last_name": "Hopper", "street_number": "500", "street_name": "Congress Ave", "address_type": "Suite",
        "address_number": "210", "city": "Austin", "state": "TX", "postal_code": "78701", "zip_code": "78701",
        "emergency_enabled": True, "validated": True,
    }
    unvalidated = client(server).get(f"{ADDRESSES}/{UNVALIDATED_ADDRESS}").json()
    assert (unvalidated["validated"], unvalidated["emergency_enabled"], unvalidated["validated_at"]) == (False, False, None)


def test_an_emergency_address_created_through_the_api_can_be_assigned(server):
    freeze(server)
    created = create(server, emergency_enabled=True)
    assert_valid(ADDRESS, created)
    assert (created["validated"], created["emergency_enabled"]) == (True, True) and created["validated_at"]
    assert client(server).get(f"{ADDRESSES}/{created['id']}").json() == created
    assigned = client(server).post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": created["id"]})
    assert assigned.status_code == 200 and assigned.json()["e911_status"] == "pending"
    advance(server, 121)  # the activation delay, counted from the assignment's write stamp
    number = client(server).get(f"{NUMBERS}/{RECENT}").json()
    assert (number["e911_address_id"], number["e911_status"]) == (created["id"], "active")


def test_the_carrier_corrects_small_errors_or_offers_the_correction(server):
    corrected = create(server, emergency_enabled=True, state="ca", street_name="  Riverside   Drive ")
    assert (corrected["state"], corrected["street_name"], corrected["validated"]) == ("CA", "Riverside Drive", True)

    before = state(server)["addresses"]
    refused = client(server).post(ADDRESSES, json={**VALID, "state": "ca", "emergency_enabled": True,
                                                   "auto_correct_address": False})
    assert_valid(REFUSED, refused.json())
    assert details(refused) == [
        "The carrier suggests a corrected address (see candidates); send it, or set auto_correct_address to true"
    ]
    assert refused.json()["candidates"] == [{"street_number": "1640", "street_name": "Riverside Drive",
                                             "city": "Hill Valley", "state": "CA", "postal_code": "91905"}]
    assert state(server)["addresses"] == before


@pytest.mark.parametrize("changes,problem", [
    ({"state": "XX"}, "'XX' is not a US state"),
    ({"postal_code": "9190"}, "'9190' is not a US ZIP code"),
])
def test_an_address_the_carrier_cannot_place_is_refused_without_candidates(server, changes, problem):
    refused = client(server).post(ADDRESSES, json={**VALID, **changes, "emergency_enabled": True})
    assert [f"The carrier could not validate the address: {problem}"] == details(refused)
    assert "candidates" not in refused.json()
    assert len(client(server).get(ADDRESSES).json()["data"]) == 3


def test_without_emergency_or_outside_the_us_nothing_is_validated_and_numbers_refuse_it(server):
    plain = create(server, state="XX")  # not checked at all
    foreign = create(server, country="DE", state="BE", postal_code="10115", emergency_enabled=True)
    for address in (plain, foreign):
        assert (address["validated"], address["emergency_enabled"], address["validated_at"]) == (False, False, None)
        refused = client(server).post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": address["id"]})
        assert details(refused) == ["e911_address_id refers to an address that has not been validated"]


def test_bad_bodies_report_every_problem_and_store_nothing(server):
    api = client(server)
    assert details(api.post(ADDRESSES, json={"label": "x"})) == [
        "Country can't be blank", "First name can't be blank", "Last name can't be blank",
        "Street number can't be blank", "Street name can't be blank", "City can't be blank", "State can't be blank",
        "Postal code can't be blank",
    ]
    problems = details(api.post(ADDRESSES, json={
        **VALID, "label": "x" * 251, "country": "usa", "address_type": "Castle", "city": 7, "emergency_enabled": "yes",
        "colour": "blue"}))
    assert problems == [
        "found unpermitted parameter: colour", "Label is too long (maximum is 250 characters)",
        "Country is not a valid ISO 3166 alpha-2 code", "Address type is not included in the list",
        "City must be a string", "Emergency enabled must be true or false",
    ]
    assert api.post(ADDRESSES, content=b"[1]", headers={"content-type": "application/json"}).status_code == 400
    assert len(api.get(ADDRESSES).json()["data"]) == 3


def test_update_merges_and_follows_this_requests_emergency_flag(server):
    api = client(server)
    url = f"{ADDRESSES}/{HQ_ADDRESS}"
    renamed = api.put(url, json={"label": "Head office", "address_number": None})
    assert renamed.status_code == 200
    body = renamed.json()
    assert (body["label"], body["city"], body["address_number"]) == ("Head office", "Portland", None)
    assert (body["validated"], body["emergency_enabled"]) == (False, False)  # sent without emergency_enabled
    revalidated = api.put(url, json={"emergency_enabled": True}).json()
    assert (revalidated["validated"], revalidated["label"]) == (True, "Head office")
    assert details(api.put(url, json={"label": " ", "emergency_enabled": True})) == ["Label can't be blank"]
    assert details(api.put(url, json={"state": "XX", "emergency_enabled": True})) == [
        "The carrier could not validate the address: 'XX' is not a US state"
    ]
    assert api.get(url).json() == revalidated


def test_a_deleted_address_is_gone_but_stays_on_its_numbers(server):
    api = client(server)
    url = f"{ADDRESSES}/{HQ_ADDRESS}"
    assert api.delete(url).status_code == 204
    for method in ("GET", "PUT", "DELETE"):
        gone = api.request(method, url, json={"label": "x"} if method == "PUT" else None)
        assert gone.status_code == 404 and gone.json() == {"error": "Not Found"}
    assert HQ_ADDRESS not in [a["id"] for a in api.get(ADDRESSES).json()["data"]]
    number = api.get(f"{NUMBERS}/{MAIN_LINE}").json()
    assert (number["e911_address_id"], number["e911_status"]) == (HQ_ADDRESS, "active")
    refused = api.post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": HQ_ADDRESS})
    assert details(refused) == ["e911_address_id does not match a validated address of this project"]


@pytest.mark.parametrize("address_id", ["00000000-0000-4000-8000-000000000000", "not-a-uuid"])
def test_unknown_addresses_are_404(server, address_id):
    for method in ("GET", "PUT", "DELETE"):
        response = client(server).request(method, f"{ADDRESSES}/{address_id}", json={} if method == "PUT" else None)
        assert response.status_code == 404 and response.json() == {"error": "Not Found"}


def test_pages_filters_and_paging_errors_as_422(server):
    api = client(server)
    for label in ("Depot A", "Depot B"):
        create(server, label=label)
    first = api.get(ADDRESSES, params={"page_size": 2, "filter_label": "depot"}).json()
    assert [a["label"] for a in first["data"]] == ["Depot B", "Depot A"] and "next" not in first["links"]
    walked, url = [], f"{ADDRESSES}?page_size=2"
    while url:
        page = api.get(url).json()
        assert_valid(ADDRESS_LIST, page)
        walked += [a["id"] for a in page["data"]]
        url = page["links"].get("next")
    assert len(walked) == len(set(walked)) == 5
    for params in ({"page_size": 0}, {"page_number": 1}, {"page_number": 1, "page_token": "PAnope"},
                   {"page_number": 1, "page_token": "PA00000000-0000-4000-8000-000000000000"}):
        assert api.get(ADDRESSES, params=params).status_code == 422


def test_the_observed_profile_answers_a_create_with_201(server):
    set_profile(server, "observed")
    created = create(server, 201)
    assert client(server).get(f"{ADDRESSES}/{created['id']}").status_code == 200


def test_a_snapshot_from_before_the_addresses_api_is_upgraded(server):
    control = admin(server)
    snapshot = control.get("/state").json()["providers"]["signalwire"]
    tenant = snapshot["tenants"]["demo"]
    tenant["addresses"] = {HQ_ADDRESS: {"label": "Old HQ", "validated": True, "provisioning_fails": False}}
    for key in ("number_groups", "number_group_memberships"):
        del tenant[key]
    for number in tenant["numbers"].values():
        del number["message_swml_webhook"]
    control.put("/state", json={"providers": {"signalwire": snapshot}}).raise_for_status()
    api = client(server)
    (old,) = api.get(ADDRESSES).json()["data"]
    assert (old["id"], old["label"], old["validated"], old["validated_at"]) == (HQ_ADDRESS, "Old HQ", True, None)
    assert api.get(f"{BASE}/number_groups").json()["data"] == []
    assert api.get(f"{NUMBERS}/{MAIN_LINE}").json()["messaging_handler_resource_id"] is None
    assert create(server)["validated"] is False
