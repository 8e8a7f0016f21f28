"""List pagination: 0-based page numbers, `PA…` page tokens, and the `links` object.

A page token is `PA` followed by the id of the last number of the previous page, so a token
stays meaningful across resets and snapshots and costs no server-side memory.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request

from ...core.ordering import CreationIndex, Key
from .errors import fail

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


def int_param(request: Request, key: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(key)
    if raw is None or raw == "":
        return default
    if INTEGER.match(raw) is None:
        fail(400)
    value = int(raw)
    if not low <= value <= high:
        fail(400)
    return value


def page_request(request: Request) -> PageRequest:
    """Parsed paging parameters; 400 `Bad Request` for anything the service would refuse."""
    number = int_param(request, "page_number", 0, 0, MAX_PAGE_NUMBER)
    size = int_param(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    raw_token = request.query_params.get("page_token") or None
    token = None
    if number > 0:
        if raw_token is None:
            fail(400)
        match = TOKEN.match(raw_token)
        if match is None:
            fail(400)
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


def links(
    page: PageRequest,
    index: CreationIndex,
    cursor: Key | None,
    last_id: str | None,
    has_next: bool,
    keep: Callable[[str], bool],
) -> dict[str, str]:
    result = {
        "self": link(page, page.number, page.token if page.number > 0 else None),
        "first": link(page, None, None),
    }
    if has_next and last_id is not None:
        result["next"] = link(page, page.number + 1, last_id)
    if page.number > 0:
        result["prev"] = previous_link(page, index, cursor, keep)
    return result


def previous_link(page: PageRequest, index: CreationIndex, cursor: Key | None, keep: Callable[[str], bool]) -> str:
    """The page before: it ends with the cursor's number, so its own token lies `size` numbers newer."""
    if page.number == 1 or cursor is None:
        return link(page, 0, None)
    newer = index.newer_than(cursor, page.size, keep)
    if len(newer) < page.size:
        return link(page, 0, None)
    return link(page, page.number - 1, newer[page.size - 1])


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
