"""Simulated inbound calls: phone_call:connection_requested to real receivers, the agent choice, the conversation."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Iterator
from urllib.parse import parse_qsl

import httpx
import orjson
import pytest
from starlette.requests import Request
from starlette.responses import Response
from test_voiceos.demo import (
    AFTER_HOURS,
    DEMO_ACCOUNT,
    FRONT_DESK,
    NO_AGENT,
    NOW,
    SALES,
    WITH_WEBHOOK,
    admin_client,
    voiceos_client,
)
from test_webhooks.receiver import Receiver

from telemock.contracts.validate import contract_for
from telemock.emulator import Config

EVENT = "phone_call:connection_requested"
CALLER = "+14155550199"
TIMEOUT_S = 0.4
FIELDS = ["event", "phone_number", "from_number", "to_number", "account_id", "conversation_id", "timestamp"]


class AgentReceiver(Receiver):
    """The test receiver, able to answer with a chosen body after an optional delay."""

    def __init__(self, status: int = 200, reply: Any = None, delay: float = 0.0) -> None:
        super().__init__(status)
        self.reply = reply
        self.delay = delay

    async def _handle(self, request: Request) -> Response:
        recorded = await super()._handle(request)
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.reply is None:
            return recorded
        content = self.reply if isinstance(self.reply, bytes) else orjson.dumps(self.reply)
        return Response(content, status_code=self.status, media_type="application/json")


@pytest.fixture
def receivers() -> Iterator[Any]:
    """Starts receivers on demand and stops them all at the end of the test."""
    started: list[AgentReceiver] = []

    def make(**kwargs: Any) -> AgentReceiver:
        live = AgentReceiver(**kwargs).start()
        started.append(live)
        return live

    yield make
    for live in started:
        live.stop()


def call_server_for(server_factory: Any, **settings: Any) -> tuple[Any, httpx.Client, httpx.Client]:
    live = server_factory(Config(settings={"voiceos": {"connection_webhook_timeout_seconds": TIMEOUT_S, **settings}}))
    return live, voiceos_client(live), admin_client(live)


@pytest.fixture(scope="session")
def call_server(server_factory: Any) -> tuple[Any, httpx.Client, httpx.Client]:
    """Default settings but a short webhook timeout."""
    return call_server_for(server_factory)


@pytest.fixture
def calls(call_server: tuple[Any, httpx.Client, httpx.Client]) -> tuple[httpx.Client, httpx.Client]:
    """(api, admin) on the reset call server, its clock frozen at NOW."""
    _live, api, admin = call_server
    admin.post("/reset").raise_for_status()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": NOW}).raise_for_status()
    return api, admin


def hook(url: str, method: str = "POST", headers: dict[str, str] | None = None, **extra: Any) -> dict[str, Any]:
    return {"events": [EVENT], "url": url, "method": method, "headers": headers or {}, **extra}


def configure(api: httpx.Client, number: str, hooks: list[dict[str, Any]], **fields: Any) -> None:
    api.patch(f"/phone_numbers/{number}", json={"webhooks": hooks, **fields}).raise_for_status()


def simulate(admin: httpx.Client, to: str, **extra: Any) -> httpx.Response:
    return admin.post("/simulate/inbound-call", json={"provider": "voiceos", "to": to, "from": CALLER, **extra})


def call(admin: httpx.Client, to: str, **extra: Any) -> dict[str, Any]:
    response = simulate(admin, to, **extra)
    assert response.status_code == 200, response.text
    return response.json()


def check_event(fields: dict[str, Any]) -> None:
    assert contract_for("voiceos").check_event(EVENT, fields) == []


def expected_fields(answer: dict[str, Any], to: str = WITH_WEBHOOK) -> dict[str, str]:
    return {
        "event": EVENT,
        "phone_number": to,
        "from_number": CALLER,
        "to_number": to,
        "account_id": DEMO_ACCOUNT,
        "conversation_id": answer["conversation"]["id"],
        "timestamp": NOW,
    }


# --- the request: method, fields, headers --------------------------------------------------------


def test_post_webhook_gets_the_event_and_its_reply_chooses_the_agent(calls, receivers, conform) -> None:
    api, admin = calls
    receiver = receivers(reply={"agent_id": SALES})
    headers = {"X-Secret": "s3cr3t", "Authorization": "Bearer backend-token"}
    configure(api, WITH_WEBHOOK, [hook(receiver.url("/voiceos/connect"), headers=headers, filter="duration > 5")])
    answer = call(admin, WITH_WEBHOOK)

    [got] = receiver.received
    assert (got.method, got.path, got.query) == ("POST", "/voiceos/connect", "")
    assert got.headers["x-secret"] == "s3cr3t" and got.headers["authorization"] == "Bearer backend-token"
    assert got.headers["content-type"] == "application/json"
    assert not [h for h in got.headers if "signature" in h]  # the configured headers are the only auth
    body = got.json()
    assert list(body) == FIELDS and body == expected_fields(answer)
    check_event(body)

    [report] = answer["webhooks"]
    assert report["sent"] is True and report["filter"] == "duration > 5"  # stored, not evaluated
    assert report["request"]["method"] == "POST" and report["request"]["url"] == receiver.url("/voiceos/connect")
    assert report["request"]["headers"]["x-secret"] == "s3cr3t" and report["request"]["body"] == body
    assert report["response"] == {"status": 200, "body": {"agent_id": SALES}} and report["error"] is None
    assert answer["agent"]["agent_id"] == SALES and answer["agent"]["source"] == "webhook"
    assert answer["accepted"] is True

    conversation = conform("conversations_get", api.get(f"/conversations/{body['conversation_id']}"))
    assert conversation == answer["conversation"]
    assert (conversation["type"], conversation["status"], conversation["agent_id"]) == (
        "inbound_phone_call",
        "started",
        SALES,
    )
    assert conversation["phone_call"] == {"provider": "twilio", "to_number": WITH_WEBHOOK, "from_number": CALLER}
    assert (conversation["started_at"], conversation["ended_at"], conversation["ended_reason"]) == (NOW, None, None)
    agent = api.get(f"/agents/{SALES}").json()
    assert conversation["agent_config"] == {k: agent[k] for k in conversation["agent_config"]}
    listed = conform("conversations_list", api.get("/conversations"))
    assert conversation in listed["items"]
    api.patch(f"/agents/{SALES}", json={"prompt": "Changed later."}).raise_for_status()
    assert api.get(f"/conversations/{conversation['id']}").json() == conversation  # a copy of the configuration


def test_get_webhook_gets_the_fields_as_query_parameters(calls, receivers) -> None:
    api, admin = calls
    receiver = receivers(reply={"agent_id": AFTER_HOURS})
    configure(api, WITH_WEBHOOK, [hook(receiver.url("/hook?source=voiceos"), method="GET", headers={"X-Token": "t0k"})])
    answer = call(admin, WITH_WEBHOOK)

    [got] = receiver.received
    assert (got.method, got.path, got.body) == ("GET", "/hook", b"")
    assert got.headers["x-token"] == "t0k" and "content-type" not in got.headers
    query = dict(parse_qsl(got.query))
    assert query.pop("source") == "voiceos"  # the URL's own query is kept
    assert query == expected_fields(answer)
    check_event(query)
    assert answer["webhooks"][0]["request"]["body"] is None
    assert answer["webhooks"][0]["request"]["url"].startswith(receiver.url("/hook?source=voiceos&event="))
    assert (answer["agent"]["agent_id"], answer["conversation"]["agent_id"]) == (AFTER_HOURS, AFTER_HOURS)


# --- the agent: reply, fallback, rejection -----------------------------------------------------------


@pytest.mark.parametrize(
    ("receiver_kwargs", "outcome"),
    [
        ({"status": 500, "reply": {"agent_id": SALES}}, "replied 500, not 2xx"),
        ({"reply": {"agent_id": "agt_000000000000000000000000"}}, "is not an agent of the account"),
        ({"reply": b"<Response/>"}, 'the reply has no {"agent_id": ...}'),
        ({"reply": {"agent_id": SALES}, "delay": TIMEOUT_S + 0.4}, f"no reply within {TIMEOUT_S:g} s"),
    ],
    ids=["500", "unknown-agent", "not-json", "timeout"],
)
def test_falls_back_to_inbound_agent_id(calls, receivers, receiver_kwargs, outcome) -> None:
    api, admin = calls
    receiver = receivers(**receiver_kwargs)
    configure(api, WITH_WEBHOOK, [hook(receiver.url())])
    started = time.monotonic()
    answer = call(admin, WITH_WEBHOOK)
    assert time.monotonic() - started < TIMEOUT_S + 0.35
    assert len(receiver.received) == 1
    check_event(receiver.received[0].json())
    assert outcome in answer["webhooks"][0]["outcome"]
    assert answer["agent"]["agent_id"] == FRONT_DESK and answer["agent"]["source"] == "inbound_agent_id"
    assert api.get(f"/conversations/{answer['conversation']['id']}").json()["agent_id"] == FRONT_DESK


def test_unreachable_and_unusable_urls_fall_back_too(calls, receivers) -> None:
    api, admin = calls
    receiver = receivers()
    url = receiver.url()
    receiver.stop()
    configure(api, WITH_WEBHOOK, [hook(url), hook("ftp://127.0.0.1/hook"), hook("not a url", method="GET")])
    answer = call(admin, WITH_WEBHOOK)
    refused, ftp, garbage = answer["webhooks"]
    assert refused["sent"] is True and refused["response"] is None and "ConnectError" in refused["error"]
    assert [ftp["sent"], garbage["sent"]] == [False, False]
    assert "could not send" in ftp["error"] and "could not send" in garbage["error"]
    assert answer["agent"]["agent_id"] == FRONT_DESK


def test_a_call_without_any_agent_is_rejected(calls, receivers, conform) -> None:
    api, admin = calls
    receiver = receivers(status=503)
    configure(api, NO_AGENT, [hook(receiver.url())])
    answer = call(admin, NO_AGENT)
    assert len(receiver.received) == 1
    check_event(receiver.received[0].json())
    assert answer["accepted"] is False and answer["agent"]["agent_id"] is None
    assert "inbound_agent_id is null" in answer["agent"]["reason"]
    conversation = conform(
        "conversations_get", api.get(f"/conversations/{receiver.received[0].json()['conversation_id']}")
    )
    assert conversation == answer["conversation"]
    assert (conversation["status"], conversation["ended_reason"], conversation["agent_id"]) == (
        "ended",
        "unknown",
        None,
    )
    assert (conversation["started_at"], conversation["ended_at"]) == (None, NOW)

    configure(api, NO_AGENT, [])  # no webhooks at all this time
    bare = call(admin, NO_AGENT, tenant="demo")
    assert bare["webhooks"] == [] and bare["accepted"] is False
    assert "no webhook for phone_call:connection_requested" in bare["agent"]["reason"]


def test_webhooks_are_called_in_order_and_the_first_valid_reply_wins(calls, receivers) -> None:
    api, admin = calls
    failing, first, second = (
        receivers(status=500),
        receivers(reply={"agent_id": SALES}),
        receivers(reply={"agent_id": AFTER_HOURS}),
    )
    configure(api, WITH_WEBHOOK, [hook(failing.url()), hook(first.url(), method="GET"), hook(second.url())])
    answer = call(admin, WITH_WEBHOOK)
    arrivals = [r.received[0].arrived for r in (failing, first, second)]
    assert arrivals == sorted(arrivals)
    assert [r["sent"] for r in answer["webhooks"]] == [True, True, True]
    assert answer["agent"] == {"agent_id": SALES, "source": "webhook", "reason": "webhook 1 replied with its agent_id"}
    assert "webhook 1 had already chosen the agent" in answer["webhooks"][2]["outcome"]


def test_webhooks_without_the_event_are_skipped(calls, receivers) -> None:
    """The API only accepts phone_call:connection_requested; a restored state can hold others."""
    api, admin = calls
    skipped, called = receivers(reply={"agent_id": SALES}), receivers(reply={"agent_id": AFTER_HOURS})
    configure(api, WITH_WEBHOOK, [hook(skipped.url()), hook(called.url())])
    state = admin.get("/state").json()
    state["providers"]["voiceos"]["tenants"]["demo"]["numbers"][WITH_WEBHOOK]["webhooks"][0]["events"] = [
        "phone_call:accepted"
    ]
    admin.put("/state", json={"providers": {"voiceos": state["providers"]["voiceos"]}}).raise_for_status()
    answer = call(admin, WITH_WEBHOOK)
    assert skipped.received == [] and len(called.received) == 1
    assert answer["webhooks"][0]["sent"] is False and "request" not in answer["webhooks"][0]
    assert "events do not include" in answer["webhooks"][0]["outcome"]
    assert answer["agent"]["agent_id"] == AFTER_HOURS


def test_a_reset_during_the_call_records_nothing(calls, receivers, call_server) -> None:
    api, admin = calls
    resetter = admin_client(call_server[0])
    receiver = receivers(reply={"agent_id": SALES})
    receiver.responder = lambda _request: resetter.post("/reset").status_code  # 200 once the reset is done
    configure(api, WITH_WEBHOOK, [hook(receiver.url())])
    answer = call(admin, WITH_WEBHOOK)
    assert len(receiver.received) == 1 and answer["webhooks"][0]["response"]["status"] == 200
    assert answer["accepted"] is False and answer["conversation"] is None and "reset" in answer["notes"][-1]
    assert api.get(f"/conversations/{receiver.received[0].json()['conversation_id']}").status_code == 404


# --- the conversation's end on the virtual clock -------------------------------------------------------


def test_the_call_ends_on_the_virtual_clock(calls) -> None:
    api, admin = calls
    configure(api, WITH_WEBHOOK, [])
    first = call(admin, WITH_WEBHOOK)["conversation"]["id"]
    capped = call(admin, "+14155550101", duration_seconds=1000)["conversation"]["id"]  # SALES: 300 s at most
    admin.post("/clock/advance", json={"seconds": 59}).raise_for_status()
    assert api.get(f"/conversations/{first}").json()["status"] == "started"
    admin.post("/clock/advance", json={"seconds": 1}).raise_for_status()
    ended = api.get(f"/conversations/{first}").json()
    assert (ended["status"], ended["ended_at"], ended["ended_reason"]) == (
        "ended",
        "2024-06-01T12:01:00Z",
        "user_ended",
    )

    snapshot = admin.get("/state").json()
    admin.post("/reset").raise_for_status()
    admin.put("/state", json=snapshot).raise_for_status()  # the call in progress keeps its end
    admin.post("/clock/advance", json={"seconds": 240}).raise_for_status()
    cut = api.get(f"/conversations/{capped}").json()
    assert (cut["status"], cut["ended_reason"]) == ("ended", "agent_ended")
    assert cut["ended_at"].startswith("2024-06-01T12:05:00")


# --- settings ----------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def switched_call_server(server_factory: Any) -> tuple[Any, httpx.Client, httpx.Client]:
    return call_server_for(
        server_factory,
        connection_webhooks_called="until_agent",
        rejected_calls="drop",
        call_duration_seconds=0,
        on_agent_delete="keep",
    )


@pytest.fixture
def switched_calls(switched_call_server: tuple[Any, httpx.Client, httpx.Client]) -> tuple[httpx.Client, httpx.Client]:
    _live, api, admin = switched_call_server
    admin.post("/reset").raise_for_status()
    return api, admin


def test_until_agent_and_an_immediate_end(switched_calls, receivers) -> None:
    api, admin = switched_calls
    first, second = receivers(reply={"agent_id": SALES}), receivers(reply={"agent_id": AFTER_HOURS})
    configure(api, WITH_WEBHOOK, [hook(first.url()), hook(second.url())])
    answer = call(admin, WITH_WEBHOOK)
    assert len(first.received) == 1 and second.received == []
    assert answer["webhooks"][1]["sent"] is False and "already chose the agent" in answer["webhooks"][1]["outcome"]
    conversation = api.get(f"/conversations/{answer['conversation']['id']}").json()
    assert (conversation["status"], conversation["ended_reason"], conversation["agent_id"]) == (
        "ended",
        "user_ended",
        SALES,
    )
    assert conversation["started_at"] == conversation["ended_at"] is not None


def test_rejected_calls_can_be_dropped(switched_calls) -> None:
    api, admin = switched_calls
    before = api.get("/conversations").json()["items"]
    assert call(admin, NO_AGENT)["conversation"] is None
    api.delete(f"/agents/{FRONT_DESK}").raise_for_status()  # the number keeps naming it (on_agent_delete: keep)
    configure(api, WITH_WEBHOOK, [])
    dangling = call(admin, WITH_WEBHOOK)
    assert dangling["accepted"] is False and dangling["conversation"] is None
    assert f"inbound_agent_id '{FRONT_DESK}' is not an agent of the account" in dangling["agent"]["reason"]
    assert api.get("/conversations").json()["items"] == before


# --- bad simulations -----------------------------------------------------------------------------------


def test_unknown_numbers_bad_parameters_and_messages(calls) -> None:
    _api, admin = calls
    unknown = simulate(admin, "+19995550000")
    assert unknown.status_code == 404 and "+19995550000" in unknown.json()["error"]["message"]
    assert simulate(admin, WITH_WEBHOOK, tenant="nobody").status_code == 404
    assert simulate(admin, "not a number").status_code == 400
    assert simulate(admin, WITH_WEBHOOK, duration_seconds=-1).status_code == 400
    message = admin.post("/simulate/inbound-message", json={"provider": "voiceos", "to": WITH_WEBHOOK, "from": CALLER})
    assert message.status_code == 404 and "no inbound messages" in message.json()["error"]["message"]
