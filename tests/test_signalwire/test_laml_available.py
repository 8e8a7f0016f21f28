"""AvailablePhoneNumbers through the compatibility (LaML) API: the inventory Relay REST's search offers,
without held numbers, filtered by the documented parameters, each coerced to its type."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import NUMBERS, PROJECT, TOKEN, client, write_fixture
from test_signalwire.laml_support import ACCOUNT, INCOMING, LOCAL, TOLL_FREE_SEARCH, laml, laml_error

from telemock.emulator import Config


def offered(server, path: str = LOCAL, **params: str) -> list[str]:
    response = laml(server).get(path, params=params)
    assert response.status_code == 200, response.text
    return [item["phone_number"] for item in response.json()["available_phone_numbers"]]


def test_a_local_search_by_area_code(server):
    answer = laml(server).get(LOCAL, params={"AreaCode": "503"}).json()
    assert [n["phone_number"] for n in answer["available_phone_numbers"]] == ["+15035550111", "+15035550112",
                                                                              "+15035550147"]
    assert answer["uri"] == f"{LOCAL}?AreaCode=503"
    first = answer["available_phone_numbers"][0]
    assert first == {
        "friendly_name": "(503) 555-0111", "phone_number": "+15035550111", "lata": None, "locality": None,
        "rate_center": "PORTLAND", "latitude": None, "longitude": None, "region": "OR", "postal_code": None,
        "iso_country": "US", "capabilities": {"voice": True, "SMS": True, "MMS": True}, "beta": False,
    }
    assert answer["available_phone_numbers"][2]["capabilities"] == {"voice": True, "SMS": True, "MMS": False}


def test_the_twilio_compatibility_flags_are_booleans_that_change_nothing(server):
    everything = offered(server)
    assert offered(server, Beta="true", SmsEnabled="0", FaxEnabled="True", ExcludeAllAddressRequired="f") == everything
    laml_error(laml(server).get(LOCAL, params={"Beta": "maybe"}), 400, 10000)
    laml_error(laml(server).get(LOCAL, params={"VoiceEnabled": "yes"}), 400, 10000)


def test_contains_takes_keypad_letters_and_wildcards(server):
    assert offered(server, Contains="5550147") == ["+15035550147"]
    assert offered(server, Contains="JJJ0147") == ["+15035550147"]  # J is 5 on the keypad
    assert offered(server, Contains="555014*") == ["+15035550147"]
    assert offered(server, Contains="1212*") == ["+12125550133", "+12125550188"]  # with the country code
    laml_error(laml(server).get(LOCAL, params={"Contains": "55-01"}), 400, 10000)


def test_region_and_locality(server):
    assert offered(server, InRegion="TX") == ["+15125550100", "+15125550177"]
    assert offered(server, InRegion="tx", InLocality="austin") == ["+15125550100", "+15125550177"]
    assert offered(server, InRegion="TX", InLocality="Dallas") == []
    laml_error(laml(server).get(LOCAL, params={"InLocality": "Austin"}), 400, 10000)
    laml_error(laml(server).get(LOCAL, params={"InRegion": "Texas"}), 400, 10000)


@pytest.mark.parametrize("area_code", ["50", "5031", "abc"])
def test_a_malformed_area_code_is_21451(server, area_code):
    laml_error(laml(server).get(LOCAL, params={"AreaCode": area_code}), 400, 21451)


def test_toll_free_and_countries(server):
    assert offered(server, TOLL_FREE_SEARCH) == ["+18885550101", "+18775550102", "+18665550103", "+18335550104",
                                                  "+18005550105"]
    assert offered(server, TOLL_FREE_SEARCH, AreaCode="866") == ["+18665550103"]
    assert offered(server, TOLL_FREE_SEARCH, InRegion="OR") == []  # toll-free numbers have no region
    assert "+14165550126" not in offered(server)  # a Toronto number is Canadian
    assert offered(server, f"{ACCOUNT}/AvailablePhoneNumbers/CA/Local") == ["+14165550126"]
    assert offered(server, f"{ACCOUNT}/AvailablePhoneNumbers/ca/Local.json") == ["+14165550126"]
    assert offered(server, f"{ACCOUNT}/AvailablePhoneNumbers/ZZ/Local") == []
    laml_error(laml(server).get(f"{ACCOUNT}/AvailablePhoneNumbers/USA/Local"), 400, 10000)


def test_a_number_held_through_either_api_is_no_longer_offered(server):
    assert "+15035550111" in offered(server, AreaCode="503")
    assert laml(server).post(INCOMING, data={"PhoneNumber": "+15035550111"}).status_code == 201
    assert client(server).post(NUMBERS, json={"number": "+15035550112"}).status_code == 200
    assert offered(server, AreaCode="503") == ["+15035550147"]
    sdk_path = f"/2010-04-01/Accounts/{PROJECT}/AvailablePhoneNumbers/US/Local.json"
    assert offered(server, sdk_path, AreaCode="503") == ["+15035550147"]


def test_at_most_fifty_numbers_come_back(server_factory, tmp_path):
    inventory = "\n".join(f'      - {{number: "+1503555{i:04d}"}}' for i in range(60))
    fixture = write_fixture(tmp_path, f"""
signalwire:
  settings:
    inventory:
{inventory}
  projects:
    - project_id: {PROJECT}
      tokens: [{{token: {TOKEN}}}]
""")
    live = server_factory(Config(fixtures=[fixture]))
    assert len(offered(live)) == 50
