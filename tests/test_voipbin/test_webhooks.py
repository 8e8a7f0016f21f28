"""VoIPBIN webhooks at real receivers: customer settings, envelopes, signatures, methods, retries, order."""

from __future__ import annotations

import hashlib
import hmac
import time
from typing import Any, Iterator

import httpx
import pytest
from test_webhooks.receiver import Receiver

from telemock.contracts.validate import contract_for

from .support import (
    ACCESSKEY,
    DEMO_CUSTOMER,
    NIL,
    SMS_FLOW,
    SUPPORT_NUMBER,
    TALK_FLOW,
    TALK_NUMBER,
    error_of,
)

SECRET = "Zq3JtW1xK9cYp0rLmN4bV8sD2fH6gA5e"  # the demo customer's, from fixtures/default.yaml
START = "2030-03-01T08:00:00Z"
CONTRACT = contract_for("voipbin")


# --- fixtures and helpers -------------------------------------------------------------------------


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as live:
        yield live


@pytest.fixture
def hooked(vb, receiver) -> Receiver:
    """The demo customer's webhook points at the receiver (POST)."""
    response = vb.put("/customer", json=settings(receiver.url("/hook")))
    assert response.status_code == 200, response.text
    return receiver


@pytest.fixture
def frozen(admin) -> httpx.Client:
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": START}).raise_for_status()
    return admin


def settings(uri: str, method: str = "POST", **extra: str) -> dict[str, str]:
    return {"name": "Demo customer", "detail": "", "email": "", "phone_number": "", "address": "", "webhook_method": method, "webhook_uri": uri} | extra


def sign(body: bytes, secret: str = SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verified(
    receiver: Receiver, count: int, secret: str | None = SECRET, method: str = "POST", documented: bool = True
) -> list[dict[str, Any]]:
    """The first `count` requests: exact envelope, signature checked by hand, spec-conformant (documented profile)."""
    events = []
    for request in receiver.wait_for(count):
        assert request.method == method
        assert request.headers["content-type"] == "application/json"
        if secret is None:
            assert "x-voipbin-signature" not in request.headers
        else:
            assert hmac.compare_digest(request.headers["x-voipbin-signature"], sign(request.body, secret))
        event = request.json()
        assert list(event) == ["type", "data"]
        if documented:
            assert CONTRACT.check_event(event["type"], request.body) == []
        events.append(event)
    return events


def deliveries(admin: httpx.Client, **params: Any) -> list[dict[str, Any]]:
    return admin.get("/deliveries", params={"provider": "voipbin", **params}).json()["deliveries"]


def wait_attempts(admin: httpx.Client, delivery_id: str, count: int) -> dict[str, Any]:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        delivery = admin.get(f"/deliveries/{delivery_id}").json()
        if len(delivery["attempts"]) >= count and delivery["status"] != "sending":
            return delivery
        time.sleep(0.01)
    raise AssertionError(f"delivery {delivery_id} did not reach {count} attempts")


def advance(admin: httpx.Client, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def new_virtual(vb: httpx.Client, number: str = "+899200000001", **fields: Any) -> dict[str, Any]:
    response = vb.post("/numbers", json={"number": number, "type": "virtual", **fields})
    assert response.status_code == 200, response.text
    return response.json()


# --- customer settings ----------------------------------------------------------------------------


def test_customer_get_shows_the_webhook_settings_and_the_secret(vb):
    response = vb.get("/customer")
    assert response.status_code == 200
    body = response.json()
    assert CONTRACT.check_response("customer_get", 200, "application/json", response.content) == []
    assert body["id"] == DEMO_CUSTOMER
    assert body["name"] == "Demo customer"
    assert body["webhook_method"] == "POST"
    assert "webhook_uri" not in body  # empty strings are left out
    assert body["webhook_secret"] == SECRET
    assert list(body)[-1] == "webhook_secret"
    assert body["identity_verification_status"] == "verified"
    assert body["tm_delete"] == "9999-01-01 00:00:00.000000"


def test_customer_put_overwrites_every_field_and_hides_the_secret(vb, receiver):
    response = vb.put("/customer", json={"webhook_uri": receiver.url(), "email": "ops@example.com", "webhook_secret": "ignored"})
    assert response.status_code == 200
    body = response.json()
    assert CONTRACT.check_response("customer_update", 200, "application/json", response.content) == []
    assert "webhook_secret" not in body
    assert "name" not in body  # left out, so cleared
    assert "webhook_method" not in body
    assert body["email"] == "ops@example.com" and body["webhook_uri"] == receiver.url()
    again = vb.get("/customer").json()
    assert again["webhook_secret"] == SECRET  # not writable
    assert again["tm_update"] != "9999-01-01 00:00:00.000000"


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ({"webhook_uri": "http://hooks.example.invalid/", "webhook_method": "PATCH"}, "INVALID_WEBHOOK_METHOD"),
        ({"webhook_uri": "http://hooks.example.invalid/", "webhook_method": "post"}, "INVALID_WEBHOOK_METHOD"),
        ({"webhook_uri": "ftp://hooks.example.invalid/", "webhook_method": "POST"}, "INVALID_WEBHOOK_URI"),
        ({"webhook_uri": "hooks.example.invalid/path", "webhook_method": "POST"}, "INVALID_WEBHOOK_URI"),
        ({"webhook_uri": "http://[", "webhook_method": "POST"}, "INVALID_WEBHOOK_URI"),
        ({"webhook_uri": 42}, "INVALID_JSON_BODY"),
        ({"webhook_method": ["POST"]}, "INVALID_JSON_BODY"),
        ({"name": None, "email": {"a": 1}}, "INVALID_JSON_BODY"),
    ],
)
def test_customer_put_rejects_bad_webhook_settings_and_changes_nothing(vb, body, reason):
    before = vb.get("/customer").json()
    response = vb.put("/customer", json=body)
    assert response.status_code == 400
    assert error_of(response)["reason"] == reason
    assert error_of(response)["status"] == "INVALID_ARGUMENT"
    assert CONTRACT.check_response("customer_update", 400, "application/json", response.content) == []
    assert vb.get("/customer").json() == before


