"""Simulated inbound calls and messages: what SignalWire sends to a number's handler URLs.

Real receivers on loopback ports answer with cXML or SWML (or fail); the emulator runs through
the control API's simulate route. Signatures are checked with an implementation written here
and with the official SDK's validator; every body is checked against the spec's `webhooks:`.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import socket
import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

import orjson
import pytest
from starlette.requests import Request
from starlette.responses import Response
from test_signalwire.helpers import AUSTIN_IVR, AUTH, MAIN_LINE, NUMBERS, PROJECT, RECENT, cached
from test_webhooks.receiver import Received, Receiver

from telemock.contracts.validate import contract_for
from telemock.emulator import Config

security = pytest.importorskip("signalwire.core.security")

KEY = "PSK_demo_signing_key"
SPACE = "7b6c5d4e-3f2a-4b1c-9d8e-0f1a2b3c4d5e"
CALLER = "+15551234567"
MAIN_NUMBER, IVR_NUMBER, TOLL_FREE_NUMBER, RECENT_NUMBER = "+15035550110", "+15125550142", "+18885550199", "+14155550123"
CXML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say><Hangup/></Response>'
SWML = {"version": "1.0.0", "sections": {"main": [{"answer": {}}, {"play": {"url": "say:Hi"}}, {"hangup": {}}]}}
TIMEOUT_S = 3.0  # room for a loopback handler on a busy machine; the timeout test's handler never answers


class Handler(Receiver):
    """A test receiver answering each path with a chosen status, content type and body."""

    def __init__(self) -> None:
        super().__init__()
        self.replies: dict[str, tuple[int, str, bytes]] = {}
        self.hanging = False  # answers wait while set: a handler that takes too long to answer

    def reply(self, path: str, body: str | bytes, *, status: int = 200, content_type: str = "text/xml") -> str:
        self.replies[path] = (status, content_type, body.encode() if isinstance(body, str) else body)
        return self.url(path)

    async def _handle(self, request: Request) -> Response:
        item = Received(
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.body(),
            arrived=time.monotonic(),
        )
        with self._lock:
            self.received.append(item)
            self._lock.notify_all()
        while self.hanging:
            await asyncio.sleep(0.01)
        status, content_type, body = self.replies.get(item.path, (200, "text/xml", CXML.encode()))
        return Response(body, status_code=status, media_type=content_type)

    def __exit__(self, *exc: object) -> None:
        self.hanging = False  # lets a held answer end, so the server stops at once
        super().__exit__(*exc)

    def full_url(self, item: Received) -> str:
        return self.url(item.path) + (f"?{item.query}" if item.query else "")


@pytest.fixture(scope="module")
def sim(server_factory: Any) -> Any:
    """A server of its own: short handler timeout, status callbacks retried once after 60 s."""
    return server_factory(
        Config(
            providers=["signalwire"],
            settings={
                "signalwire": {
                    "handler_timeout_seconds": TIMEOUT_S,
                    "status_callback_attempt_delays_seconds": [0, 60],
                }
            },
        )
    )


@pytest.fixture
def server(sim: Any) -> Any:
    cached(sim, "/_telemock").post("/reset").raise_for_status()
    return sim


@pytest.fixture
def hook() -> Iterator[Handler]:
    with Handler() as live:
        yield live


def configure(server: Any, number_id: str, **fields: Any) -> None:
    response = cached(server, "/signalwire", AUTH).put(f"{NUMBERS}/{number_id}", json=fields)
    assert response.status_code == 200, response.text


def simulate(server: Any, kind: str, *, status: int = 200, **body: Any) -> dict[str, Any]:
    response = cached(server, "/_telemock").post(f"/simulate/{kind}", json={"provider": "signalwire", **body})
    assert response.status_code == status, response.text
    return response.json()


def twilio_signature(url: str, params: dict[str, str]) -> str:
    """The form scheme, written independently of the emulator."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(KEY.encode(), data.encode(), hashlib.sha1).digest()).decode()


