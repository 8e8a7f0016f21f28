"""Gigs webhooks at a real receiver: envelopes, previousData diffs, actors, times, signatures, order, retries."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time

import pytest
from standardwebhooks import Webhook, WebhookVerificationError

from telemock.emulator import Config

from .support import (
    ACTIVE_NUMBER,
    API_KEY_ID,
    EVENT_KEYS,
    PROJECT,
    SUBSCRIPTION,
    UPDATED_KEYS,
    assert_event_conforms,
)

START = "2030-01-15T10:00:00Z"
KEY_ACTOR = {"type": "apiKey", "apiKey": API_KEY_ID}
SYSTEM = {"type": "system"}
VN = "com.gigs.virtualNumber."


@pytest.fixture
def frozen(admin):
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": START}).raise_for_status()
    return admin


def advance(admin, seconds: float) -> None:
    admin.post("/clock/advance", json={"seconds": seconds}).raise_for_status()


def create(gigs) -> dict:
    response = gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION})
    assert response.status_code == 201
    return response.json()


def verified(receiver, endpoint, count: int) -> list[dict]:
    """The first `count` deliveries, each verified with the standardwebhooks library and the spec."""
    hook = Webhook(endpoint["secret"])
    events = []
    for request in receiver.wait_for(count):
        event = hook.verify(request.body, request.headers)
        assert request.headers["content-type"] == "application/json"
        assert not any(name.startswith("ce-") for name in request.headers)
        assert_event_conforms(event, request.headers)
        events.append(event)
    return events


def test_created_event_has_the_full_envelope_in_order(gigs, endpoint, receiver, frozen):
    number = create(gigs)
    (event,) = verified(receiver, endpoint, 1)
    assert list(event) == EVENT_KEYS
    assert re.fullmatch(r"evt_[A-Za-z0-9]{28}", event["id"])
    assert event == {
        "object": "event",
        "id": event["id"],
        "actor": KEY_ACTOR,
        "data": number,
        "datacontenttype": "application/json",
        "project": PROJECT,
        "source": "https://api.gigs.com",
        "specversion": "1.0",
        "time": START,
        "type": VN + "created",
        "version": "2026-01-29",
    }
    assert list(event["data"]) == list(number)
    # The body is the exact bytes that were signed: key order survives.
    assert receiver.received[0].body.startswith(b'{"object":"event","id":"evt_')


def test_a_clock_jump_emits_each_transition_at_its_own_instant(gigs, endpoint, receiver, frozen):
    number = create(gigs)
    advance(frozen, 3 * 3600)
    events = verified(receiver, endpoint, 4)
    assert [(e["type"], e["time"], e["actor"]) for e in events] == [
        (VN + "created", START, KEY_ACTOR),
        (VN + "updated", "2030-01-15T10:00:02Z", SYSTEM),
        (VN + "activated", "2030-01-15T10:00:07Z", SYSTEM),
        (VN + "updated", "2030-01-15T10:00:07Z", SYSTEM),
    ]
    processing, activated, active = events[1], events[2], events[3]
    assert list(processing) == UPDATED_KEYS
    assert processing["previousData"] == {"status": "initiated"}
    assert processing["data"] == {**number, "status": "processing"}
    assert "previousData" not in activated
    assert activated["data"] == active["data"]
    assert active["previousData"] == {"activatedAt": None, "phoneNumber": None, "status": "processing"}
    assert active["data"]["status"] == "active" and active["data"]["phoneNumber"]
    assert len({e["id"] for e in events}) == 4
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 4


def test_cancel_and_end_events(gigs, endpoint, receiver, frozen):
    number = create(gigs)
    advance(frozen, 60)
    canceled = gigs.post(f"/virtualNumbers/{number['id']}/cancel").json()
    advance(frozen, 20 * 86400)
    events = verified(receiver, endpoint, 8)[4:]
    assert [(e["type"], e["actor"]) for e in events] == [
        (VN + "canceled", KEY_ACTOR),
        (VN + "updated", KEY_ACTOR),
        (VN + "ended", SYSTEM),
        (VN + "updated", SYSTEM),
    ]
    assert events[0]["data"] == canceled and events[0]["time"] == "2030-01-15T10:01:00Z"
    assert events[1]["previousData"] == {"canceledAt": None, "endedAt": None}
    assert events[2]["time"] == events[3]["time"] == "2030-02-01T00:00:00Z"
    assert events[3]["previousData"] == {"status": "active"}
    assert events[3]["data"]["status"] == "ended"


def test_cancel_before_activation_sends_canceled_ended_and_one_update(gigs, endpoint, receiver, frozen):
    number = create(gigs)
    gigs.post(f"/virtualNumbers/{number['id']}/cancel")
    events = verified(receiver, endpoint, 4)[1:]
    assert [e["type"] for e in events] == [VN + "canceled", VN + "ended", VN + "updated"]
    assert events[2]["previousData"] == {"canceledAt": None, "endedAt": None, "status": "initiated"}
    assert all(e["actor"] == KEY_ACTOR and e["time"] == START for e in events)
    advance(frozen, 3600)
    time.sleep(0.2)
    assert len(receiver.received) == 4  # an ended number sends nothing more


def test_admin_transition_events_come_from_the_system(gigs, admin, endpoint, receiver, frozen):
    number = create(gigs)
    admin.post("/transition", json={"provider": "gigs", "tenant": PROJECT, "resource": "virtualNumber", "id": number["id"], "to": "active"})
    events = verified(receiver, endpoint, 4)[1:]
    assert [(e["type"], e["actor"], e["time"]) for e in events] == [
        (VN + "updated", SYSTEM, START),
        (VN + "activated", SYSTEM, START),
        (VN + "updated", SYSTEM, START),
    ]


def test_updated_events_can_be_left_out(server_factory):
    from test_webhooks.receiver import Receiver

    live = server_factory(Config(providers=["gigs"], settings={"gigs": {"send_updated_events": False}}))
    with Receiver() as receiver:
        endpoint = live.admin().post("/webhook-endpoints", json={"provider": "gigs", "tenant": PROJECT, "url": receiver.url()}).json()
        client = live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": "Bearer gigs_demo_key"})
        client.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel")
        (event,) = verified(receiver, endpoint, 1)
        time.sleep(0.2)
        assert event["type"] == VN + "canceled" and len(receiver.received) == 1


def test_event_filter_on_the_endpoint(gigs, admin, receiver, frozen):
    endpoint = admin.post(
        "/webhook-endpoints",
        json={"provider": "gigs", "tenant": PROJECT, "url": receiver.url(), "events": [VN + "activated", "*.ended"]},
    ).json()
    number = create(gigs)
    advance(frozen, 60)
    gigs.post(f"/virtualNumbers/{number['id']}/cancel")
    advance(frozen, 40 * 86400)
    events = verified(receiver, endpoint, 2)
    time.sleep(0.2)
    assert [e["type"] for e in events] == [VN + "activated", VN + "ended"]
    assert len(receiver.received) == 2


def test_signature_is_standard_webhooks_over_id_timestamp_body(gigs, endpoint, receiver, frozen):
    create(gigs)
    (request,) = receiver.wait_for(1)
    headers = request.headers
    assert re.fullmatch(r"msg_[A-Za-z0-9]{27}", headers["webhook-id"])
    # The timestamp is the real time of the attempt, although the virtual clock says 2030.
    assert abs(int(headers["webhook-timestamp"]) - time.time()) < 60
    key = base64.b64decode(endpoint["secret"].removeprefix("whsec_"))
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + request.body
    expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == expected
    with pytest.raises(WebhookVerificationError):
        Webhook(endpoint["secret"]).verify(request.body.replace(b"initiated", b"active   "), headers)
    with pytest.raises(WebhookVerificationError):
        Webhook("whsec_" + base64.b64encode(b"another secret of 24 b.").decode()).verify(request.body, headers)


def test_given_secret_is_used_and_svix_headers_are_optional(server_factory):
    from test_webhooks.receiver import Receiver

    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    live = server_factory(Config(providers=["gigs"], settings={"gigs": {"webhook_svix_headers": True}}))
    with Receiver() as receiver:
        live.admin().post("/webhook-endpoints", json={"provider": "gigs", "tenant": PROJECT, "url": receiver.url(), "secret": secret})
        live.client(f"/gigs/projects/{PROJECT}", headers={"Authorization": "Bearer gigs_demo_key"}).post(
            "/virtualNumbers", json={"subscription": SUBSCRIPTION}
        )
        (request,) = receiver.wait_for(1)
        Webhook(secret).verify(request.body, request.headers)
        assert request.headers["svix-id"] == request.headers["webhook-id"]
        assert request.headers["svix-signature"] == request.headers["webhook-signature"]


def test_retries_keep_the_webhook_id_and_follow_the_virtual_clock(gigs, admin, endpoint, receiver, frozen):
    receiver.status = 500
    create(gigs)
    first = admin.get("/deliveries", params={"wait_for": 1, "timeout": 5}).json()["deliveries"][0]
    wait_attempts(admin, first["id"], 1)
    time.sleep(0.2)
    assert len(receiver.received) == 1  # the next attempt waits 5 s of virtual time
    advance(frozen, 5)
    wait_attempts(admin, first["id"], 2)
    receiver.status = 200
    advance(frozen, 300)
    requests = receiver.wait_for(3)
    assert len({r.headers["webhook-id"] for r in requests}) == 1
    assert len({r.body for r in requests}) == 1
    delivery = admin.get("/deliveries", params={"provider": "gigs", "status": "succeeded", "wait_for": 1, "timeout": 5}).json()["deliveries"][0]
    assert [a["status"] for a in delivery["attempts"]] == [500, 500, 200]
    assert [a["time"] for a in delivery["attempts"]] == ["2030-01-15T10:00:00.000000Z", "2030-01-15T10:00:05.000000Z", "2030-01-15T10:05:05.000000Z"]


def test_a_receiver_down_for_hours_gets_every_event_once_in_order(gigs, admin, endpoint, receiver, frozen):
    receiver.stop()  # connection refused from now on
    number = create(gigs)
    first = admin.get("/deliveries", params={"type": VN + "created", "wait_for": 1, "timeout": 5}).json()["deliveries"][0]
    wait_attempts(admin, first["id"], 1)
    for attempts, hours in enumerate((1, 2, 4), start=2):  # more failures while down; the lifecycle goes on
        advance(frozen, hours * 3600)
        wait_attempts(admin, first["id"], attempts)
    gigs.post(f"/virtualNumbers/{number['id']}/cancel")
    receiver.start()
    advance(frozen, 10 * 3600)
    events = verified(receiver, endpoint, 6)
    assert [e["type"] for e in events] == [VN + t for t in ("created", "updated", "activated", "updated", "canceled", "updated")]
    time.sleep(0.2)
    assert len(receiver.received) == 6
    delivery = admin.get(f"/deliveries/{first['id']}").json()
    assert delivery["status"] == "succeeded"
    assert [a["status"] for a in delivery["attempts"]] == [None, None, None, None, 200]
    assert all(a["error"] for a in delivery["attempts"][:4])
    ids = {a["request"]["headers"]["webhook-id"] for a in delivery["attempts"]}
    assert ids == {delivery["message_id"]}


def wait_attempts(admin, delivery_id: str, count: int) -> dict:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        delivery = admin.get(f"/deliveries/{delivery_id}").json()
        if len(delivery["attempts"]) >= count:
            return delivery
        time.sleep(0.02)
    raise AssertionError(f"delivery {delivery_id} did not reach {count} attempts")


def test_one_failing_number_does_not_hold_back_another(gigs, admin, endpoint, receiver, frozen):
    blocked = create(gigs)["id"]
    receiver.responder = lambda r: 500 if blocked.encode() in r.body else 200
    receiver.wait_for(1)
    gigs.post(f"/virtualNumbers/{ACTIVE_NUMBER}/cancel")
    bodies = [r.json() for r in receiver.wait_for(3)[1:]]
    assert [(b["type"], b["data"]["id"]) for b in bodies] == [(VN + "canceled", ACTIVE_NUMBER), (VN + "updated", ACTIVE_NUMBER)]


def test_replay_resends_the_same_message(gigs, admin, endpoint, receiver, frozen):
    create(gigs)
    receiver.wait_for(1)
    delivery = admin.get("/deliveries", params={"status": "succeeded", "wait_for": 1, "timeout": 5}).json()["deliveries"][0]
    replayed = admin.post(f"/deliveries/{delivery['id']}/replay")
    assert replayed.status_code == 202
    first, second = receiver.wait_for(2)
    assert second.body == first.body
    assert second.headers["webhook-id"] == first.headers["webhook-id"]
    Webhook(endpoint["secret"]).verify(second.body, second.headers)
    done = wait_attempts(admin, delivery["id"], 2)
    assert [a["attempt"] for a in done["attempts"]] == [1, 2]


def test_no_endpoint_no_delivery(gigs, admin):
    create(gigs)
    assert admin.get("/deliveries").json()["count"] == 0


def test_fixture_endpoints_receive_events(server_factory, tmp_path):
    from test_webhooks.receiver import Receiver

    with Receiver() as receiver:
        fixture = tmp_path / "gigs.yaml"
        fixture.write_text(
            "gigs:\n  projects:\n    - id: hooked\n      api_keys: [{key: k_hooked}]\n"
            "      users: [{id: usr_a, email: a@example.com}]\n      subscriptions: [{id: sub_a, user: usr_a}]\n"
            f"      webhook_endpoints:\n        - {{id: ep_fixture, url: '{receiver.url()}', secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw}}\n"
        )
        live = server_factory(Config(providers=["gigs"], fixtures=[fixture]))
        client = live.client("/gigs/projects/hooked", headers={"Authorization": "Bearer k_hooked"})
        client.post("/virtualNumbers", json={"subscription": "sub_a"})
        (request,) = receiver.wait_for(1)
        event = Webhook("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").verify(request.body, request.headers)
        assert event["project"] == "hooked"
        assert live.admin().get("/deliveries").json()["deliveries"][0]["endpoint"] == "ep_fixture"
