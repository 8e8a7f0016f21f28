"""List pagination: 0-based page numbers, `PA…` page tokens, and the `links` object.

A page token is `PA` followed by the id of the last number of the previous page, so a token
stays meaningful across resets and snapshots and costs no server-side memory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from .errors import BadRequest
from .state import PhoneNumber

LIST_PATH = "/api/relay/rest/phone_numbers"
TOKEN = re.compile(r"^PA([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})$")
INTEGER = re.compile(r"^-?[0-9]{1,12}\Z")
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_PAGE_NUMBER = 2**31 - 1


@dataclass(frozen=True)
class PageRequest:
    number: int
    size: int
    token: str | None  # the id inside the token
    filters: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class NumberPage:
    """One page of the list, newest first, with the ids its `next` and `prev` page tokens name."""

    numbers: list[PhoneNumber]
    next_token: str | None
    previous_token: str | None  # None: the page before is the first one


def int_param(request: Request, key: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(key)
    if raw is None or raw == "":
        return default
    if INTEGER.match(raw) is None:
        raise BadRequest(f"{key} is not an integer")
    value = int(raw)
    if not low <= value <= high:
        raise BadRequest(f"{key} is out of range")
    return value


def page_request(request: Request) -> PageRequest:
    """Parsed paging parameters; 400 `Bad Request` for anything the service would refuse."""
    number = int_param(request, "page_number", 0, 0, MAX_PAGE_NUMBER)
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    raw_token = request.query_params.get("page_token") or None
    token = None
    if number > 0:
        if raw_token is None:
            raise BadRequest("page_token is required after the first page")
        match = TOKEN.match(raw_token)
        if match is None:
            raise BadRequest("page_token is invalid")
        token = match.group(1).lower()
    filters = tuple(
        (key, request.query_params[key])
        for key in ("filter_name", "filter_number")
        if request.query_params.get(key)
    )
    return PageRequest(number, size, token, filters)


def link(page: PageRequest, number: int | None, token_id: str | None) -> str:
    params: list[tuple[str, str]] = []
    if number is not None:
        params.append(("page_number", str(number)))
    params.append(("page_size", str(page.size)))
    if token_id is not None:
        params.append(("page_token", f"PA{token_id}"))
    params.extend(page.filters)
    return f"{LIST_PATH}?{urlencode(params)}"


def links(page: PageRequest, found: NumberPage) -> dict[str, str]:
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


def matches_filters(name: str | None, number: str, filters: tuple[tuple[str, str], ...]) -> bool:
    """Substring filters; the name match ignores case, the number match ignores a leading `+`.

    A `+` sent unencoded in a query string arrives as a space, so spaces are dropped too.
    """
    for key, value in filters:
        if key == "filter_name":
            if name is None or value.lower() not in name.lower():
                return False
        else:
            needle = value.replace(" ", "").lstrip("+")
            if needle not in number[1:]:
                return False
    return True