def form_of(item: Received) -> dict[str, str]:
    pairs = parse_qsl(item.body.decode() if item.body else item.query, keep_blank_values=True)
    form = dict(pairs)
    assert len(form) == len(pairs), "no parameter is sent twice"
    return form


def assert_form_signed(hook: Handler, item: Received) -> None:
    url, form = hook.full_url(item), form_of(item)
    signature = item.headers["x-signalwire-signature"]
    signed_params = form if item.method == "POST" else {}
    assert signature == twilio_signature(url, signed_params)
    assert security.validate_webhook_signature(KEY, signature, url, item.body.decode())
    assert security.validate_request(KEY, signature, url, signed_params)
    assert not security.validate_webhook_signature("PSK_other_key", signature, url, item.body.decode())
    if item.method == "POST":
        assert item.headers["content-type"] == "application/x-www-form-urlencoded"
        tampered = item.body.decode() + "&Injected=1"
        assert not security.validate_webhook_signature(KEY, signature, url, tampered)


def assert_event(name: str, body: Any) -> None:
    assert contract_for("signalwire").check_event(name, body) == []


def closed_port_url(path: str) -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}{path}"


# --- laml_webhooks calls ------------------------------------------------------------------------


def test_call_request_is_a_signed_form_post_and_the_cxml_reply_is_returned(server, hook):
    configure(server, MAIN_LINE, call_request_url=hook.url("/voice"), call_status_callback_url="")
    answer = simulate(
        server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER}, caller_name="ACME Corp", forwarded_from="+15035550999"
    )
    [request] = hook.wait_for(1)
    assert request.method == "POST" and request.path == "/voice" and request.query == ""
    form = form_of(request)
    assert form == {
        "AccountSid": PROJECT,
        "ApiVersion": "2010-04-01",
        "CallSid": answer["call_sid"],
        "CallStatus": "ringing",
        "Direction": "inbound",
        "From": CALLER,
        "To": MAIN_NUMBER,
        "CallerName": "ACME Corp",
        "ForwardedFrom": "+15035550999",
    }
    assert_form_signed(hook, request)
    assert_event("callRequest", form)

    assert answer["tenant"] == "demo" and answer["handler"] == "laml_webhooks"
    assert answer["number"] == {"id": MAIN_LINE, "number": MAIN_NUMBER}
    assert answer["delivered"] is True and answer["call_status"] == "completed"
    assert answer["reply"] == {
        "from": "primary", "status": 200, "content_type": "text/xml; charset=utf-8", "body": CXML,
        "valid": True, "problem": None, "verbs": ["Say", "Hangup"],
    }
    [sent] = answer["requests"]
    assert sent["request"]["headers"]["X-SignalWire-Signature"] == request.headers["x-signalwire-signature"]
    assert answer["status_callback"] is None
    time.sleep(0.05)
    assert len(hook.received) == 1  # no status callback without a URL


def test_get_method_sends_the_parameters_in_the_query_and_signs_the_full_url(server, hook):
    configure(server, MAIN_LINE, call_request_url=hook.url("/voice?app=ivr"), call_request_method="GET")
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": "+442071838750"})
    request = hook.wait_for(1)[0]
    assert request.method == "GET" and request.body == b""
    assert "content-type" not in request.headers
    assert request.query.startswith("app=ivr&AccountSid=")
    form = form_of(request)
    assert form.pop("app") == "ivr"
    assert form == {
        "AccountSid": PROJECT, "ApiVersion": "2010-04-01", "CallSid": answer["call_sid"], "CallStatus": "ringing",
        "Direction": "inbound", "From": "+442071838750", "To": MAIN_NUMBER,
    }
    assert_form_signed(hook, request)
    assert_event("callRequest", form)
    assert answer["requests"][0]["request"]["url"] == hook.full_url(request)
    assert answer["reply"]["valid"] is True


