"""GET /phone_numbers: newest first, 0-based pages, `PA…` page tokens, links, substring filters."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from test_signalwire.helpers import MAIN_LINE, NUMBERS, RECENT, advance, client, freeze

FIXTURE_COUNT = 4


def import_numbers(api, count: int, start: int = 0) -> list[dict]:
    made = []
    for i in range(start, start + count):
        response = api.post("/api/relay/rest/imported_phone_numbers",
                            json={"number": f"+1720555{i:04d}", "number_type": "longcode"})
        assert response.status_code == 201, response.text
        made.append(response.json())
    return made


def query_of(link: str) -> dict[str, str]:
    parts = urlsplit(link)
    assert parts.path == "/api/relay/rest/phone_numbers"
    return {k: v[0] for k, v in parse_qs(parts.query, keep_blank_values=True).items()}


def walk(api, **params) -> list[list[dict]]:
    """Every page, following only the query string of links.next, as the official SDK does."""
    pages = []
    query: dict = dict(params)
    while True:
        response = api.get(NUMBERS, params=query)
        assert response.status_code == 200, response.text
        body = response.json()
        pages.append(body)
        if "next" not in body["links"]:
            return pages
        query = query_of(body["links"]["next"])


def test_first_page_defaults_and_links(server):
    body = client(server).get(NUMBERS).json()
    assert len(body["data"]) == FIXTURE_COUNT
    assert body["links"] == {
        "self": "/api/relay/rest/phone_numbers?page_number=0&page_size=50",
        "first": "/api/relay/rest/phone_numbers?page_size=50",
    }
    created = [n["created_at"] for n in body["data"]]
    assert created == sorted(created, reverse=True)
    assert body["data"][0]["id"] == RECENT and body["data"][-1]["id"] == MAIN_LINE


def test_walking_every_page_via_links_next(server):
    api = client(server)
    freeze(server)
    imported = import_numbers(api, 23)
    pages = walk(api, page_size=5)
    assert [len(p["data"]) for p in pages] == [5, 5, 5, 5, 5, 2]
    ids = [n["id"] for p in pages for n in p["data"]]
    assert len(set(ids)) == 27
    assert ids[:23] == [n["id"] for n in reversed(imported)]  # newest first
    assert ids[-1] == MAIN_LINE
    for number, page in enumerate(pages):
        links = page["links"]
        assert query_of(links["self"])["page_number"] == str(number)
        assert links["first"] == "/api/relay/rest/phone_numbers?page_size=5"
        assert ("prev" in links) == (number > 0)
        if "next" in links:
            next_query = query_of(links["next"])
            assert next_query["page_number"] == str(number + 1)
            assert next_query["page_token"] == "PA" + page["data"][-1]["id"]


def test_prev_links_lead_back_page_by_page(server):
    api = client(server)
    import_numbers(api, 16)
    pages = walk(api, page_size=4)
    assert len(pages) == 5
    for number in range(len(pages) - 1, 0, -1):
        previous = api.get(NUMBERS, params=query_of(pages[number]["links"]["prev"])).json()
        assert previous["data"] == pages[number - 1]["data"]
        assert previous["links"]["self"] == pages[number - 1]["links"]["self"]


def test_exact_multiple_has_no_dangling_next(server):
    api = client(server)
    pages = walk(api, page_size=2)
    assert [len(p["data"]) for p in pages] == [2, 2]
    one_page = api.get(NUMBERS, params={"page_size": 4}).json()
    assert "next" not in one_page["links"]


@pytest.mark.parametrize(
    "params",
    [
        {"page_number": "1"},
        {"page_number": "1", "page_token": ""},
        {"page_number": "1", "page_token": "PAnot-a-uuid"},
        {"page_number": "1", "page_token": MAIN_LINE},
        {"page_number": "1", "page_token": "PA00000000-0000-4000-8000-000000000000"},
        {"page_number": "-1"},
        {"page_number": "one"},
        {"page_number": "1.5"},
        {"page_size": "0"},
        {"page_size": "1001"},
        {"page_size": "-5"},
        {"page_size": "ten"},
        {"page_size": " 5"},
    ],
)
def test_bad_paging_parameters_are_400(server, params):
    response = client(server).get(NUMBERS, params=params)
    assert response.status_code == 400
    assert response.json() == {"error": "Bad Request"}


def test_page_size_bounds(server):
    api = client(server)
    assert len(api.get(NUMBERS, params={"page_size": 1}).json()["data"]) == 1
    assert len(api.get(NUMBERS, params={"page_size": 1000}).json()["data"]) == FIXTURE_COUNT


def test_page_zero_ignores_a_token(server):
    body = client(server).get(NUMBERS, params={"page_number": 0, "page_token": f"PA{MAIN_LINE}"}).json()
    assert len(body["data"]) == FIXTURE_COUNT


def test_a_token_survives_the_release_of_its_number(server):
    api = client(server)
    first = api.get(NUMBERS, params={"page_size": 2}).json()
    last_on_page = first["data"][-1]["id"]
    freeze(server)
    advance(server, 40 * 86400)
    assert api.delete(f"{NUMBERS}/{last_on_page}").status_code == 204
    second = api.get(NUMBERS, params=query_of(first["links"]["next"])).json()
    assert [n["id"] for n in second["data"]] == [n["id"] for n in api.get(NUMBERS).json()["data"][-2:]]


def test_filter_name_is_a_case_insensitive_substring(server):
    api = client(server)
    body = api.get(NUMBERS, params={"filter_name": "LINE"}).json()
    assert [n["id"] for n in body["data"]] == [MAIN_LINE]
    assert body["links"]["self"].endswith("&filter_name=LINE")
    assert api.get(NUMBERS, params={"filter_name": "nothing like it"}).json()["data"] == []


@pytest.mark.parametrize("needle", ["+1503", "1503", "503555", "0110", " 1503"])
def test_filter_number_is_a_substring_of_the_number(server, needle):
    body = client(server).get(NUMBERS, params={"filter_number": needle}).json()
    assert [n["number"] for n in body["data"]] == ["+15035550110"]


def test_unencoded_plus_in_filter_number(server):
    response = client(server).get(f"{NUMBERS}?filter_number=+1512")
    assert [n["number"] for n in response.json()["data"]] == ["+15125550142"]


def test_filters_are_kept_while_walking(server):
    api = client(server)
    import_numbers(api, 9)
    api.put(f"{NUMBERS}/{RECENT}", json={"name": "Imported-ish"}).raise_for_status()
    pages = walk(api, page_size=3, filter_number="720555")
    assert [len(p["data"]) for p in pages] == [3, 3, 3]
    for page in pages:
        assert all("filter_number=720555" in link for link in page["links"].values())
    assert all(n["number"].startswith("+1720555") for p in pages for n in p["data"])
