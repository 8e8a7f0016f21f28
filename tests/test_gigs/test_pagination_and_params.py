"""Cursor pagination (limit, after, before, moreItems*) and strict query parameters."""

from __future__ import annotations

import pytest

from .support import ACTIVE_NUMBER, ENDED_NUMBER, SUBSCRIPTION, USER, error_of


@pytest.fixture
def numbers(gigs, admin) -> list[str]:
    """25 virtual numbers in all (23 new + the 2 fixture ones), newest first."""
    admin.post("/clock/freeze")
    for _ in range(23):
        assert gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).status_code == 201
    items = gigs.get("/virtualNumbers", params={"limit": 200}).json()["items"]
    assert len(items) == 25
    return [n["id"] for n in items]


def page(gigs, **params) -> dict:
    response = gigs.get("/virtualNumbers", params=params)
    assert response.status_code == 200, response.text
    body = response.json()
    assert list(body) == ["object", "items", "moreItemsAfter", "moreItemsBefore"]
    assert body["object"] == "list"
    return body


def ids(body: dict) -> list[str]:
    return [n["id"] for n in body["items"]]


def test_default_limit_is_ten_and_the_first_page_has_no_before(gigs, numbers):
    body = page(gigs)
    assert ids(body) == numbers[:10]
    assert body["moreItemsAfter"] == numbers[9]
    assert body["moreItemsBefore"] is None


def test_walking_forward_with_after_visits_every_item_once(gigs, numbers):
    seen, cursor = [], None
    while True:
        body = page(gigs, limit=7, **({"after": cursor} if cursor else {}))
        seen += ids(body)
        if cursor:
            assert body["moreItemsBefore"] == ids(body)[0]
        cursor = body["moreItemsAfter"]
        if cursor is None:
            break
        assert cursor == ids(body)[-1]
    assert seen == numbers


def test_walking_back_with_before(gigs, numbers):
    last = page(gigs, limit=10, after=numbers[14])
    assert ids(last) == numbers[15:25]
    assert last["moreItemsAfter"] is None
    back = page(gigs, limit=10, before=numbers[15])
    assert ids(back) == numbers[5:15]
    assert back["moreItemsBefore"] == numbers[5]
    assert back["moreItemsAfter"] == numbers[14]
    first = page(gigs, limit=10, before=numbers[5])
    assert ids(first) == numbers[0:5]
    assert first["moreItemsBefore"] is None
    assert first["moreItemsAfter"] == numbers[4]


def test_limit_bounds(gigs, numbers):
    assert ids(page(gigs, limit=200)) == numbers
    empty = page(gigs, limit=0)
    assert empty["items"] == [] and empty["moreItemsAfter"] is None and empty["moreItemsBefore"] is None
    assert ids(page(gigs, limit=1)) == numbers[:1]


@pytest.mark.parametrize("limit", ["201", "-1", "1.5", "ten", "1e2", " 5"])
def test_bad_limits_are_invalid(gigs, limit):
    body = error_of(gigs.get("/virtualNumbers", params={"limit": limit}), 400, "invalid")
    assert body["details"][0]["property"] == "limit"


def test_after_and_before_together_are_invalid(gigs):
    error_of(gigs.get("/virtualNumbers", params={"after": ACTIVE_NUMBER, "before": ENDED_NUMBER}), 400, "invalid")


def test_unknown_cursor_gives_an_empty_page(gigs):
    body = page(gigs, after="vnr_unknown")
    assert body["items"] == [] and body["moreItemsAfter"] is None and body["moreItemsBefore"] is None


@pytest.mark.parametrize("cursor", ["vnr-bad", "x" * 65, "vnr_é"])
def test_malformed_cursor_is_invalid(gigs, cursor):
    error_of(gigs.get("/virtualNumbers", params={"after": cursor}), 400, "invalid")


def test_filtered_pages_use_filtered_cursors(gigs, numbers):
    body = page(gigs, status="initiated", limit=20)
    assert ids(body) == numbers[:20]
    rest = page(gigs, status="initiated", limit=20, after=body["moreItemsAfter"])
    assert ids(rest) == numbers[20:23]
    assert rest["moreItemsAfter"] is None


@pytest.mark.parametrize(
    "query",
    [
        "bogus=1",
        "limit=",
        "user=",
        "status=",
        "after=",
        "limit=5&limit=6",
        "Limit=5",
        "limit",
    ],
)
def test_unknown_repeated_or_empty_parameters_are_invalid(gigs, query):
    error_of(gigs.get(f"/virtualNumbers?{query}"), 400, "invalid")


def test_single_resource_and_action_endpoints_take_no_parameters(gigs):
    error_of(gigs.get(f"/virtualNumbers/{ACTIVE_NUMBER}?expand=user"), 400, "invalid")
    error_of(gigs.post("/virtualNumbers?dryRun=1", json={"subscription": SUBSCRIPTION}), 400, "invalid")
    assert len(gigs.get("/virtualNumbers").json()["items"]) == 2  # nothing created by the rejected request


def test_subscriptions_and_users_surface(gigs):
    subscriptions = gigs.get("/subscriptions").json()
    assert [s["status"] for s in subscriptions["items"]] == ["ended", "active"]
    active = gigs.get(f"/subscriptions/{SUBSCRIPTION}").json()
    assert list(active) == ["object", "id", "metadata", "activatedAt", "canceledAt", "createdAt", "endedAt", "phoneNumber", "status", "user"]
    assert active["user"]["id"] == USER and active["user"]["object"] == "user"
    mine = gigs.get("/subscriptions", params={"user": USER}).json()["items"]
    assert [s["id"] for s in mine] == [SUBSCRIPTION]
    error_of(gigs.get("/subscriptions", params={"user": "sub_x"}), 400, "invalid")
    error_of(gigs.get("/subscriptions", params={"user": ""}), 400, "invalid")
    error_of(gigs.get("/subscriptions/sub_unknown"), 404, "notFound")
    users = gigs.get("/users", params={"limit": 1}).json()
    assert len(users["items"]) == 1 and users["moreItemsAfter"] == users["items"][0]["id"]
    assert gigs.get(f"/users/{USER}").json()["email"] == "jerry@example.com"
    error_of(gigs.get("/users/usr_unknown"), 404, "notFound")
    error_of(gigs.get("/users", params={"user": USER}), 400, "invalid")