def test_a_500_moves_on_to_the_fallback_url_with_its_method(server, hook):
    configure(
        server, MAIN_LINE,
        call_request_url=hook.reply("/voice", "boom", status=500, content_type="text/plain"),
        call_fallback_url=hook.url("/fallback"), call_fallback_method="GET",
    )
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    primary, fallback = hook.wait_for(2)
    assert (primary.method, primary.path, fallback.method, fallback.path) == ("POST", "/voice", "GET", "/fallback")
    assert form_of(primary) == form_of(fallback)
    assert form_of(fallback)["CallSid"] == answer["call_sid"]
    assert_form_signed(hook, primary)
    assert_form_signed(hook, fallback)
    assert [r["role"] for r in answer["requests"]] == ["primary", "fallback"]
    assert answer["requests"][0]["error"] == "HTTP 500"
    assert answer["requests"][0]["response"]["body"] == "boom"
    assert answer["reply"]["from"] == "fallback" and answer["reply"]["valid"] is True
    assert answer["call_status"] == "completed"
    assert "primary URL failed: HTTP 500" in answer["note"]


def test_a_closed_port_or_a_timeout_moves_on_to_the_fallback_url(server, hook):
    configure(server, MAIN_LINE, call_request_url=closed_port_url("/voice"), call_fallback_url=hook.url("/fallback"))
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert answer["requests"][0]["error"].startswith("ConnectError")
    assert answer["requests"][0]["response"] is None
    assert answer["reply"]["from"] == "fallback" and answer["delivered"] is True
    assert [r.path for r in hook.wait_for(1)] == ["/fallback"]

    with Handler() as slow:
        slow.hanging = True
        configure(server, MAIN_LINE, call_request_url=slow.url("/voice"))
        answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
        assert [r.path for r in slow.received] == ["/voice"]  # it was reached, and never answered
        assert answer["requests"][0]["error"].startswith("timeout")
        assert answer["reply"]["from"] == "fallback"

    # The test servers may only call loopback: another host is refused before anything is sent.
    configure(server, MAIN_LINE, call_request_url="https://example.com/voice")
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    refusal = answer["requests"][0]["error"]
    assert refusal.startswith("DestinationRefused: ") and "example.com" in refusal and "not allowed" in refusal
    assert answer["reply"]["from"] == "fallback"


def test_both_urls_failing_fails_the_call_and_the_status_callback_says_so(server, hook):
    configure(
        server, MAIN_LINE,
        call_request_url=hook.reply("/voice", "", status=503),
        call_fallback_url=hook.reply("/fallback", "", status=404),
        call_status_callback_url=hook.url("/status"),
    )
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert answer["delivered"] is False and answer["call_status"] == "failed" and answer["reply"] is None
    assert [r["error"] for r in answer["requests"]] == ["HTTP 503", "HTTP 404"]
    status = form_of(hook.wait_for(3)[2])
    assert status["CallStatus"] == "failed" and status["CallDuration"] == "0"
    assert_event("callStatusCallback", status)


def test_replies_that_are_not_cxml_are_reported_and_fail_the_call(server, hook):
    configure(
        server, MAIN_LINE,
        call_request_url=hook.reply("/voice", '{"ok": true}', content_type="application/json"),
        call_fallback_url=hook.url("/fallback"),
    )
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert len(answer["requests"]) == 1  # a 2xx is not a failed request: no fallback by default
    assert answer["reply"]["valid"] is False and answer["reply"]["body"] == '{"ok": true}'
    assert "not well-formed XML" in answer["reply"]["problem"]
    assert answer["call_status"] == "failed" and answer["delivered"] is False

    hook.reply("/voice", "<Reply><Say>Hi</Say></Reply>")
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert answer["reply"]["problem"] == "the root element is <Reply>, not <Response>"
    hook.reply("/voice", "")
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert "empty" in answer["reply"]["problem"]


