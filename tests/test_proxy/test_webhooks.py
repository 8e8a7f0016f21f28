"""Real webhooks through the proxy: verified with the provider's signing code, judged against the
documented events, forwarded to the user's receiver, journaled and recorded."""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
from typing import Any
from urllib.parse import parse_qsl

import orjson
import pytest
import yaml
from standardwebhooks import Webhook

from .support import DEMO, SIGNALWIRE_KEY, VOIPBIN_SECRET, AnsweringReceiver, closed_port_url, journal

MAIN_LINE = "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b"  # SignalWire's demo number +15035550110
CXML = '<?xml version="1.0" encoding="UTF-8"?><Response><Say>Hello</Say><Hangup/></Response>'
GIGS_SECRET = "whsec_" + base64.b64encode(b"telemock proxy test secret 32 by").decode()


def webhook_entries(proxy: Any, count: int, timeout: float = 10.0) -> list[dict[str, Any]]:
    """The journal's webhook entries, once `count` of them are there (the provider sends on its own time)."""
    deadline = time.monotonic() + timeout
    while True:
        found = journal(proxy, path="/_webhooks/")
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, f"expected {count} webhooks in the proxy's journal, got {len(found)}"
            return found
        time.sleep(0.05)


def voipbin_through(proxy: Any, path: str = "/events") -> Any:
    """VoIPBIN's client through the proxy, its customer's webhooks pointed at the proxy."""
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    configured = voipbin.put("/v1.0/customer", json={"webhook_uri": f"{proxy.url}/_webhooks/voipbin{path}",
                                                      "webhook_method": "POST"})
    assert configured.status_code == 200, configured.text
    return voipbin


def test_a_voipbin_event_is_verified_judged_forwarded_and_journaled(upstream, start_proxy, receiver, tmp_path):
    proxy = start_proxy(upstream, webhook_receivers={"voipbin": receiver.url("/hooks")},
                        webhook_secrets={"voipbin": VOIPBIN_SECRET}, record=tmp_path / "recordings")
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000321", "type": "virtual"})
    [got] = receiver.wait_for(1)
    assert got.method == "POST" and got.path == "/hooks/events"
    assert got.json()["type"] == "number_created" and got.json()["data"]["number"] == "+899123000321"
    expected = "sha256=" + hmac.new(VOIPBIN_SECRET.encode(), got.body, hashlib.sha256).hexdigest()
    assert got.headers["x-voipbin-signature"] == expected  # forwarded unchanged: the receiver can verify it
    assert got.headers["x-telemock-signature"] == "valid"
    [entry] = webhook_entries(proxy, 1)
    assert entry["provider"] == "voipbin" and entry["operation"] == "webhook_number_created"
    assert entry["marks"] == ["webhook:number_created", "signature:valid", "forward:200"]
    assert entry["status"] == 200 and entry["violations"] == []
    recorded = yaml.safe_load(next((tmp_path / "recordings").glob("*-voipbin-webhook_number_created.yaml")).read_text())
    assert recorded["kind"] == "webhook" and recorded["event"] == "number_created" and recorded["signature"] == "valid"
    assert recorded["request"]["headers"]["x-voipbin-signature"] == "****"
    assert "+899123000321" not in str(recorded)
    delivered = upstream.admin().get("/deliveries", params={"provider": "voipbin", "status": "succeeded", "wait_for": 1,
                                                           "timeout": 5}).json()
    assert delivered["count"] == 1  # the provider got the receiver's 2xx


def test_a_wrong_secret_is_told_and_the_event_still_goes_to_the_receiver(upstream, start_proxy, receiver):
    proxy = start_proxy(upstream, webhook_receivers={"voipbin": receiver.url()}, webhook_secrets={"voipbin": "not-the-secret"})
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000322", "type": "virtual"})
    [got] = receiver.wait_for(1)
    assert got.headers["x-telemock-signature"] == "invalid"
    assert got.headers["x-voipbin-signature"].startswith("sha256=")  # left as the provider signed it
    assert webhook_entries(proxy, 1)[0]["marks"][1] == "signature:invalid"


