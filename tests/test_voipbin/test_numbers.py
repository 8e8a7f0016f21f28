"""VoIPBIN numbers over a real socket: create rules, paging, PUT overwrite, soft delete."""

from __future__ import annotations

import re

from .support import ACCESSKEY, DEMO_CUSTOMER, NIL, SMS_FLOW, SUPPORT_NUMBER, TALK_FLOW, TALK_NUMBER, error_of

LEGACY_TIME = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
SENTINEL = "9999-01-01 00:00:00.000000"
NUMBER_KEYS = {
    "id", "customer_id", "number", "type", "call_flow_id", "message_flow_id", "name", "detail", "status",
    "t38_enabled", "emergency_enabled", "metadata", "tm_purchase", "tm_renew", "tm_create", "tm_update", "tm_delete",
}


def test_get_returns_every_key_with_documented_timestamps(vb):
    number = vb.get(f"/numbers/{TALK_NUMBER}").json()
    assert set(number) == NUMBER_KEYS
    assert number["customer_id"] == DEMO_CUSTOMER
    assert number["call_flow_id"] == TALK_FLOW
    assert number["message_flow_id"] == NIL
    assert LEGACY_TIME.match(number["tm_create"])
    assert number["tm_update"] == SENTINEL and number["tm_delete"] == SENTINEL


def test_create_virtual_number(vb):
    response = vb.post("/numbers", json={"number": "+899123456789", "type": "virtual", "name": "line"})
    assert response.status_code == 200
    number = response.json()
    assert number["type"] == "virtual" and number["status"] == "active"
    assert number["tm_purchase"] == SENTINEL and number["t38_enabled"] is False
    assert vb.get(f"/numbers/{number['id']}").json() == number


def test_create_normal_number_takes_balance_and_leaves_inventory(server, vb):
    before = vb.get("/available_numbers", params={"country_code": "US"}).json()["result"]
    assert "+14155550131" in [n["number"] for n in before]
    response = vb.post("/numbers", json={"number": "+14155550131"})
    assert response.status_code == 200
    assert response.json()["type"] == "normal" and response.json()["tm_purchase"] != SENTINEL
    after = vb.get("/available_numbers", params={"country_code": "US"}).json()["result"]
    assert "+14155550131" not in [n["number"] for n in after]
    state = server.admin().get("/state").json()
    assert state["providers"]["voipbin"]["tenants"]["demo"]["customer"]["balance"] == 99.0


def test_missing_type_with_899_is_a_normal_purchase_unless_configured(server_factory):
    from telemock.emulator import Config

    default = server_factory(Config()).client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    assert default.post("/numbers", json={"number": "+899100000077"}).json()["type"] == "normal"
    knob = server_factory(Config(settings={"voipbin": {"virtual_without_type": True}}))
    client = knob.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    assert client.post("/numbers", json={"number": "+899100000078"}).json()["type"] == "virtual"


def test_create_rejections_in_the_documented_profile(vb):
    cases = [
        ({"number": ""}, 400, "INVALID_ARGUMENT"),
        ({"number": "+898123456789", "type": "virtual"}, 400, "INVALID_ARGUMENT"),
        ({"number": "+8991234567", "type": "virtual"}, 400, "INVALID_ARGUMENT"),
        ({"number": "+899000123456", "type": "virtual"}, 400, "INVALID_ARGUMENT"),
        ({"number": "+899000123456"}, 400, "INVALID_ARGUMENT"),
        ({"number": "+821100000001"}, 409, "NUMBER_ALREADY_EXISTS"),
    ]
    before = vb.get("/numbers").json()
    for body, status, reason in cases:
        response = vb.post("/numbers", json=body)
        assert response.status_code == status, body
        assert error_of(response)["reason"] == reason, body
    assert vb.get("/numbers").json() == before


def test_virtual_number_tier_limit_of_the_plan(server_factory, tmp_path):
    from telemock.emulator import Config

    fixture = tmp_path / "free.yaml"
    fixture.write_text("voipbin:\n  customers:\n    - {tenant: free, plan: free, accesskeys: [{key: k-free}]}\n")
    client = server_factory(Config(fixtures=[fixture])).client("/voipbin/v1.0", params={"accesskey": "k-free"})
    for i in range(5):
        assert client.post("/numbers", json={"number": f"+89910000010{i}", "type": "virtual"}).status_code == 200
    refused = client.post("/numbers", json={"number": "+899100000199", "type": "virtual"})
    assert refused.status_code == 409
    assert error_of(refused)["reason"] == "RESOURCE_LIMIT_EXCEEDED"
    first = client.get("/numbers").json()["result"][-1]["id"]
    client.delete(f"/numbers/{first}").raise_for_status()
    assert client.post("/numbers", json={"number": "+899100000199", "type": "virtual"}).status_code == 200


