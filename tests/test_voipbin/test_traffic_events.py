"""Call and message events of simulated inbound traffic, at a real receiver: contents per profile,
signature, order per resource, and retries on the virtual clock."""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from typing import Any

import httpx
import pytest
from test_webhooks.receiver import Receiver

from telemock.contracts.validate import contract_for

from .support import DEMO_CUSTOMER, NIL, TALK_FLOW

SECRET = "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"
CONTRACT = contract_for("voipbin")
START_ACTION = {"id": "00000000-0000-0000-0000-000000000001", "next_id": NIL}
LEGACY = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$")
ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
GO_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
SENTINEL = "9999-01-01 00:00:00.000000"
CALLER = "+15557654321"


def use_profile(admin: httpx.Client, profile: str) -> None:
    admin.put("/profiles", json={"provider": "voipbin", "profile": profile}).raise_for_status()


def inbound(admin: httpx.Client, kind: str, to: str, **extra: Any) -> dict[str, Any]:
    response = admin.post(f"/simulate/inbound-{kind}", json={"provider": "voipbin", "to": to, "from": CALLER, **extra})
    assert response.status_code == 200, response.text
    return response.json()


def events_of(receiver: Receiver, count: int, prefix: str) -> list[dict[str, Any]]:
    """The first `count` requests, signed and two-key, keeping those whose type starts with `prefix`."""
    found = []
    for request in receiver.wait_for(count):
        expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["x-voipbin-signature"] == expected
        event = request.json()
        assert list(event) == ["type", "data"]
        if event["type"].startswith(prefix):
            found.append(event)
    return found


# --- calls ----------------------------------------------------------------------------------------


def test_a_calls_events_follow_its_life_documented(admin, receiver):
    answer = inbound(admin, "call", "+821100000001")  # the talk flow: answer, talk, hangup
    calls = events_of(receiver, len(answer["events"]), "call_")
    assert [e["type"] for e in calls] == [
        "call_created", "call_updated", "call_progressing", "call_updated", "call_updated", "call_terminating", "call_hangup",
    ]
    for event in calls:
        assert CONTRACT.check_event(event["type"], httpx.Response(200, json=event).content) == []
    created, hangup = calls[0]["data"], calls[-1]["data"]
    assert created["id"] == answer["call_id"] == answer["activeflow"]["reference_id"]
    assert created["activeflow_id"] == answer["activeflow"]["id"] and created["flow_id"] == TALK_FLOW
    assert created["customer_id"] == DEMO_CUSTOMER
    assert created["status"] == "ringing" and created["direction"] == "incoming" and created["type"] == "flow"
    assert created["action"] == START_ACTION
    # The docs' Call struct: every key, empty ones as "", [] and {}; unset times left out.
    assert created["source"] == {"type": "tel", "target": CALLER, "target_name": "", "name": "", "detail": ""}
    assert created["destination"]["target"] == "+821100000001"
    assert created["chained_call_ids"] == [] and created["metadata"] == {} and created["hangup_by"] == ""
    assert created["owner_type"] == "" and created["owner_id"] == NIL
    assert LEGACY.match(created["tm_create"])
    assert not {"tm_update", "tm_progressing", "tm_ringing", "tm_hangup", "tm_delete"} & set(created)
    progressing = calls[2]["data"]
    assert progressing["status"] == "progressing" and progressing["action"]["type"] == "answer"
    assert LEGACY.match(progressing["tm_progressing"])
    assert [e["data"]["action"]["type"] for e in calls[3:5]] == ["talk", "hangup"]
    assert calls[5]["data"]["status"] == "terminating" and "tm_hangup" not in calls[5]["data"]
    assert hangup["status"] == "hangup" and hangup["hangup_by"] == "local" and hangup["hangup_reason"] == "normal"
    assert hangup["tm_progressing"] == progressing["tm_progressing"]
    assert LEGACY.match(hangup["tm_hangup"]) and hangup["tm_update"] == hangup["tm_hangup"]
    assert "tm_ringing" not in hangup  # an incoming call never goes through the ringing update
    assert answer["call"] == hangup


def test_a_call_that_is_never_answered_still_hangs_up(vb, admin, receiver):
    flow = vb.post("/flows", json={"name": "quiet", "actions": [{"type": "talk", "option": {"text": "hi"}}]}).json()
    vb.post("/numbers", json={"number": "+899300000001", "type": "virtual", "call_flow_id": flow["id"]}).raise_for_status()
    answer = inbound(admin, "call", "+899300000001")
    assert [e["type"] for e in answer["events"] if e["type"].startswith("call_")] == [
        "call_created", "call_updated", "call_terminating", "call_hangup",
    ]
    assert "tm_progressing" not in answer["call"] and answer["call"]["status"] == "hangup"