def test_without_a_secret_the_signature_is_unchecked(upstream, start_proxy, receiver):
    proxy = start_proxy(upstream, webhook_receivers={"voipbin": receiver.url()})
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000323", "type": "virtual"})
    receiver.wait_for(1)
    assert webhook_entries(proxy, 1)[0]["marks"][1] == "signature:unchecked"


def test_an_observed_providers_events_show_their_drift(observed_upstream, start_proxy, receiver):
    proxy = start_proxy(observed_upstream, webhook_receivers={"voipbin": receiver.url()},
                        webhook_secrets={"voipbin": VOIPBIN_SECRET})
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000324", "type": "virtual"})
    [entry] = webhook_entries(proxy, 1)
    assert entry["operation"] == "webhook_number_created" and entry["marks"][1] == "signature:valid"
    locations = {v["location"] for v in entry["violations"]}
    assert "event.body/data/tm_purchase" in locations or "event.body/data/tm_create" in locations
    assert all(v["drift"] for v in entry["violations"])


def test_a_receiver_that_is_down_fails_the_delivery_for_the_provider(upstream, start_proxy):
    proxy = start_proxy(upstream, webhook_receivers={"voipbin": closed_port_url()}, webhook_secrets={"voipbin": VOIPBIN_SECRET})
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000325", "type": "virtual"})
    entry = webhook_entries(proxy, 1)[0]
    assert entry["status"] == 502 and entry["marks"][2] == "forward:failed"
    assert entry["response"]["headers"]["x-telemock-forward-error"].startswith("cannot deliver to the receiver at http://127.0.0.1:")
    attempts = upstream.admin().get("/deliveries", params={"provider": "voipbin"}).json()["deliveries"][0]["attempts"]
    assert attempts[0]["status"] == 502  # the provider saw the failure (and retries as it does)


def test_without_a_receiver_events_are_judged_and_accepted(upstream, start_proxy):
    proxy = start_proxy(upstream, webhook_secrets={"voipbin": VOIPBIN_SECRET})
    voipbin_through(proxy).post("/v1.0/numbers", json={"number": "+899123000326", "type": "virtual"})
    [entry] = webhook_entries(proxy, 1)
    assert entry["status"] == 204 and entry["marks"] == ["webhook:number_created", "signature:valid", "forward:none"]


def test_gigs_standard_webhooks_are_verified_and_forwarded_unchanged(upstream, start_proxy, receiver):
    proxy = start_proxy(upstream, webhook_receivers={"gigs": receiver.url("/gigs")}, webhook_secrets={"gigs": GIGS_SECRET})
    endpoint = {"provider": "gigs", "tenant": "demo", "url": f"{proxy.url}/_webhooks/gigs", "secret": GIGS_SECRET}
    assert upstream.admin().post("/webhook-endpoints", json=endpoint).status_code == 201
    gigs = proxy.client("/gigs/projects/demo", **DEMO["gigs"][0])
    subscription = next(s["id"] for s in gigs.get("/subscriptions").json()["items"] if s["status"] == "active")
    assert gigs.post("/virtualNumbers", json={"subscription": subscription}).status_code == 201
    [got] = receiver.wait_for(1)
    assert got.path == "/gigs"
    event = Webhook(GIGS_SECRET).verify(got.body, got.headers)  # the official verifier accepts what arrived
    assert event["type"] == "com.gigs.virtualNumber.created"
    [entry] = webhook_entries(proxy, 1)
    assert entry["operation"] == "webhooks_virtual_number_created"
    assert entry["marks"] == ["webhook:com.gigs.virtualNumber.created", "signature:valid", "forward:200"]
    assert entry["violations"] == []


def twilio_signature(url: str, params: dict[str, str]) -> str:
    """SignalWire's form scheme, written here independently of telemock's signing code."""
    data = url + "".join(name + params[name] for name in sorted(params))
    return base64.b64encode(hmac.new(SIGNALWIRE_KEY.encode(), data.encode(), hashlib.sha1).digest()).decode()


