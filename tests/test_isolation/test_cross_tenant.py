"""Tenant A never sees or touches tenant B's objects, through any operation of any provider.

A's credentials with B's real ids in the path are refused the way each provider refuses a
foreign object (VoIPBIN 403 after an existence check, SignalWire and VoiceOS 404, Gigs 403 for
a foreign project and 404 for a foreign object in A's own project, SignalWire's compatibility
API 401 for a foreign account and 404 for a foreign number in A's own); B's state stays as it was.
Everything A can read is read, and none of B's ids, numbers, names or secrets appear in it, nor
the other way round.
"""

from __future__ import annotations

import pytest
from test_hostile.catalog import Findings, Operation, all_operations, error_problem

from .support import call, leaked

WITH_PATH_IDS = [op for op in all_operations() if op.secured and op.path_params]
READS = [op for op in all_operations() if op.method == "GET"]

# How each provider refuses an object of another tenant named in the path.
FOREIGN_OBJECT_STATUS = {"voipbin": 403, "signalwire": 404, "voiceos": 404, "gigs": 403}
# Paths that name the tenant itself, and A's value for it: B's objects under A's own name are
# foreign objects, refused as not found; B's name in the path is refused as a foreign tenant.
OWN_NAME = {"gigs": (("projects", "project"), "demo"),
            "signalwire": (("Accounts", "AccountSid"), "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f")}
FOREIGN_TENANT_STATUS = {"gigs": 403, "signalwire": 401}
# Not tenant data: SignalWire's lookup describes any number in the world, including B's.
PUBLIC_LOOKUPS = {"signalwire:lookup_phone_number"}


def check_refusal(findings: Findings, where: str, op: Operation, response, expected: int) -> None:
    if response.status_code != expected:
        findings.add(where, f"expected {expected}, got {response.status_code}: {response.text[:200]}")
        return
    problem = error_problem(op.provider, op.operation_id, response.status_code,
                            response.headers.get("content-type", "").split(";")[0], response.content)
    if problem:
        findings.add(where, problem)


@pytest.mark.parametrize("op", WITH_PATH_IDS, ids=str)
def test_another_tenants_ids_in_the_path_are_refused_and_leave_it_untouched(world, op: Operation) -> None:
    client = world.client()
    findings = Findings()
    before = world.tenant_states()[op.provider]
    b_markers = world.b.markers[op.provider]

    own_name = OWN_NAME.get(op.provider)
    names_tenant = own_name is not None and own_name[0][1] in op.path_params
    attempts = [("all path ids of B", False)]
    if names_tenant and len(op.path_params) > 1 and "IsoCountry" not in op.path_params:
        attempts.append(("B's ids under A's own name", True))
    for label, keep_a in attempts:
        values = dict(world.b.path_values[op.provider])
        if keep_a and own_name is not None:
            values[own_name[0]] = own_name[1]
        response, sent = call(client, op, values, world.a.credentials[op.provider])
        where = f"{op} [{label}]"
        if str(op) in PUBLIC_LOOKUPS:
            if response.status_code >= 500:
                findings.add(where, f"{response.status_code}")
        else:
            if keep_a:
                expected = 404
            elif names_tenant:
                expected = FOREIGN_TENANT_STATUS[op.provider]
            else:
                expected = FOREIGN_OBJECT_STATUS[op.provider]
            check_refusal(findings, where, op, response, expected)
        if leaks := leaked(b_markers, response, sent):
            findings.add(where, f"tenant B's data in the answer: {leaks}")
    assert world.tenant_states()[op.provider] == before, "tenant state changed"
    assert not findings, findings.report()


@pytest.mark.parametrize("direction", ["A reads, B stays hidden", "B reads, A stays hidden"])
def test_everything_a_tenant_can_read_shows_nothing_of_the_other(world, direction: str) -> None:
    reader, other = (world.a, world.b) if direction.startswith("A") else (world.b, world.a)
    client = world.client()
    findings = Findings()
    for op in READS:
        listing = {"page_size": "100"} if op.provider in ("voipbin", "signalwire") else {"limit": "100"}
        for query in ({}, listing if "page_size" in op.query or "limit" in op.query else None):
            if query is None:
                continue
            response, sent = call(client, op, reader.path_values[op.provider], reader.credentials.get(op.provider),
                                  extra_query=query)
            where = f"{op} {query or ''}"
            if response.status_code >= 500:
                findings.add(where, f"{response.status_code}: {response.text[:200]}")
            if leaks := leaked(other.markers[op.provider], response, sent):
                findings.add(where, f"{other.name}'s data: {leaks}")
    assert not findings, findings.report()


