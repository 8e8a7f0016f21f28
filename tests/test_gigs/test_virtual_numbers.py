"""Virtual numbers: exact shape, lifecycle on the virtual clock, cancel rules, filters, transitions."""

from __future__ import annotations

import re

import pytest

from telemock.emulator import Config

from .support import (
    ACTIVE_NUMBER,
    ENDED_NUMBER,
    ENDED_SUBSCRIPTION,
    OTHER_USER,
    PROJECT,
    SECONDS,
    SUBSCRIPTION,
    USER,
    VN_KEYS,
    error_of,
)

START = "2030-01-15T10:00:00Z"


@pytest.fixture
def frozen(admin):
    """The virtual clock frozen at START."""
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": START}).raise_for_status()
    return admin


def advance(admin, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def create(gigs, subscription: str = SUBSCRIPTION) -> dict:
    response = gigs.post("/virtualNumbers", json={"subscription": subscription})
    assert response.status_code == 201, response.text
    return response.json()


def test_fixture_number_has_every_key_in_order(gigs):
    body = gigs.get(f"/virtualNumbers/{ACTIVE_NUMBER}").json()
    assert list(body) == VN_KEYS
    assert body == {
        "object": "virtualNumber",
        "id": ACTIVE_NUMBER,
        "activatedAt": "2022-01-01T00:00:07Z",
        "canceledAt": None,
        "createdAt": "2022-01-01T00:00:00Z",
        "endedAt": None,
        "phoneNumber": "+447700900000",
        "status": "active",
        "subscription": SUBSCRIPTION,
        "user": USER,
    }


def test_create_starts_initiated_with_explicit_nulls(gigs, frozen):
    body = create(gigs)
    assert list(body) == VN_KEYS
    assert re.fullmatch(r"vnr_[A-Za-z0-9]{28}", body["id"])
    assert body["status"] == "initiated"
    assert body["createdAt"] == START
    assert body["activatedAt"] is None and body["canceledAt"] is None and body["endedAt"] is None
    assert body["phoneNumber"] is None
    assert body["user"] == USER
    assert gigs.get(f"/virtualNumbers/{body['id']}").json() == body


def test_lifecycle_follows_the_virtual_clock_lazily_on_read(gigs, frozen):
    number = create(gigs)
    url = f"/virtualNumbers/{number['id']}"
    advance(frozen, 1.5)
    assert gigs.get(url).json()["status"] == "initiated"
    advance(frozen, 1)  # 2.5 s: processing after 2 s
    processing = gigs.get(url).json()
    assert processing["status"] == "processing"
    assert processing["phoneNumber"] is None and processing["activatedAt"] is None
    advance(frozen, 10)  # active 5 s after processing, at 7 s
    active = gigs.get(url).json()
    assert active["status"] == "active"
    assert active["activatedAt"] == "2030-01-15T10:00:07Z"
    assert re.fullmatch(r"\+4477009\d{5}", active["phoneNumber"])


def test_delays_are_settings(server_factory):
    live = server_factory(
        Config(providers=["gigs"], settings={"gigs": {"processing_after_seconds": 60, "active_after_seconds": 3600, "assign_number_on": "processing"}})
    )
    admin = live.admin()
    admin.post("/clock/freeze")
    admin.post("/clock/set", json={"time": START})
    client = live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": "Bearer gigs_demo_key"})
    number = create(client)
    admin.post("/clock/advance", json={"seconds": 61})
    processing = client.get(f"/virtualNumbers/{number['id']}").json()
    assert processing["status"] == "processing" and processing["phoneNumber"] is not None
    admin.post("/clock/advance", json={"seconds": 3600})
    assert client.get(f"/virtualNumbers/{number['id']}").json()["activatedAt"] == "2030-01-15T11:01:00Z"


def test_cancel_active_number_ends_at_the_next_month_and_then_ends(gigs, frozen):
    number = create(gigs)
    advance(frozen, 3600)
    canceled = gigs.post(f"/virtualNumbers/{number['id']}/cancel")
    assert canceled.status_code == 200
    body = canceled.json()
    assert body["status"] == "active"
    assert body["canceledAt"] == "2030-01-15T11:00:00Z"
    assert body["endedAt"] == "2030-02-01T00:00:00Z"
    advance(frozen, 17 * 86400)
    body = gigs.get(f"/virtualNumbers/{number['id']}").json()
    assert body["status"] == "ended"
    assert body["endedAt"] == "2030-02-01T00:00:00Z"
    assert body["canceledAt"] == "2030-01-15T11:00:00Z"


def test_cancel_before_activation_ends_at_once(gigs, frozen):
    number = create(gigs)
    body = gigs.post(f"/virtualNumbers/{number['id']}/cancel").json()
    assert body["status"] == "ended"
    assert body["canceledAt"] == body["endedAt"] == START
    assert body["activatedAt"] is None
    advance(frozen, 3600)  # nothing happens to an ended number
    assert gigs.get(f"/virtualNumbers/{number['id']}").json() == body


def test_cancel_twice_or_after_end_is_conflict_and_changes_nothing(gigs, frozen):
    number = create(gigs)
    advance(frozen, 60)
    first = gigs.post(f"/virtualNumbers/{number['id']}/cancel").json()
    error_of(gigs.post(f"/virtualNumbers/{number['id']}/cancel"), 409, "conflict")
    assert gigs.get(f"/virtualNumbers/{number['id']}").json() == first
    error_of(gigs.post(f"/virtualNumbers/{ENDED_NUMBER}/cancel"), 409, "conflict")


def test_cancel_ignores_a_body(gigs, frozen):
    number = create(gigs)
    response = gigs.post(f"/virtualNumbers/{number['id']}/cancel", content=b"{garbage")
    assert response.status_code == 200


def test_cancel_end_can_be_a_delay(server_factory):
    live = server_factory(Config(providers=["gigs"], settings={"gigs": {"cancel_ends": "after_delay", "cancel_delay_seconds": 3600}}))
    admin = live.admin()
    admin.post("/clock/freeze")
    admin.post("/clock/set", json={"time": START})
    client = live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": "Bearer gigs_demo_key"})
    body = client.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel").json()
    assert body["endedAt"] == "2030-01-15T11:00:00Z" and body["status"] == "active"


def test_create_needs_an_existing_active_subscription(gigs):
    error_of(gigs.post("/virtualNumbers", json={"subscription": "sub_doesNotExist"}), 404, "notFound")
    error_of(gigs.post("/virtualNumbers", json={"subscription": ENDED_SUBSCRIPTION}), 409, "conflict")


def test_unknown_or_malformed_ids_are_not_found(gigs):
    for bad in ("vnr_unknown", "not-an-id", "sub_0SNlurA049MEWV2gSfSxi00xlPIi", "vnr_" + "a" * 80):
        error_of(gigs.get(f"/virtualNumbers/{bad}"), 404, "notFound")
        error_of(gigs.post(f"/virtualNumbers/{bad}/cancel"), 404, "notFound")


def test_list_filters_combine_with_and_and_values_with_or(gigs, frozen):
    created = create(gigs)
    all_ids = [n["id"] for n in gigs.get("/virtualNumbers").json()["items"]]
    assert all_ids == [created["id"], ACTIVE_NUMBER, ENDED_NUMBER]  # newest first
    by_status = gigs.get("/virtualNumbers", params={"status": "active,ended"}).json()["items"]
    assert [n["id"] for n in by_status] == [ACTIVE_NUMBER, ENDED_NUMBER]
    initiated = gigs.get("/virtualNumbers", params={"status": "initiated", "user": USER}).json()["items"]
    assert [n["id"] for n in initiated] == [created["id"]]
    assert gigs.get("/virtualNumbers", params={"user": OTHER_USER}).json()["items"] == []
    assert len(gigs.get("/virtualNumbers", params={"subscription": f"{SUBSCRIPTION},{ENDED_SUBSCRIPTION}"}).json()["items"]) == 3


@pytest.mark.parametrize(
    "params",
    [{"status": "canceled"}, {"status": "active,"}, {"user": "sub_x"}, {"subscription": "sub_a,,sub_b"}, {"status": "ACTIVE"}],
)
def test_bad_filter_values_are_invalid(gigs, params):
    error_of(gigs.get("/virtualNumbers", params=params), 400, "invalid")


def test_timestamps_are_whole_seconds(gigs, admin):
    number = create(gigs)
    assert SECONDS.match(number["createdAt"])


def test_timestamp_fraction_is_a_setting(server_factory):
    live = server_factory(Config(providers=["gigs"], settings={"gigs": {"timestamp_fraction": True}}))
    client = live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": "Bearer gigs_demo_key"})
    assert client.get(f"/virtualNumbers/{ACTIVE_NUMBER}").json()["createdAt"] == "2022-01-01T00:00:00.0Z"


def test_admin_transition_drives_the_lifecycle(gigs, admin, frozen):
    number = create(gigs)
    moved = admin.post(
        "/transition", json={"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": number["id"], "to": "active"}
    )
    assert moved.status_code == 200, moved.text
    assert moved.json()["status"] == "active" and moved.json()["activatedAt"] == START
    assert gigs.get(f"/virtualNumbers/{number['id']}").json() == moved.json()
    again = admin.post(
        "/transition", json={"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": number["id"], "to": "processing"}
    )
    assert again.status_code == 409
    ended = admin.post(
        "/transition", json={"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": number["id"], "to": "ended"}
    ).json()
    assert ended["status"] == "ended" and ended["endedAt"] == START
    missing = admin.post(
        "/transition", json={"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": "vnr_nope", "to": "active"}
    )
    assert missing.status_code == 404


def test_state_is_isolated_by_reset(gigs, admin):
    number = create(gigs)
    admin.post("/reset", json={"provider": "gigs", "tenant": PROJECT}).raise_for_status()
    error_of(gigs.get(f"/virtualNumbers/{number['id']}"), 404, "notFound")
    assert gigs.get(f"/virtualNumbers/{ACTIVE_NUMBER}").status_code == 200


def test_snapshot_round_trip_keeps_numbers_and_their_schedule(gigs, admin, frozen):
    number = create(gigs)
    snapshot = admin.get("/state").json()
    admin.post("/reset", json={"provider": "gigs"}).raise_for_status()
    error_of(gigs.get(f"/virtualNumbers/{number['id']}"), 404, "notFound")
    admin.put("/state", json=snapshot).raise_for_status()
    advance(frozen, 10)
    assert gigs.get(f"/virtualNumbers/{number['id']}").json()["status"] == "active"
