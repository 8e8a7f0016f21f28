"""A write whose body is still arriving when a delete of the same number completes.

A handler yields to other requests only while it receives a body. If it looked the number up
before that, a DELETE (VoIPBIN) or a release (SignalWire) could run in between and the write
would then change a deleted number, answer 200 and, on VoIPBIN, send `number_updated` after
`number_deleted`. The same holds for a VoIPBIN flow and a SignalWire E911 assignment. The storms in this folder hit that window by chance; here it is forced: the
write's head is sent, a request on another connection makes sure its handler has started,
the delete runs to completion, and only then does the body follow. The write must be a 404
that changed nothing and sent nothing.
"""

from __future__ import annotations

import pytest

from .conftest import require, state_of
from .observe import micros, violations, wait_delivered
from .slowbody import SlowRequest, dumps

VB = "/voipbin/v1.0"
VB_KEY = "voipbin_demo_accesskey"
VB_NUMBERS = {
    "": "0b266038-844b-11ec-97d8-63ba531361ce",
    "/flow_ids": "7f0a1d2e-3b4c-4d5e-8f60-718293a4b5c6",
    "/metadata": "9c8b7a6d-5e4f-4a3b-9c2d-1e0f2a3b4c5d",
}
VB_BODIES = {
    "": {"call_flow_id": "00000000-0000-0000-0000-000000000000", "message_flow_id": "00000000-0000-0000-0000-000000000000",
         "name": "too late", "detail": "too late"},
    "/flow_ids": {"call_flow_id": "d157ce07-0360-4cad-9007-c8ab89fccf9c", "message_flow_id": "d157ce07-0360-4cad-9007-c8ab89fccf9c"},
    "/metadata": {"rtp_debug": True},
}
VB_OPERATIONS = {"": "numbers_update", "/flow_ids": "numbers_update_flow_ids", "/metadata": "numbers_update_metadata"}
SW = "/signalwire/api/relay/rest"
SW_AUTH = ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")
SW_AUTH_HEADER = {"Authorization": "Basic M2YwZDdjMWUtNWI4YS00ZTJmLTljNmQtMWEyYjNjNGQ1ZTZmOlBUZGVtb190b2tlbg=="}
SW_NUMBER = "6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b"
SW_E911 = {"path": "/e911_address", "method": "POST", "body": {"e911_address_id": "2d6e9b14-3c5a-4f7e-8a90-b1c2d3e4f5a6"},
           "operation": "e911_address_assign"}
SW_UPDATE = {"path": "", "method": "PUT", "body": {"name": "too late"}, "operation": "phone_numbers_update"}
VB_FLOW = "3b0c7c5e-6f0a-4c4e-8d77-2a6f1f0e9a01"


@pytest.mark.parametrize("route", list(VB_NUMBERS))
def test_voipbin_update_finishing_after_a_delete_is_refused(server, admin, receiver, route) -> None:
    require("voipbin")
    vb = server.client(VB, params={"accesskey": VB_KEY})
    settings = {"name": "Demo customer", "detail": "", "email": "", "phone_number": "", "address": "",
                "webhook_method": "POST", "webhook_uri": receiver.url("/hook")}
    assert vb.put("/customer", json=settings).status_code == 200
    number = VB_NUMBERS[route]
    before = state_of(admin, "voipbin")["numbers"][number]
    body = dumps(VB_BODIES[route])

    write = SlowRequest.start(server, "PUT", f"{VB}/numbers/{number}{route}?accesskey={VB_KEY}", body)
    assert vb.get(f"/numbers/{number}").status_code == 200  # served after the write reached its body
    deleted = vb.delete(f"/numbers/{number}")
    assert deleted.status_code == 200
    status, content_type, answer = write.finish(body)

    assert status == 404, f"an update of a deleted number was acknowledged: {answer!r}"
    assert violations("voipbin", VB_OPERATIONS[route], status, content_type, answer) == []
    after = state_of(admin, "voipbin")["numbers"][number]
    assert after == {**before, "status": "deleted", "tm_update": after["tm_delete"], "tm_delete": after["tm_delete"]}
    assert after["tm_delete"] == micros(deleted.json()["tm_delete"])
    (message,) = wait_delivered(admin, "voipbin", 1)
    assert message["type"] == "number_deleted"


def test_voipbin_flow_update_finishing_after_a_delete_is_refused(server, admin) -> None:
    require("voipbin")
    vb = server.client(VB, params={"accesskey": VB_KEY})
    before = state_of(admin, "voipbin")["flows"][VB_FLOW]
    body = dumps({"name": "too late", "detail": "", "actions": [{"type": "answer"}]})

    write = SlowRequest.start(server, "PUT", f"{VB}/flows/{VB_FLOW}?accesskey={VB_KEY}", body)
    assert vb.get(f"/flows/{VB_FLOW}").status_code == 200  # served after the write reached its body
    assert vb.delete(f"/flows/{VB_FLOW}").status_code == 200
    status, content_type, answer = write.finish(body)

    assert status == 404, f"an update of a deleted flow was acknowledged: {answer!r}"
    assert violations("voipbin", "flows_update", status, content_type, answer) == []
    after = state_of(admin, "voipbin")["flows"][VB_FLOW]
    assert after == {**before, "tm_update": after["tm_delete"], "tm_delete": after["tm_delete"]}


@pytest.mark.parametrize("write", [SW_UPDATE, SW_E911], ids=["update", "e911"])
def test_signalwire_write_finishing_after_a_release_is_refused(server, admin, write) -> None:
    require("signalwire")
    sw = server.client(SW, auth=SW_AUTH)
    before = state_of(admin, "signalwire")["numbers"][SW_NUMBER]
    body = dumps(write["body"])

    pending = SlowRequest.start(server, write["method"], f"{SW}/phone_numbers/{SW_NUMBER}{write['path']}", body, SW_AUTH_HEADER)
    assert sw.get(f"/phone_numbers/{SW_NUMBER}").status_code == 200  # served after the write reached its body
    assert sw.delete(f"/phone_numbers/{SW_NUMBER}").status_code == 204
    status, content_type, answer = pending.finish(body)

    assert status == 404, f"a write to a released number was acknowledged: {answer!r}"
    assert violations("signalwire", write["operation"], status, content_type, answer) == []
    after = state_of(admin, "signalwire")["numbers"][SW_NUMBER]
    assert after == {**before, "released_us": after["released_us"]} and after["released_us"] is not None
