"""A created virtual number conforms to the spec (the fuzz suite, tests/test_fuzz, rarely names a real subscription)."""

from __future__ import annotations

from telemock.contracts.validate import contract_for

from .support import KEY, PROJECT, SUBSCRIPTION


def test_a_created_number_conforms_to_the_spec(server):
    """Generated subscriptions rarely name a real one, so the 201 answer is checked on its own."""
    created = server.client("/gigs").post(
        f"/projects/{PROJECT}/virtualNumbers", json={"subscription": SUBSCRIPTION}, headers={"Authorization": f"Bearer {KEY}"}
    )
    assert created.status_code == 201
    violations = contract_for("gigs").check_response(
        "virtual_numbers_create", 201, created.headers["content-type"], created.content
    )
    assert violations == []
