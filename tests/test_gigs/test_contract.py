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


# The example of the com.gigs.virtualNumber.created schema page (developers.gigs.com, version
# 2026-01-29): its `data` is an activated and canceled number, and the page gives
# `datacontenttype` and `source` as strings with defaults, not as fixed values.
DOCUMENTED_CREATED = {
    "object": "event",
    "id": "evt_0SNlurA049MEWV5gNTcQ5A07h3Ol",
    "actor": {"type": "user", "user": "usr_0SNlurA049MEWV4OpCwsNyC9Kn2d"},
    "data": {
        "object": "virtualNumber",
        "id": "vnr_0SNlurA049MEWV29mxRtSMDnKtUD",
        "activatedAt": "2020-01-01T00:00:07Z",
        "canceledAt": "2020-07-15T00:00:00Z",
        "createdAt": "2020-01-01T00:00:00Z",
        "endedAt": "2020-08-01T00:00:00Z",
        "phoneNumber": "+447700900000",
        "status": "active",
        "subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi",
        "user": "usr_0SNlurA049MEWV4OpCwsNyC9Kn2d",
    },
    "datacontenttype": "application/json",
    "project": "gigs",
    "source": "https://api.gigs.com",
    "specversion": "1.0",
    "time": "2022-03-16T14:12:42Z",
    "type": "com.gigs.virtualNumber.created",
    "version": "2026-01-29",
}


def test_the_documented_event_examples_conform_to_the_spec():
    gigs = contract_for("gigs")
    assert gigs.check_event("com.gigs.virtualNumber.created", DOCUMENTED_CREATED) == []
    canceled = {**DOCUMENTED_CREATED, "type": "com.gigs.virtualNumber.canceled", "version": "2025-05-22"}
    assert gigs.check_event("com.gigs.virtualNumber.canceled", canceled) == []


def test_event_attributes_with_documented_defaults_are_not_fixed_values():
    """`datacontenttype` and `source` are strings whose defaults the emulator sends; other values conform too."""
    other = {**DOCUMENTED_CREATED, "datacontenttype": "application/cloudevents+json", "source": "https://api.gigs.com/v2"}
    assert contract_for("gigs").check_event("com.gigs.virtualNumber.created", other) == []
    assert contract_for("gigs").check_event("com.gigs.virtualNumber.created", {**other, "source": 7}) != []
