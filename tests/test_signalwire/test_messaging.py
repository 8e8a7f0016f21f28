"""Inbound messages on a number handled by a SWML webhook, and the status callbacks of its replies.

A project is seeded whose number has a SWML webhook (a Fabric resource) for its messages,
pointing at a real receiver on a loopback port. The receiver answers with SWML; the emulator's
requests are checked field by field, against the spec's `webhooks:` and with the official SDK's
signature validator, and the replies' status callbacks are followed through the outbox.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Iterator
from typing import Any

import orjson
import pytest
from test_signalwire.helpers import NUMBERS, cached
from test_signalwire.test_simulate import Handler

from telemock.contracts.validate import contract_for
from telemock.emulator import Config
from telemock.emulator.providers.signalwire.messaging import reply_of_step, segments

security = pytest.importorskip("signalwire.core.security")

PROJECT = "c0c0c0c0-2222-4333-8444-555555555555"
SPACE = "d0d0d0d0-2222-4333-8444-555555555555"
KEY = "PSK_messaging_key_Tt44"
RESOURCE = "e0e0e0e0-2222-4333-8444-555555555555"
NUMBER_ID = "f0f0f0f0-2222-4333-8444-555555555555"
NUMBER = "+17205550199"
SMS_ONLY = "+17205550198"
CALLER = "+15551234567"
TIMEOUT_S = 5.0  # no test here waits for it: room for a loopback handler on a busy machine


def swml(*steps: Any) -> bytes:
    return orjson.dumps({"version": "1.0.0", "sections": {"main": list(steps)}})


@pytest.fixture(scope="module")
def live(server_factory: Any) -> Any:
    """A server of its own: short handler timeout, status callbacks retried once after 60 s."""
    return server_factory(Config(providers=["signalwire"], settings={"signalwire": {
        "handler_timeout_seconds": TIMEOUT_S, "status_callback_attempt_delays_seconds": [0, 60]}}))


@pytest.fixture
def hook(live: Any) -> Iterator[Handler]:
    """The receiver, and a project whose number's messages go to its `/sms` (and `/fallback`) path."""
    cached(live, "/_telemock").post("/reset").raise_for_status()
    with Handler() as receiver:
        seed(live, receiver.url("/sms"), receiver.url("/fallback"), receiver.url("/status"))
        yield receiver


def seed(live: Any, primary: str, fallback: str | None, status: str | None) -> None:
    webhook = {"id": RESOURCE, "primary_request_url": primary, "fallback_request_url": fallback,
               "status_callback_url": status}
    project = {
        "tenant": "sms", "project_id": PROJECT, "signing_key": KEY, "space_id": SPACE, "tokens": [{"token": "PTsms"}],
        "numbers": [
            {"id": NUMBER_ID, "number": NUMBER, "message_swml_webhook": webhook},
            {"number": SMS_ONLY, "capabilities": ["voice", "sms"]},
        ],
    }
    cached(live, "/_telemock").post("/fixtures", json={"signalwire": {"projects": [project]}}).raise_for_status()


def simulate(live: Any, **body: Any) -> dict[str, Any]:
    response = cached(live, "/_telemock").post("/simulate/inbound-message", json={
        "provider": "signalwire", "to": NUMBER, "from": CALLER, **body})
    assert response.status_code == 200, response.text
    return response.json()


def statuses(live: Any, count: int) -> list[dict[str, Any]]:
    found = cached(live, "/_telemock").get("/deliveries", params={
        "provider": "signalwire", "type": "messageStatusCallback", "status": "succeeded", "wait_for": count}).json()
    return found["deliveries"]


def retry_pending(delivery: dict[str, Any]) -> bool:
    """The first attempt failed and the next one waits for the virtual clock."""
    return delivery["status"] == "pending" and bool(delivery["attempts"])


def assert_json_signed(hook: Handler, item: Any) -> None:
    url, raw = hook.url(item.path), item.body.decode()
    signature = item.headers["x-signalwire-signature"]
    assert signature == hmac.new(KEY.encode(), (url + raw).encode(), hashlib.sha1).hexdigest()
    assert security.validate_webhook_signature(KEY, signature, url, raw)
    assert security.validate_webhook_signature_sha256(KEY, item.headers["x-signalwire-sha256-signature"], url, raw)
    assert not security.validate_webhook_signature("PSK_other_key", signature, url, raw)