def test_customer_put_needs_json_credentials_and_admin(server, vb, admin):
    assert error_of(vb.put("/customer", content=b"{nope"))["reason"] == "INVALID_JSON_BODY"
    assert error_of(vb.put("/customer", json=[1]))["reason"] == "INVALID_JSON_BODY"
    anon = server.client("/voipbin/v1.0")
    assert error_of(anon.get("/customer"))["reason"] == "AUTHENTICATION_REQUIRED"
    assert error_of(anon.put("/customer", json={}))["reason"] == "AUTHENTICATION_REQUIRED"
    seeded = admin.post(
        "/fixtures",
        json={"voipbin": {"customers": [{"tenant": "crew", "users": [{"username": "mgr", "password": "pw", "permission": "manager"}]}]}},
    )
    assert seeded.status_code == 201, seeded.text
    token = server.client("/voipbin").post("/auth/login", json={"username": "mgr", "password": "pw"}).json()["token"]
    manager = server.client("/voipbin/v1.0", headers={"Authorization": f"Bearer {token}"})
    assert manager.get("/customer").status_code == 200
    before = manager.get("/customer").json()
    denied = manager.put("/customer", json=settings("http://hooks.example.invalid/"))
    assert denied.status_code == 403 and error_of(denied)["reason"] == "PERMISSION_DENIED"
    assert manager.get("/customer").json() == before


# --- number events --------------------------------------------------------------------------------


def test_number_created_event_is_the_rendered_number_signed(vb, hooked):
    number = new_virtual(vb)
    (event,) = verified(hooked, 1)
    assert event == {"type": "number_created", "data": number}
    request = hooked.received[0]
    assert request.path == "/hook"
    assert request.headers["x-voipbin-signature"] == sign(request.body)
    assert request.headers["x-voipbin-signature"].startswith("sha256=") and len(request.headers["x-voipbin-signature"]) == 71


def test_every_number_update_sends_number_updated_in_order(vb, hooked):
    first = vb.put(f"/numbers/{TALK_NUMBER}", json={"call_flow_id": SMS_FLOW, "name": "renamed"}).json()
    second = vb.put(f"/numbers/{TALK_NUMBER}/flow_ids", json={"call_flow_id": TALK_FLOW, "message_flow_id": SMS_FLOW}).json()
    third = vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": True}).json()
    events = verified(hooked, 3)
    assert events == [{"type": "number_updated", "data": data} for data in (first, second, third)]
    assert events[2]["data"]["metadata"] == {"rtp_debug": True}


def test_number_deleted_event_carries_the_deleted_number(vb, hooked):
    deleted = vb.delete(f"/numbers/{SUPPORT_NUMBER}").json()
    (event,) = verified(hooked, 1)
    assert event == {"type": "number_deleted", "data": deleted}
    assert event["data"]["status"] == "deleted"
    assert event["data"]["tm_delete"] != "9999-01-01 00:00:00.000000"


