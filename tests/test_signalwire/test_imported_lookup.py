"""Imported numbers (201, no billing, no release window) and number lookup."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import BASE, NUMBERS, client, details, state

IMPORT = f"{BASE}/imported_phone_numbers"
LOOKUP = f"{BASE}/lookup/phone_number"


def test_import_creates_a_number(server):
    api = client(server)
    response = api.post(IMPORT, json={"number": "4915223433332", "number_type": "tollfree",
                                      "capabilities": ["sms", "voice", "sms"]})
    assert response.status_code == 201
    body = response.json()
    assert body["number"] == "+4915223433332"
    assert body["number_type"] == "toll-free"
    assert body["capabilities"] == ["sms", "voice"]
    assert body["country_code"] == "DE" and body["next_billed_at"] is None
    assert body["name"] == "+49 15223433332"
    assert api.get(f"{NUMBERS}/{body['id']}").json() == body
    assert api.delete(f"{NUMBERS}/{body['id']}").status_code == 204  # no release window


def test_import_defaults_to_every_capability(server):
    body = client(server).post(IMPORT, json={"number": "+15125550999", "number_type": "longcode"}).json()
    assert body["capabilities"] == ["voice", "fax", "sms", "mms"] and body["number_type"] == "longcode"
    assert body["name"] == "+1 (512) 555-0999"


@pytest.mark.parametrize(
    "payload,problem",
    [
        ({"number_type": "longcode"}, "number can't be blank"),
        ({"number": 4930123456, "number_type": "longcode"}, "number must be a string"),
        ({"number": "+123", "number_type": "longcode"},
         "number must be 5 to 30 characters, digits only apart from a leading +"),
        ({"number": "+49 30 123456", "number_type": "longcode"},
         "number must be 5 to 30 characters, digits only apart from a leading +"),
        ({"number": "49+30123456", "number_type": "longcode"},
         "number must be 5 to 30 characters, digits only apart from a leading +"),
        ({"number": "+0301234567", "number_type": "longcode"}, "number +0301234567 is not a valid E.164 number"),
        ({"number": "1234567890123456", "number_type": "longcode"},
         "number 1234567890123456 is not a valid E.164 number"),
        ({"number": "+4930123456"}, "number_type can't be blank"),
        ({"number": "+4930123456", "number_type": "toll-free"},
         "number_type 'toll-free' is not included in the list: longcode, tollfree"),
        ({"number": "+4930123456", "number_type": "longcode", "capabilities": "voice"},
         "capabilities must be an array of strings"),
        ({"number": "+4930123456", "number_type": "longcode", "capabilities": ["voice", "video"]},
         "capabilities may only contain sms, voice, fax and mms (not video)"),
        ({"number": "+4930123456", "number_type": "longcode", "name": "x"}, "found unpermitted parameter: name"),
        ({"number": "+14155550123", "number_type": "longcode"}, "number +14155550123 has already been taken"),
    ],
)
def test_import_refusals_change_nothing(server, payload, problem):
    before = state(server)
    assert problem in details(client(server).post(IMPORT, json=payload))
    assert state(server) == before


def test_import_malformed_body_is_400(server):
    response = client(server).post(IMPORT, content=b"[", headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Bad Request"}


def test_lookup_of_a_north_american_number(server):
    body = client(server).get(f"{LOOKUP}/+15125550142").json()
    assert body == {
        "country_code_number": 1,
        "national_number": "5125550142",
        "possible_number": True,
        "valid_number": True,
        "national_number_formatted": "(512) 555-0142",
        "international_number_formatted": "+1 512-555-0142",
        "e164": "+15125550142",
        "location": "Texas",
        "country_code": "US",
        "timezones": ["America/Chicago"],
        "number_type": "Fixed Line or Mobile",
    }


def test_lookup_includes_carrier_and_cnam_on_request(server):
    api = client(server)
    both = api.get(f"{LOOKUP}/+15125550142", params={"include": "carrier,cnam"}).json()
    assert both["carrier"]["lrn"] == "15125550142" and both["carrier"]["state"] == "TX"
    assert both["carrier"]["linetype"] in ("wireless", "landline")
    assert isinstance(both["cnam"]["caller_id"], str)
    assert api.get(f"{LOOKUP}/+15125550142", params={"include": "carrier,cnam"}).json() == both  # stable
    only_cnam = api.get(f"{LOOKUP}/%2B15125550142", params={"include": "cnam"}).json()
    assert "carrier" not in only_cnam and only_cnam["cnam"] == both["cnam"]


@pytest.mark.parametrize(
    "number,country,kind,valid",
    [
        ("+18885550101", "US", "Toll Free", True),
        ("+14165550126", "CA", "Fixed Line or Mobile", True),
        ("+4930123456", "DE", "Fixed Line or Mobile", True),
        ("+11235550100", "US", "Fixed Line or Mobile", False),
        ("+99912345", "ZZ", "Unknown", False),
    ],
)
def test_lookup_elsewhere(server, number, country, kind, valid):
    body = client(server).get(f"{LOOKUP}/{number}", params={"include": "carrier"}).json()
    assert (body["country_code"], body["number_type"], body["valid_number"]) == (country, kind, valid)
    assert ("carrier" in body) == number.startswith("+1")


@pytest.mark.parametrize(
    "number,include",
    [("15125550142", None), ("+0123", None), ("+1", None), ("+1234567890123456", None), ("abc", None),
     ("+15125550142", "carrier,lrn"), ("+15125550142", "CARRIER"), ("+15125550142", "carrier,")],
)
def test_lookup_refusals_are_404(server, number, include):
    params = {"include": include} if include else None
    response = client(server).get(f"{LOOKUP}/{number}", params=params)
    assert response.status_code == 404 and response.json() == {"error": "Not Found"}
