"""List pagination, shared by every Relay REST list: 0-based page numbers, `PA…` page tokens, `links`.

A page token is `PA` followed by the id of the last item of the previous page, so a token stays
meaningful across resets and snapshots and costs no server-side memory. Removed items stay in
the state (released numbers, deleted addresses and groups), so a token naming one still works.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from starlette.requests import Request

from ...core.ordering import CreationIndex
from .errors import BadRequest, SignalwireError

ItemT = TypeVar("ItemT")
Refusal = Callable[[str], SignalwireError]

LIST_PATH = "/api/relay/rest/phone_numbers"
TOKEN = re.compile(r"^PA([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
INTEGER = re.compile(r"^-?[0-9]{1,12}\Z")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_PAGE_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class Listing:
    """One list of the API: its path (repeated in its links), its filters, and how it refuses bad paging.

    The reference gives the phone-number list a 400 for that and the later lists a 422.
    """

    path: str
    filters: tuple[str, ...] = ()
    refusal: Refusal = BadRequest


PHONE_NUMBERS = Listing(LIST_PATH, ("filter_name", "filter_number"))


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int
    token: str | None  # the id inside the token
    filters: tuple[tuple[str, str], ...]
    listing: Listing = PHONE_NUMBERS


@dataclass(frozen=True)
class Page(Generic[ItemT]):
    """One page of a list, newest first, with the ids its `next` and `prev` page tokens name."""

    items: list[ItemT]
    next_token: str | None
    previous_token: str | None  # None: the page before is the first one

    @property
    def numbers(self) -> list[ItemT]:
        """The items of a phone-number page, by the name that list has always used."""
        return self.items


NumberPage = Page


def int_param(request: Request, key: str, default: int, low: int, high: int, refusal: Refusal) -> int:
    raw = request.query_params.get(key)
    if raw is None or raw == "":
        return default
    if INTEGER.match(raw) is None:
        raise refusal(f"{key} is not an integer")
    value = int(raw)
    if not low <= value <= high:
        raise refusal(f"{key} is out of range")
    return value


def page_request(request: Request, listing: Listing = PHONE_NUMBERS) -> PageRequest:
    """Parsed paging parameters; the listing's refusal for anything the service would refuse."""
    refusal = listing.refusal
    number = int_param(request, "page_number", 0, 0, MAX_PAGE_NUMBER, refusal)
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, refusal)
    raw_token = request.query_params.get("page_token") or None
    token = None
    if number > 0:
        if raw_token is None:
            raise refusal("page_token is required after the first page")
        match = TOKEN.match(raw_token)
        if match is None:
            raise refusal("page_token is invalid")
        token = match.group(1).lower()
    filters = tuple((key, request.query_params[key]) for key in listing.filters if request.query_params.get(key))
    return PageRequest(number, size, token, filters, listing)


def link(page: PageRequest, number: int | None, token_id: str | None) -> str:
    params: list[tuple[str, str]] = []
    if number is not None:
        params.append(("page_number", str(number)))
    params.append(("page_size", str(page.size)))
    if token_id is not None:
        params.append(("page_token", f"PA{token_id}"))
    params.extend(page.filters)
    return f"{page.listing.path}?{urlencode(params)}"


def links(page: PageRequest, found: Page[Any]) -> dict[str, str]:
    """`self` and `first` always; `next` when more numbers follow; `prev` after the first page."""
    result = {
        "self": link(page, page.number, page.token if page.number > 0 else None),
        "first": link(page, None, None),
    }
    if found.next_token is not None:
        result["next"] = link(page, page.number + 1, found.next_token)
    if page.number > 0:
        previous = found.previous_token
        result["prev"] = link(page, page.number - 1 if previous is not None else 0, previous)
    return result


def walk(
    index: CreationIndex, records: Mapping[str, Mapping[str, Any]], request: PageRequest, keep: Callable[[str], bool]
) -> Page[str]:
    """The ids of one page, newest first; a page token must name an item of `records` (400 otherwise)."""
    cursor = None
    if request.token is not None:
        anchor = records.get(request.token)
        if anchor is None:
            raise request.listing.refusal("page_token names no item of this list")
        cursor = (anchor["created_us"], request.token)
    ids = index.older_than(cursor, request.size + 1, keep)
    more = len(ids) > request.size
    ids = ids[: request.size]
    previous = None
    if request.number > 1 and cursor is not None:
        # The page before ends with the cursor's item, so its own token lies `size` items newer.
        newer = index.newer_than(cursor, request.size, keep)
        previous = newer[-1] if len(newer) == request.size else None
    return Page(ids, ids[-1] if more else None, previous)


def substring_of(value: str, text: str | None) -> bool:
    """The name filters: a substring regardless of case."""
    return text is not None and value.lower() in text.lower()


def matches_filters(name: str | None, number: str, filters: tuple[tuple[str, str], ...]) -> bool:
    """Substring filters; the name match ignores case, the number match ignores a leading `+`.

    A `+` sent unencoded in a query string arrives as a space, so spaces are dropped too.
    """
    for key, value in filters:
        if key == "filter_name":
            if not substring_of(value, name):
                return False
        else:
            needle = value.replace(" ", "").lstrip("+")
            if needle not in number[1:]:
                return False
    return True