def test_rejected_requests_send_nothing(server, vb, hooked, admin):
    assert vb.post("/numbers", json={"number": "+899000000001", "type": "virtual"}).status_code == 400  # reserved
    assert vb.post("/numbers", json={"number": "+821100000001"}).status_code == 409  # already held
    assert vb.put(f"/numbers/{TALK_NUMBER}", json={"call_flow_id": "7d3c9f4e-1111-4222-8333-944455556666"}).status_code == 404
    assert vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": "yes"}).status_code == 400
    assert vb.put(f"/numbers/{TALK_NUMBER}/flow_ids", content=b"[").status_code == 400
    assert vb.delete("/numbers/not-a-uuid").status_code == 400
    assert vb.delete(f"/numbers/{NIL[:-1]}1").status_code == 404
    assert vb.post("/activeflows", json={"flow_id": TALK_FLOW, "webhook_method": "PATCH"}).status_code == 400
    assert vb.post("/activeflows", json={}).status_code == 400
    assert vb.post("/activeflows/6f18ae1c-ddf8-413b-9572-ad30574604ef/stop").status_code == 404
    assert server.client("/voipbin/v1.0").put(f"/numbers/{TALK_NUMBER}", json={}).status_code == 401
    assert deliveries(admin) == []  # events are queued synchronously, so nothing was queued
    vb.delete(f"/numbers/{SUPPORT_NUMBER}")
    assert [d["type"] for d in deliveries(admin)] == ["number_deleted"]
    assert vb.delete(f"/numbers/{SUPPORT_NUMBER}").status_code == 404  # the second delete is rejected
    assert len(deliveries(admin)) == 1


def test_flow_changes_and_the_flow_deletion_cleanup_send_nothing(vb, hooked, admin):
    before = vb.get(f"/numbers/{TALK_NUMBER}").json()
    created = vb.post("/flows", json={"name": "x", "actions": [{"type": "answer"}]})
    assert created.status_code == 200
    assert vb.put(f"/flows/{created.json()['id']}", json={"name": "y", "actions": []}).status_code == 200
    assert vb.delete(f"/flows/{TALK_FLOW}").status_code == 200
    after = vb.get(f"/numbers/{TALK_NUMBER}").json()
    assert before["call_flow_id"] == TALK_FLOW and after["call_flow_id"] == NIL
    assert after["tm_update"] != before["tm_update"]  # the cleanup updates the number...
    assert deliveries(admin) == []  # ...without a webhook
    vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": False})
    (event,) = verified(hooked, 1)
    assert event["type"] == "number_updated" and event["data"]["call_flow_id"] == NIL


# --- activeflow events ----------------------------------------------------------------------------


def test_activeflow_events_reach_the_customer_and_the_activeflows_own_webhook(vb, hooked):
    with Receiver() as own:
        started = vb.post("/activeflows", json={"flow_id": TALK_FLOW, "webhook_uri": own.url("/af"), "webhook_method": "PUT"})
        assert started.status_code == 200
        activeflow = started.json()
        stopped = vb.post(f"/activeflows/{activeflow['id']}/stop").json()
        assert vb.post(f"/activeflows/{activeflow['id']}/stop").status_code == 200  # no change, no event
        deleted = vb.delete(f"/activeflows/{activeflow['id']}").json()
        expected = [
            {"type": "activeflow_created", "data": activeflow},
            {"type": "activeflow_updated", "data": stopped},
            {"type": "activeflow_deleted", "data": deleted},
        ]
        assert verified(hooked, 3) == expected
        assert verified(own, 3, method="PUT") == expected  # signed with the customer's secret
        assert [r.path for r in own.received] == ["/af"] * 3
        time.sleep(0.1)
        assert len(hooked.received) == 3 and len(own.received) == 3
    assert stopped["status"] == "ended" and deleted["tm_delete"] != "9999-01-01 00:00:00.000000"


def test_deleting_a_running_activeflow_stops_it_first(vb, hooked):
    activeflow = vb.post("/activeflows", json={"actions": [{"type": "answer"}]}).json()
    assert activeflow["status"] == "running"
    deleted = vb.delete(f"/activeflows/{activeflow['id']}").json()
    events = verified(hooked, 3)
    assert [e["type"] for e in events] == ["activeflow_created", "activeflow_updated", "activeflow_deleted"]
    assert events[1]["data"]["status"] == "ended" and events[1]["data"]["tm_delete"] == "9999-01-01 00:00:00.000000"
    assert events[2]["data"] == deleted


