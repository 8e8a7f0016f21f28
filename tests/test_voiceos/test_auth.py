"""VoiceOS authentication and account isolation."""

from __future__ import annotations

import pytest
from test_voiceos.demo import FRONT_DESK, NO_AGENT, OTHER_KEY, WITH_WEBHOOK, voiceos_client

OTHER_NUMBER = "+13105550111"
OTHER_AGENT = "agt_0000000000000000000000ff"
OTHER_CONVERSATION = "conv_0000000000000000000000ff"

ROUTES = [
    ("GET", "/phone_numbers", "phone_numbers_list"),
    ("GET", "/phone_numbers/buy", "phone_numbers_available"),
    ("POST", "/phone_numbers/buy", "phone_numbers_buy"),
    ("GET", f"/phone_numbers/{WITH_WEBHOOK}", "phone_numbers_get"),
    ("PATCH", f"/phone_numbers/{WITH_WEBHOOK}", "phone_numbers_update"),
    ("DELETE", f"/phone_numbers/{WITH_WEBHOOK}", "phone_numbers_delete"),
    ("POST", "/agents", "agents_create"),
    ("GET", "/agents", "agents_list"),
    ("GET", f"/agents/{FRONT_DESK}", "agents_get"),
    ("PATCH", f"/agents/{FRONT_DESK}", "agents_update"),
    ("DELETE", f"/agents/{FRONT_DESK}", "agents_delete"),
    ("GET", "/conversations", "conversations_list"),
    ("GET", "/conversations/conv_624af12836ffbeecf2497d61", "conversations_get"),
]


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        ({}, "Not authenticated"),
        ({"Authorization": "Basic dm9pY2VvczprZXk="}, "Not authenticated"),
        ({"Authorization": "Bearer"}, "Not authenticated"),
        ({"Authorization": "Bearer not_a_key"}, "Invalid API key"),
        ({"Authorization": "Bearer VOICEOS_DEMO_KEY"}, "Invalid API key"),
    ],
)
def test_every_route_needs_a_valid_key(server, conform, voiceos_state, headers, message) -> None:
    before = voiceos_state()
    client = voiceos_client(server, None, **headers)
    for method, path, operation_id in ROUTES:
        response = client.request(method, path, json={})
        assert response.status_code == 401, (method, path)
        assert conform(operation_id, response) == {"detail": message}
        assert response.headers["www-authenticate"] == "Bearer"
    assert voiceos_state() == before


def test_scheme_is_case_insensitive(server) -> None:
    client = voiceos_client(server, None, Authorization="bearer voiceos_demo_key")
    assert client.get("/phone_numbers").status_code == 200


def test_auth_comes_before_parameter_validation_but_after_json_decoding(anon) -> None:
    bad_query = anon.get("/phone_numbers", params={"index": "x"})
    assert (bad_query.status_code, bad_query.json()) == (401, {"detail": "Not authenticated"})
    bad_body = anon.patch(f"/phone_numbers/{WITH_WEBHOOK}", json={"webhooks": "x"})
    assert bad_body.status_code == 401
    malformed = anon.patch(f"/phone_numbers/{WITH_WEBHOOK}", content=b"{", headers={"content-type": "application/json"})
    assert malformed.status_code == 422
    assert malformed.json()["detail"][0]["type"] == "json_invalid"


def test_health_is_public(anon, conform) -> None:
    assert conform("health_get", anon.get("/")) == {"status": "ok"}


def test_accounts_are_isolated(two_accounts, conform) -> None:
    demo, other = voiceos_client(two_accounts), voiceos_client(two_accounts, OTHER_KEY)
    assert [n["phone_number"] for n in other.get("/phone_numbers").json()["items"]] == [OTHER_NUMBER]
    assert [a["id"] for a in other.get("/agents").json()["items"]] == [OTHER_AGENT]
    assert [c["id"] for c in other.get("/conversations").json()["items"]] == [OTHER_CONVERSATION]
    assert OTHER_NUMBER not in demo.get("/phone_numbers").text
    for method, path, operation_id, message in [
        ("GET", f"/phone_numbers/{OTHER_NUMBER}", "phone_numbers_get", "Phone number not found"),
        ("PATCH", f"/phone_numbers/{OTHER_NUMBER}", "phone_numbers_update", "Phone number not found"),
        ("DELETE", f"/phone_numbers/{OTHER_NUMBER}", "phone_numbers_delete", "Phone number not found"),
        ("GET", f"/agents/{OTHER_AGENT}", "agents_get", "Agent not found"),
        ("PATCH", f"/agents/{OTHER_AGENT}", "agents_update", "Agent not found"),
        ("DELETE", f"/agents/{OTHER_AGENT}", "agents_delete", "Agent not found"),
        ("GET", f"/conversations/{OTHER_CONVERSATION}", "conversations_get", "Conversation not found"),
    ]:
        response = demo.request(method, path, json={})
        assert response.status_code == 404, path
        assert conform(operation_id, response) == {"detail": message}
    assert other.get(f"/phone_numbers/{OTHER_NUMBER}").json()["account_id"] == "acc_0000000000000000000000ff"
    assert other.get(f"/agents/{OTHER_AGENT}").status_code == 200
    owned = demo.post("/phone_numbers/buy", json={"phone_number": OTHER_NUMBER})
    assert (owned.status_code, owned.json()) == (400, {"detail": "Phone number not available"})


def test_journal_names_the_tenant(admin, api) -> None:
    api.get(f"/phone_numbers/{NO_AGENT}").raise_for_status()
    entries = admin.get("/journal", params={"provider": "voiceos"}).json()
    entry = entries[-1] if isinstance(entries, list) else entries["entries"][-1]
    assert entry["tenant"] == "demo" and entry["operation"] == "phone_numbers_get"
