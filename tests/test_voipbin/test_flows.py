"""VoIPBIN flows and activeflows over a real socket."""

from __future__ import annotations

import uuid

from .support import NIL, SMS_FLOW, SUPPORT_NUMBER, TALK_FLOW, TALK_NUMBER, error_of

ACTIONS = [{"type": "answer"}, {"type": "talk", "option": {"text": "hi"}}]


def test_create_assigns_action_ids_and_keeps_given_ones(vb):
    given = str(uuid.uuid4())
    response = vb.post("/flows", json={"name": "f", "detail": "d", "actions": [{"id": given, "type": "answer"}, {"type": "hangup"}]})
    assert response.status_code == 200
    flow = response.json()
    assert flow["type"] == "flow" and flow["on_complete_flow_id"] == NIL
    assert flow["actions"][0]["id"] == given
    assert uuid.UUID(flow["actions"][1]["id"]) and flow["actions"][1]["next_id"] == NIL
    assert vb.get(f"/flows/{flow['id']}").json() == flow


def test_unknown_action_type_is_rejected_and_nothing_is_stored(vb):
    before = vb.get("/flows").json()
    response = vb.post("/flows", json={"name": "bad", "actions": [{"type": "answer"}, {"type": "teleport"}]})
    assert response.status_code == 400
    error = error_of(response)
    assert error["reason"] == "INVALID_ACTION_TYPE" and error["message"] == "not supported action type: teleport"
    anonymous = vb.post("/flows", json={"actions": [{"type": "connect", "option": {"anonymous": "maybe"}}]})
    assert anonymous.status_code == 400 and error_of(anonymous)["reason"] == "INVALID_ANONYMOUS_VALUE"
    assert vb.get("/flows").json() == before


def test_put_is_a_full_replace(vb):
    response = vb.put(f"/flows/{TALK_FLOW}", json={"name": "only a name"})
    assert response.status_code == 200
    flow = response.json()
    assert flow["name"] == "only a name" and flow["detail"] == "" and flow["actions"] == []
    rejected = vb.put(f"/flows/{TALK_FLOW}", json={"name": "x", "actions": [{"type": "nope"}]})
    assert rejected.status_code == 400
    assert vb.get(f"/flows/{TALK_FLOW}").json() == flow


def test_on_complete_flow_must_exist(vb):
    missing = vb.post("/flows", json={"name": "x", "on_complete_flow_id": str(uuid.uuid4())})
    assert missing.status_code == 404 and error_of(missing)["reason"] == "FLOW_NOT_FOUND"
    chained = vb.post("/flows", json={"name": "x", "actions": ACTIONS, "on_complete_flow_id": SMS_FLOW})
    assert chained.status_code == 200 and chained.json()["on_complete_flow_id"] == SMS_FLOW


def test_deleting_a_flow_clears_it_from_numbers(vb):
    response = vb.delete(f"/flows/{TALK_FLOW}")
    assert response.status_code == 200
    assert response.json()["tm_delete"] != "9999-01-01 00:00:00.000000"
    number = vb.get(f"/numbers/{TALK_NUMBER}").json()
    assert number["call_flow_id"] == NIL
    assert number["tm_update"] != "9999-01-01 00:00:00.000000"
    gone = vb.get(f"/flows/{TALK_FLOW}")
    assert gone.status_code == 404 and error_of(gone)["reason"] == "RESOURCE_NOT_FOUND"
    assert TALK_FLOW not in [f["id"] for f in vb.get("/flows").json()["result"]]
    assert vb.get(f"/numbers/{SUPPORT_NUMBER}").json()["message_flow_id"] == SMS_FLOW


def test_direct_hash_regenerate(vb):
    first = vb.post(f"/flows/{SMS_FLOW}/direct-hash-regenerate").json()["direct_hash"]
    second = vb.post(f"/flows/{SMS_FLOW}/direct-hash-regenerate").json()["direct_hash"]
    assert first.startswith("direct.") and len(first) == len("direct.") + 12
    assert first != second