# --- destinations, methods, secrets ---------------------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_the_configured_method_is_used_with_the_body(vb, receiver, method):
    assert vb.put("/customer", json=settings(receiver.url("/m"), method)).status_code == 200
    number = new_virtual(vb)
    (event,) = verified(receiver, 1, method=method)
    assert event == {"type": "number_created", "data": number}


def test_an_empty_method_makes_the_client_use_get(vb, receiver):
    assert vb.put("/customer", json=settings(receiver.url(), "")).status_code == 200
    new_virtual(vb)
    (event,) = verified(receiver, 1, method="GET")
    assert event["type"] == "number_created"


def test_no_webhook_uri_no_delivery(vb, admin):
    new_virtual(vb)
    assert vb.put("/customer", json=settings("")).status_code == 200
    new_virtual(vb, "+899200000002")
    assert deliveries(admin) == []


def test_a_customer_without_a_secret_gets_unsigned_events(server, admin, receiver):
    seeded = admin.post(
        "/fixtures",
        json={"voipbin": {"customers": [{"tenant": "plain", "accesskeys": [{"key": "k_plain"}], "webhook_uri": receiver.url("/plain")}]}},
    )
    assert seeded.status_code == 201, seeded.text
    client = server.client("/voipbin/v1.0", params={"accesskey": "k_plain"})
    assert "webhook_secret" not in client.get("/customer").json()
    number = client.post("/numbers", json={"number": "+899300000001", "type": "virtual"}).json()
    (event,) = verified(receiver, 1, secret=None)
    assert event == {"type": "number_created", "data": number}
    assert receiver.received[0].path == "/plain"


def test_events_of_one_tenant_do_not_reach_another(server, vb, hooked, admin):
    admin.post("/fixtures", json={"voipbin": {"customers": [{"tenant": "other", "accesskeys": [{"key": "k_other"}]}]}}).raise_for_status()
    other = server.client("/voipbin/v1.0", params={"accesskey": "k_other"})
    other.post("/numbers", json={"number": "+899300000002", "type": "virtual"}).raise_for_status()
    assert deliveries(admin) == []
    new_virtual(vb)
    assert [d["tenant"] for d in deliveries(admin)] == ["demo"]


# --- retries on the virtual clock -----------------------------------------------------------------


def test_a_5xx_is_retried_one_second_later(vb, hooked, frozen):
    answers = iter([500, 200])
    hooked.responder = lambda request: next(answers)
    new_virtual(vb)
    (delivery,) = deliveries(frozen, wait_for=1, timeout=5)
    wait_attempts(frozen, delivery["id"], 1)
    time.sleep(0.1)
    assert len(hooked.received) == 1  # the retry waits for one virtual second
    advance(frozen, 1)
    done = wait_attempts(frozen, delivery["id"], 2)
    assert done["status"] == "succeeded"
    assert [a["status"] for a in done["attempts"]] == [500, 200]
    assert [a["time"] for a in done["attempts"]] == ["2030-03-01T08:00:00.000000Z", "2030-03-01T08:00:01.000000Z"]
    first, second = hooked.wait_for(2)
    assert first.body == second.body
    assert second.headers["x-voipbin-signature"] == sign(second.body)


@pytest.mark.parametrize("status", [404, 400, 302, 410])
def test_a_non_5xx_answer_counts_as_delivered(vb, hooked, frozen, status):
    hooked.status = status
    new_virtual(vb)
    (delivery,) = deliveries(frozen, wait_for=1, timeout=5)
    done = wait_attempts(frozen, delivery["id"], 1)
    assert done["status"] == "succeeded"
    advance(frozen, 10)
    time.sleep(0.1)
    assert len(frozen.get(f"/deliveries/{delivery['id']}").json()["attempts"]) == 1
    assert len(hooked.received) == 1


def test_at_most_three_attempts_then_failed(vb, hooked, frozen):
    hooked.status = 503
    new_virtual(vb)
    (delivery,) = deliveries(frozen, wait_for=1, timeout=5)
    wait_attempts(frozen, delivery["id"], 1)
    advance(frozen, 1)
    wait_attempts(frozen, delivery["id"], 2)
    advance(frozen, 1)
    done = wait_attempts(frozen, delivery["id"], 3)
    advance(frozen, 60)
    time.sleep(0.1)
    done = frozen.get(f"/deliveries/{delivery['id']}").json()
    assert done["status"] == "failed"
    assert [a["status"] for a in done["attempts"]] == [503, 503, 503]
    assert len(hooked.received) == 3