def test_the_fallback_on_invalid_reply_setting_tries_the_fallback(server_factory, hook):
    live = server_factory(Config(providers=["signalwire"], settings={"signalwire": {"fallback_on_invalid_reply": True}}))
    configure(
        live, MAIN_LINE,
        call_request_url=hook.reply("/voice", "<html>oops</html>", content_type="text/html"),
        call_fallback_url=hook.url("/fallback"),
    )
    answer = simulate(live, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    assert [r["role"] for r in answer["requests"]] == ["primary", "fallback"]
    assert answer["reply"]["from"] == "fallback" and answer["call_status"] == "completed"


# --- the number-level status callback ----------------------------------------------------------


def test_status_callback_content_timestamp_and_signature_on_a_frozen_clock(server, hook):
    control = cached(server, "/_telemock")
    control.post("/clock/freeze").raise_for_status()
    control.post("/clock/set", json={"time": "2024-04-04T18:32:15.750Z"}).raise_for_status()
    configure(server, MAIN_LINE, call_request_url=hook.url("/voice"), call_status_callback_url=hook.url("/status"))
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER}, duration=142)
    voice, status = hook.wait_for(2)
    assert (voice.path, status.path, status.method) == ("/voice", "/status", "POST")
    form = form_of(status)
    assert form == {
        "CallSid": answer["call_sid"],
        "AccountSid": PROJECT,
        "From": CALLER,
        "To": MAIN_NUMBER,
        "Timestamp": "Thu, 04 Apr 2024 18:32:15 +0000",
        "CallStatus": "completed",
        "CallDuration": "142",
        "AudioInMos": "4.5",
    }
    assert_form_signed(hook, status)
    assert_event("callStatusCallback", form)
    assert answer["status_callback"]["params"] == form

    found = control.get("/deliveries", params={"provider": "signalwire", "type": "callStatusCallback", "wait_for": 1}).json()
    [delivery] = found["deliveries"]
    assert delivery["id"] == answer["status_callback"]["delivery_id"]
    assert delivery["tenant"] == "demo" and delivery["url"] == hook.url("/status")

    # Without a duration in the simulation, the configured one; GET puts it in the query.
    configure(server, MAIN_LINE, call_status_callback_method="GET")
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    status = hook.wait_for(4)[3]
    assert status.method == "GET" and status.body == b""
    assert form_of(status)["CallDuration"] == "30" and form_of(status)["CallSid"] == answer["call_sid"]
    assert_form_signed(hook, status)
    assert_event("callStatusCallback", form_of(status))


def test_a_failed_status_callback_is_retried_on_the_virtual_clock(server, hook):
    control = cached(server, "/_telemock")
    control.post("/clock/freeze").raise_for_status()
    hook.reply("/status", "", status=500)
    configure(server, MAIN_LINE, call_request_url=hook.url("/voice"), call_status_callback_url=hook.url("/status"))
    answer = simulate(server, "inbound-call", to=MAIN_NUMBER, **{"from": CALLER})
    first = hook.wait_for(2)[1]
    delivery_id = answer["status_callback"]["delivery_id"]

    def delivery() -> dict[str, Any]:
        return control.get(f"/deliveries/{delivery_id}").json()

    deadline = time.monotonic() + 5
    while delivery()["status"] != "pending" or not delivery()["attempts"]:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    hook.reply("/status", "", status=204)
    control.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    second = hook.wait_for(3)[2]
    assert form_of(second) == form_of(first)
    assert_form_signed(hook, second)
    found = control.get("/deliveries", params={"status": "succeeded", "wait_for": 1, "type": "callStatusCallback"}).json()
    assert [a["status"] for a in found["deliveries"][0]["attempts"]] == [500, 204]


# --- relay_script (SWML) calls -----------------------------------------------------------------


