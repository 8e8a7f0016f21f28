"""The compatibility (LaML) API in both profiles: `documented` answers conform to the spec on real data,
`observed` departs exactly where a recorded production answer (or the error catalogue) does."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import (
    BASE,
    HQ_ADDRESS,
    MAIN_LINE,
    NUMBERS,
    RECENT,
    TOLL_FREE,
    client,
    set_profile,
    spec_schema,
)
from test_signalwire.laml_support import (
    INCOMING,
    LOCAL,
    RECORDED_MORE_INFO,
    SDK_INCOMING,
    TOLL_FREE_SEARCH,
    laml,
    number_path,
)

from telemock.emulator import Config

NUMBER = spec_schema("LamlIncomingPhoneNumber")
PAGE = spec_schema("LamlIncomingPhoneNumberList")
SEARCH = spec_schema("LamlAvailablePhoneNumberList")
ERROR = spec_schema("LamlError")


def problems(validator, body) -> set[tuple]:
    return {tuple(error.absolute_path) for error in validator.iter_errors(body)}


def test_documented_answers_conform_on_real_data(server):
    api = laml(server)
    assert problems(PAGE, api.get(INCOMING, params={"PageSize": 2}).json()) == set()
    assert problems(PAGE, api.get(f"{SDK_INCOMING}.json", params={"FriendlyName": "line"}).json()) == set()
    for sid in (MAIN_LINE, RECENT, TOLL_FREE):
        assert problems(NUMBER, api.get(number_path(sid)).json()) == set()
    bought = api.post(INCOMING, data={"PhoneNumber": "+18775550102", "VoiceUrl": "https://example.com/v",
                                      "VoiceApplicationSid": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
    assert bought.status_code == 201 and problems(NUMBER, bought.json()) == set()
    imported = client(server).post(f"{BASE}/imported_phone_numbers",
                                   json={"number": "+99912345", "number_type": "longcode"})
    shown = api.get(number_path(imported.json()["id"])).json()
    assert shown["origin"] == "hosted" and shown["country_code"] == "" and problems(NUMBER, shown) == set()
    assert problems(NUMBER, api.post(number_path(RECENT), data={"EmergencyAddressSid": HQ_ADDRESS}).json()) == set()
    assert problems(SEARCH, api.get(LOCAL, params={"AreaCode": "512"}).json()) == set()
    assert problems(SEARCH, api.get(TOLL_FREE_SEARCH).json()) == set()
    for refused in (api.get(number_path("nope")), api.delete(number_path(bought.json()["sid"])),
                    api.post(INCOMING, data={}), laml(server, ("x", "y")).get(INCOMING)):
        assert problems(ERROR, refused.json()) == set()


def test_a_number_without_a_name_shows_its_formatted_digits(server_factory):
    live = server_factory(Config(settings={"signalwire": {"default_name": "null"}}))
    bought = client(live).post(NUMBERS, json={"number": "+15035550111"}).json()  # Relay REST names it nothing
    assert bought["name"] is None
    assert laml(live).get(number_path(bought["id"])).json()["friendly_name"] == "(503) 555-0111"
    set_profile(live, "observed")
    assert laml(live).get(number_path(bought["id"])).json()["friendly_name"] == "+1 (503) 555-0111"


@pytest.fixture
def observed(server):
    set_profile(server, "observed")
    yield server
    set_profile(server, "documented")


def test_observed_errors_carry_string_codes_and_the_recorded_link(observed):
    body = laml(observed).get(number_path("nope")).json()
    assert body["code"] == "20404" and body["more_info"] == RECORDED_MORE_INFO and body["status"] == 404
    assert problems(ERROR, body) == {("code",)}
    generic = laml(observed).get("/api/laml/2010-04-01/Accounts").json()
    assert generic["code"] == "20404" and generic["more_info"] == RECORDED_MORE_INFO
    refused = laml(observed, ("x", "y")).get(INCOMING).json()
    assert refused["code"] == "20003"


def test_observed_numbers_show_unset_urls_empty_and_bare_uris(observed):
    shown = laml(observed).get(number_path(RECENT)).json()
    assert shown["voice_url"] == shown["voice_fallback_url"] == shown["status_callback"] == ""
    assert shown["sms_url"] == shown["sms_fallback_url"] == ""
    assert shown["uri"].endswith(f"/IncomingPhoneNumbers/{RECENT}")
    assert problems(NUMBER, shown) == set()  # "" is a string: no departure from the schema
    main = laml(observed).get(number_path(MAIN_LINE)).json()
    assert main["voice_url"] == "http://127.0.0.1:9/signalwire/voice" and main["voice_fallback_url"] == ""


def test_observed_friendly_names_are_the_recorded_ones(observed):
    first = laml(observed).get(LOCAL, params={"AreaCode": "503"}).json()["available_phone_numbers"][0]
    assert first["friendly_name"] == "503-555-0111"
    bought = laml(observed).post(INCOMING, data={"PhoneNumber": "+15035550111"}).json()
    assert bought["friendly_name"] == "+1 (503) 555-0111"  # Relay REST's name for a purchased number


def test_observed_friendly_names_stop_at_64_characters(observed, server):
    refused = laml(observed).post(number_path(RECENT), data={"FriendlyName": "x" * 65})
    assert refused.status_code == 400 and refused.json()["code"] == "20002"
    assert laml(observed).post(number_path(RECENT), data={"FriendlyName": "x" * 64}).status_code == 200
    set_profile(server, "documented")
    assert laml(server).post(number_path(RECENT), data={"FriendlyName": "y" * 255}).status_code == 200
