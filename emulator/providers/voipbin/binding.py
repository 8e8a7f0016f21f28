"""Request values the way the service's gin handlers bind them: body fields, path ids, paging."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from ...core.http import read_json
from .errors import InvalidId, InvalidJsonBody, InvalidRequestParameter
from .models import lenient_uuid, parse_uuid
from .profiles import VoipbinProfile
from .timefmt import parse_page_token

MAX_PAGE_SIZE = 100
NOTHING_BEFORE = 0  # no item was created before the epoch


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object body; anything else is the generic INVALID_JSON_BODY."""
    return await read_json(request)


def string_field(body: dict[str, Any], key: str) -> str:
    """gin binds a missing or null key to "", and a non-string to a bind error."""
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidJsonBody()
    return value


def uuid_field(body: dict[str, Any], key: str) -> str:
    """uuid.FromStringOrNil: an unparsable string silently becomes the nil UUID."""
    return lenient_uuid(string_field(body, key))


def bool_field(body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise InvalidJsonBody()
    return value


def path_uuid(request: Request) -> str:
    """The `{id}` of the path; the nil UUID is refused like any non-UUID."""
    value = parse_uuid(request.path_params["id"])
    if value is None:
        raise InvalidId()
    return value


def page_size(request: Request) -> int:
    """Default and ceiling 100; out-of-range values are replaced silently, non-integers refused."""
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        raise InvalidRequestParameter("page_size") from None
    return size if 0 < size <= MAX_PAGE_SIZE else MAX_PAGE_SIZE


def page_before(request: Request, profile: VoipbinProfile) -> int | None:
    """The page token as µs (items strictly older are listed), or None for the first page.

    A token that is no time is refused, or (`malformed_page_token: empty_page`) matches no item,
    as the service's database compares it with no row older than it.
    """
    raw = request.query_params.get("page_token")
    if not raw:
        return None
    moment = parse_page_token(raw)
    if moment is None:
        if profile.malformed_page_token == "refused":
            raise InvalidRequestParameter("page_token")
        return NOTHING_BEFORE
    return moment
