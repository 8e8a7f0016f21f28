"""schemathesis with the documented Gigs spec against the emulator: no 5xx, every response conforms.

The spec allows any project slug in the path; generated slugs would all stop at the 403 for a
foreign project. The run therefore pins `{project}` to the demo project for valid cases, so
the cases reach the handlers (negative cases still try other slugs and get the documented 403).
Nothing is excluded: `after` together with `before` is answered 400, which the spec documents.
"""

from __future__ import annotations

from contract_support import run_schemathesis
from contracts.validate import contract_for

from .support import KEY, PROJECT, SUBSCRIPTION


def test_documented_profile_conforms_to_the_spec(server):
    failures = run_schemathesis(
        server.url, "gigs", headers={"Authorization": f"Bearer {KEY}"}, path_parameters={"project": PROJECT}, max_examples=15
    )
    assert failures == []
    assert server.admin().get("/health").status_code == 200
    statuses = {e["status"] for e in server.admin().get("/journal", params={"provider": "gigs"}).json()["entries"]}
    assert {200, 400, 404}.issubset(statuses)  # the cases went past authentication and the project check


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
