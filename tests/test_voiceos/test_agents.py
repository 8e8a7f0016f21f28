"""VoiceOS agents over real sockets: create, list, get, partial update, delete."""

from __future__ import annotations

import pytest
from test_voiceos.demo import AFTER_HOURS, DEMO_ACCOUNT, FRONT_DESK, IMPORTED, NOW, SALES, WITH_WEBHOOK

EVENT_NAMES = (
    "'phone_call:connection_requested', 'phone_call:rejected', 'phone_call:accepted', 'function_call:triggered', "
    "'conversation:started', 'conversation:ended', 'conversation:duration', 'speech:started', 'speech:ended', "
    "'message:sent' or 'message:generated'"
)
CONFIG_KEYS = [
    "initial_message",
    "prompt",
    "voice",
    "language_model",
    "transcriber",
    "max_duration_seconds",
    "webhooks",
    "metadata",
]


def test_create_with_nothing_gives_the_defaults(api, conform, frozen) -> None:
    body = conform("agents_create", api.post("/agents", json={}))
    assert list(body) == CONFIG_KEYS + ["uri", "account_id", "created_at", "updated_at", "id"]
    assert {k: body[k] for k in CONFIG_KEYS} == {
        "initial_message": None,
        "prompt": None,
        "voice": None,
        "language_model": None,
        "transcriber": None,
        "max_duration_seconds": 600,
        "webhooks": [],
        "metadata": {},
    }
    assert body["uri"] == f"/agents/{body['id']}"
    assert (body["account_id"], body["created_at"], body["updated_at"]) == (DEMO_ACCOUNT, NOW, NOW)
    assert api.get(f"/agents/{body['id']}").json() == body


def test_create_fills_provider_defaults_and_keeps_unknown_provider_keys(api, conform) -> None:
    body = conform(
        "agents_create",
        api.post(
            "/agents",
            json={
                "prompt": "Be brief.",
                "initial_message": "Hi!",
                "voice": {"provider": "elevenlabs", "voice_id": "adam", "credential_id": "cred_1"},
                "language_model": {"model": "gpt-4", "temperature": 0, "max_tokens": 300},
                "transcriber": {"provider": "azure"},
                "max_duration_seconds": None,
                "webhooks": [
                    {"events": ["message:sent", "conversation:ended"], "url": "https://e.example/x", "method": "POST"}
                ],
                "metadata": {"crm": "hubspot"},
                "hooks": [{"events": ["conversation:duration"], "instructions": [{"instruction": "hang_up"}]}],
            },
        ),
    )
    assert body["voice"] == {
        "provider": "elevenlabs",
        "voice_id": "adam",
        "model_id": "eleven_turbo_v2",
        "optimize_latency": 3,
        "use_speaker_boost": False,
        "similarity_boost": 0.5,
        "stability": 0.5,
        "credential_id": "cred_1",
    }
    assert body["language_model"] == {"provider": "openai", "model": "gpt-4", "temperature": 0, "max_tokens": 300}
    assert body["transcriber"] == {"provider": "azure", "languages": ["en-US"]}
    assert body["max_duration_seconds"] is None
    assert body["webhooks"] == [
        {
            "events": ["message:sent", "conversation:ended"],
            "url": "https://e.example/x",
            "method": "POST",
            "headers": {},
            "filter": None,
        }
    ]
    assert "hooks" not in body


def test_elevenlabs_levels_are_integers_or_the_documented_default(api, conform, voiceos_state) -> None:
    """Document 0.8.0: integers from 0 to 1, default 0.5. An integer comes back as an integer (not 1.0)."""
    voice = {"provider": "elevenlabs", "similarity_boost": 1, "stability": 0}
    body = conform("agents_create", api.post("/agents", json={"voice": voice}))
    assert (body["voice"]["similarity_boost"], body["voice"]["stability"]) == (1, 0)
    assert type(body["voice"]["similarity_boost"]) is int
    whole = api.post("/agents", json={"voice": {**voice, "similarity_boost": 1.0, "stability": 0.5}}).json()
    assert (whole["voice"]["similarity_boost"], whole["voice"]["stability"]) == (1, 0.5)
    before = voiceos_state()
    fraction = api.post("/agents", json={"voice": {**voice, "stability": 0.7}})
    assert fraction.status_code == 422
    # Every voice of the union reports; the ElevenLabs one names the fraction.
    detail = conform("agents_create", fraction)["detail"]
    assert [item for item in detail if item["loc"][2] == "ElevenlabsVoice"] == [{
        "type": "int_from_float",
        "loc": ["body", "voice", "ElevenlabsVoice", "stability"],
        "msg": "Input should be a valid integer, got a number with a fractional part",
        "input": 0.7,
    }]
    assert voiceos_state() == before


def test_voice_without_provider_is_playht_and_transcriber_without_provider_is_deepgram(api) -> None:
    body = api.post("/agents", json={"voice": {"model": "susan"}, "transcriber": {"model": "nova-2"}}).json()
    assert body["voice"] == {"provider": "playht", "model": "susan", "speed": 1.0}
    assert body["transcriber"] == {"provider": "deepgram", "model": "nova-2", "keywords": []}