def test_the_number_shows_the_resource_and_no_relay_rest_handler(live, hook):
    number = cached(live, "/signalwire", (PROJECT, "PTsms")).get(f"{NUMBERS}/{NUMBER_ID}").json()
    assert number["messaging_handler_resource_id"] == RESOURCE and number["message_handler"] is None
    # Setting a Relay REST message handler replaces the Fabric resource.
    updated = cached(live, "/signalwire", (PROJECT, "PTsms")).put(f"{NUMBERS}/{NUMBER_ID}", json={
        "message_handler": "laml_webhooks", "message_request_url": hook.url("/cxml")}).json()
    assert updated["messaging_handler_resource_id"] is None and updated["message_handler"] == "laml_webhooks"
    answer = simulate(live, body="hi")
    assert answer["handler"] == "laml_webhooks" and [r.path for r in hook.wait_for(1)] == ["/cxml"]


def test_inbound_message_is_a_signed_swml_request(live, hook):
    cached(live, "/_telemock").post("/clock/freeze").raise_for_status()
    cached(live, "/_telemock").post("/clock/set", json={"time": "2026-03-17T22:26:57.400Z"}).raise_for_status()
    hook.reply("/sms", swml({"reply": "Thanks!"}), content_type="application/json")
    media = [{"url": "https://media.example.com/cat.jpg", "size": 48213}]
    answer = simulate(live, body="Hello, I need help", media=media)
    request = hook.wait_for(1)[0]
    assert (request.path, request.method, request.headers["content-type"]) == ("/sms", "POST", "application/json")
    assert request.json() == {
        "message": {
            "message_id": answer["message_sid"],
            "project_id": PROJECT,
            "space_id": SPACE,
            "direction": "inbound",
            "type": "mms",
            "from": CALLER,
            "to": NUMBER,
            "body": "Hello, I need help",
            "media": [{"url": "https://media.example.com/cat.jpg", "content_type": "image/jpeg", "size": 48213}],
            "segments": 1,
            "timestamp": "2026-03-17T22:26:57Z",
        },
        "params": {},
    }
    assert contract_for("signalwire").check_event("inboundMessageWebhook", request.json()) == []
    assert_json_signed(hook, request)
    assert answer["handler"] == "swml_webhook" and answer["resource_id"] == RESOURCE
    assert answer["delivered"] is True and answer["reply"]["verbs"] == ["reply"]

    text = simulate(live, body="")["requests"][0]["request"]
    assert orjson.loads(text["body"])["message"]["type"] == "sms"
    media_only = simulate(live, media=["https://media.example.com/a.png"])["requests"][0]["request"]
    assert orjson.loads(media_only["body"])["message"]["body"] is None  # an MMS without text


def test_replies_are_sent_and_their_states_posted_in_order(live, hook):
    hook.reply("/sms", swml(
        {"reply": "Got it, %{message.from}"},
        {"reply": {"body": "See attached", "media": ["https://cdn.example.com/menu.png"],
                   "status_url": hook.url("/reply-status")}},
        {"send_sms": {"to_number": "+15550000000"}},  # not a reply: ignored
    ), content_type="application/json")
    answer = simulate(live, body="menu")
    sms, mms = answer["replies"]
    assert (sms["result"], sms["from"], sms["to"], sms["body"]) == ("queued", NUMBER, CALLER, f"Got it, {CALLER}")
    assert sms["status_callback_url"] == hook.url("/status")  # the resource's URL
    assert mms["status_callback_url"] == hook.url("/reply-status") and mms["media"] == ["https://cdn.example.com/menu.png"]

    delivered = statuses(live, 5)
    by_path: dict[str, list[dict[str, Any]]] = {}
    for item in hook.wait_for(6)[1:]:
        by_path.setdefault(item.path, []).append(item.json())
        assert_json_signed(hook, item)
        assert contract_for("signalwire").check_event("messageStatusCallback", item.json()) == []
    assert [s["status"] for s in by_path["/status"]] == ["queued", "sent", "delivered"]
    assert [s["status"] for s in by_path["/reply-status"]] == ["queued", "sent"]  # MMS has no delivery receipt
    first = by_path["/status"][0]
    assert first["id"] == sms["message_id"] and first["project_id"] == PROJECT
    assert (first["from"], first["to"], first["body"], first["number_of_segments"]) == (NUMBER, CALLER, sms["body"], 1)
    assert first["error_code"] is None and first["error_message"] is None
    assert {d["id"] for d in delivered} == set(sms["deliveries"]) | set(mms["deliveries"])


