"""Idempotency-Key on POST: the first success is replayed for 24 h of virtual time; failures are not stored."""

from __future__ import annotations

from telemock.emulator import Config

from .support import ACTIVE_NUMBER, ENDED_SUBSCRIPTION, SUBSCRIPTION, error_of


def create(gigs, key: str, subscription: str = SUBSCRIPTION):
    return gigs.post("/virtualNumbers", json={"subscription": subscription}, headers={"Idempotency-Key": key})


def count(gigs) -> int:
    return len(gigs.get("/virtualNumbers", params={"limit": 200}).json()["items"])


def test_same_key_replays_the_first_response_and_creates_once(gigs):
    first = create(gigs, "k-1")
    second = create(gigs, "k-1")
    assert first.status_code == second.status_code == 201
    assert second.json() == first.json()
    assert count(gigs) == 3
    third = create(gigs, "k-2")
    assert third.json()["id"] != first.json()["id"]
    assert count(gigs) == 4


def test_replay_does_not_depend_on_the_body(gigs):
    first = create(gigs, "k-body")
    replay = gigs.post("/virtualNumbers", json={"bogus": True}, headers={"Idempotency-Key": "k-body"})
    assert replay.status_code == 201 and replay.json() == first.json()


def test_replay_shows_the_stored_state_not_the_current_one(gigs, admin):
    admin.post("/clock/freeze")
    first = create(gigs, "k-old").json()
    admin.post("/clock/advance", json={"seconds": 60})
    assert gigs.get(f"/virtualNumbers/{first['id']}").json()["status"] == "active"
    assert create(gigs, "k-old").json()["status"] == "initiated"


def test_failures_are_not_stored(gigs):
    error_of(create(gigs, "k-fail", ENDED_SUBSCRIPTION), 409, "conflict")
    retried = create(gigs, "k-fail")
    assert retried.status_code == 201


def test_keys_expire_after_24_hours_of_virtual_time(gigs, admin):
    admin.post("/clock/freeze")
    first = create(gigs, "k-ttl").json()
    admin.post("/clock/advance", json={"seconds": 24 * 3600 - 1})
    assert create(gigs, "k-ttl").json()["id"] == first["id"]
    admin.post("/clock/advance", json={"seconds": 2})
    assert create(gigs, "k-ttl").json()["id"] != first["id"]


def test_cancel_is_replayed_instead_of_conflicting(gigs):
    first = gigs.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel", headers={"Idempotency-Key": "c-1"})
    again = gigs.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel", headers={"Idempotency-Key": "c-1"})
    assert first.status_code == again.status_code == 200
    assert again.json() == first.json()
    error_of(gigs.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel", headers={"Idempotency-Key": "c-2"}), 409, "conflict")


def test_keys_are_per_project_state_and_reset_clears_them(gigs, admin):
    first = create(gigs, "k-reset").json()
    admin.post("/reset", json={"provider": "gigs", "tenant": "demo"})
    assert create(gigs, "k-reset").json()["id"] != first["id"]


def test_bad_keys_are_invalid_before_the_path_is_checked(server, gigs):
    error_of(create(gigs, "x" * 256), 400, "invalid")
    assert create(gigs, "x" * 255).status_code == 201
    client = server.client("/gigs", headers={"Authorization": "Bearer gigs_demo_key", "Idempotency-Key": "y" * 300})
    error_of(client.post("/projects/other/virtualNumbers", json={}), 400, "invalid")


def test_the_header_is_ignored_on_get(gigs):
    response = gigs.get("/virtualNumbers", headers={"Idempotency-Key": "x" * 300})
    assert response.status_code == 200


def test_projects_outside_the_beta_reject_the_header(server_factory, tmp_path):
    fixture = tmp_path / "gigs.yaml"
    fixture.write_text(
        "gigs:\n  projects:\n    - id: nobeta\n      idempotency_keys: false\n      api_keys: [{key: k_nobeta}]\n"
        "      users: [{id: usr_a, email: a@example.com}]\n      subscriptions: [{id: sub_a, user: usr_a}]\n"
    )
    live = server_factory(Config(providers=["gigs"], fixtures=[fixture]))
    client = live.client("/gigs/projects/nobeta", headers={"Authorization": "Bearer k_nobeta"})
    error_of(client.post("/virtualNumbers", json={"subscription": "sub_a"}, headers={"Idempotency-Key": "k"}), 400, "invalid")
    assert client.post("/virtualNumbers", json={"subscription": "sub_a"}).status_code == 201
