"""The journal's verdicts on VoiceOS requests: no false alarm where the official description allows
a request, a reported departure where only the emulator's leniency takes it."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_voiceos.demo import NO_AGENT, WITH_WEBHOOK

HOOK = {"events": ["phone_call:connection_requested"], "url": "https://hooks.example.org/pick", "method": "POST"}


def verdict(admin: httpx.Client, response: httpx.Response) -> list[dict[str, Any]]:
    """The violations the journal recorded for the last VoiceOS request (the one that gave `response`)."""
    entry = admin.get("/journal", params={"provider": "voiceos", "limit": 1}).json()["entries"][0]
    assert entry["status"] == response.status_code
    return entry["violations"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("PATCH", f"/phone_numbers/{WITH_WEBHOOK}", {"webhooks": [{**HOOK, "headers": None, "filter": None}]}),
        ("PATCH", f"/phone_numbers/{WITH_WEBHOOK}", {"webhooks": None, "inbound_agent_id": None}),
        ("PATCH", f"/phone_numbers/{WITH_WEBHOOK}", {"webhooks": [{**HOOK, "events": []}]}),
        ("POST", "/phone_numbers/buy", {"provider": None, "phone_number": None}),
        ("POST", "/agents", {"prompt": None, "voice": None, "language_model": None, "webhooks": None, "metadata": None}),
        ("POST", "/agents", {"voice": {"provider": "elevenlabs", "model_id": None, "voice_id": None}}),
        ("POST", "/agents", {"voice": {"provider": "elevenlabs", "similarity_boost": 0.5, "stability": 1}}),
        ("POST", "/agents", {"transcriber": {"model": None, "language": None, "keywords": None}}),
        ("POST", "/agents", {"transcriber": {"provider": "azure", "languages": None}}),
        ("POST", "/agents", {"hooks": [{"events": ["conversation:duration"], "instructions": [{"instruction": "hang_up"}]}]}),
        ("PATCH", "/agents/agt_62f9a507d6373d81b927a3dc", {"webhooks": [{**HOOK, "events": ["message:sent"], "headers": None}]}),
    ],
    ids=[
        "null-headers",
        "null-webhooks",
        "no-events",
        "null-provider",
        "null-agent-fields",
        "null-elevenlabs-fields",
        "elevenlabs-default-level",
        "null-deepgram-fields",
        "null-azure-languages",
        "docs-hooks",
        "agent-webhook-null-headers",
    ],
)
def test_what_the_sdk_allows_is_taken_without_a_violation(api, admin, method, path, body) -> None:
    response = api.request(method, path, json=body)
    assert response.status_code == 200, response.text
    assert verdict(admin, response) == []


def test_a_number_without_plus_is_found_but_reported(api, admin) -> None:
    response = api.get(f"/phone_numbers/{NO_AGENT.lstrip('+')}")
    assert response.status_code == 200 and response.json()["phone_number"] == NO_AGENT
    [violation] = verdict(admin, response)
    assert violation["location"] == "path.phone_number" and violation["operation"] == "phone_numbers_get"
    assert verdict(admin, api.get(f"/phone_numbers/%2B{NO_AGENT.lstrip('+')}")) == []


def test_pages_below_1_are_refused_by_the_emulator_only(api, admin) -> None:
    """The document sets no minimum; the emulator's 422 is Inferred, so the request itself is not reported."""
    for params in ({"index": 0}, {"limit": 0}):
        response = api.get("/agents", params=params)
        assert response.status_code == 422
        assert verdict(admin, response) == []


def test_a_fractional_elevenlabs_level_is_refused_and_reported(api, admin) -> None:
    response = api.post("/agents", json={"voice": {"provider": "elevenlabs", "stability": 0.7}})
    assert response.status_code == 422
    assert [v["location"] for v in verdict(admin, response)] == ["body/voice"]