def test_a_signalwire_call_reaches_the_receiver_signed_for_its_url_and_its_cxml_goes_back(upstream, start_proxy):
    with AnsweringReceiver(body=CXML.encode(), media_type="text/xml") as receiver:
        proxy = start_proxy(upstream, webhook_receivers={"signalwire": receiver.url("/sw")},
                            webhook_secrets={"signalwire": SIGNALWIRE_KEY})
        configured = proxy.client("/signalwire", **DEMO["signalwire"][0]).put(
            f"/api/relay/rest/phone_numbers/{MAIN_LINE}",
            json={"call_handler": "laml_webhooks", "call_request_url": f"{proxy.url}/_webhooks/signalwire/voice",
                  "call_status_callback_url": ""})
        assert configured.status_code == 200, configured.text
        answer = upstream.admin().post("/simulate/inbound-call", json={
            "provider": "signalwire", "to": "+15035550110", "from": "+15551234567"}).json()
        assert answer["reply"]["body"] == CXML and answer["reply"]["verbs"] == ["Say", "Hangup"]  # the receiver's answer
        [got] = receiver.wait_for(1)
        assert got.path == "/sw/voice"
        form = dict(parse_qsl(got.body.decode()))
        assert got.headers["x-signalwire-signature"] == twilio_signature(receiver.url("/sw/voice"), form)
        [sent] = answer["requests"]
        assert sent["request"]["headers"]["X-SignalWire-Signature"] == twilio_signature(
            f"{proxy.url}/_webhooks/signalwire/voice", form)  # the provider signed the proxy's URL
        [entry] = webhook_entries(proxy, 1)
        assert entry["operation"] == "webhooks_call_request"
        assert entry["marks"] == ["webhook:callRequest", "signature:valid", "forward:200"]
        assert entry["response"]["body"] == CXML


def test_a_voiceos_get_webhook_is_forwarded_with_its_headers_and_its_answer_acts(upstream, start_proxy):
    sales = "agt_62f9a507d6373d81b927a3dc"
    with AnsweringReceiver(body=orjson.dumps({"agent_id": sales})) as receiver:
        proxy = start_proxy(upstream, webhook_receivers={"voiceos": receiver.url("/vo")})
        hook = {"events": ["phone_call:connection_requested"], "url": f"{proxy.url}/_webhooks/voiceos/connect",
                "method": "GET", "headers": {"X-Secret": "s3cr3t"}}
        patched = proxy.client("/voiceos", **DEMO["voiceos"][0]).patch("/phone_numbers/%2B14155550100", json={"webhooks": [hook]})
        assert patched.status_code == 200, patched.text
        answer = upstream.admin().post("/simulate/inbound-call", json={
            "provider": "voiceos", "to": "+14155550100", "from": "+15551234567"}).json()
        assert answer["accepted"] is True and answer["agent"]["agent_id"] == sales
        [got] = receiver.wait_for(1)
        assert got.method == "GET" and got.path == "/vo/connect" and "event=phone_call%3Aconnection_requested" in got.query
        assert got.headers["x-secret"] == "s3cr3t"
        [entry] = webhook_entries(proxy, 1)
        assert entry["operation"] == "webhooks_phone_call_connection_requested_get"
        assert entry["marks"] == ["webhook:phone_call:connection_requested", "signature:none", "forward:200"]
        assert entry["violations"] == []


def test_an_unknown_provider_under_webhooks_is_told_where_they_are_received(upstream, start_proxy):
    proxy = start_proxy(upstream, ("voipbin",))
    response = proxy.client("").post("/_webhooks/twilio", content=b"{}")
    assert response.status_code == 404
    assert response.json()["error"]["message"] == "webhooks are received at /_webhooks/voipbin"


@pytest.mark.parametrize("headers, verdict", [({}, "unsigned"), ({"X-VoIPBIN-Signature": "sha256=00"}, "invalid")])
def test_an_unsigned_or_forged_event_is_marked(upstream, start_proxy, receiver, headers, verdict):
    proxy = start_proxy(upstream, ("voipbin",), webhook_receivers={"voipbin": receiver.url()},
                        webhook_secrets={"voipbin": VOIPBIN_SECRET})
    event = {"type": "number_deleted", "data": {"id": "x"}}
    response = proxy.client("").post("/_webhooks/voipbin", json=event, headers=headers)
    assert response.status_code == 200
    [entry] = journal(proxy, path="/_webhooks/")
    assert entry["marks"][:2] == ["webhook:number_deleted", f"signature:{verdict}"]
    assert any(v["drift"] and v["location"].startswith("event.body") for v in entry["violations"])  # an incomplete event
