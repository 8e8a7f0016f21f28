"""Simulated inbound calls and messages on VoIPBIN numbers: routing, flows as activeflows, their webhooks."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

import httpx
from test_webhooks.receiver import Receiver

from telemock.contracts.validate import contract_for

from .support import (
    DEMO_CUSTOMER,
    NIL,
    SMS_FLOW,
    SUPPORT_NUMBER,
    TALK_FLOW,
    TALK_NUMBER,
)

SECRET = "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"
START_ID = "00000000-0000-0000-0000-000000000001"
SENTINEL = "9999-01-01 00:00:00.000000"
CONTRACT = contract_for("voipbin")


def call(admin: httpx.Client, to: str, **extra: Any) -> httpx.Response:
    return admin.post("/simulate/inbound-call", json={"provider": "voipbin", "to": to, "from": "+15557654321", **extra})


def message(admin: httpx.Client, to: str, **extra: Any) -> httpx.Response:
    return admin.post("/simulate/inbound-message", json={"provider": "voipbin", "to": to, "from": "+15557654321", "body": "hi", **extra})


def received(receiver: Receiver, count: int) -> list[dict[str, Any]]:
    """Signed, two-key, spec-conformant events."""
    events = []
    for request in receiver.wait_for(count):
        expected = "sha256=" + hmac.new(SECRET.encode(), request.body, hashlib.sha256).hexdigest()
        assert request.headers["x-voipbin-signature"] == expected
        event = request.json()
        assert list(event) == ["type", "data"]
        assert CONTRACT.check_event(event["type"], request.body) == []
        events.append(event)
    return events


def flow_number(vb: httpx.Client, actions: list[dict[str, Any]], number: str = "+899400000001") -> str:
    """A virtual number whose call and message flow is a new flow with `actions`."""
    flow = vb.post("/flows", json={"name": "sim", "actions": actions})
    assert flow.status_code == 200, flow.text
    created = vb.post("/numbers", json={"number": number, "type": "virtual", "call_flow_id": flow.json()["id"], "message_flow_id": flow.json()["id"]})
    assert created.status_code == 200, created.text
    return number


# --- routing --------------------------------------------------------------------------------------


def test_an_unknown_number_has_no_route(admin):
    response = call(admin, "+15550000000")
    assert response.status_code == 404
    assert "no route to destination" in response.json()["error"]["message"]
    assert message(admin, "+15550000000").status_code == 404
    assert admin.get("/deliveries", params={"provider": "voipbin"}).json()["count"] == 0


def test_a_deleted_number_or_another_tenant_has_no_route(vb, admin):
    assert call(admin, "+821100000001", tenant="nobody").status_code == 404
    admin.post("/fixtures", json={"voipbin": {"customers": [{"tenant": "other"}]}}).raise_for_status()
    wrong = call(admin, "+821100000001", tenant="other")
    assert wrong.status_code == 404 and "no route to destination" in wrong.json()["error"]["message"]
    assert call(admin, "+821100000001", tenant="demo").status_code == 200
    vb.delete(f"/numbers/{TALK_NUMBER}").raise_for_status()
    assert call(admin, "+821100000001").status_code == 404


def test_bad_parameters_are_refused(admin):
    assert call(admin, "+821100000001", tenant=7).status_code == 400
    assert admin.post("/simulate/inbound-call", json={"provider": "voipbin", "to": "+821100000001"}).status_code == 400


# --- calls ----------------------------------------------------------------------------------------

# The talk flow (answer, talk, hangup) as an incoming call: the activeflow's events and the call's.
CALL_EVENTS = [
    "activeflow_created", "call_created",
    "activeflow_updated", "call_updated", "call_progressing",  # answer
    "activeflow_updated", "call_updated",  # talk
    "activeflow_updated", "call_updated",  # hangup
    "call_terminating", "call_hangup", "activeflow_updated",
]


def test_a_call_runs_the_numbers_call_flow_as_an_activeflow(vb, admin, receiver):
    response = call(admin, "+821100000001")
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["outcome"] == "flow_executed" and answer["tenant"] == "demo"
    assert answer["number"] == vb.get(f"/numbers/{TALK_NUMBER}").json()
    activeflow = answer["activeflow"]
    assert activeflow == vb.get(f"/activeflows/{activeflow['id']}").json()
    assert CONTRACT.check_response("activeflows_get", 200, "application/json", httpx.Response(200, json=activeflow).content) == []
    assert activeflow["customer_id"] == DEMO_CUSTOMER
    assert activeflow["flow_id"] == TALK_FLOW
    assert activeflow["reference_type"] == "call"
    assert activeflow["reference_id"] == answer["call_id"] != NIL
    assert activeflow["status"] == "ended"
    assert activeflow["current_action"]["type"] == "hangup"
    executed = activeflow["executed_actions"]
    assert executed[0] == {"id": START_ID, "next_id": NIL}  # flow-manager's cursor starts on the start marker
    assert [a["type"] for a in executed[1:]] == ["answer", "talk"]
    assert all(a["tm_execute"] != SENTINEL for a in executed[1:] + [activeflow["current_action"]])
    assert executed[2]["option"] == {"text": "Hello from telemock", "language": "en-US"}
    assert answer["walk"] == {"actions": 3, "stopped_by": "hangup"}
    assert [e["type"] for e in answer["events"]] == CALL_EVENTS
    assert all(len(e["deliveries"]) == 1 and e["deliveries"][0]["url"] == receiver.url("/events") for e in answer["events"])
    events = received(receiver, len(CALL_EVENTS))
    # Each resource's events arrive in order; the activeflow's and the call's are delivered side by side.
    for prefix in ("activeflow_", "call_"):
        assert [e["type"] for e in events if e["type"].startswith(prefix)] == [t for t in CALL_EVENTS if t.startswith(prefix)]
    flow_events = [e for e in events if e["type"].startswith("activeflow_")]
    created = flow_events[0]["data"]
    assert created["status"] == "running" and created["current_action"] == {"id": START_ID, "next_id": NIL}
    assert "executed_actions" not in created and created["tm_update"] == SENTINEL
    assert [e["data"]["current_action"].get("type") for e in flow_events[1:4]] == ["answer", "talk", "hangup"]
    assert [len(e["data"].get("executed_actions", [])) for e in flow_events[1:]] == [1, 2, 3, 3]
    assert flow_events[-1]["data"] == activeflow


def test_a_number_without_a_call_flow_rejects_the_call(vb, admin, receiver):
    response = call(admin, "+15551230001")  # the support line only has a message flow
    assert response.status_code == 200
    answer = response.json()
    assert answer["outcome"] == "rejected"
    assert "call flow" in answer["reason"] and "hung up" in answer["reason"]
    assert answer["activeflow"] is None and answer["events"] == []
    assert answer["number"]["id"] == SUPPORT_NUMBER
    assert vb.get("/activeflows").json()["result"] == []
    assert admin.get("/deliveries", params={"provider": "voipbin"}).json()["count"] == 0


def test_a_flow_id_that_is_no_live_flow_rejects_the_call(vb, admin):
    vb.put(f"/numbers/{TALK_NUMBER}/flow_ids", json={"call_flow_id": "7d3c9f4e-1111-4222-8333-944455556666"}).raise_for_status()
    answer = call(admin, "+821100000001").json()
    assert answer["outcome"] == "rejected" and answer["activeflow"] is None
    assert vb.get("/activeflows").json()["result"] == []


def test_a_flow_deleted_after_the_number_was_set_up_leaves_no_route_to_a_flow(vb, admin):
    vb.delete(f"/flows/{TALK_FLOW}").raise_for_status()  # the cleanup resets the number's call_flow_id
    assert call(admin, "+821100000001").json()["outcome"] == "rejected"


# --- messages -------------------------------------------------------------------------------------


def test_a_message_runs_the_numbers_message_flow(vb, admin, receiver):
    answer = message(admin, "+15551230001").json()
    assert answer["outcome"] == "flow_executed"
    activeflow = answer["activeflow"]
    assert activeflow["reference_type"] == "conversation"
    assert activeflow["reference_id"] == answer["conversation_id"]
    assert activeflow["flow_id"] == SMS_FLOW
    assert activeflow["status"] == "ended"
    assert activeflow["current_action"]["type"] == "message_send"
    assert answer["walk"] == {"actions": 1, "stopped_by": "end_of_flow"}
    events = received(receiver, 4)
    assert [e["type"] for e in answer["events"]] == ["message_created", "activeflow_created", "activeflow_updated", "activeflow_updated"]
    assert sorted(e["type"] for e in events) == sorted(e["type"] for e in answer["events"])
    assert [e["data"] for e in events if e["type"] == "message_created"] == [answer["message"]]
    flow_events = [e for e in events if e["type"].startswith("activeflow_")]
    assert flow_events[-1]["data"] == activeflow == vb.get(f"/activeflows/{activeflow['id']}").json()


def test_a_number_without_a_message_flow_ignores_the_message(vb, admin):
    answer = message(admin, "+821100000001").json()  # the talk number has no message flow
    assert answer["outcome"] == "ignored"
    assert answer["activeflow"] is None
    assert [e["type"] for e in answer["events"]] == ["message_created"]  # the message is stored all the same
    assert vb.get("/activeflows").json()["result"] == []


def test_hangup_does_not_end_a_conversation(vb, admin):
    to = flow_number(vb, [{"type": "hangup"}, {"type": "message_send", "option": {"text": "still here"}}])
    assert [a["type"] for a in executed(message(admin, to).json())] == ["hangup", "message_send"]
    assert [a["type"] for a in executed(call(admin, to).json())] == ["hangup"]


# --- the walk -------------------------------------------------------------------------------------


def executed(answer: dict[str, Any]) -> list[dict[str, Any]]:
    """The flow actions the activeflow ran (without the start marker), the current one last."""
    activeflow = answer["activeflow"]
    return activeflow.get("executed_actions", [])[1:] + [activeflow["current_action"]]


def test_goto_loops_loop_count_times_then_falls_through(vb, admin):
    a, b = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    to = flow_number(
        vb,
        [
            {"id": a, "type": "answer"},
            {"id": b, "type": "talk", "option": {"text": "again"}},
            {"type": "goto", "option": {"target_id": b, "loop_count": 2}},
            {"type": "hangup"},
        ],
    )
    answer = call(admin, to).json()
    ran = executed(answer)
    assert [x["type"] for x in ran] == ["answer", "talk", "goto", "talk", "goto", "talk", "goto", "hangup"]
    assert [x["option"]["loop_count"] for x in ran if x["type"] == "goto"] == [2, 1, 0]
    assert answer["walk"] == {"actions": 8, "stopped_by": "hangup"}
    assert answer["activeflow"]["status"] == "ended"


def test_endless_loops_stop_at_the_execution_limit(vb, admin):
    a, b = "33333333-3333-4333-8333-333333333333", "44444444-4444-4444-8444-444444444444"
    to = flow_number(vb, [{"id": a, "next_id": b, "type": "answer"}, {"id": b, "next_id": a, "type": "talk"}])
    answer = call(admin, to).json()
    assert answer["walk"] == {"actions": 100, "stopped_by": "step_limit"}
    assert [x["type"] for x in executed(answer)] == ["answer", "talk"] * 50
    assert answer["activeflow"]["status"] == "ended"
    # created twice (activeflow, call), two per action, progressing once, three at the end
    assert len(answer["events"]) == 2 + 2 * 100 + 1 + 3
    looping = flow_number(vb, [{"id": a, "type": "answer"}, {"type": "goto", "option": {"target_id": a, "loop_count": 10**9}}], "+899400000002")
    assert call(admin, looping).json()["walk"] == {"actions": 100, "stopped_by": "step_limit"}


def test_next_id_jumps_stop_ends_and_unknown_targets_end_the_walk(vb, admin):
    c = "55555555-5555-4555-8555-555555555555"
    to = flow_number(vb, [{"type": "answer", "next_id": c}, {"type": "talk"}, {"id": c, "type": "stop"}, {"type": "talk"}])
    answer = call(admin, to).json()
    assert [x["type"] for x in executed(answer)] == ["answer", "stop"]
    assert answer["walk"]["stopped_by"] == "stop"
    lost = flow_number(vb, [{"type": "goto", "option": {"target_id": "66666666-6666-4666-8666-666666666666", "loop_count": 1}}, {"type": "talk"}], "+899400000003")
    assert call(admin, lost).json()["walk"] == {"actions": 1, "stopped_by": "unknown_action"}
    empty = flow_number(vb, [], "+899400000004")
    answer = call(admin, empty).json()
    assert answer["walk"] == {"actions": 0, "stopped_by": "end_of_flow"}
    assert answer["activeflow"]["current_action"] == {"id": START_ID, "next_id": NIL}
    assert answer["activeflow"]["status"] == "ended"


def test_branch_takes_its_default_target(vb, admin):
    d = "77777777-7777-4777-8777-777777777777"
    to = flow_number(vb, [{"type": "branch", "option": {"default_target_id": d, "target_ids": {"1": d}}}, {"type": "talk"}, {"id": d, "type": "hangup"}])
    assert [x["type"] for x in executed(call(admin, to).json())] == ["branch", "hangup"]


def test_the_simulated_activeflow_is_an_ordinary_one_afterwards(vb, admin, receiver):
    activeflow = call(admin, "+821100000001").json()["activeflow"]
    listed = vb.get("/activeflows").json()["result"]
    assert [a["id"] for a in listed] == [activeflow["id"]]
    deleted = vb.delete(f"/activeflows/{activeflow['id']}").json()
    events = [e for e in received(receiver, len(CALL_EVENTS) + 1) if e["type"].startswith("activeflow_")]
    assert events[-1] == {"type": "activeflow_deleted", "data": deleted}


def test_a_frozen_or_broke_customer_does_not_take_calls(server, admin):
    customers = [
        {"tenant": "cold", "frozen": True, "numbers": [{"number": "+899500000001", "type": "virtual", "call_flow": "f"}], "flows": [{"name": "f", "actions": [{"type": "answer"}]}]},
        {"tenant": "broke", "balance": 0, "numbers": [{"number": "+899500000002", "type": "virtual", "call_flow": "f", "message_flow": "f"}], "flows": [{"name": "f", "actions": [{"type": "answer"}]}]},
    ]
    admin.post("/fixtures", json={"voipbin": {"customers": customers}}).raise_for_status()
    cold = call(admin, "+899500000001").json()
    assert cold["outcome"] == "rejected" and "not active" in cold["reason"]
    broke = call(admin, "+899500000002").json()
    assert broke["outcome"] == "rejected" and "balance" in broke["reason"]
    assert message(admin, "+899500000002").json()["outcome"] == "flow_executed"  # messages are not billed up front
