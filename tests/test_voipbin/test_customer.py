"""`PUT /v1.0/customer/metadata` and `PUT /v1.0/customer/billing_account_id`: body, order of
checks, permission, state, and what the customer's `rtp_debug` does to calls."""

from __future__ import annotations

import httpx
import pytest

from telemock.contracts.validate import contract_for

from .support import NIL, TALK_NUMBER, error_of

CONTRACT = contract_for("voipbin")
DEMO_ACCOUNT = "c0ffee00-b111-4a11-8b11-000000000001"
OTHER_ACCOUNT = "c0ffee00-b222-4a22-8b22-000000000002"
DELETED_ACCOUNT = "c0ffee00-b333-4a33-8b33-000000000003"


def conforms(operation: str, response: httpx.Response) -> None:
    assert CONTRACT.check_response(operation, response.status_code, "application/json", response.content) == []


@pytest.fixture
def manager(server) -> httpx.Client:
    """A CustomerManager login of a second customer, `crew`, which also owns two billing accounts."""
    crew = {
        "tenant": "crew",
        "accesskeys": [{"key": "crew-key"}],
        "users": [{"username": "crew-mgr", "password": "pw", "permission": "manager"}],
        "billing_accounts": [{"id": OTHER_ACCOUNT}, {"id": DELETED_ACCOUNT, "deleted": True}],
    }
    server.admin().post("/fixtures", json={"voipbin": {"customers": [crew]}}).raise_for_status()
    token = server.client("/voipbin").post("/auth/login", json={"username": "crew-mgr", "password": "pw"}).json()["token"]
    return server.client("/voipbin/v1.0", headers={"Authorization": f"Bearer {token}"})


# --- metadata -------------------------------------------------------------------------------------


def test_metadata_is_replaced_and_kept(vb):
    before = vb.get("/customer").json()
    assert before["metadata"] == {"rtp_debug": False}
    response = vb.put("/customer/metadata", json={"rtp_debug": True})
    assert response.status_code == 200
    conforms("customer_update_metadata", response)
    customer = response.json()
    assert customer["metadata"] == {"rtp_debug": True}
    assert "webhook_secret" not in customer  # only GET shows it
    assert customer["tm_update"] != before["tm_update"]
    assert vb.get("/customer").json()["metadata"] == {"rtp_debug": True}
    # A body without the flag clears it, as the service binds a missing *bool to false.
    assert vb.put("/customer/metadata", json={}).json()["metadata"] == {"rtp_debug": False}


