"""The official `signalwire-sdk` client's addresses and number groups, unchanged, in both profiles."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import NUMBERS, RECENT, client

rest = pytest.importorskip("signalwire.rest")


def test_addresses_create_list_get_delete_and_assign(server, sdk):
    created = sdk.addresses.create(
        label="Lab", country="US", first_name="Ada", last_name="Lovelace", street_number="12",
        street_name="Analytical Way", city="Portland", state="OR", postal_code="97204",
        address_type="Suite", address_number="3", extras={"emergency_enabled": True},
    )
    assert created["validated"] is True and created["address_type"] == "Suite"
    assert created["id"] in [a["id"] for a in sdk.addresses.list(filter_label="lab")["data"]]
    assert sdk.addresses.get(created["id"])["label"] == "Lab"
    # This SDK has no E911 assignment call: the address the SDK created is assigned over plain HTTP.
    number = client(server).post(f"{NUMBERS}/{RECENT}/e911_address", json={"e911_address_id": created["id"]}).json()
    assert number["e911_status"] == "pending" and number["e911_address_id"] == created["id"]

    with pytest.raises(rest.SignalWireRestError) as refused:
        sdk.addresses.create(label="Nowhere", country="US", first_name="A", last_name="B", street_number="1",
                             street_name="Road", city="City", state="XX", postal_code="00000",
                             extras={"emergency_enabled": True})
    assert refused.value.status_code == 422 and "not a US state" in refused.value.body["errors"][0]["detail"]

    assert sdk.addresses.delete(created["id"]) == {}
    with pytest.raises(rest.SignalWireRestError) as gone:
        sdk.addresses.get(created["id"])
    assert gone.value.status_code == 404


def test_number_groups_and_memberships(server, sdk):
    group = sdk.number_groups.create(name="Sales", sticky_sender=True)
    assert (group["name"], group["sticky_sender"], group["phone_number_count"]) == ("Sales", True, 0)
    renamed = sdk.number_groups.update(group["id"], name="Inside sales")
    assert renamed["name"] == "Inside sales" and renamed["sticky_sender"] is True
    assert "Inside sales" in [g["name"] for g in sdk.number_groups.list(filter_name="inside")["data"]]

    membership = sdk.number_groups.add_membership(group["id"], phone_number_id=RECENT)
    assert membership["phone_number"]["id"] == RECENT and membership["number_group_id"] == group["id"]
    assert sdk.number_groups.get_membership(membership["id"])["id"] == membership["id"]
    listed = sdk.number_groups.list_memberships(group["id"])
    assert [m["id"] for m in listed["data"]] == [membership["id"]]
    assert sdk.number_groups.get(group["id"])["phone_number_count"] == 1
    walked = [g["id"] for g in sdk.number_groups.paginate(page_size=1)]
    assert group["id"] in walked and len(walked) == len(set(walked)) == 2

    with pytest.raises(rest.SignalWireRestError) as twice:
        sdk.number_groups.add_membership(group["id"], phone_number_id=RECENT)
    assert twice.value.status_code == 422

    assert sdk.number_groups.delete_membership(membership["id"]) == {}
    assert sdk.number_groups.get(group["id"])["phone_number_count"] == 0
    assert sdk.number_groups.delete(group["id"]) == {}
    with pytest.raises(rest.SignalWireRestError) as gone:
        sdk.number_groups.get(group["id"])
    assert gone.value.status_code == 404