def test_transport_errors_are_retried(vb, hooked, frozen):
    hooked.stop()  # connection refused
    new_virtual(vb)
    (delivery,) = deliveries(frozen, wait_for=1, timeout=5)
    first = wait_attempts(frozen, delivery["id"], 1)
    assert first["attempts"][0]["status"] is None and first["attempts"][0]["error"]
    hooked.start()
    advance(frozen, 1)
    done = wait_attempts(frozen, delivery["id"], 2)
    assert done["status"] == "succeeded"
    assert [a["status"] for a in done["attempts"]] == [None, 200]
    (event,) = verified(hooked, 1)
    assert event["type"] == "number_created"


def test_events_of_one_resource_keep_their_order_while_another_flows(vb, hooked, frozen):
    refused: list[bytes] = []

    def answer(request) -> int:
        if b'"type":"number_created"' in request.body and not refused:
            refused.append(request.body)
            return 500
        return 200

    hooked.responder = answer
    blocked = new_virtual(vb)["id"]
    for name in ("a", "b", "c"):
        vb.put(f"/numbers/{blocked}", json={"name": name}).raise_for_status()
    vb.put(f"/numbers/{TALK_NUMBER}/metadata", json={"rtp_debug": True}).raise_for_status()
    created, *updates, other = deliveries(frozen)
    assert wait_attempts(frozen, created["id"], 1)["attempts"][0]["status"] == 500
    assert wait_attempts(frozen, other["id"], 1)["status"] == "succeeded"  # another number is not held back
    for update in updates:  # the same number's later events wait for the failed one
        assert frozen.get(f"/deliveries/{update['id']}").json()["attempts"] == []
    advance(frozen, 1)
    events = verified(hooked, 6)
    mine = [(e["type"], e["data"]["name"]) for e in events if e["data"]["id"] == blocked]
    assert mine == [("number_created", ""), ("number_created", ""), ("number_updated", "a"), ("number_updated", "b"), ("number_updated", "c")]
    assert [e["data"]["id"] for e in events].count(TALK_NUMBER) == 1


# --- profiles -------------------------------------------------------------------------------------


def test_observed_profile_events_follow_the_observed_rendering(observed_server):
    observed_server.admin().post("/reset").raise_for_status()
    vb = observed_server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    with Receiver() as receiver, Receiver() as own:
        assert vb.put("/customer", json=settings(receiver.url(), "PATCH")).status_code == 200  # the backend stores any method
        assert vb.get("/customer").json()["webhook_method"] == "PATCH"
        assert vb.put("/customer", json=settings(receiver.url())).status_code == 200
        number = new_virtual(vb)
        activeflow = vb.post("/activeflows", json={"flow_id": TALK_FLOW, "webhook_uri": own.url()}).json()
        events = verified(receiver, 2, documented=False)
        assert events == [{"type": "number_created", "data": number}, {"type": "activeflow_created", "data": activeflow}]
        assert number["tm_delete"] is None and number["tm_create"].endswith("Z")
        time.sleep(0.1)
        assert own.received == []  # the backend fans out only payloads with data.activeflow_id


# --- state file -----------------------------------------------------------------------------------


def test_a_pending_event_resumes_after_a_restart_with_a_state_file(tmp_path):
    from live_server import start_server

    from telemock.emulator import Config

    state_file = tmp_path / "state.db"
    receiver = Receiver().start()
    receiver.stop()  # refused until the second run
    try:
        live = start_server(Config(state_file=state_file, providers=["voipbin"], log_requests=False))
        admin = live.admin()
        admin.post("/clock/freeze").raise_for_status()
        admin.post("/clock/set", json={"time": START}).raise_for_status()
        vb = live.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
        vb.put("/customer", json=settings(receiver.url("/again"))).raise_for_status()
        number = new_virtual(vb)
        (pending,) = admin.get("/deliveries", params={"wait_for": 1, "timeout": 5}).json()["deliveries"]
        assert wait_attempts(admin, pending["id"], 1)["status"] == "pending"
        live.stop()

        again = start_server(Config(state_file=state_file, providers=["voipbin"], log_requests=False))
        try:
            receiver.start()
            advance(again.admin(), 1)
            done = wait_attempts(again.admin(), pending["id"], 2)
            assert done["status"] == "succeeded"
            (event,) = verified(receiver, 1)
            assert event == {"type": "number_created", "data": number}
        finally:
            again.stop()
    finally:
        receiver.stop()