@pytest.mark.parametrize("body", [b"{nope", b"[true]", b'{"rtp_debug": "yes"}', b'{"rtp_debug": 1}'])
def test_metadata_refuses_what_does_not_bind_and_changes_nothing(vb, body):
    before = vb.get("/customer").json()
    response = vb.put("/customer/metadata", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and error_of(response)["reason"] == "INVALID_JSON_BODY"
    conforms("customer_update_metadata", response)
    assert vb.get("/customer").json() == before


def test_metadata_needs_credentials_then_customer_admin(server, manager):
    anon = server.client("/voipbin/v1.0")
    assert error_of(anon.put("/customer/metadata", json={"rtp_debug": True}))["reason"] == "AUTHENTICATION_REQUIRED"
    # The body binds before the permission is checked.
    assert error_of(manager.put("/customer/metadata", content=b"{nope"))["reason"] == "INVALID_JSON_BODY"
    denied = manager.put("/customer/metadata", json={"rtp_debug": True})
    assert denied.status_code == 403 and error_of(denied)["reason"] == "PERMISSION_DENIED"
    conforms("customer_update_metadata", denied)
    assert manager.get("/customer").json()["metadata"] == {"rtp_debug": False}


def test_the_customers_or_the_numbers_rtp_debug_marks_its_calls(vb, admin):
    def call_metadata() -> dict:
        answer = admin.post("/simulate/inbound-call", json={"provider": "voipbin", "to": "+821100000001", "from": "+15557654321"})
        return answer.json()["call"]["metadata"]

    assert call_metadata() == {}
    vb.put("/customer/metadata", json={"rtp_debug": True}).raise_for_status()
    assert call_metadata() == {"rtp_debug": True}
    vb.put("/customer/metadata", json={"rtp_debug": False}).raise_for_status()
    vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": True}).raise_for_status()
    assert call_metadata() == {"rtp_debug": True}  # either one enables the capture


# --- billing account ------------------------------------------------------------------------------


def test_billing_account_becomes_the_default(vb):
    assert vb.get("/customer").json()["billing_account_id"] == NIL
    response = vb.put("/customer/billing_account_id", json={"billing_account_id": DEMO_ACCOUNT})
    assert response.status_code == 200
    conforms("customer_update_billing_account_id", response)
    assert response.json()["billing_account_id"] == DEMO_ACCOUNT
    assert vb.get("/customer").json()["billing_account_id"] == DEMO_ACCOUNT
    # Any UUID spelling uuid.FromString reads names the same account.
    upper = vb.put("/customer/billing_account_id", json={"billing_account_id": DEMO_ACCOUNT.upper()})
    assert upper.status_code == 200 and upper.json()["billing_account_id"] == DEMO_ACCOUNT


@pytest.mark.parametrize(
    "body,reason",
    [
        (b"{nope", "INVALID_JSON_BODY"),
        (b'{"billing_account_id": 7}', "INVALID_JSON_BODY"),
        (b"{}", "INVALID_ID"),
        (b'{"billing_account_id": "not-a-uuid"}', "INVALID_ID"),
        (b'{"billing_account_id": "00000000-0000-0000-0000-000000000000"}', "INVALID_ID"),
    ],
)
def test_billing_account_refuses_bad_bodies_and_changes_nothing(vb, body, reason):
    before = vb.get("/customer").json()
    response = vb.put("/customer/billing_account_id", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400 and error_of(response)["reason"] == reason
    conforms("customer_update_billing_account_id", response)
    assert vb.get("/customer").json() == before


def test_billing_account_must_exist_be_live_and_be_the_customers(server, vb, manager):
    before = vb.get("/customer").json()
    cases = [
        ("7d3c9f4e-1111-4222-8333-944455556666", 404, "BILLING_ACCOUNT_NOT_FOUND"),
        (DELETED_ACCOUNT, 404, "RESOURCE_NOT_FOUND"),
        (OTHER_ACCOUNT, 403, "PERMISSION_DENIED"),  # crew's account
    ]
    for account, status, reason in cases:
        response = vb.put("/customer/billing_account_id", json={"billing_account_id": account})
        assert response.status_code == status and error_of(response)["reason"] == reason, account
        conforms("customer_update_billing_account_id", response)
    assert vb.get("/customer").json() == before
    # CustomerAdmin is checked before the account is looked up.
    denied = manager.put("/customer/billing_account_id", json={"billing_account_id": "7d3c9f4e-1111-4222-8333-944455556666"})
    assert denied.status_code == 403 and error_of(denied)["reason"] == "PERMISSION_DENIED"
    owner = server.client("/voipbin/v1.0", params={"accesskey": "crew-key"})
    assert owner.put("/customer/billing_account_id", json={"billing_account_id": OTHER_ACCOUNT}).status_code == 200


def test_billing_accounts_are_checked_when_fixtures_load(server):
    admin = server.admin()
    twice = admin.post("/fixtures", json={"voipbin": {"customers": [{"tenant": "dup", "billing_accounts": [{"id": DEMO_ACCOUNT}]}]}})
    assert twice.status_code == 400 and "billing_accounts[0].id" in twice.text
    stray = admin.post("/fixtures", json={"voipbin": {"customers": [{"tenant": "stray", "billing_account_id": OTHER_ACCOUNT}]}})
    assert stray.status_code == 400 and "billing_account_id" in stray.text
    chosen = admin.post("/fixtures", json={"voipbin": {"customers": [
        {"tenant": "chosen", "accesskeys": [{"key": "chosen-key"}], "billing_accounts": [{"id": OTHER_ACCOUNT}],
         "billing_account_id": OTHER_ACCOUNT}]}})
    assert chosen.status_code == 201, chosen.text
    client = server.client("/voipbin/v1.0", params={"accesskey": "chosen-key"})
    assert client.get("/customer").json()["billing_account_id"] == OTHER_ACCOUNT