@pytest.mark.parametrize("profile,time_format", [("observed", GO_RFC3339), ("openapi", ISO)])
def test_the_service_leaves_a_calls_empty_fields_out(admin, receiver, profile, time_format):
    use_profile(admin, profile)
    answer = inbound(admin, "call", "+821100000001")
    created = events_of(receiver, len(answer["events"]), "call_")[0]["data"]
    assert created["source"] == {"type": "tel", "target": CALLER}  # Address fields are omitempty
    assert not {"chained_call_ids", "recording_ids", "metadata", "mute_direction", "hangup_by", "hangup_reason"} & set(created)
    assert created["owner_type"] == "" and created["recording_id"] == NIL  # no omitempty on these
    assert time_format.match(created["tm_create"]) and "tm_update" not in created
    assert time_format.match(answer["call"]["tm_hangup"])


def test_a_rejected_call_creates_no_call(admin, receiver):
    answer = inbound(admin, "call", "+15551230001")  # the support line has no call flow
    assert answer["outcome"] == "rejected" and answer["events"] == [] and "call" not in answer
    time.sleep(0.2)
    assert receiver.received == []


def test_call_events_are_retried_as_voipbin_retries(admin, receiver):
    admin.post("/clock/freeze").raise_for_status()
    failing = iter([503, 200])
    receiver.responder = lambda request: next(failing) if request.json()["type"] == "call_created" else 200
    answer = inbound(admin, "call", "+821100000001")
    created = next(e for e in answer["events"] if e["type"] == "call_created")["deliveries"][0]["id"]
    deadline = time.monotonic() + 5
    while len(admin.get(f"/deliveries/{created}").json()["attempts"]) < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    admin.post("/clock/advance", json={"seconds": 1}).raise_for_status()
    while admin.get(f"/deliveries/{created}").json()["status"] != "succeeded":
        assert time.monotonic() < deadline, admin.get(f"/deliveries/{created}").json()
        time.sleep(0.01)
    attempts = admin.get(f"/deliveries/{created}").json()["attempts"]
    assert [a["status"] for a in attempts] == [503, 200]
    # The call's later events wait behind the retried one: each resource's events stay in order.
    calls = [r.json()["type"] for r in receiver.wait_for(len(answer["events"]) + 1) if r.json()["type"].startswith("call_")]
    assert calls[:2] == ["call_created", "call_created"] and calls[-1] == "call_hangup"


# --- messages -------------------------------------------------------------------------------------


def test_an_inbound_message_is_created_before_its_flow_runs(admin, receiver):
    answer = inbound(admin, "message", "+15551230001", body="hello there")
    assert [e["type"] for e in answer["events"]][:2] == ["message_created", "activeflow_created"]
    (event,) = events_of(receiver, len(answer["events"]), "message_")
    assert CONTRACT.check_event("message_created", httpx.Response(200, json=event).content) == []
    message = event["data"]
    assert message == answer["message"]
    assert message["customer_id"] == DEMO_CUSTOMER and message["type"] == "sms" and message["direction"] == "inbound"
    assert message["text"] == "hello there"
    assert message["source"] == {"type": "tel", "target": CALLER, "target_name": "", "name": "", "detail": ""}
    (target,) = message["targets"]
    assert target["destination"]["target"] == "+15551230001"
    assert target["status"] == "received" and target["parts"] == 1 and target["tm_update"] == SENTINEL
    assert LEGACY.match(message["tm_create"]) and message["tm_update"] == message["tm_delete"] == SENTINEL


@pytest.mark.parametrize("profile", ["observed", "openapi"])
def test_message_times_follow_the_profile(admin, receiver, profile):
    use_profile(admin, profile)
    message = inbound(admin, "message", "+15551230001")["message"]
    (target,) = message["targets"]
    assert message["source"] == {"type": "tel", "target": CALLER}
    if profile == "observed":  # no omitempty on Message: unset times are null
        assert GO_RFC3339.match(message["tm_create"]) and message["tm_update"] is None and target["tm_update"] is None
    else:  # the published OpenAPI: no nullable times, unset ones left out
        assert ISO.match(message["tm_create"]) and "tm_update" not in message and "tm_update" not in target


def test_a_message_without_a_flow_is_still_created(admin, receiver):
    answer = inbound(admin, "message", "+821100000001")  # the talk number has no message flow
    assert answer["outcome"] == "ignored"
    (event,) = events_of(receiver, 1, "message_")
    assert event["data"] == answer["message"]


def test_a_message_body_must_be_text(admin):
    response = admin.post("/simulate/inbound-message", json={"provider": "voipbin", "to": "+15551230001", "from": CALLER, "body": 7})
    assert response.status_code == 400
