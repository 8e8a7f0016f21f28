"""GET /phone_numbers/search: the backend's filter rules and the inventory minus held numbers.

The documented profile answers in the current reference's shape (items keyed by `number`,
`links.self`/`links.first`, a broken rule finds nothing); the observed profile as production
does (items keyed by `e164`, `links: {}`, a broken rule is 422).
"""

from __future__ import annotations

import pytest
from test_signalwire.helpers import NUMBERS, client, details, set_profile

SEARCH = f"{NUMBERS}/search"
LOCAL_COUNT = 13
TOLL_FREE_COUNT = 5


def numbers(server, **params) -> list[str]:
    response = client(server).get(SEARCH, params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body["links"]) == {"self", "first"}
    return [item["number"] for item in body["data"]]


def test_defaults_to_local_numbers(server):
    found = numbers(server)
    assert len(found) == LOCAL_COUNT
    assert not any(n.startswith(("+1888", "+1877", "+1866", "+1833", "+1800")) for n in found)


def test_item_shape_of_the_documented_profile(server):
    item = client(server).get(SEARCH, params={"areacode": "503", "max_results": 1}).json()["data"][0]
    assert item == {
        "number": "+15035550111",
        "region": "OR",
        "city": "Portland",
        "rate_center": "PORTLAND",
        "lata": "672",
        "capabilities": {"voice": True, "sms": True, "mms": True, "fax": True},
    }


def test_links_repeat_the_query_as_sent(server):
    body = client(server).get(SEARCH, params={"areacode": "503", "max_results": "2"}).json()
    assert body["links"] == {
        "self": "/api/relay/rest/phone_numbers/search?areacode=503&max_results=2",
        "first": "/api/relay/rest/phone_numbers/search?areacode=503&max_results=2",
    }
    bare = client(server).get(SEARCH).json()["links"]
    assert bare == {"self": "/api/relay/rest/phone_numbers/search", "first": "/api/relay/rest/phone_numbers/search"}


def test_toll_free_numbers(server):
    found = numbers(server, number_type="toll-free")
    assert len(found) == TOLL_FREE_COUNT
    item = client(server).get(SEARCH, params={"number_type": "toll-free", "areacode": "866"}).json()["data"][0]
    assert item == {"number": "+18665550103", "capabilities": {"voice": True, "sms": False, "mms": False, "fax": True}}


@pytest.mark.parametrize(
    "params,expected",
    [
        ({"areacode": "512"}, ["+15125550100", "+15125550177"]),
        ({"areacode": "999"}, []),
        ({"starts_with": "415"}, ["+14155550150", "+14155550171"]),
        ({"starts_with": "5035550"}, ["+15035550111", "+15035550112", "+15035550147"]),
        ({"contains": "0177"}, ["+15125550177"]),
        ({"ends_with": "47"}, None),
        ({"ends_with": "147"}, ["+15035550147"]),
        ({"region": "OR"}, ["+15035550111", "+15035550112", "+15035550147"]),
        ({"region": "ON"}, ["+14165550126"]),
        ({"region": "NY", "city": "new york"}, ["+12125550133", "+12125550188"]),
        ({"region": "TX", "city": "Portland"}, []),
        ({"areacode": "212", "region": "OR"}, []),
        ({"areacode": "503", "max_results": "2"}, ["+15035550111", "+15035550112"]),
        ({"number_type": "toll-free", "starts_with": "888"}, ["+18885550101"]),
        ({"number_type": "toll-free", "areacode": "800"}, ["+18005550105"]),
        ({"starts_with": "", "areacode": "720"}, ["+17205550104"]),
    ],
)
def test_filters(server, params, expected):
    assert numbers(server, **params) == (expected or [])  # "47" is too short: nothing matches


def test_max_results_bounds(server):
    assert len(numbers(server, max_results=1)) == 1
    assert len(numbers(server, max_results=100)) == LOCAL_COUNT


@pytest.mark.parametrize(
    "params,problem",
    [
        ({"starts_with": "503", "contains": "555"}, "Only one of starts_with, contains and ends_with may be given"),
        ({"starts_with": "503", "ends_with": "0111"}, "Only one of starts_with, contains and ends_with may be given"),
        ({"contains": "555", "ends_with": "0111"}, "Only one of starts_with, contains and ends_with may be given"),
        ({"city": "Portland"}, "city requires region"),
        ({"number_type": "toll-free", "region": "OR"},
         "Toll-free number searches do not support those search filters (region, city)"),
        ({"number_type": "toll-free", "region": "OR", "city": "Portland"},
         "Toll-free number searches do not support those search filters (region, city)"),
        ({"number_type": "tollfree"}, "number_type 'tollfree' is not included in the list: local, toll-free"),
        ({"number_type": "mobile"}, "number_type 'mobile' is not included in the list: local, toll-free"),
        ({"starts_with": "12"}, "starts_with must be 3 to 7 digits"),
        ({"contains": "12345678"}, "contains must be 3 to 7 digits"),
        ({"ends_with": "12a"}, "ends_with must be 3 to 7 digits"),
        ({"max_results": "0"}, "max_results must be an integer from 1 to 100"),
        ({"max_results": "101"}, "max_results must be an integer from 1 to 100"),
        ({"max_results": "ten"}, "max_results must be an integer from 1 to 100"),
        ({"region": "or"}, "region must be an ISO 3166-2 alpha-2 code such as TX"),
        ({"region": "ORE"}, "region must be an ISO 3166-2 alpha-2 code such as TX"),
    ],
)
def test_rule_breaks_find_nothing_or_are_422_as_the_profile_says(server, params, problem):
    assert numbers(server, **params) == []
    set_profile(server, "observed")
    assert problem in details(client(server).get(SEARCH, params=params))


def test_city_without_region_on_toll_free_reports_both_rules(server):
    set_profile(server, "observed")
    problems = details(client(server).get(SEARCH, params={"number_type": "toll-free", "city": "Austin"}))
    assert problems == [
        "city requires region",
        "Toll-free number searches do not support those search filters (region, city)",
    ]


def test_held_numbers_are_not_offered(server):
    api = client(server)
    assert api.post(NUMBERS, json={"number": "+12065550119"}).status_code == 200
    assert numbers(server, areacode="206") == []
    assert len(numbers(server)) == LOCAL_COUNT - 1