def test_identity_and_balance_rules_for_normal_numbers(server_factory, tmp_path):
    from telemock.emulator import Config

    fixture = tmp_path / "c.yaml"
    fixture.write_text(
        "voipbin:\n  customers:\n"
        "    - {tenant: unverified, identity_verified: false, accesskeys: [{key: k-u}]}\n"
        "    - {tenant: broke, balance: 0.5, accesskeys: [{key: k-b}]}\n"
    )
    live = server_factory(Config(fixtures=[fixture]))
    unverified = live.client("/voipbin/v1.0", params={"accesskey": "k-u"})
    response = unverified.post("/numbers", json={"number": "+15550001111"})
    assert response.status_code == 403 and error_of(response)["reason"] == "IDENTITY_VERIFICATION_REQUIRED"
    assert unverified.post("/numbers", json={"number": "+899100000301", "type": "virtual"}).status_code == 200
    broke = live.client("/voipbin/v1.0", params={"accesskey": "k-b"})
    response = broke.post("/numbers", json={"number": "+15550001112"})
    assert response.status_code == 402 and error_of(response)["reason"] == "INSUFFICIENT_BALANCE"


def test_list_is_newest_first_with_a_token_even_on_the_last_page(vb):
    created = [vb.post("/numbers", json={"number": f"+89912300000{i}", "type": "virtual"}).json() for i in range(4)]
    page = vb.get("/numbers", params={"page_size": 2}).json()
    assert [n["id"] for n in page["result"]] == [created[3]["id"], created[2]["id"]]
    assert page["next_page_token"] == created[2]["tm_create"]
    seen = [n["id"] for n in page["result"]]
    token = page["next_page_token"]
    while True:
        page = vb.get("/numbers", params={"page_size": 2, "page_token": token}).json()
        if not page["result"]:
            assert page["next_page_token"] == ""
            break
        assert page["next_page_token"] == page["result"][-1]["tm_create"]
        seen += [n["id"] for n in page["result"]]
        token = page["next_page_token"]
    assert len(seen) == len(set(seen)) == 7


