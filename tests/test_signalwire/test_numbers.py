"""Retrieve, purchase and release, over real sockets, with the release window on the virtual clock."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
from test_signalwire.helpers import (
    AUSTIN_IVR,
    MAIN_LINE,
    NUMBERS,
    RECENT,
    TOLL_FREE,
    advance,
    client,
    details,
    freeze,
    server_time,
    state,
)

from telemock.contracts.specs import load_spec

RESPONSE_KEYS = load_spec("signalwire")["components"]["schemas"]["PhoneNumber"]["required"]
TOO_RECENT = re.compile(
    r"^Number was purchased too recently to release\. Please wait until "
    r"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC to release this number, or contact Support for assistance\.$"
)


def parse_time(text: str) -> datetime:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=timezone.utc)


def test_a_number_has_every_key_with_realistic_defaults(server):
    body = client(server).get(f"{NUMBERS}/{RECENT}").json()
    assert list(body) == RESPONSE_KEYS
    assert body["number"] == "+14155550123"
    assert body["name"] == "+1 (415) 555-0123"
    assert body["capabilities"] == ["voice", "fax", "sms", "mms"]
    assert body["number_type"] == "longcode" and body["country_code"] == "US"
    assert body["call_handler"] == "laml_webhooks" and body["call_request_url"] is None
    assert body["call_receive_mode"] == "voice"
    for key in ("call_request_method", "call_fallback_method", "call_status_callback_method",
                "message_request_method", "message_fallback_method"):
        assert body[key] == "POST"
    for key in ("calling_handler_resource_id", "call_relay_topic", "call_video_room_id", "message_handler",
                "messaging_handler_resource_id", "e911_address_id", "e911_status"):
        assert body[key] is None
    created = parse_time(body["created_at"])
    assert body["updated_at"] == body["created_at"]
    assert parse_time(body["next_billed_at"]) > datetime.now(timezone.utc)
    assert (parse_time(body["next_billed_at"]) - created).days in range(28, 32)


def test_fixture_numbers_carry_their_configuration(server):
    api = client(server)
    main = api.get(f"{NUMBERS}/{MAIN_LINE}").json()
    assert main["name"] == "Main line"
    assert main["call_request_url"] == "http://127.0.0.1:9/signalwire/voice"
    assert main["message_handler"] == "laml_webhooks"
    assert main["e911_status"] == "active" and main["e911_address_id"]
    ivr = api.get(f"{NUMBERS}/{AUSTIN_IVR}").json()
    assert ivr["call_handler"] == "relay_script"
    assert ivr["call_relay_script_url"] == "http://127.0.0.1:9/swml/ivr.json"
    toll_free = api.get(f"{NUMBERS}/{TOLL_FREE}").json()
    assert toll_free["number_type"] == "toll-free" and toll_free["capabilities"] == ["voice", "sms", "fax"]


@pytest.mark.parametrize(
    "method,suffix",
    [("GET", ""), ("PUT", ""), ("DELETE", ""), ("POST", "/e911_address"), ("DELETE", "/e911_address")],
)
@pytest.mark.parametrize(
    "number_id", ["00000000-0000-4000-8000-000000000000", "not-a-uuid", "12345", f"{RECENT}x", RECENT.replace("-", "")]
)
def test_unknown_or_malformed_ids_are_404(server, method, suffix, number_id):
    response = client(server).request(method, f"{NUMBERS}/{number_id}{suffix}", json={})
    assert response.status_code == 404
    assert response.json() == {"error": "Not Found"}


def test_ids_are_accepted_in_upper_case(server):
    assert client(server).get(f"{NUMBERS}/{RECENT.upper()}").json()["id"] == RECENT


def test_purchase_takes_a_number_from_the_inventory(server):
    api = client(server)
    freeze(server)
    bought = api.post(NUMBERS, json={"number": "+15035550147"})
    assert bought.status_code == 200
    body = bought.json()
    assert list(body) == RESPONSE_KEYS
    assert body["capabilities"] == ["voice", "sms"]  # as the inventory offered it
    assert body["name"] == "+1 (503) 555-0147" and body["number_type"] == "longcode"
    assert parse_time(body["created_at"]) == server_time(server).replace(microsecond=0)
    assert parse_time(body["next_billed_at"]).month == (parse_time(body["created_at"]).month % 12) + 1
    assert api.get(f"{NUMBERS}/{body['id']}").json() == body
    assert api.get(NUMBERS).json()["data"][0]["id"] == body["id"]  # newest first
    searched = api.get(f"{NUMBERS}/search", params={"areacode": "503"}).json()["data"]
    assert "+15035550147" not in [item["number"] for item in searched]
    again = api.post(NUMBERS, json={"number": "+15035550147"})
    assert details(again) == ["Could not purchase +15035550147: the number is not available"]


@pytest.mark.parametrize(
    "number,number_type,country",
    [("+18885550101", "toll-free", "US"), ("+14165550126", "longcode", "CA"), ("+12125550133", "longcode", "US")],
)
def test_purchase_types_and_countries(server, number, number_type, country):
    body = client(server).post(NUMBERS, json={"number": number}).json()
    assert (body["number_type"], body["country_code"]) == (number_type, country)


@pytest.mark.parametrize(
    "payload,problem",
    [
        ({"number": "+19995550100"}, "Could not purchase +19995550100: the number is not available"),
        ({"number": "+14155550123"}, "Could not purchase +14155550123: the number is not available"),
        ({"number": "5035550111"}, "number 5035550111 is not a valid E.164 number"),
        ({"number": "+0123456"}, "number +0123456 is not a valid E.164 number"),
        ({"number": 15035550111}, "number must be a string"),
        ({"number": None}, "number can't be blank"),
        ({}, "number can't be blank"),
        ({"number": "+15035550111", "name": "x"}, "found unpermitted parameter: name"),
    ],
)
def test_purchase_refusals_leave_state_untouched(server, payload, problem):
    before = state(server)
    assert problem in details(client(server).post(NUMBERS, json=payload))
    assert state(server) == before


@pytest.mark.parametrize("raw", [b"{", b"[1, 2]", b'"number"', b"\xff\xfe"])
def test_purchase_with_a_malformed_body_is_400(server, raw):
    before = state(server)
    response = client(server).post(NUMBERS, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Bad Request"}
    assert state(server) == before


def test_release_of_an_old_number(server):
    api = client(server)
    response = api.delete(f"{NUMBERS}/{MAIN_LINE}")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"{NUMBERS}/{MAIN_LINE}").status_code == 404
    assert api.put(f"{NUMBERS}/{MAIN_LINE}", json={"name": "x"}).status_code == 404
    assert api.delete(f"{NUMBERS}/{MAIN_LINE}").status_code == 404
    assert MAIN_LINE not in [n["id"] for n in api.get(NUMBERS).json()["data"]]


def test_release_window_is_measured_on_the_virtual_clock(server):
    api = client(server)
    freeze(server)
    bought = api.post(NUMBERS, json={"number": "+15125550100"}).json()
    refused = api.delete(f"{NUMBERS}/{bought['id']}")
    (detail,) = details(refused)
    match = TOO_RECENT.match(detail)
    assert match, detail
    earliest = datetime.strptime(match.group(1), "%Y-%m-%d %H:%M:%S").replace(tzinfo=timezone.utc)
    waited = earliest - parse_time(bought["created_at"])
    assert timedelta(days=14) <= waited <= timedelta(days=14, seconds=1)

    advance(server, (earliest - server_time(server)).total_seconds() - 1)
    assert api.delete(f"{NUMBERS}/{bought['id']}").status_code == 422
    assert api.get(f"{NUMBERS}/{bought['id']}").status_code == 200
    advance(server, 1)
    assert api.delete(f"{NUMBERS}/{bought['id']}").status_code == 204
    # A released inventory number is offered again, and can be bought again under a new id.
    offered = api.get(f"{NUMBERS}/search", params={"areacode": "512"}).json()["data"]
    assert "+15125550100" in [item["number"] for item in offered]
    rebought = api.post(NUMBERS, json={"number": "+15125550100"}).json()
    assert rebought["id"] != bought["id"]


def test_fixture_numbers_inside_the_window_are_refused(server):
    api = client(server)
    (detail,) = details(api.delete(f"{NUMBERS}/{RECENT}"))
    earliest = datetime.strptime(TOO_RECENT.match(detail).group(1), "%Y-%m-%d %H:%M:%S")
    assert earliest.replace(tzinfo=timezone.utc) - datetime.now(timezone.utc) > timedelta(days=11)
    assert api.get(f"{NUMBERS}/{RECENT}").status_code == 200
    freeze(server)
    advance(server, 12 * 86400 + 5)
    assert api.delete(f"{NUMBERS}/{RECENT}").status_code == 204


def test_release_window_is_a_setting(server_factory):
    from test_signalwire.helpers import client as make_client

    from telemock.emulator import Config

    live = server_factory(Config(settings={"signalwire": {"release_window_days": 0}}))
    api = make_client(live)
    bought = api.post(NUMBERS, json={"number": "+13125550160"}).json()
    assert api.delete(f"{NUMBERS}/{bought['id']}").status_code == 204
    assert api.delete(f"{NUMBERS}/{RECENT}").status_code == 204


def test_snapshot_restore_rebuilds_holdings_and_order(server):
    from test_signalwire.helpers import admin

    api = client(server)
    snapshot = admin(server).get("/state").json()
    bought = api.post(NUMBERS, json={"number": "+12125550188"}).json()
    freeze(server)
    advance(server, 200 * 86400)
    assert api.delete(f"{NUMBERS}/{MAIN_LINE}").status_code == 204
    assert admin(server).put("/state", json=snapshot).status_code == 200
    assert api.get(f"{NUMBERS}/{bought['id']}").status_code == 404
    assert api.get(f"{NUMBERS}/{MAIN_LINE}").status_code == 200
    assert [n["id"] for n in api.get(NUMBERS).json()["data"]] == [RECENT, TOLL_FREE, AUSTIN_IVR, MAIN_LINE]
    again = api.post(NUMBERS, json={"number": "+12125550188"})
    assert again.status_code == 200  # held by nobody in the restored state


def test_per_tenant_reset(server):
    from test_signalwire.helpers import admin

    api = client(server)
    bought = api.post(NUMBERS, json={"number": "+12125550188"}).json()
    admin(server).post("/reset", json={"provider": "signalwire", "tenant": "demo"}).raise_for_status()
    assert api.get(f"{NUMBERS}/{bought['id']}").status_code == 404
    assert api.post(NUMBERS, json={"number": "+12125550188"}).status_code == 200
