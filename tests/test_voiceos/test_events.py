"""Conversation events (phone_call:accepted/rejected, conversation:started/ended) delivered to real receivers."""

from __future__ import annotations

from typing import Any, Iterator
from urllib.parse import parse_qsl

import httpx
import pytest
from test_voiceos.demo import DEMO_ACCOUNT, IMPORTED, NO_AGENT, NOW, SALES, admin_client, voiceos_client
from test_webhooks.receiver import Receiver

from telemock.contracts.validate import contract_for
from telemock.emulator import Config

CALLER = "+14155550199"
CALLEE = "+14155550177"
LIFECYCLE = ["phone_call:accepted", "phone_call:rejected", "conversation:started", "conversation:ended"]
FIELDS = ["event", "account_id", "conversation_id", "timestamp"]


@pytest.fixture
def receivers() -> Iterator[Any]:
    started: list[Receiver] = []

    def make(status: int = 200) -> Receiver:
        live = Receiver(status).start()
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


def hook(url: str, events: list[str], method: str = "POST", **extra: Any) -> dict[str, Any]:
    return {"events": events, "url": url, "method": method, **extra}


def subscribe(api: httpx.Client, agent: str, hooks: list[dict[str, Any]]) -> None:
    api.patch(f"/agents/{agent}", json={"webhooks": hooks}).raise_for_status()


def simulate(admin: httpx.Client, to: str) -> dict[str, Any]:
    response = admin.post("/simulate/inbound-call", json={"provider": "voiceos", "to": to, "from": CALLER})
    assert response.status_code == 200, response.text
    return response.json()


def deliveries(admin: httpx.Client, **filters: Any) -> list[dict[str, Any]]:
    params = {"provider": "voiceos", "timeout": 5, **filters}
    return admin.get("/deliveries", params=params).json()["deliveries"]


def check_event(body: dict[str, Any]) -> None:
    assert contract_for("voiceos").check_event(body["event"], body) == []


def test_an_inbound_call_sends_its_lifecycle_to_the_agents_webhooks(api, frozen, receivers) -> None:
    posted, got, unsubscribed = receivers(), receivers(), receivers()
    subscribe(
        api,
        SALES,
        [
            hook(posted.url("/events"), LIFECYCLE, headers={"X-Secret": "s3cr3t"}, filter="duration > 5"),
            hook(got.url("/ended?source=voiceos"), ["conversation:ended"], method="GET", headers={"X-Token": "t0k"}),
            hook(unsubscribed.url(), ["message:sent", "speech:started"]),
        ],
    )
    answer = simulate(frozen, IMPORTED)  # IMPORTED takes its calls with SALES
    conversation_id = answer["conversation"]["id"]
    accepted, started = posted.wait_for(2)
    assert [e["event"] for e in answer["events"]] == ["phone_call:accepted", "conversation:started"]
    assert all(e["url"] == posted.url("/events") and e["method"] == "POST" for e in answer["events"])

    for request, event in ((accepted, "phone_call:accepted"), (started, "conversation:started")):
        assert (request.method, request.path) == ("POST", "/events")
        assert request.headers["x-secret"] == "s3cr3t" and request.headers["content-type"] == "application/json"
        assert not [name for name in request.headers if "signature" in name]  # the headers are the only auth
        body = request.json()
        assert list(body) == [*FIELDS, "conversation"]
        assert body["event"] == event and body["account_id"] == DEMO_ACCOUNT
        assert (body["conversation_id"], body["timestamp"]) == (conversation_id, NOW)
        assert body["conversation"] == answer["conversation"]
        check_event(body)

    frozen.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    (ended,) = posted.wait_for(3)[2:]
    assert ended.json()["event"] == "conversation:ended" and ended.json()["timestamp"] == "2024-06-01T12:01:00Z"
    assert ended.json()["conversation"] == api.get(f"/conversations/{conversation_id}").json()
    assert ended.json()["conversation"]["status"] == "ended"
    check_event(ended.json())
    (by_get,) = got.wait_for(1)
    assert (by_get.method, by_get.path, by_get.body) == ("GET", "/ended", b"")
    assert by_get.headers["x-token"] == "t0k" and "content-type" not in by_get.headers
    query = dict(parse_qsl(by_get.query))
    assert query.pop("source") == "voiceos"  # the URL's own query is kept
    assert query == {k: ended.json()[k] for k in FIELDS}
    assert unsubscribed.received == [] and len(posted.received) == 3

    sent = deliveries(frozen, status="succeeded", wait_for=4)
    assert [(d["type"], d["method"]) for d in sent] == [
        ("phone_call:accepted", "POST"),
        ("conversation:started", "POST"),
        ("conversation:ended", "POST"),
        ("conversation:ended", "GET"),
    ]
    assert {d["ordering_key"] for d in sent} == {conversation_id}


