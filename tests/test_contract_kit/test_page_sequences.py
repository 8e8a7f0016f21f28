"""Page sequences in check_responses: walks whose last page is empty or whose boundaries moved
between calls, and scenarios that return what their client read, so a pager that reads only the
first page, or loses or repeats an item at a boundary, is caught."""

from __future__ import annotations

import re
from typing import Iterator

import httpx
import pytest
from hypothesis import find

from telemock.contracts.kit.checks import ResponseHandlingError, check_response_handling
from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.strategies import responses
from telemock.emulator import Config, create_app

AUTH = {"Authorization": "Bearer voiceos_demo_key"}


@pytest.fixture(scope="module")
def control() -> Iterator[LocalControl]:
    local = LocalControl(create_app(Config(providers=["voiceos", "gigs"])))
    yield local
    local.close()


def voiceos_pager(control: LocalControl, *, dedupe: bool = True, first_only: bool = False):
    """A VoiceOS client listing phone numbers by `index` while `has_more`."""

    def scenario(_generated):
        found, seen, index = [], set(), 1
        with httpx.Client(base_url=f"{control.base_url}/voiceos", headers=AUTH) as http:
            while True:
                page = http.get("/phone_numbers", params={"index": index}).raise_for_status().json()
                for item in page["items"]:
                    if not dedupe or item["id"] not in seen:
                        seen.add(item["id"])
                        found.append(item)
                if first_only or not page["has_more"]:
                    return found
                index += 1

    return scenario


def check(control, scenario, provider="voiceos", operation="phone_numbers_list"):
    check_response_handling(control, provider, operation, scenario, statuses=[200], max_examples=40, seed=3,
                            returns_items=True)


def test_walks_include_moved_boundaries_and_empty_last_pages():
    strategy = responses("voiceos", "phone_numbers_list", [200])
    moved = find(strategy, lambda g: any(p.repeats for p in g.pages))
    repeated = moved.pages[[p.repeats for p in moved.pages].index(1)]
    before = moved.pages[moved.pages.index(repeated) - 1]
    assert repeated.body["items"][0] == before.body["items"][-1]
    assert "starting with the previous page's last item again (the boundary moved)" in moved.describe()
    empty_last = find(strategy, lambda g: len(g.pages) > 1 and not g.pages[-1].body["items"])
    assert empty_last.pages[-2].body["has_more"] is True
    ids = [i["id"] for p in empty_last.pages for i in p.body["items"]]
    assert len(set(ids)) == len(ids)  # every item of a walk is an object of its own


def test_a_pager_that_keeps_each_item_once_passes(control):
    check(control, voiceos_pager(control))


def test_a_pager_that_reads_only_the_first_page_is_caught(control):
    with pytest.raises(ResponseHandlingError) as caught:
        check(control, voiceos_pager(control, first_only=True))
    assert "(it read only the first page)" in str(caught.value)
    # Shrunk to a small walk: two pages, or three where the last is empty (hypothesis's shrinker does
    # not promise the smallest example; in a full parallel run it has stopped at the three-page one).
    walk = re.search(r"a walk of (\d+) pages", str(caught.value))
    assert walk and int(walk[1]) <= 3, str(caught.value)


def test_a_pager_that_repeats_an_item_where_the_boundary_moved_is_caught(control):
    with pytest.raises(ResponseHandlingError) as caught:
        check(control, voiceos_pager(control, dedupe=False))
    message = str(caught.value)
    assert "more than once; a page boundary moved between the calls: keep each item once (by id)" in message
    assert "the boundary moved" in message


def test_a_scenario_that_returns_no_list_is_told_what_to_return(control):
    with pytest.raises(ResponseHandlingError, match="returned NoneType, not the list of items the client read"):
        check(control, lambda generated: None)


def test_gigs_cursor_walks_are_checked_the_same_way(control):
    def gigs_pager(_generated):
        found, after = [], None
        with httpx.Client(base_url=f"{control.base_url}/gigs/projects/demo",
                          headers={"Authorization": "Bearer gigs_demo_key"}) as http:
            while True:
                page = http.get("/virtualNumbers", params={"after": after} if after else {}).raise_for_status().json()
                found += [i for i in page["items"] if i["id"] not in {f["id"] for f in found}]
                after = page.get("moreItemsAfter")
                if not after:
                    return found

    check(control, gigs_pager, provider="gigs", operation="virtual_numbers_list")