def test_flow_list_pages(vb):
    for i in range(3):
        vb.post("/flows", json={"name": f"f{i}"}).raise_for_status()
    first = vb.get("/flows", params={"page_size": 2}).json()
    assert [f["name"] for f in first["result"]] == ["f2", "f1"]
    rest = vb.get("/flows", params={"page_size": 10, "page_token": first["next_page_token"]}).json()
    assert [f["name"] for f in rest["result"]] == ["f0", "sms echo", "talk flow"]


def test_activeflow_from_a_flow_and_inline_actions(vb):
    from_flow = vb.post("/activeflows", json={"flow_id": TALK_FLOW, "variables": {"a": "1", "voipbin.x": "ignored"}})
    assert from_flow.status_code == 200
    activeflow = from_flow.json()
    assert activeflow["flow_id"] == TALK_FLOW and activeflow["status"] == "running"
    assert activeflow["reference_type"] == "api" and activeflow["current_action"]["type"] == "answer"
    inline = vb.post("/activeflows", json={"actions": ACTIONS, "webhook_uri": "https://example.com/h", "webhook_method": "PUT"}).json()
    assert inline["flow_id"] not in (TALK_FLOW, NIL)
    assert inline["webhook_uri"] == "https://example.com/h" and inline["webhook_method"] == "PUT"
    assert inline["flow_id"] not in [f["id"] for f in vb.get("/flows").json()["result"]]
    listed = vb.get("/activeflows").json()["result"]
    assert [a["id"] for a in listed] == [inline["id"], activeflow["id"]]


def test_activeflow_client_id_and_duplicates(vb):
    chosen = str(uuid.uuid4())
    assert vb.post("/activeflows", json={"id": chosen, "flow_id": SMS_FLOW}).json()["id"] == chosen
    again = vb.post("/activeflows", json={"id": chosen, "flow_id": SMS_FLOW})
    assert again.status_code == 409


def test_activeflow_rejections(vb):
    cases = [
        ({}, 400, "INVALID_ARGUMENT"),
        ({"flow_id": str(uuid.uuid4())}, 404, "FLOW_NOT_FOUND"),
        ({"actions": [{"type": "nope"}]}, 400, "INVALID_ACTION_TYPE"),
        ({"flow_id": TALK_FLOW, "variables": {"k": 1}}, 400, "INVALID_VARIABLES"),
        ({"flow_id": TALK_FLOW, "variables": {f"k{i}": "v" for i in range(101)}}, 400, "INVALID_VARIABLES"),
        ({"flow_id": TALK_FLOW, "webhook_uri": "ftp://x"}, 400, "INVALID_WEBHOOK_URI"),
        ({"flow_id": TALK_FLOW, "webhook_method": "PATCH"}, 400, "INVALID_WEBHOOK_METHOD"),
    ]
    for body, status, reason in cases:
        response = vb.post("/activeflows", json=body)
        assert response.status_code == status, body
        assert error_of(response)["reason"] == reason, body
    assert vb.get("/activeflows").json()["result"] == []


def test_stop_is_idempotent_and_delete_hides(vb):
    activeflow = vb.post("/activeflows", json={"flow_id": TALK_FLOW}).json()
    stopped = vb.post(f"/activeflows/{activeflow['id']}/stop").json()
    assert stopped["status"] == "ended"
    assert vb.post(f"/activeflows/{activeflow['id']}/stop").json() == stopped
    deleted = vb.delete(f"/activeflows/{activeflow['id']}")
    assert deleted.status_code == 200 and deleted.json()["tm_delete"] != "9999-01-01 00:00:00.000000"
    gone = vb.get(f"/activeflows/{activeflow['id']}")
    assert gone.status_code == 404 and error_of(gone)["reason"] == "RESOURCE_NOT_FOUND"
    unknown = vb.get(f"/activeflows/{uuid.uuid4()}")
    assert unknown.status_code == 404 and error_of(unknown)["reason"] == "ACTIVEFLOW_NOT_FOUND"
