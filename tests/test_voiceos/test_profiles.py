"""Both VoiceOS profiles are declared; the facts record no difference, so they behave the same."""

from __future__ import annotations

from test_voiceos.demo import FRONT_DESK, NO_AGENT, WITH_WEBHOOK, voiceos_client


def test_both_profiles_are_offered(admin) -> None:
    profiles = admin.get("/profiles").json()["voiceos"]
    assert profiles == {"profile": "documented", "available": ["documented", "observed"]}


def test_a_client_session_gives_the_same_answers_in_both_profiles(profiled, conform) -> None:
    client = voiceos_client(profiled)
    listed = conform("phone_numbers_list", client.get("/phone_numbers", params={"limit": 2}))
    assert [n["phone_number"] for n in listed["items"]] == [WITH_WEBHOOK, "+14155550101"] and listed["has_more"]
    patched = conform(
        "phone_numbers_update",
        client.patch(f"/phone_numbers/%2B{NO_AGENT[1:]}", json={"inbound_agent_id": FRONT_DESK, "webhooks": []}),
    )
    assert patched["inbound_agent_id"] == FRONT_DESK and patched["webhooks"] == []
    invalid = client.patch(
        f"/phone_numbers/{NO_AGENT}", json={"webhooks": [{"url": "u", "events": ["x"], "method": "GET"}]}
    )
    assert invalid.status_code == 422
    assert conform("phone_numbers_update", invalid)["detail"][0]["type"] == "enum"
    deleted = conform("phone_numbers_delete", client.delete(f"/phone_numbers/{NO_AGENT}"))
    assert "id" not in deleted
    missing = client.get(f"/phone_numbers/{NO_AGENT}")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Phone number not found"})
    unauthenticated = voiceos_client(profiled, None).get("/agents")
    assert (unauthenticated.status_code, unauthenticated.json()) == (401, {"detail": "Not authenticated"})


def test_switching_the_profile_at_run_time(admin, api) -> None:
    before = api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()
    admin.put("/profiles", json={"provider": "voiceos", "profile": "observed"}).raise_for_status()
    assert api.get(f"/phone_numbers/{WITH_WEBHOOK}").json() == before
