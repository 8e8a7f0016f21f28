"""Every inferred choice switched away from its default (fixtures `settings:` / `--set voiceos.KEY=VALUE`)."""

from __future__ import annotations

from test_voiceos.demo import FRONT_DESK, IMPORTED, NO_AGENT, WITH_WEBHOOK, voiceos_client

INVENTORY_HEAD = ["+14155550120", "+14155550121"]


def test_settings_are_applied_and_shown_in_the_state(settings_server) -> None:
    _live, admin = settings_server
    settings = admin.get("/state").json()["providers"]["voiceos"]["settings"]
    assert settings["list_order"] == "newest_first" and settings["unknown_agent_status"] == 422
    assert len(settings["inventory"]) == 6  # the fixture's inventory survives the overrides


def test_list_order_newest_first(switched) -> None:
    client = voiceos_client(switched)
    first = client.get("/phone_numbers", params={"limit": 2}).json()
    second = client.get("/phone_numbers", params={"limit": 2, "index": 2}).json()
    assert ([n["phone_number"] for n in first["items"]], first["has_more"]) == ([NO_AGENT, IMPORTED], True)
    assert ([n["phone_number"] for n in second["items"]], second["has_more"]) == ([WITH_WEBHOOK], False)
    bounded = client.get("/phone_numbers", params={"created_before": "2024-05-03T10:00:00Z", "limit": 1}).json()
    assert [n["phone_number"] for n in bounded["items"]] == [IMPORTED] and bounded["has_more"]


def test_buy_pick_first_and_unlisted_numbers(switched) -> None:
    client = voiceos_client(switched)
    assert [client.post("/phone_numbers/buy", json={}).json()["phone_number"] for _ in range(2)] == INVENTORY_HEAD
    unlisted = client.post("/phone_numbers/buy", json={"phone_number": "19995550123"})
    assert unlisted.status_code == 200 and unlisted.json()["phone_number"] == "+19995550123"
    for refused in ("garbage", WITH_WEBHOOK, "+19995550123"):
        response = client.post("/phone_numbers/buy", json={"phone_number": refused})
        assert (response.status_code, response.json()) == (400, {"detail": "Phone number not available"})


def test_unknown_agent_as_a_422(switched) -> None:
    client = voiceos_client(switched)
    response = client.patch(f"/phone_numbers/{NO_AGENT}", json={"inbound_agent_id": "agt_x", "webhooks": []})
    assert response.status_code == 422
    error = {"type": "value_error", "loc": ["body", "inbound_agent_id"], "msg": "Agent not found", "input": "agt_x"}
    assert response.json() == {"detail": [error]}
    assert client.get(f"/phone_numbers/{NO_AGENT}").json()["inbound_agent_id"] is None


def test_deleting_an_agent_can_leave_numbers_pointing_at_it(switched) -> None:
    client = voiceos_client(switched)
    client.delete(f"/agents/{FRONT_DESK}").raise_for_status()
    number = client.get(f"/phone_numbers/{WITH_WEBHOOK}").json()
    assert number["inbound_agent_id"] == FRONT_DESK and number["updated_at"] == "2024-05-02T09:30:00Z"


def test_missing_auth_as_403_and_the_legacy_key_header(switched) -> None:
    anonymous = voiceos_client(switched, None).get("/agents")
    assert (anonymous.status_code, anonymous.json()) == (403, {"detail": "Not authenticated"})
    assert "www-authenticate" not in anonymous.headers
    legacy = voiceos_client(switched, None, **{"X-API-KEY": "voiceos_demo_key"}).get("/agents")
    assert legacy.status_code == 200 and len(legacy.json()["items"]) == 3


def test_auto_tenants_give_unknown_keys_a_fresh_empty_account(switched) -> None:
    first, second = voiceos_client(switched, "worker-1"), voiceos_client(switched, "worker-2")
    assert first.get("/phone_numbers").json() == {"items": [], "index": 1, "has_more": False}
    bought = first.post("/phone_numbers/buy", json={}).json()
    assert bought["account_id"].startswith("acc_") and bought["phone_number"] == INVENTORY_HEAD[0]
    assert second.get("/phone_numbers").json()["items"] == []
    assert first.get("/phone_numbers").json()["items"] == [bought]
    spaced = voiceos_client(switched, "worker 3")
    assert spaced.get("/agents").json() == {"items": [], "index": 1, "has_more": False}
    legacy_unknown = voiceos_client(switched, None, **{"X-API-KEY": "worker-4"}).get("/agents")
    assert legacy_unknown.status_code == 200


def test_an_unknown_key_named_like_an_account_is_refused_and_replaces_nothing(switched) -> None:
    """With auto tenants, `Bearer demo` would otherwise become a fresh account named demo, wiping the fixture's."""
    before = voiceos_client(switched).get("/agents").json()
    named_like_demo = voiceos_client(switched, "demo").get("/agents")
    assert (named_like_demo.status_code, named_like_demo.json()) == (401, {"detail": "Invalid API key"})
    assert named_like_demo.headers["www-authenticate"] == "Bearer"
    assert voiceos_client(switched).get("/agents").json() == before and len(before["items"]) == 3
    assert voiceos_client(switched, "demo").get("/phone_numbers").status_code == 401  # still refused, nothing created
