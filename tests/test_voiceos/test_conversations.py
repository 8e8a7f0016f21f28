"""VoiceOS conversations: the records seeded by fixtures (and later by simulated calls)."""

from __future__ import annotations

from test_voiceos.demo import DEMO_ACCOUNT, ENDED_CALL, FRONT_DESK, QUEUED_CALL, SALES


def test_list_and_get_render_the_full_conversation(api, conform) -> None:
    page = conform("conversations_list", api.get("/conversations"))
    assert [c["id"] for c in page["items"]] == [ENDED_CALL, QUEUED_CALL]
    assert (page["index"], page["has_more"]) == (1, False)
    ended = conform("conversations_get", api.get(f"/conversations/{ENDED_CALL}"))
    assert ended == page["items"][0]
    assert list(ended) == [
        "uri",
        "type",
        "account_id",
        "status",
        "started_at",
        "ended_at",
        "agent_config",
        "agent_id",
        "messages",
        "phone_call",
        "ended_reason",
        "cost_breakdown",
        "id",
    ]
    assert ended["uri"] == f"/conversations/{ENDED_CALL}" and ended["account_id"] == DEMO_ACCOUNT
    assert (ended["type"], ended["status"], ended["ended_reason"]) == ("inbound_phone_call", "ended", "user_ended")
    assert (ended["started_at"], ended["ended_at"]) == ("2024-05-04T15:00:01Z", "2024-05-04T15:02:31Z")
    assert ended["phone_call"] == {"provider": "twilio", "to_number": "+14155550100", "from_number": "+14155550199"}
    assert ended["agent_id"] == FRONT_DESK
    assert ended["agent_config"]["voice"]["voice_id"] == "rachel"
    assert ended["messages"][1] == {"role": "user", "content": "I'd like to move my cleaning to Friday."}
    assert ended["cost_breakdown"]["telephony"] == {"provider": "twilio", "cost": 0.0325, "seconds": 150.0}
    queued = page["items"][1]
    assert (queued["status"], queued["started_at"], queued["ended_at"], queued["ended_reason"]) == (
        "queued",
        None,
        None,
        None,
    )
    assert queued["messages"] == [] and queued["cost_breakdown"] is None and queued["agent_id"] == SALES


def test_agent_config_is_a_snapshot_that_outlives_the_agent(api) -> None:
    before = api.get(f"/conversations/{ENDED_CALL}").json()["agent_config"]
    api.patch(f"/agents/{FRONT_DESK}", json={"prompt": "changed"}).raise_for_status()
    api.delete(f"/agents/{FRONT_DESK}").raise_for_status()
    after = api.get(f"/conversations/{ENDED_CALL}").json()
    assert after["agent_config"] == before and after["agent_id"] == FRONT_DESK


def test_status_filter_and_paging(api, conform) -> None:
    ended = conform("conversations_list", api.get("/conversations", params={"status": "ended"}))
    assert [c["id"] for c in ended["items"]] == [ENDED_CALL]
    assert api.get("/conversations", params={"status": "started"}).json()["items"] == []
    first = api.get("/conversations", params={"limit": 1}).json()
    second = api.get("/conversations", params={"limit": 1, "index": 2}).json()
    assert ([c["id"] for c in first["items"]], first["has_more"]) == ([ENDED_CALL], True)
    assert ([c["id"] for c in second["items"]], second["has_more"]) == ([QUEUED_CALL], False)
    queued_page = api.get("/conversations", params={"status": "queued", "limit": 1}).json()
    assert ([c["id"] for c in queued_page["items"]], queued_page["has_more"]) == ([QUEUED_CALL], False)
    late = api.get("/conversations", params={"created_after": "2024-05-04T15:00:00Z"}).json()
    assert [c["id"] for c in late["items"]] == [QUEUED_CALL]


def test_bad_status_and_times_are_reported_in_declared_order(api, conform) -> None:
    response = api.get("/conversations", params={"created_after": "x", "created_before": "y", "status": "done"})
    assert response.status_code == 422
    detail = conform("conversations_list", response)["detail"]
    assert [e["loc"] for e in detail] == [["query", "status"], ["query", "created_before"], ["query", "created_after"]]
    assert detail[0] == {
        "type": "enum",
        "loc": ["query", "status"],
        "msg": "Input should be 'started', 'ended' or 'queued'",
        "input": "done",
        "ctx": {"expected": "'started', 'ended' or 'queued'"},
    }


def test_unknown_conversation_is_404(api, conform) -> None:
    response = api.get("/conversations/conv_000000000000000000000000")
    assert response.status_code == 404
    assert conform("conversations_get", response) == {"detail": "Conversation not found"}