def test_a_failed_event_is_not_retried(api, frozen, receivers) -> None:
    failing = receivers(status=503)
    subscribe(api, SALES, [hook(failing.url(), ["conversation:started"])])
    simulate(frozen, IMPORTED)
    (failed,) = deliveries(frozen, status="failed", wait_for=1)
    assert failed["type"] == "conversation:started" and len(failed["attempts"]) == 1
    assert failed["attempts"][0]["status"] == 503 and failed["attempts_left"] == 0
    frozen.post("/clock/advance", json={"seconds": 3600}).raise_for_status()
    assert len(failing.received) == 1


def test_a_configured_content_type_wins(api, frozen, receivers) -> None:
    receiver = receivers()
    subscribe(api, SALES, [hook(receiver.url(), ["conversation:started"], headers={"Content-Type": "text/plain"})])
    simulate(frozen, IMPORTED)
    (request,) = receiver.wait_for(1)
    assert request.headers["content-type"] == "text/plain" and request.json()["event"] == "conversation:started"


def test_an_outbound_call_sends_its_events_when_answered_and_ended(api, frozen, receivers) -> None:
    receiver = receivers()
    config = {"prompt": "Remind the callee.", "webhooks": [hook(receiver.url(), LIFECYCLE)]}
    body = api.post(
        "/conversations/create_phone_call", json={"from_number": IMPORTED, "to_number": CALLEE, "agent_config": config}
    ).json()
    assert body["status"] == "queued" and deliveries(frozen) == []  # nothing happens before the answer
    frozen.post("/clock/advance", json={"seconds": 5}).raise_for_status()
    accepted, started = receiver.wait_for(2)
    assert [accepted.json()["event"], started.json()["event"]] == ["phone_call:accepted", "conversation:started"]
    assert started.json()["conversation"]["type"] == "outbound_phone_call"
    assert started.json()["conversation"]["status"] == "started"
    frozen.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    ended = receiver.wait_for(3)[2].json()
    assert (ended["event"], ended["conversation"]["ended_reason"]) == ("conversation:ended", "user_ended")
    for request in receiver.received:
        check_event(request.json())


@pytest.fixture(scope="session")
def unanswered_server(server_factory: Any) -> tuple[httpx.Client, httpx.Client]:
    live = server_factory(Config(settings={"voiceos": {"outbound_call_outcome": "rejected"}}))
    return voiceos_client(live), admin_client(live)


def test_an_unanswered_outbound_call_sends_phone_call_rejected_only(unanswered_server, receivers) -> None:
    api, admin = unanswered_server
    admin.post("/reset").raise_for_status()
    admin.post("/clock/freeze").raise_for_status()
    receiver = receivers()
    subscribe(api, SALES, [hook(receiver.url(), LIFECYCLE)])
    conversation = api.post(
        "/conversations/create_phone_call", json={"from_number": IMPORTED, "to_number": CALLEE, "agent_id": SALES}
    ).json()
    admin.post("/clock/advance", json={"seconds": 3600}).raise_for_status()
    (rejected,) = receiver.wait_for(1)
    body = rejected.json()
    assert body["event"] == "phone_call:rejected" and body["conversation_id"] == conversation["id"]
    assert (body["conversation"]["status"], body["conversation"]["started_at"]) == ("ended", None)
    check_event(body)
    assert len(deliveries(admin)) == 1


def test_a_number_webhook_subscribed_to_rejections_hears_of_a_call_without_agent(api, admin, frozen, receivers) -> None:
    """The API lets phone-number webhooks subscribe to phone_call:connection_requested only; a restored state can hold more."""
    receiver = receivers()
    connection = hook(receiver.url(), ["phone_call:connection_requested"])
    api.patch(f"/phone_numbers/{NO_AGENT}", json={"webhooks": [connection]}).raise_for_status()
    state = admin.get("/state").json()
    state["providers"]["voiceos"]["tenants"]["demo"]["numbers"][NO_AGENT]["webhooks"][0]["events"] = LIFECYCLE
    admin.put("/state", json={"providers": {"voiceos": state["providers"]["voiceos"]}}).raise_for_status()
    answer = simulate(admin, NO_AGENT)
    assert answer["accepted"] is False and answer["webhooks"][0]["sent"] is False  # not asked for an agent
    (rejected,) = receiver.wait_for(1)
    assert rejected.json()["event"] == "phone_call:rejected"
    assert rejected.json()["conversation"]["ended_reason"] == "unknown"
    assert [e["event"] for e in answer["events"]] == ["phone_call:rejected"]
