"""IncomingPhoneNumbers through the compatibility (LaML) API, over a real socket: list, buy, fetch,
update, release, and the one set of numbers it shares with Relay REST."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_signalwire.helpers import (
    AUSTIN_IVR,
    BRANCH_ADDRESS,
    HQ_ADDRESS,
    MAIN_LINE,
    NUMBERS,
    PROJECT,
    RECENT,
    TOLL_FREE,
    UNVALIDATED_ADDRESS,
    advance,
    client,
    freeze,
    state,
)
from test_signalwire.laml_support import ACCOUNT, INCOMING, SDK_INCOMING, laml, laml_error, number_path

NEWEST_FIRST = [RECENT, TOLL_FREE, AUSTIN_IVR, MAIN_LINE]


def sids(page: dict) -> list[str]:
    return [item["sid"] for item in page["incoming_phone_numbers"]]


def buy(server, number: str = "+15035550111", **params: str) -> dict:
    response = laml(server).post(INCOMING, data={"PhoneNumber": number, **params})
    assert response.status_code == 201, response.text
    return response.json()


# --- list and paging -----------------------------------------------------------------------------


def test_the_list_is_newest_first_with_page_uris_a_client_follows(server):
    api = laml(server)
    first = api.get(INCOMING, params={"PageSize": 3}).json()
    assert sids(first) == NEWEST_FIRST[:3]
    assert first["uri"] == f"{INCOMING}?Page=0&PageSize=3" == first["first_page_uri"]
    assert first["page"] == 0 and first["page_size"] == 3 and first["previous_page_uri"] is None
    assert first["next_page_uri"] == f"{INCOMING}?Page=1&PageSize=3&PageToken=PA{AUSTIN_IVR}"
    second = api.get(first["next_page_uri"]).json()
    assert sids(second) == [MAIN_LINE] and second["page"] == 1 and second["next_page_uri"] is None
    assert second["uri"] == first["next_page_uri"]
    assert second["previous_page_uri"] == f"{INCOMING}?Page=0&PageSize=3"
    assert sids(api.get(second["previous_page_uri"]).json()) == sids(first)
    assert set(first) == {"uri", "first_page_uri", "next_page_uri", "previous_page_uri", "page", "page_size",
                          "incoming_phone_numbers"}  # Twilio-style clients take the one other key as the list


def test_a_page_in_the_middle_points_back_with_its_own_token(server):
    api = laml(server)
    pages = [api.get(INCOMING, params={"PageSize": 1}).json()]
    while pages[-1]["next_page_uri"]:
        pages.append(api.get(pages[-1]["next_page_uri"]).json())
    assert [sid for page in pages for sid in sids(page)] == NEWEST_FIRST
    third = pages[2]
    assert third["previous_page_uri"] == f"{INCOMING}?Page=1&PageSize=1&PageToken=PA{RECENT}"
    assert sids(api.get(third["previous_page_uri"]).json()) == [TOLL_FREE]


@pytest.mark.parametrize(
    "params,code",
    [({"Page": 1}, 21481), ({"Page": 1, "PageToken": "nope"}, 21481), ({"Page": 1, "PageToken": "PA" + PROJECT}, 21481),
     ({"PageSize": 0}, 10000), ({"PageSize": 1001}, 10000), ({"PageSize": "ten"}, 10000), ({"Page": -1}, 10000),
     ({"Page": "1.5"}, 10000)],
)
def test_malformed_paging_is_a_400_naming_the_problem(server, params, code):
    laml_error(laml(server).get(INCOMING, params=params), 400, code)


def test_filters_keep_matching_numbers_and_ride_along_in_the_uris(server):
    api = laml(server)
    by_number = api.get(INCOMING, params={"PhoneNumber": "+1512", "PageSize": 50}).json()
    assert sids(by_number) == [AUSTIN_IVR]
    assert parse_qs(urlsplit(by_number["uri"]).query)["PhoneNumber"] == ["+1512"]
    assert sids(api.get(INCOMING, params={"FriendlyName": "main line"}).json()) == [MAIN_LINE]
    assert sids(api.get(INCOMING, params={"FriendlyName": "nobody"}).json()) == []
    assert sids(api.get(INCOMING, params={"PhoneNumber": ""}).json()) == NEWEST_FIRST  # empty counts as absent


def test_the_sdk_paths_and_json_suffixes_answer_the_same(server):
    api = laml(server)
    documented = api.get(INCOMING).json()
    assert api.get(f"{SDK_INCOMING}.json").json() == documented
    assert api.get(f"{INCOMING}.json").json() == documented
    one = api.get(number_path(MAIN_LINE)).json()
    assert api.get(f"{number_path(MAIN_LINE)}.json").json() == one
    assert api.get(f"{SDK_INCOMING}/{MAIN_LINE}.json").json() == one


# --- the number ----------------------------------------------------------------------------------


def test_a_number_shows_the_relay_number_under_compatibility_names(server):
    relay = client(server).get(f"{NUMBERS}/{MAIN_LINE}").json()
    shown = laml(server).get(number_path(MAIN_LINE)).json()
    assert shown["sid"] == relay["id"] == MAIN_LINE
    assert shown["account_sid"] == shown["account_id"] == PROJECT
    assert shown["phone_number"] == relay["number"] and shown["friendly_name"] == relay["name"] == "Main line"
    assert shown["voice_url"] == relay["call_request_url"] == "http://127.0.0.1:9/signalwire/voice"
    assert shown["status_callback"] == relay["call_status_callback_url"]
    assert shown["sms_url"] == relay["message_request_url"]
    assert shown["voice_method"] == shown["sms_fallback_method"] == "POST"
    assert shown["voice_fallback_url"] is None and shown["voice_application_sid"] is None
    assert shown["emergency_status"] == "Active" and shown["emergency_address_sid"] == HQ_ADDRESS
    assert shown["capabilities"] == {"voice": True, "sms": True, "mms": True, "fax": True}
    assert shown["uri"] == f"{ACCOUNT}/IncomingPhoneNumbers/{MAIN_LINE}.json"
    assert shown["origin"] == "signalwire" and shown["country_code"] == "US" and shown["api_version"] == "2010-04-01"
    assert shown["address_requirements"] == "none" and shown["beta"] is False and "verification_status" not in shown
    assert shown["date_created"].endswith(" +0000")
    toll_free = laml(server).get(number_path(TOLL_FREE)).json()
    assert toll_free["verification_status"] == "Unverified" and toll_free["emergency_status"] == "Inactive"


@pytest.mark.parametrize("sid", ["00000000-0000-4000-8000-000000000000", "not-a-sid"])
def test_an_unknown_number_is_20404_naming_the_path(server, sid):
    message = laml_error(laml(server).get(number_path(sid)), 404, 20404)
    assert number_path(sid) in message


# --- buying --------------------------------------------------------------------------------------


def test_buying_configures_the_number_in_the_same_request(server):
    freeze(server)
    bought = buy(server, "+15035550111", FriendlyName="Sales", VoiceUrl="https://example.com/voice",
                 VoiceMethod="GET", StatusCallback="https://example.com/status", SmsUrl="https://example.com/sms",
                 VoiceReceiveMode="fax")
    assert bought["phone_number"] == "+15035550111" and bought["friendly_name"] == "Sales"
    assert bought["voice_url"] == "https://example.com/voice" and bought["voice_method"] == "GET"
    assert bought["date_created"] == bought["date_updated"]  # one write, not a purchase and an update
    relay = client(server).get(f"{NUMBERS}/{bought['sid']}").json()
    assert relay["call_handler"] == "laml_webhooks" and relay["call_request_url"] == "https://example.com/voice"
    assert relay["call_request_method"] == "GET" and relay["call_receive_mode"] == "fax"
    assert relay["message_handler"] == "laml_webhooks" and relay["message_request_url"] == "https://example.com/sms"
    assert relay["call_status_callback_url"] == "https://example.com/status"
    assert relay["created_at"] == relay["updated_at"]
    assert bought["sid"] == laml(server).get(INCOMING).json()["incoming_phone_numbers"][0]["sid"]


def test_a_number_bought_without_a_name_is_named_by_its_formatted_digits(server):
    bought = buy(server, "+18005550105")
    assert bought["friendly_name"] == "(800) 555-0105"  # as the reference's example formats it
    assert bought["verification_status"] == "Unverified" and bought["capabilities"]["fax"] is True
    relay = client(server).get(f"{NUMBERS}/{bought['sid']}").json()
    assert relay["number_type"] == "toll-free" and relay["name"] == "(800) 555-0105"


def test_a_number_nobody_offers_or_someone_holds_is_422_and_buys_nothing(server):
    before = state(server)
    laml_error(laml(server).post(INCOMING, data={"PhoneNumber": "+15035550199"}), 422, 10000)
    laml_error(laml(server).post(INCOMING, data={"PhoneNumber": "+15035550110"}), 422, 10000)  # MAIN_LINE's
    assert client(server).post(NUMBERS, json={"number": "+15035550112"}).status_code == 200
    laml_error(laml(server).post(INCOMING, data={"PhoneNumber": "+15035550112"}), 422, 10000)  # bought through Relay
    assert len(state(server)["numbers"]) == len(before["numbers"]) + 1


@pytest.mark.parametrize(
    "params,code",
    [({}, 21421), ({"PhoneNumber": ""}, 21421), ({"PhoneNumber": "15035550111"}, 21401),
     ({"PhoneNumber": "+1 503 555 0111"}, 21401), ({"VoiceUrl": "not a url"}, 21402),
     ({"VoiceUrl": "ftp://example.com/x"}, 21402), ({"SmsFallbackUrl": "/relative"}, 21402),
     ({"VoiceFallbackUrl": "http://[::1"}, 21402),
     ({"StatusCallback": "example.com"}, 21456), ({"VoiceMethod": "PUT"}, 21209), ({"SmsMethod": "post"}, 21209),
     ({"VoiceReceiveMode": "video"}, 21209), ({"VoiceApplicationSid": "app"}, 21420), ({"FriendlyName": ""}, 20002),
     ({"FriendlyName": "x" * 256}, 20002)],
)
def test_a_broken_parameter_is_a_400_with_its_code_and_buys_nothing(server, params, code):
    before = state(server)
    data = {"PhoneNumber": "+15035550111", **params} if "PhoneNumber" not in params and params else params
    laml_error(laml(server).post(INCOMING, data=data), 400, code)
    assert state(server) == before


def test_only_form_bodies_are_read(server):
    before = state(server)
    message = laml_error(laml(server).post(INCOMING, json={"PhoneNumber": "+15035550111"}), 400, 10000)
    assert "application/x-www-form-urlencoded" in message
    laml_error(laml(server).post(INCOMING, content=b"PhoneNumber=%FF", headers={
        "content-type": "application/x-www-form-urlencoded"}), 400, 10000)
    assert state(server) == before
    raw = laml(server).post(INCOMING, content=b"PhoneNumber=%2B15035550111&FriendlyName=No+type")
    assert raw.status_code == 201 and raw.json()["friendly_name"] == "No type"  # no content type: a form


def test_undocumented_parameters_are_ignored_and_the_last_repeat_wins(server):
    bought = laml(server).post(INCOMING, content=b"PhoneNumber=%2B15035550111&VoiceCallerIdLookup=true"
                               b"&FriendlyName=first&FriendlyName=last",
                               headers={"content-type": "application/x-www-form-urlencoded"})
    assert bought.status_code == 201 and bought.json()["friendly_name"] == "last"


# --- updating ------------------------------------------------------------------------------------


def test_an_update_changes_only_what_it_sends_and_shows_in_relay(server):
    api = laml(server)
    updated = api.post(number_path(RECENT), data={"VoiceUrl": "https://example.com/a", "FriendlyName": "Desk"})
    assert updated.status_code == 200 and updated.json()["voice_url"] == "https://example.com/a"
    again = api.post(f"{number_path(RECENT)}.json", data={"SmsUrl": "https://example.com/s", "SmsMethod": "GET"}).json()
    assert again["voice_url"] == "https://example.com/a" and again["friendly_name"] == "Desk"
    relay = client(server).get(f"{NUMBERS}/{RECENT}").json()
    assert relay["name"] == "Desk" and relay["call_request_url"] == "https://example.com/a"
    assert relay["message_handler"] == "laml_webhooks" and relay["message_request_method"] == "GET"
    assert api.post(number_path(RECENT), data={}).json() == again  # nothing sent, nothing changed
    cleared = api.post(number_path(RECENT), data={"VoiceUrl": ""}).json()
    assert cleared["voice_url"] is None
    assert client(server).get(f"{NUMBERS}/{RECENT}").json()["call_handler"] == "laml_webhooks"


def test_relay_changes_show_in_the_compatibility_api(server):
    relay_update = {"name": "From Relay", "call_handler": "laml_webhooks",
                    "call_request_url": "https://relay.example/voice"}
    client(server).put(f"{NUMBERS}/{RECENT}", json=relay_update).raise_for_status()
    shown = laml(server).get(number_path(RECENT)).json()
    assert shown["friendly_name"] == "From Relay" and shown["voice_url"] == "https://relay.example/voice"


def test_a_voice_url_takes_a_relay_handler_over_and_an_application_wins(server):
    api, relay = laml(server), client(server)
    assert relay.get(f"{NUMBERS}/{AUSTIN_IVR}").json()["call_handler"] == "relay_script"
    api.post(number_path(AUSTIN_IVR), data={"VoiceUrl": "https://example.com/cxml"}).raise_for_status()
    assert relay.get(f"{NUMBERS}/{AUSTIN_IVR}").json()["call_handler"] == "laml_webhooks"
    app = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"
    shown = api.post(number_path(AUSTIN_IVR), data={"VoiceApplicationSid": app.upper()}).json()
    assert shown["voice_application_sid"] == app
    assert relay.get(f"{NUMBERS}/{AUSTIN_IVR}").json()["call_handler"] == "laml_application"
    api.post(number_path(AUSTIN_IVR), data={"VoiceUrl": "https://example.com/other"}).raise_for_status()
    assert relay.get(f"{NUMBERS}/{AUSTIN_IVR}").json()["call_handler"] == "laml_application"  # the app still wins
    api.post(number_path(AUSTIN_IVR), data={"VoiceApplicationSid": ""}).raise_for_status()
    back = relay.get(f"{NUMBERS}/{AUSTIN_IVR}").json()
    assert back["call_handler"] == "laml_webhooks" and back["call_laml_application_id"] is None
    assert back["call_request_url"] == "https://example.com/other"


def test_an_inbound_call_after_a_compatibility_update_requests_the_new_url(server):
    laml(server).post(number_path(RECENT), data={"VoiceUrl": "http://127.0.0.1:9/compat-voice"}).raise_for_status()
    simulated = server.admin().post("/simulate/inbound-call", json={
        "provider": "signalwire", "to": "+14155550123", "from": "+15550001111"})
    assert simulated.status_code == 200, simulated.text
    requested = [sent["request"]["url"] for sent in simulated.json()["requests"]]
    assert requested[0].startswith("http://127.0.0.1:9/compat-voice")


def test_a_refused_update_changes_nothing(server):
    before = state(server)
    laml_error(laml(server).post(number_path(RECENT), data={"FriendlyName": "ok", "VoiceMethod": "PATCH"}), 400, 21209)
    laml_error(laml(server).post(number_path(RECENT), data={"AccountSid": "b0b0b0b0-1111-4111-8111-00000000000b"}),
               400, 10004)
    laml_error(laml(server).post(number_path(RECENT), data={"EmergencyAddressSid": "nope"}), 400, 22109)
    assert state(server) == before
    assert laml(server).post(number_path(RECENT), data={"AccountSid": PROJECT.upper()}).status_code == 200


def test_an_update_of_an_unknown_number_is_404_before_its_body_is_read(server):
    laml_error(laml(server).post(number_path("00000000-0000-4000-8000-000000000000"), data={"VoiceMethod": "PUT"}),
               404, 20404)


def test_an_e911_address_is_assigned_and_removed_as_through_relay(server):
    freeze(server)
    api = laml(server)
    pending = api.post(number_path(RECENT), data={"EmergencyAddressSid": BRANCH_ADDRESS}).json()
    assert pending["emergency_address_sid"] == BRANCH_ADDRESS and pending["emergency_status"] == "Inactive"
    assert client(server).get(f"{NUMBERS}/{RECENT}").json()["e911_status"] == "pending"
    laml_error(api.post(number_path(RECENT), data={"EmergencyAddressSid": HQ_ADDRESS}), 422, 21628)  # still pending
    advance(server, 3600)
    assert api.get(number_path(RECENT)).json()["emergency_status"] == "Active"
    assert api.post(number_path(RECENT), data={"EmergencyAddressSid": BRANCH_ADDRESS}).status_code == 200  # the same
    removing = api.post(number_path(RECENT), data={"EmergencyAddressSid": ""}).json()
    assert client(server).get(f"{NUMBERS}/{RECENT}").json()["e911_status"] == "pending_removal"
    assert removing["emergency_status"] == "Inactive"
    advance(server, 3600)
    assert api.get(number_path(RECENT)).json()["emergency_address_sid"] is None
    assert api.post(number_path(RECENT), data={"EmergencyAddressSid": ""}).status_code == 200  # nothing to remove


@pytest.mark.parametrize(
    "sid,address,status,code",
    [(RECENT, UNVALIDATED_ADDRESS, 400, 22109), (RECENT, "00000000-0000-4000-8000-000000000000", 400, 22109),
     (TOLL_FREE, HQ_ADDRESS, 422, 21628)],
)
def test_an_e911_address_the_number_cannot_take_is_refused(server, sid, address, status, code):
    before = state(server)
    laml_error(laml(server).post(number_path(sid), data={"EmergencyAddressSid": address, "FriendlyName": "x"}),
               status, code)
    assert state(server) == before


# --- releasing -----------------------------------------------------------------------------------


def test_a_release_inside_the_window_is_409_naming_when_it_may_happen(server):
    freeze(server)
    bought = buy(server)
    message = laml_error(laml(server).delete(number_path(bought["sid"])), 409, 22121)
    assert "purchased too recently to release" in message and " UTC " in message
    advance(server, 15 * 86400)
    gone = laml(server).delete(number_path(bought["sid"]))
    assert gone.status_code == 204 and gone.content == b""
    laml_error(laml(server).get(number_path(bought["sid"])), 404, 20404)
    assert client(server).get(f"{NUMBERS}/{bought['sid']}").status_code == 404


def test_a_release_through_either_api_is_gone_from_both(server):
    assert laml(server).delete(f"{SDK_INCOMING}/{MAIN_LINE}.json").status_code == 204
    assert client(server).get(f"{NUMBERS}/{MAIN_LINE}").status_code == 404
    assert client(server).delete(f"{NUMBERS}/{AUSTIN_IVR}").status_code == 204
    laml_error(laml(server).get(number_path(AUSTIN_IVR)), 404, 20404)
    laml_error(laml(server).delete(number_path(AUSTIN_IVR)), 404, 20404)
    assert sids(laml(server).get(INCOMING).json()) == [RECENT, TOLL_FREE]


def test_the_sdk_path_forms_are_judged_as_the_documented_operation(server):
    """A client on the 2.x SDK's paths is not told it left the contract: they are the same operation."""
    api = laml(server)
    for path in (f"{SDK_INCOMING}.json", f"{INCOMING}.json", f"{SDK_INCOMING}/{MAIN_LINE}.json"):
        assert api.get(path).status_code == 200
    assert api.post(f"{SDK_INCOMING}/{MAIN_LINE}.json", data={"FriendlyName": "x" * 300}).status_code == 400
    entries = server.admin().get("/journal", params={"provider": "signalwire"}).json()["entries"][-4:]
    by_path = {(e["method"], e["path"]): e for e in entries}
    for path in (f"{SDK_INCOMING}.json", f"{INCOMING}.json"):
        entry = by_path[("GET", f"/signalwire{path}")]
        assert entry["operation"] == "laml_incoming_phone_numbers_list"
        assert entry["violations"] == [], entry["violations"]
    fetched = by_path[("GET", f"/signalwire{SDK_INCOMING}/{MAIN_LINE}.json")]
    assert fetched["operation"] == "laml_incoming_phone_numbers_get" and fetched["violations"] == []
    updated = by_path[("POST", f"/signalwire{SDK_INCOMING}/{MAIN_LINE}.json")]
    assert [v["location"] for v in updated["violations"]] == ["body/FriendlyName"], updated["violations"]
