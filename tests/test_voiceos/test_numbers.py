"""VoiceOS phone numbers over real sockets: list, get, delete, search and buy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from test_voiceos.demo import DEMO_ACCOUNT, FRONT_DESK, IMPORTED, NO_AGENT, NOW, OTHER_KEY, WITH_WEBHOOK, voiceos_client

from telemock.emulator import Config

FIXTURE_ORDER = [WITH_WEBHOOK, IMPORTED, NO_AGENT]
INVENTORY = ["+14155550120", "+14155550121", "+16465550130", "+13125550140", "+447700900200", "+447700900201"]


def numbers_of(page: dict[str, Any]) -> list[str]:
    return [item["phone_number"] for item in page["items"]]


# --- list and pagination ------------------------------------------------------------------


def test_list_returns_the_account_numbers_oldest_first_in_the_documented_envelope(api, conform) -> None:
    page = conform("phone_numbers_list", api.get("/phone_numbers"))
    assert numbers_of(page) == FIXTURE_ORDER
    assert page["index"] == 1 and page["has_more"] is False
    first = page["items"][0]
    assert list(first) == [
        "uri",
        "inbound_agent_id",
        "phone_number",
        "account_id",
        "created_at",
        "updated_at",
        "telephony",
        "webhooks",
        "id",
    ]
    assert first == {
        "uri": "/phone_numbers/+14155550100",
        "inbound_agent_id": FRONT_DESK,
        "phone_number": WITH_WEBHOOK,
        "account_id": DEMO_ACCOUNT,
        "created_at": "2024-05-01T10:00:00Z",
        "updated_at": "2024-05-02T09:30:00Z",
        "telephony": {
            "provider": "twilio",
            "phone_number_sid": "PN9ba3386aaf9f924ffc3ef19bb12ebb7f",
            "account_sid": None,
            "auth_token": None,
        },
        "webhooks": [
            {
                "events": ["phone_call:connection_requested"],
                "url": "http://127.0.0.1:9/voiceos/connection",
                "method": "POST",
                "headers": {"X-Secret": "s3cr3t"},
                "filter": None,
            }
        ],
        "id": "pn_f7c0e29fcff8002e95c9ee34",
    }


def test_pages_are_one_based_with_has_more(api, conform) -> None:
    first = conform("phone_numbers_list", api.get("/phone_numbers", params={"limit": 2}))
    second = conform("phone_numbers_list", api.get("/phone_numbers", params={"limit": 2, "index": 2}))
    beyond = conform("phone_numbers_list", api.get("/phone_numbers", params={"limit": 2, "index": 3}))
    assert (numbers_of(first), first["index"], first["has_more"]) == (FIXTURE_ORDER[:2], 1, True)
    assert (numbers_of(second), second["index"], second["has_more"]) == (FIXTURE_ORDER[2:], 2, False)
    assert (numbers_of(beyond), beyond["index"], beyond["has_more"]) == ([], 3, False)
    exact = api.get("/phone_numbers", params={"limit": 3}).json()
    assert exact["has_more"] is False


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"created_after": "2024-05-01T10:00:00Z"}, [IMPORTED, NO_AGENT]),
        ({"created_before": "2024-05-03T10:00:00Z"}, [WITH_WEBHOOK, IMPORTED]),
        ({"created_after": "2024-05-01T10:00:00Z", "created_before": "2024-05-03T10:00:00Z"}, [IMPORTED]),
        ({"created_after": "2024-05-01T09:59:59.999999Z"}, FIXTURE_ORDER),
        ({"created_after": "2024-05-02T12:00:00+02:00"}, [NO_AGENT]),
        ({"created_after": "2024-05-02T10:00:00.000000+0000"}, [NO_AGENT]),  # the SDK's own format
        ({"created_after": "2024-05-02T09:00:00"}, [IMPORTED, NO_AGENT]),  # naive times are UTC
        ({"created_after": "2024-05-03T10:00:00Z", "created_before": "2024-05-01T10:00:00Z"}, []),
    ],
)
def test_created_bounds_are_exclusive_and_accept_any_pydantic_datetime(api, params, expected) -> None:
    assert numbers_of(api.get("/phone_numbers", params=params).json()) == expected


def test_created_bounds_combine_with_paging(api) -> None:
    page = api.get("/phone_numbers", params={"created_after": "2024-05-01T10:00:00Z", "limit": 1, "index": 2}).json()
    assert (numbers_of(page), page["has_more"]) == ([NO_AGENT], False)
    page = api.get("/phone_numbers", params={"created_after": "2024-05-01T10:00:00Z", "limit": 1}).json()
    assert (numbers_of(page), page["has_more"]) == ([IMPORTED], True)


@pytest.mark.parametrize(
    ("params", "error"),
    [
        (
            {"index": "0"},
            {
                "type": "greater_than_equal",
                "loc": ["query", "index"],
                "msg": "Input should be greater than or equal to 1",
                "input": "0",
                "ctx": {"ge": 1},
            },
        ),
        (
            {"limit": "ten"},
            {
                "type": "int_parsing",
                "loc": ["query", "limit"],
                "msg": "Input should be a valid integer, unable to parse string as an integer",
                "input": "ten",
            },
        ),
        (
            {"created_before": "yesterday"},
            {
                "type": "datetime_from_date_parsing",
                "loc": ["query", "created_before"],
                "msg": "Input should be a valid datetime or date, input is too short",
                "input": "yesterday",
                "ctx": {"error": "input is too short"},
            },
        ),
    ],
)
def test_bad_list_parameters_are_fastapi_422s(api, conform, params, error) -> None:
    response = api.get("/phone_numbers", params=params)
    assert response.status_code == 422
    assert conform("phone_numbers_list", response) == {"detail": [error]}


def test_all_bad_parameters_are_reported_together_in_declared_order(api) -> None:
    response = api.get("/phone_numbers", params={"limit": "0", "index": "x", "created_after": ""})
    assert response.status_code == 422
    assert [e["loc"] for e in response.json()["detail"]] == [
        ["query", "created_after"],
        ["query", "index"],
        ["query", "limit"],
    ]


# --- get ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["/phone_numbers/+14155550101", "/phone_numbers/%2B14155550101", "/phone_numbers/14155550101"]
)
def test_get_accepts_plus_percent_encoded_plus_and_bare_digits(api, conform, path) -> None:
    body = conform("phone_numbers_get", api.get(path))
    assert body["phone_number"] == IMPORTED and body["id"] == "pn_4c98b2407f0dab52c63ba175"


def test_imported_number_echoes_its_twilio_credentials(api) -> None:
    telephony = api.get(f"/phone_numbers/{IMPORTED}").json()["telephony"]
    assert telephony == {
        "provider": "twilio",
        "phone_number_sid": "PN671288314b56e6f88cf7e633771ea3ea",
        "account_sid": "AC1ea03d262028008db40539ecead5b895",
        "auth_token": "demo_twilio_auth_token",
    }
    assert api.get(f"/phone_numbers/{NO_AGENT}").json()["inbound_agent_id"] is None


@pytest.mark.parametrize("path", ["/phone_numbers/+19995550000", "/phone_numbers/not-a-number", "/phone_numbers/%2B"])
def test_unknown_number_is_404(api, conform, path) -> None:
    response = api.get(path)
    assert response.status_code == 404
    assert conform("phone_numbers_get", response) == {"detail": "Phone number not found"}


# --- delete -------------------------------------------------------------------------------


def test_delete_returns_the_number_without_id_and_it_is_gone(api, conform) -> None:
    before = api.get(f"/phone_numbers/{IMPORTED}").json()
    response = api.delete("/phone_numbers/%2B14155550101")
    body = conform("phone_numbers_delete", response)
    assert "id" not in body
    assert body == {k: v for k, v in before.items() if k != "id"}
    assert api.get(f"/phone_numbers/{IMPORTED}").status_code == 404
    assert numbers_of(api.get("/phone_numbers").json()) == [WITH_WEBHOOK, NO_AGENT]
    again = api.delete(f"/phone_numbers/{IMPORTED}")
    assert (again.status_code, again.json()) == (404, {"detail": "Phone number not found"})


def test_delete_with_a_bad_release_flag_is_422_and_keeps_the_number(api, conform) -> None:
    response = api.delete(f"/phone_numbers/{NO_AGENT}", params={"release_phone_number": "maybe"})
    assert response.status_code == 422
    assert conform("phone_numbers_delete", response) == {
        "detail": [
            {
                "type": "bool_parsing",
                "loc": ["query", "release_phone_number"],
                "msg": "Input should be a valid boolean, unable to interpret input",
                "input": "maybe",
            }
        ]
    }
    assert api.get(f"/phone_numbers/{NO_AGENT}").status_code == 200


def test_released_inventory_number_is_offered_again(api) -> None:
    number = INVENTORY[0]
    assert api.post("/phone_numbers/buy", json={"phone_number": number}).status_code == 200
    assert number not in [n["phone_number"] for n in api.get("/phone_numbers/buy").json()]
    assert api.delete(f"/phone_numbers/{number}", params={"release_phone_number": "true"}).status_code == 200
    assert number in [n["phone_number"] for n in api.get("/phone_numbers/buy").json()]


def test_number_deleted_without_release_stays_with_the_account(two_accounts) -> None:
    demo, other = voiceos_client(two_accounts), voiceos_client(two_accounts, OTHER_KEY)
    number = INVENTORY[1]
    demo.post("/phone_numbers/buy", json={"phone_number": number}).raise_for_status()
    demo.delete(f"/phone_numbers/{number}").raise_for_status()  # release_phone_number defaults to false
    assert number not in [n["phone_number"] for n in other.get("/phone_numbers/buy").json()]
    refused = other.post("/phone_numbers/buy", json={"phone_number": number})
    assert (refused.status_code, refused.json()) == (400, {"detail": "Phone number not available"})
    again = demo.post("/phone_numbers/buy", json={"phone_number": number})
    assert again.status_code == 200 and again.json()["phone_number"] == number


# --- search and buy -----------------------------------------------------------------------


def test_search_lists_the_inventory_as_a_bare_array(api, conform) -> None:
    found = conform("phone_numbers_available", api.get("/phone_numbers/buy"))
    assert [n["phone_number"] for n in found] == INVENTORY
    assert found[0] == {
        "provider": "twilio",
        "phone_number": "+14155550120",
        "postal_code": "94103",
        "iso_country": "US",
    }
    assert found[-1] == {
        "provider": "twilio",
        "phone_number": "+447700900201",
        "postal_code": None,
        "iso_country": "GB",
    }


def test_search_filters_by_contained_digits_and_limits(api) -> None:
    assert [n["phone_number"] for n in api.get("/phone_numbers/buy", params={"contains": "4155"}).json()] == INVENTORY[
        :2
    ]
    assert [n["phone_number"] for n in api.get("/phone_numbers/buy", params={"contains": "+44"}).json()] == INVENTORY[
        4:
    ]
    assert api.get("/phone_numbers/buy", params={"contains": "000000"}).json() == []
    assert [n["phone_number"] for n in api.get("/phone_numbers/buy", params={"limit": 2}).json()] == INVENTORY[:2]


def test_search_limit_below_one_is_422(api, conform) -> None:
    response = api.get("/phone_numbers/buy", params={"limit": "0"})
    assert response.status_code == 422
    assert conform("phone_numbers_available", response)["detail"][0]["loc"] == ["query", "limit"]


def test_buy_a_named_number(api, conform, frozen) -> None:
    response = api.post("/phone_numbers/buy", json={"provider": "twilio", "phone_number": "+16465550130"})
    body = conform("phone_numbers_buy", response)
    assert response.status_code == 200
    assert body["phone_number"] == "+16465550130"
    assert body["uri"] == "/phone_numbers/+16465550130"
    assert body["inbound_agent_id"] is None and body["webhooks"] == []
    assert body["telephony"]["account_sid"] is None and body["telephony"]["auth_token"] is None
    assert body["created_at"] == body["updated_at"] == NOW
    assert body["account_id"] == DEMO_ACCOUNT
    assert api.get("/phone_numbers/%2B16465550130").json() == body
    assert numbers_of(api.get("/phone_numbers").json()) == FIXTURE_ORDER + ["+16465550130"]
    assert "+16465550130" not in [n["phone_number"] for n in api.get("/phone_numbers/buy").json()]
    twice = api.post("/phone_numbers/buy", json={"phone_number": "+16465550130"})
    assert (twice.status_code, twice.json()) == (400, {"detail": "Phone number not available"})


def test_buy_without_a_number_takes_a_random_available_one(api) -> None:
    bought = {api.post("/phone_numbers/buy", json={}).json()["phone_number"] for _ in range(3)}
    bought.add(api.post("/phone_numbers/buy", json={"phone_number": None}).json()["phone_number"])
    assert len(bought) == 4 and bought <= set(INVENTORY)
    left = [n["phone_number"] for n in api.get("/phone_numbers/buy").json()]
    assert sorted(left + sorted(bought)) == sorted(INVENTORY)
    api.post("/phone_numbers/buy", json={}).raise_for_status()
    api.post("/phone_numbers/buy", json={}).raise_for_status()
    exhausted = api.post("/phone_numbers/buy", json={})
    assert (exhausted.status_code, exhausted.json()) == (400, {"detail": "Phone number not available"})


def test_buy_refuses_numbers_not_offered(api) -> None:
    for number in ("+19995550123", WITH_WEBHOOK, "garbage"):
        refused = api.post("/phone_numbers/buy", json={"phone_number": number})
        assert (refused.status_code, refused.json()) == (400, {"detail": "Phone number not available"})


def test_buy_validation_errors(api, conform, voiceos_state) -> None:
    before = voiceos_state()
    bad_provider = api.post("/phone_numbers/buy", json={"provider": "telnyx"})
    assert conform("phone_numbers_buy", bad_provider) == {
        "detail": [
            {
                "type": "enum",
                "loc": ["body", "provider"],
                "msg": "Input should be 'twilio'",
                "input": "telnyx",
                "ctx": {"expected": "'twilio'"},
            }
        ]
    }
    no_body = api.post("/phone_numbers/buy")
    assert conform("phone_numbers_buy", no_body) == {
        "detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]
    }
    wrong_type = api.post("/phone_numbers/buy", json={"phone_number": 14155550120})
    assert wrong_type.status_code == 422
    assert wrong_type.json()["detail"][0]["type"] == "string_type"
    assert voiceos_state() == before


@pytest.mark.parametrize("method", ["PATCH", "DELETE"])
def test_other_methods_on_buy_reach_the_number_route(api, method) -> None:
    response = api.request(method, "/phone_numbers/buy", json={})
    assert (response.status_code, response.json()) == (404, {"detail": "Phone number not found"})


def test_fixture_without_accounts_still_serves_search(server_factory, tmp_path: Path) -> None:
    fixture = tmp_path / "inventory_only.yaml"
    fixture.write_text('voiceos:\n  settings:\n    inventory:\n      - {phone_number: "+15005550006"}\n')
    live = server_factory(Config(fixtures=[fixture], auto_tenants=True))
    client = voiceos_client(live, "fresh-key")
    assert client.get("/phone_numbers").json() == {"items": [], "index": 1, "has_more": False}
    assert client.get("/phone_numbers/buy").json() == [
        {"provider": "twilio", "phone_number": "+15005550006", "postal_code": None, "iso_country": None}
    ]
    assert client.post("/phone_numbers/buy", json={}).json()["phone_number"] == "+15005550006"
    assert client.get("/agents").json() == {"items": [], "index": 1, "has_more": False}
    gone = client.post("/phone_numbers/buy", json={})
    assert (gone.status_code, gone.json()) == (400, {"detail": "Phone number not available"})