def test_page_size_is_clamped_and_must_be_an_integer(vb):
    for size in ("0", "-3", "101", "5000"):
        assert vb.get("/numbers", params={"page_size": size}).status_code == 200
    response = vb.get("/numbers", params={"page_size": "ten"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["reason"] == "INVALID_REQUEST_PARAMETER"
    assert error["message"] == 'The parameter "page_size" has an invalid format.'


def test_put_overwrites_all_four_fields(vb):
    response = vb.put(f"/numbers/{TALK_NUMBER}", json={"name": "renamed"})
    assert response.status_code == 200
    number = response.json()
    assert number["name"] == "renamed"
    assert number["detail"] == "" and number["call_flow_id"] == NIL and number["message_flow_id"] == NIL
    assert LEGACY_TIME.match(number["tm_update"]) and number["tm_update"] != SENTINEL


def test_put_checks_flow_ownership_but_flow_ids_does_not(server, vb):
    missing = "11111111-2222-4333-8444-555555555555"
    before = vb.get(f"/numbers/{SUPPORT_NUMBER}").json()
    response = vb.put(f"/numbers/{SUPPORT_NUMBER}", json={"call_flow_id": missing, "name": "x"})
    assert response.status_code == 404 and error_of(response)["reason"] == "FLOW_NOT_FOUND"
    assert vb.get(f"/numbers/{SUPPORT_NUMBER}").json() == before
    ok = vb.put(f"/numbers/{SUPPORT_NUMBER}", json={"call_flow_id": TALK_FLOW, "message_flow_id": SMS_FLOW})
    assert ok.status_code == 200 and ok.json()["call_flow_id"] == TALK_FLOW
    unchecked = vb.put(f"/numbers/{SUPPORT_NUMBER}/flow_ids", json={"call_flow_id": missing})
    assert unchecked.status_code == 200
    assert unchecked.json()["call_flow_id"] == missing and unchecked.json()["message_flow_id"] == NIL


def test_metadata_replaces_rtp_debug(vb):
    assert vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": True}).json()["metadata"] == {"rtp_debug": True}
    assert vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={}).json()["metadata"] == {"rtp_debug": False}


def test_delete_is_soft_then_404_resource_not_found_and_the_number_is_free_again(vb):
    response = vb.delete(f"/numbers/{TALK_NUMBER}")
    assert response.status_code == 200
    deleted = response.json()
    assert deleted["status"] == "deleted" and deleted["tm_delete"] != SENTINEL
    assert deleted["tm_delete"] == deleted["tm_update"]
    for call in (vb.get, vb.delete):
        again = call(f"/numbers/{TALK_NUMBER}")
        assert again.status_code == 404 and error_of(again)["reason"] == "RESOURCE_NOT_FOUND"
    assert TALK_NUMBER not in [n["id"] for n in vb.get("/numbers").json()["result"]]
    assert vb.post("/numbers", json={"number": "+821100000001"}).status_code == 200


def test_unknown_id_and_bad_ids(vb):
    unknown = vb.get("/numbers/11111111-2222-4333-8444-555555555555")
    assert unknown.status_code == 404 and error_of(unknown)["reason"] == "NUMBER_NOT_FOUND"
    for bad in ("not-a-uuid", NIL, "123"):
        response = vb.get(f"/numbers/{bad}")
        assert response.status_code == 400 and error_of(response)["reason"] == "INVALID_ID"


def test_other_customers_number_is_403(server_factory, tmp_path):
    from telemock.emulator import Config

    fixture = tmp_path / "two.yaml"
    fixture.write_text(
        "voipbin:\n  customers:\n"
        "    - tenant: a\n      accesskeys: [{key: ka}]\n"
        "      numbers: [{id: 6f4d0c1e-1111-4aaa-8bbb-000000000001, number: '+15550009999'}]\n"
        "    - {tenant: b, accesskeys: [{key: kb}]}\n"
    )
    live = server_factory(Config(fixtures=[fixture]))
    other = live.client("/voipbin/v1.0", params={"accesskey": "kb"})
    for response in (
        other.get("/numbers/6f4d0c1e-1111-4aaa-8bbb-000000000001"),
        other.put("/numbers/6f4d0c1e-1111-4aaa-8bbb-000000000001", json={"name": "stolen"}),
        other.delete("/numbers/6f4d0c1e-1111-4aaa-8bbb-000000000001"),
    ):
        assert response.status_code == 403 and error_of(response)["reason"] == "PERMISSION_DENIED"
    owner = live.client("/voipbin/v1.0", params={"accesskey": "ka"})
    assert owner.get("/numbers/6f4d0c1e-1111-4aaa-8bbb-000000000001").json()["name"] == ""
    assert other.get("/numbers").json()["result"] == []


def test_renew_is_admin_only(vb):
    response = vb.post("/numbers/renew", json={"tm_renew": "2026-01-01 00:00:00.000000"})
    assert response.status_code == 403 and error_of(response)["reason"] == "PERMISSION_DENIED"


def test_available_numbers(vb):
    missing = vb.get("/available_numbers")
    assert missing.status_code == 400
    assert error_of(missing)["message"] == "country_code is required for non-virtual number queries."
    virtual = vb.get("/available_numbers", params={"type": "virtual", "page_size": 20}).json()
    assert set(virtual) == {"result"} and len(virtual["result"]) == 20
    for item in virtual["result"]:
        assert re.match(r"^\+899(?!000)\d{9}$", item["number"])
        assert item["country"] == "899" and item["features"] == ["voice"]
    gb = vb.get("/available_numbers", params={"country_code": "GB", "page_size": 1}).json()["result"]
    assert gb == [{"number": "+447700900123", "country": "GB", "region": "London", "postal_code": "E1", "features": ["voice", "sms"]}]
    assert vb.get("/available_numbers", params={"country_code": "FR"}).json() == {"result": []}


def test_purchase_pending_turns_active_on_the_virtual_clock(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(settings={"voipbin": {"purchase_pending_seconds": 60}}))
    client = live.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    live.admin().post("/clock/freeze").raise_for_status()
    number = client.post("/numbers", json={"number": "+16465550177"}).json()
    assert number["status"] == "purchase-pending"
    live.admin().post("/clock/advance", json={"seconds": 59}).raise_for_status()
    assert client.get(f"/numbers/{number['id']}").json()["status"] == "purchase-pending"
    live.admin().post("/clock/advance", json={"seconds": 1}).raise_for_status()
    settled = client.get(f"/numbers/{number['id']}").json()
    assert settled["status"] == "active" and settled["tm_update"] != SENTINEL


def test_suspended_through_the_transition_endpoint(server, vb):
    admin = server.admin()
    response = admin.post(
        "/transition", json={"provider": "voipbin", "tenant": "demo", "resource": "number", "id": TALK_NUMBER, "to": "suspended"}
    )
    assert response.status_code == 200 and response.json()["status"] == "suspended"
    assert vb.get(f"/numbers/{TALK_NUMBER}").json()["status"] == "suspended"
    bad = admin.post(
        "/transition", json={"provider": "voipbin", "tenant": "demo", "resource": "number", "id": TALK_NUMBER, "to": "exploded"}
    )
    assert bad.status_code == 409