# A's own objects, with a reference to one of B's objects in the body.
FOREIGN_REFERENCES = [
    ("voipbin:numbers_update", {"name": "x", "call_flow_id": "b0b0b0b0-0000-4000-8000-0000000f1011"}, 404),
    ("voipbin:activeflows_create", {"flow_id": "b0b0b0b0-0000-4000-8000-0000000f1011"}, 403),
    ("voipbin:flows_create", {"name": "x", "actions": [{"type": "answer"}],
                              "on_complete_flow_id": "b0b0b0b0-0000-4000-8000-0000000f1011"}, 403),
    ("voipbin:numbers_create", {"number": "+899100000777", "type": "virtual"}, 409),
    ("voipbin:customer_update_billing_account_id", {"billing_account_id": "b0b0b0b0-0000-4000-8000-0000000b111b"}, 403),
    ("signalwire:e911_address_assign", {"e911_address_id": "b0b0b0b0-1111-4111-8111-0000000e9110"}, 422),
    ("signalwire:phone_numbers_purchase", {"number": "+13035550199"}, 422),
    ("signalwire:number_group_memberships_create", {"phone_number_id": "b0b0b0b0-1111-4111-8111-00000000a002"}, 422),
    ("signalwire:laml_incoming_phone_numbers_create", {"PhoneNumber": "+13035550199"}, 422),
    ("signalwire:laml_incoming_phone_numbers_update", {"EmergencyAddressSid": "b0b0b0b0-1111-4111-8111-0000000e9110"}, 400),
    ("voiceos:phone_numbers_update", {"inbound_agent_id": "agt_b0b0b0b0b0b0b0b0b0b0b0b0"}, 404),
    ("voiceos:phone_numbers_buy", {"phone_number": "+13105550777"}, 400),
    ("voiceos:conversations_create_phone_call",
     {"from_number": "+13105550777", "to_number": "+14155550177", "agent_id": "agt_62f9a507d6373d81b927a3dc"}, 404),
    ("voiceos:conversations_create_phone_call",
     {"from_number": "+14155550101", "to_number": "+14155550177", "agent_id": "agt_b0b0b0b0b0b0b0b0b0b0b0b0"}, 404),
    ("gigs:virtual_numbers_create", {"subscription": "sub_TenantB0001"}, 404),
]
OPS_BY_NAME = {str(op): op for op in all_operations()}


@pytest.mark.parametrize("name,body,expected", FOREIGN_REFERENCES, ids=[r[0] for r in FOREIGN_REFERENCES])
def test_a_body_naming_another_tenants_object_is_refused(world, name: str, body: dict, expected: int) -> None:
    """A cannot attach B's flow, address, agent or subscription, nor take or call from B's number."""
    op = OPS_BY_NAME[name]
    before = world.tenant_states()[op.provider]
    response, sent = call(world.client(), op, world.a.path_values[op.provider], world.a.credentials[op.provider], body=body)
    assert response.status_code == expected, response.text
    assert error_problem(op.provider, op.operation_id, response.status_code,
                         response.headers.get("content-type", "").split(";")[0], response.content) is None
    assert leaked(world.b.markers[op.provider], response, sent) == []
    assert world.tenant_states()[op.provider] == before


def test_a_voipbin_number_pointed_at_another_customers_flow_never_runs_it(world) -> None:
    """`PUT /numbers/{id}/flow_ids` stores any UUID, as the service does; a call must still not run B's flow."""
    client = world.client()
    a = world.a.credentials["voipbin"].httpx_kwargs()
    number = "0b266038-844b-11ec-97d8-63ba531361ce"
    stored = client.put(f"/voipbin/v1.0/numbers/{number}/flow_ids", json={"call_flow_id": "b0b0b0b0-0000-4000-8000-0000000f1011"}, **a)
    assert stored.status_code == 200
    simulated = world.observer.admin.post("/simulate/inbound-call", json={"provider": "voipbin", "to": "+821100000001",
                                                                          "from": "+15550001111"})
    assert simulated.status_code == 200 and simulated.json()["activeflow"] is None
    listed = client.get("/voipbin/v1.0/activeflows", **a)
    assert "b0b0b0b0-0000-4000-8000-0000000f1011" not in listed.text