def test_a_failed_status_callback_is_retried_on_the_virtual_clock(live, hook):
    control = cached(live, "/_telemock")
    control.post("/clock/freeze").raise_for_status()
    hook.reply("/sms", swml({"reply": "ok"}), content_type="application/json")
    hook.reply("/status", "", status=503)
    answer = simulate(live, body="x")
    first_id = answer["replies"][0]["deliveries"][0]
    deadline = time.monotonic() + 5
    while not retry_pending(control.get(f"/deliveries/{first_id}").json()):
        assert time.monotonic() < deadline
        time.sleep(0.01)
    hook.reply("/status", "", status=204)
    control.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    done = statuses(live, 3)
    first = next(d for d in done if d["id"] == first_id)
    assert [a["status"] for a in first["attempts"]] == [503, 204]
    assert [item.json()["status"] for item in hook.wait_for(5)[1:]] == ["queued", "queued", "sent", "delivered"]


def test_fallback_bad_replies_and_refused_senders(live, hook):
    hook.reply("/sms", "", status=500)
    hook.reply("/fallback", "version: 1.0.0\nsections:\n  main:\n    - reply:\n        switch:\n"
               "          variable: message.body\n          transform: lowercase_trim\n"
               "          case: {stop: You are unsubscribed}\n          default: Reply STOP to stop\n",
               content_type="application/yaml")
    answer = simulate(live, body="  STOP ")
    primary, fallback = hook.wait_for(2)
    assert fallback.path == "/fallback" and fallback.body == primary.body
    assert_json_signed(hook, fallback)
    assert answer["reply"]["from"] == "fallback" and answer["replies"][0]["body"] == "You are unsubscribed"

    hook.reply("/sms", "<Response><Message>cXML</Message></Response>")
    answer = simulate(live, body="x")
    assert answer["reply"]["valid"] is False and answer["replies"] == [] and "no reply is sent" in answer["note"]

    hook.reply("/sms", swml(
        {"reply": {"body": "from elsewhere", "from": "+19999999999"}},
        {"reply": {"media": ["https://cdn.example.com/a.png"], "from": SMS_ONLY}},
        {"reply": {"to": CALLER}},
    ), content_type="application/json")
    answer = simulate(live, body="x")
    assert [(r["result"], r["problem"]) for r in answer["replies"]] == [
        ("failed", "+19999999999 is not a number of this project"),
        ("failed", f"{SMS_ONLY} has no mms capability"),
        ("failed", "a reply needs a body or media"),
    ]


def test_no_url_answering_drops_the_message(live, hook):
    cached(live, "/_telemock").post("/reset").raise_for_status()
    seed(live, hook.url("/sms"), None, None)
    hook.reply("/sms", "", status=502)
    answer = simulate(live, body="x")
    assert answer["delivered"] is False and answer["replies"] == []
    assert "no fallback URL is set" in answer["note"] and "no SWML URL answered" in answer["note"]


@pytest.mark.parametrize("body,count", [
    ("", 1), ("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3),  # GSM-7: 160, then 153 a segment
    ("ж" * 70, 1), ("ж" * 71, 2), ("ж" * 134, 2), ("ж" * 135, 3),  # UCS-2: 70, then 67
    ("{" * 80, 1), ("{" * 81, 2),  # GSM-7 extension characters take two septets
])
def test_segments_count_as_carriers_split(body, count):
    assert segments(body) == count


@pytest.mark.parametrize("step,problem", [
    ({"body": 5}, "body must be text"),
    ({"media": ["a"] * 9}, "media is a list of at most 8 URLs"),
    ({"switch": {"variable": "message.body", "case": {"yes": "ok"}}}, "no case of the switch matches and it has no default"),
    (["not", "a", "reply"], "a reply is a string or an object"),
])
def test_reply_steps_that_cannot_be_sent_say_why(step, problem):
    scope = {"message": {"from": CALLER, "to": NUMBER, "body": "no"}, "params": {}}
    assert reply_of_step(step, scope).problem == problem
