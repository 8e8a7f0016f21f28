"""Bugs the fuzzer found, pinned down as plain requests."""

from __future__ import annotations

HEADERS = {"Authorization": "Bearer gigs_demo_key", "Idempotency-Key": "same-key"}
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"


def test_a_gigs_idempotency_key_is_scoped_to_its_operation(server):
    """A key first used on create was replayed on cancel (201 from cancel) and vice versa (200 from create)."""
    gigs = server.client("/gigs/projects/demo")
    created = gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}, headers=HEADERS)
    assert created.status_code == 201
    number = created.json()["id"]
    canceled = gigs.post(f"/virtualNumbers/{number}/cancel", headers=HEADERS)
    assert canceled.status_code == 200 and canceled.json()["canceledAt"] is not None
    again = gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}, headers=HEADERS)
    assert (again.status_code, again.json()) == (201, created.json())  # still replayed on its own operation
