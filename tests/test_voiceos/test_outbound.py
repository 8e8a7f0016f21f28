"""POST /conversations/create_phone_call and GET /conversations/{id}/recording over a real socket."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_voiceos.demo import (
    DEMO_ACCOUNT,
    ENDED_CALL,
    FRONT_DESK,
    IMPORTED,
    OTHER_KEY,
    QUEUED_CALL,
    SALES,
    admin_client,
    voiceos_client,
)

from telemock.emulator import Config

CALLEE = "+14155550177"
RECORDINGS = "https://recordings.voiceos.invalid"
# A voice is a union: each alternative the value is not reports an error too.
OTHER_VOICES = {"PlayhtVoice", "ElevenlabsVoice", "DeepgramVoice", "RimeVoice"}


def place(api: httpx.Client, **body: Any) -> httpx.Response:
    return api.post("/conversations/create_phone_call", json={"from_number": IMPORTED, "to_number": CALLEE, **body})


def advance(admin: httpx.Client, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


# --- the call and its conversation ---------------------------------------------------------------


def test_an_outbound_call_is_queued_then_answered_then_ended(api, conform, frozen) -> None:
    queued = conform("conversations_create_phone_call", place(api, agent_id=SALES))
    assert (queued["type"], queued["status"], queued["account_id"], queued["agent_id"]) == (
        "outbound_phone_call",
        "queued",
        DEMO_ACCOUNT,
        SALES,
    )
    assert queued["phone_call"] == {"provider": "twilio", "to_number": CALLEE, "from_number": IMPORTED}
    assert (queued["started_at"], queued["ended_at"], queued["ended_reason"], queued["messages"]) == (None, None, None, [])
    agent = api.get(f"/agents/{SALES}").json()
    assert queued["agent_config"] == {k: agent[k] for k in queued["agent_config"]}
    assert conform("conversations_get", api.get(f"/conversations/{queued['id']}")) == queued
    assert queued in conform("conversations_list", api.get("/conversations", params={"status": "queued"}))["items"]

    advance(frozen, 4.9)
    assert api.get(f"/conversations/{queued['id']}").json()["status"] == "queued"
    advance(frozen, 0.1)  # the callee answers after outbound_answer_seconds (5)
    started = api.get(f"/conversations/{queued['id']}").json()
    assert (started["status"], started["started_at"]) == ("started", "2024-06-01T12:00:05Z")
    advance(frozen, 300)  # it ended after call_duration_seconds (60), within SALES' max_duration_seconds (300)
    ended = conform("conversations_get", api.get(f"/conversations/{queued['id']}"))
    assert (ended["status"], ended["ended_at"], ended["ended_reason"]) == ("ended", "2024-06-01T12:01:05Z", "user_ended")


def test_an_agent_configuration_instead_of_an_agent(api, conform, frozen) -> None:
    config = {"prompt": "Confirm tomorrow's appointment.", "max_duration_seconds": 30, "voice": {"provider": "rime"}}
    body = conform("conversations_create_phone_call", place(api, agent_config=config, from_number="14155550101"))
    assert body["agent_id"] is None and body["phone_call"]["from_number"] == IMPORTED
    assert body["agent_config"]["prompt"] == config["prompt"]
    assert body["agent_config"]["voice"] == {"provider": "rime", "speed_alpha": 1.0, "reduce_latency": False}
    assert (body["agent_config"]["webhooks"], body["agent_config"]["metadata"]) == ([], {})
    advance(frozen, 5 + 30)  # cut short by the configuration's own max_duration_seconds
    ended = api.get(f"/conversations/{body['id']}").json()
    assert (ended["status"], ended["ended_reason"], ended["ended_at"]) == ("ended", "agent_ended", "2024-06-01T12:00:35Z")


def test_agent_id_wins_over_agent_config(api) -> None:
    body = place(api, agent_id=FRONT_DESK, agent_config={"prompt": "ignored"}).json()
    assert body["agent_id"] == FRONT_DESK and body["agent_config"]["prompt"].startswith("You are the friendly")


def test_the_conversation_keeps_a_copy_of_the_configuration(api) -> None:
    body = place(api, agent_id=SALES).json()
    api.patch(f"/agents/{SALES}", json={"prompt": "changed"}).raise_for_status()
    api.delete(f"/agents/{SALES}").raise_for_status()
    assert api.get(f"/conversations/{body['id']}").json() == body


# --- refusals: the provider's errors, nothing recorded --------------------------------------------


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            {},
            [
                {"type": "missing", "loc": ["body", "from_number"], "msg": "Field required", "input": {}},
                {"type": "missing", "loc": ["body", "to_number"], "msg": "Field required", "input": {}},
            ],
            id="missing-numbers",
        ),
        pytest.param(
            {"from_number": IMPORTED, "to_number": CALLEE, "agent_id": None},
            [
                {
                    "type": "value_error",
                    "loc": ["body"],
                    "msg": "Value error, agent_id or agent_config is required",
                    "input": {"from_number": IMPORTED, "to_number": CALLEE, "agent_id": None},
                    "ctx": {"error": {}},
                }
            ],
            id="no-agent",
        ),
        pytest.param(
            {"from_number": IMPORTED, "to_number": "call me", "agent_id": SALES},
            [
                {
                    "type": "value_error",
                    "loc": ["body", "to_number"],
                    "msg": "Value error, to_number must be a phone number including the country code (E.164)",
                    "input": "call me",
                    "ctx": {"error": {}},
                }
            ],
            id="bad-to-number",
        ),
        pytest.param(
            {"from_number": IMPORTED, "to_number": CALLEE, "agent_config": {"voice": {"provider": "azure", "pitch": 99}}},
            [
                {
                    "type": "less_than_equal",
                    "loc": ["body", "agent_config", "voice", "AzureVoice", "pitch"],
                    "msg": "Input should be less than or equal to 20",
                    "input": 99,
                    "ctx": {"le": 20},
                }
            ],
            id="bad-agent-config",
        ),
    ],
)
def test_invalid_bodies_are_422s(api, conform, voiceos_state, body, errors) -> None:
    before = voiceos_state()
    response = api.post("/conversations/create_phone_call", json=body)
    assert response.status_code == 422
    detail = conform("conversations_create_phone_call", response)["detail"]
    assert [item for item in detail if not OTHER_VOICES & set(item["loc"])] == errors
    assert voiceos_state() == before


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"from_number": "+19995550000", "agent_id": SALES}, "Phone number not found"),
        ({"agent_id": "agt_000000000000000000000000"}, "Agent not found"),
        ({"from_number": "+19995550000", "agent_id": "agt_000000000000000000000000"}, "Phone number not found"),
    ],
    ids=["unknown-number", "unknown-agent", "number-first"],
)
def test_a_number_or_agent_the_account_lacks_is_404(api, conform, voiceos_state, body, detail) -> None:
    before = voiceos_state()
    response = place(api, **body)
    assert response.status_code == 404
    assert conform("conversations_create_phone_call", response) == {"detail": detail}
    assert voiceos_state() == before


def test_another_accounts_number_and_agent_are_unknown(two_accounts) -> None:
    demo = voiceos_client(two_accounts)
    foreign_number = place(demo, from_number="+13105550111", agent_id=SALES)
    assert (foreign_number.status_code, foreign_number.json()) == (404, {"detail": "Phone number not found"})
    foreign_agent = place(demo, agent_id="agt_0000000000000000000000ff")
    assert (foreign_agent.status_code, foreign_agent.json()) == (404, {"detail": "Agent not found"})
    other = voiceos_client(two_accounts, OTHER_KEY)
    assert other.get(f"/conversations/{place(demo, agent_id=SALES).json()['id']}").status_code == 404


def test_the_key_is_checked_first(anon) -> None:
    response = anon.post("/conversations/create_phone_call", json={})
    assert (response.status_code, response.json()) == (401, {"detail": "Not authenticated"})


# --- recordings ----------------------------------------------------------------------------------


def test_a_finished_conversation_has_a_recording(api, conform) -> None:
    body = conform("conversations_get_recording", api.get(f"/conversations/{ENDED_CALL}/recording"))
    assert body == {"recording_url": f"{RECORDINGS}/{DEMO_ACCOUNT}/{ENDED_CALL}.wav"}


@pytest.mark.parametrize(
    ("conversation", "detail"),
    [(QUEUED_CALL, "Recording not found"), ("conv_000000000000000000000000", "Conversation not found")],
    ids=["never-started", "unknown"],
)
def test_no_recording_is_404(api, conform, conversation, detail) -> None:
    response = api.get(f"/conversations/{conversation}/recording")
    assert response.status_code == 404
    assert conform("conversations_get_recording", response) == {"detail": detail}


def test_a_call_has_its_recording_once_it_ended(api, frozen) -> None:
    conversation = place(api, agent_id=SALES).json()["id"]
    recording = f"/conversations/{conversation}/recording"
    assert api.get(recording).json() == {"detail": "Recording not found"}  # queued
    advance(frozen, 5)
    assert api.get(recording).json() == {"detail": "Recording not found"}  # in progress
    advance(frozen, 60)
    assert api.get(recording).json() == {"recording_url": f"{RECORDINGS}/{DEMO_ACCOUNT}/{conversation}.wav"}


# --- settings and restored state -------------------------------------------------------------------


@pytest.fixture(scope="session")
def outbound_settings_server(server_factory: Any) -> tuple[Any, httpx.Client, httpx.Client]:
    settings = {
        "outbound_answer_seconds": 0,
        "outbound_call_outcome": "rejected",
        "recording_url_template": "https://files.example.org/{conversation_id}?account={account_id}",
    }
    live = server_factory(Config(settings={"voiceos": settings}))
    return live, voiceos_client(live), admin_client(live)


def test_a_rejected_outbound_call_ends_unanswered(outbound_settings_server, conform) -> None:
    _live, api, admin = outbound_settings_server
    admin.post("/reset").raise_for_status()
    body = conform("conversations_create_phone_call", place(api, agent_id=SALES))
    assert (body["status"], body["started_at"], body["ended_reason"], body["agent_id"]) == ("ended", None, "unknown", SALES)
    assert body["ended_at"] is not None
    assert api.get(f"/conversations/{body['id']}/recording").json() == {"detail": "Recording not found"}
    assert api.get(f"/conversations/{ENDED_CALL}/recording").json() == {
        "recording_url": f"https://files.example.org/{ENDED_CALL}?account={DEMO_ACCOUNT}"
    }


def test_a_bad_recording_template_is_refused_at_start(server_factory) -> None:
    with pytest.raises(Exception, match="recording_url_template"):
        server_factory(Config(settings={"voiceos": {"recording_url_template": "https://x/{call_id}"}}))


def test_a_queued_call_keeps_its_answer_across_a_restored_snapshot(api, admin, frozen) -> None:
    conversation = place(api, agent_id=SALES).json()["id"]
    snapshot = admin.get("/state").json()
    admin.post("/reset").raise_for_status()
    admin.put("/state", json=snapshot).raise_for_status()
    advance(admin, 5)
    assert api.get(f"/conversations/{conversation}").json()["status"] == "started"