def test_swml_request_is_signed_json_and_the_swml_reply_is_returned(server, hook):
    configure(server, AUSTIN_IVR, call_relay_script_url=hook.reply("/swml", orjson.dumps(SWML), content_type="application/json"))
    answer = simulate(server, "inbound-call", to=IVR_NUMBER, **{"from": CALLER})
    [request] = hook.wait_for(1)
    assert request.method == "POST" and request.headers["content-type"] == "application/json"
    body = request.json()
    call = body.pop("call")
    assert body == {"vars": {}, "envs": {}, "params": {}}
    node_id, segment_id = call.pop("node_id"), call.pop("segment_id")
    assert node_id and segment_id
    assert call == {
        "call_id": answer["call_sid"],
        "call_state": "created",
        "direction": "inbound",
        "type": "phone",
        "from": CALLER,
        "to": IVR_NUMBER,
        "from_number": CALLER,
        "to_number": IVR_NUMBER,
        "headers": [],
        "project_id": PROJECT,
        "space_id": SPACE,
    }
    assert_event("relayScriptRequest", request.body)

    url, raw = hook.url("/swml"), request.body.decode()
    signature = request.headers["x-signalwire-signature"]
    assert signature == hmac.new(KEY.encode(), (url + raw).encode(), hashlib.sha1).hexdigest()
    assert security.validate_webhook_signature(KEY, signature, url, raw)
    assert not security.validate_webhook_signature(KEY, signature, url, raw.replace("inbound", "outbound"))
    sha256 = request.headers["x-signalwire-sha256-signature"]
    assert security.validate_webhook_signature_sha256(KEY, sha256, url, raw)

    assert answer["handler"] == "relay_script" and answer["delivered"] is True
    assert answer["reply"]["valid"] is True and answer["reply"]["verbs"] == ["answer", "play", "hangup"]
    assert orjson.loads(answer["reply"]["body"]) == SWML
    assert "status_callback" not in answer

    hook.reply("/swml", CXML)
    answer = simulate(server, "inbound-call", to=IVR_NUMBER, **{"from": CALLER})
    assert answer["reply"]["valid"] is False and "SWML" in answer["reply"]["problem"]
    assert answer["call_status"] == "failed"
    hook.reply("/swml", "version: 1.0.0\nsections:\n  main:\n    - hangup: {}\n", content_type="application/yaml")
    assert simulate(server, "inbound-call", to=IVR_NUMBER, **{"from": CALLER})["reply"]["verbs"] == ["hangup"]


# --- laml_webhooks messages --------------------------------------------------------------------


def test_inbound_message_with_media_and_fallback(server, hook):
    reply = "<Response><Message>Thanks!</Message></Response>"
    configure(server, MAIN_LINE, message_request_url=hook.reply("/sms", reply))
    media = ["https://media.example.com/cat.jpg", {"url": "https://media.example.com/m/2", "content_type": "image/png"}]
    answer = simulate(server, "inbound-message", to=MAIN_NUMBER, body="Hi & bye +1", media=media, **{"from": CALLER})
    [request] = hook.wait_for(1)
    form = form_of(request)
    assert form == {
        "MessageSid": answer["message_sid"],
        "AccountSid": PROJECT,
        "From": CALLER,
        "To": MAIN_NUMBER,
        "Body": "Hi & bye +1",
        "NumMedia": "2",
        "MediaUrl0": "https://media.example.com/cat.jpg",
        "MediaContentType0": "image/jpeg",
        "MediaUrl1": "https://media.example.com/m/2",
        "MediaContentType1": "image/png",
    }
    assert_form_signed(hook, request)
    assert_event("messageRequest", form)
    assert answer["delivered"] is True and answer["reply"]["verbs"] == ["Message"] and answer["reply"]["body"] == reply

    configure(
        server, MAIN_LINE,
        message_request_url=hook.reply("/sms", "", status=500),
        message_fallback_url=hook.url("/sms-fallback"), message_fallback_method="GET",
    )
    answer = simulate(server, "inbound-message", to=MAIN_NUMBER, body="plain", **{"from": CALLER})
    primary, fallback = hook.wait_for(3)[1:]
    assert fallback.method == "GET" and form_of(fallback) == form_of(primary)
    assert form_of(fallback)["NumMedia"] == "0" and not any(k.startswith("Media") for k in form_of(fallback))
    assert_form_signed(hook, fallback)
    assert_event("messageRequest", form_of(fallback))
    assert answer["reply"]["from"] == "fallback"