def test_list_pages_oldest_first_with_created_bounds(api, conform) -> None:
    page = conform("agents_list", api.get("/agents"))
    assert [a["id"] for a in page["items"]] == [FRONT_DESK, SALES, AFTER_HOURS]
    assert page == {**page, "index": 1, "has_more": False}
    new = api.post("/agents", json={"prompt": "new"}).json()["id"]
    second = conform("agents_list", api.get("/agents", params={"limit": 2, "index": 2}))
    assert [a["id"] for a in second["items"]] == [AFTER_HOURS, new] and second["has_more"] is False
    bounded = api.get(
        "/agents", params={"created_after": "2024-05-01T09:00:00Z", "created_before": "2024-05-01T10:30:00Z"}
    )
    assert [a["id"] for a in bounded.json()["items"]] == [SALES]


def test_get_unknown_agent_is_404(api, conform) -> None:
    response = api.get("/agents/agt_000000000000000000000000")
    assert response.status_code == 404
    assert conform("agents_get", response) == {"detail": "Agent not found"}


def test_update_replaces_only_the_keys_sent(api, conform, frozen) -> None:
    before = api.get(f"/agents/{FRONT_DESK}").json()
    body = conform(
        "agents_update",
        api.patch(f"/agents/{FRONT_DESK}", json={"prompt": "New prompt", "metadata": {"tier": "gold"}, "webhooks": []}),
    )
    assert body == {**before, "prompt": "New prompt", "metadata": {"tier": "gold"}, "webhooks": [], "updated_at": NOW}
    cleared = api.patch(f"/agents/{FRONT_DESK}", json={"initial_message": None, "voice": None}).json()
    assert cleared["initial_message"] is None and cleared["voice"] is None
    assert cleared["prompt"] == "New prompt" and cleared["language_model"] == before["language_model"]
    assert api.get(f"/agents/{FRONT_DESK}").json() == cleared


def test_update_validation_errors_change_nothing(api, conform, voiceos_state) -> None:
    before = voiceos_state()
    response = api.patch(
        f"/agents/{SALES}",
        json={
            "max_duration_seconds": "ten minutes",
            "webhooks": [{"events": ["call:started"], "url": "u", "method": "POST"}],
        },
    )
    assert response.status_code == 422
    assert conform("agents_update", response) == {
        "detail": [
            {
                "type": "int_parsing",
                "loc": ["body", "max_duration_seconds"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "ten minutes",
            },
            {
                "type": "enum",
                "loc": ["body", "webhooks", 0, "events", 0],
                "msg": f"Input should be {EVENT_NAMES}",
                "input": "call:started",
                "ctx": {"expected": EVENT_NAMES},
            },
        ]
    }
    assert voiceos_state() == before


def test_voice_union_errors_name_each_alternative(api, conform) -> None:
    response = api.post("/agents", json={"voice": {"provider": "azure", "pitch": 40}})
    assert response.status_code == 422
    detail = conform("agents_create", response)["detail"]
    assert [e["loc"] for e in detail] == [
        ["body", "voice", "PlayhtVoice", "provider"],
        ["body", "voice", "ElevenlabsVoice", "provider"],
        ["body", "voice", "AzureVoice", "pitch"],
        ["body", "voice", "DeepgramVoice", "provider"],
        ["body", "voice", "RimeVoice", "provider"],
    ]
    assert detail[2] == {
        "type": "less_than_equal",
        "loc": ["body", "voice", "AzureVoice", "pitch"],
        "msg": "Input should be less than or equal to 20",
        "input": 40,
        "ctx": {"le": 20},
    }


def test_delete_returns_the_agent_and_detaches_numbers(api, conform, frozen) -> None:
    agent = api.get(f"/agents/{FRONT_DESK}").json()
    deleted = conform("agents_delete", api.delete(f"/agents/{FRONT_DESK}"))
    assert deleted == agent
    assert api.get(f"/agents/{FRONT_DESK}").status_code == 404
    number = api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()
    assert number["inbound_agent_id"] is None and number["updated_at"] == NOW
    assert api.get(f"/phone_numbers/{IMPORTED}").json()["inbound_agent_id"] == SALES
    assert [a["id"] for a in api.get("/agents").json()["items"]] == [SALES, AFTER_HOURS]
    again = api.delete(f"/agents/{FRONT_DESK}")
    assert (again.status_code, conform("agents_delete", again)) == (404, {"detail": "Agent not found"})


def test_created_agent_can_be_attached_to_a_number(api) -> None:
    agent_id = api.post("/agents", json={"prompt": "p"}).json()["id"]
    assert (
        api.patch(f"/phone_numbers/{IMPORTED}", json={"inbound_agent_id": agent_id}).json()["inbound_agent_id"]
        == agent_id
    )


@pytest.mark.parametrize("body", [b"[1]", b'"text"'])
def test_create_needs_an_object(api, conform, body) -> None:
    response = api.post("/agents", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 422
    assert conform("agents_create", response)["detail"][0]["type"] == "model_attributes_type"