# --- handlers without HTTP, refusals and errors ------------------------------------------------


def test_handlers_without_http_say_where_the_traffic_goes(server, hook):
    configure(server, RECENT, call_handler="relay_topic", call_relay_topic="office", message_handler="relay_application",
              message_relay_application="sms-bot")
    answer = simulate(server, "inbound-call", to=RECENT_NUMBER, **{"from": CALLER})
    assert answer["handler"] == "relay_topic" and answer["delivered"] is True and answer["requests"] == []
    assert answer["target"] == "office" and answer["note"].startswith("delivered to relay topic office")
    answer = simulate(server, "inbound-message", to=RECENT_NUMBER, body="x", **{"from": CALLER})
    assert answer["note"].startswith("delivered to relay application sms-bot")

    configure(server, RECENT, call_handler="ai_agent", call_ai_agent_id="0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a")
    answer = simulate(server, "inbound-call", to=RECENT_NUMBER, **{"from": CALLER})
    assert answer["note"].startswith("delivered to AI agent 0f8e7d6c-5b4a-4392-8170-6f5e4d3c2b1a (Fabric resource ")

    # A fresh toll-free number: no message handler, and no mms capability for media.
    answer = simulate(server, "inbound-message", to=TOLL_FREE_NUMBER, body="x", **{"from": CALLER})
    assert answer["delivered"] is False and "no message handler" in answer["note"]
    answer = simulate(server, "inbound-message", to=TOLL_FREE_NUMBER, media=["https://e.com/a.png"], **{"from": CALLER})
    assert answer["delivered"] is False and "no mms capability" in answer["note"]
    assert hook.received == []


def test_unknown_numbers_are_404_and_bad_parameters_400(server):
    missing = simulate(server, "inbound-call", status=404, to="+19995550000", **{"from": CALLER})
    assert missing["error"]["code"] == "not_found" and "+19995550000" in missing["error"]["message"]
    simulate(server, "inbound-message", status=404, to="+19995550000", body="x", **{"from": CALLER})
    simulate(server, "inbound-call", status=404, to=MAIN_NUMBER, tenant="nobody", **{"from": CALLER})
    simulate(server, "inbound-call", status=400, to=MAIN_NUMBER, duration=-1, **{"from": CALLER})
    simulate(server, "inbound-message", status=400, to=MAIN_NUMBER, media="x", **{"from": CALLER})
    simulate(server, "inbound-message", status=400, to=MAIN_NUMBER, media=[{"url": 3}], **{"from": CALLER})
    simulate(server, "inbound-call", status=400, to=MAIN_NUMBER, caller_name=5, **{"from": CALLER})
    # The tenant may be named by its name or its project id.
    by_project = simulate(server, "inbound-call", to=TOLL_FREE_NUMBER, tenant=PROJECT, **{"from": CALLER})
    assert by_project["tenant"] == "demo"

    # A released number no longer takes calls.
    cached(server, "/_telemock").post("/clock/freeze").raise_for_status()
    cached(server, "/_telemock").post("/clock/advance", json={"seconds": 15 * 86400}).raise_for_status()
    gone = cached(server, "/signalwire", AUTH).delete(f"{NUMBERS}/{RECENT}")
    assert gone.status_code == 204
    simulate(server, "inbound-call", status=404, to=RECENT_NUMBER, **{"from": CALLER})
