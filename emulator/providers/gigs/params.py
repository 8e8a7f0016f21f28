"""Strict query strings: unknown, repeated or empty parameters are errors, as Gigs documents."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable
from urllib.parse import parse_qsl

from starlette.requests import Request

from .errors import PropertyInvalid, PropertyRequired, PropertyUnknown
from .models import CURSOR, MAX_ID, well_formed

PAGING = ("after", "before", "limit")
DEFAULT_LIMIT = 10
MAX_LIMIT = 200
DIGITS = re.compile(r"^[0-9]+$")


def query(request: Request, allowed: tuple[str, ...]) -> dict[str, str]:
    """The query parameters as a dict; anything unknown, repeated or empty is a 400 `invalid`."""
    raw = request.scope.get("query_string", b"").decode("latin-1")
    values: dict[str, str] = {}
    for name, value in parse_qsl(raw, keep_blank_values=True, encoding="utf-8", errors="replace"):
        if name not in allowed:
            raise PropertyUnknown(f"Unknown parameter {name!r}.", name,
                                  hint=f"Allowed parameters: {', '.join(allowed)}." if allowed else "This endpoint takes no parameters.")
        if name in values:
            raise PropertyInvalid(f"Parameter {name!r} may only be given once.", name)
        if value == "":
            raise PropertyRequired(f"Parameter {name!r} must not be empty.", name)
        values[name] = value
    return values


@dataclass
class Paging:
    """A page request: how many items, and the item-id cursor to walk from (at most one)."""

    limit: int
    after: str | None
    before: str | None


def paging(values: dict[str, str]) -> Paging:
    limit = DEFAULT_LIMIT
    if "limit" in values:
        raw = values["limit"]
        if not DIGITS.match(raw) or int(raw) > MAX_LIMIT:
            raise PropertyInvalid(f"Parameter 'limit' must be an integer between 0 and {MAX_LIMIT}.", "limit")
        limit = int(raw)
    for name in ("after", "before"):
        value = values.get(name)
        if value is not None and not well_formed(CURSOR, value):
            raise PropertyInvalid(f"Parameter {name!r} must be an object id.", name,
                                  hint=f"Ids match {CURSOR.pattern} and have at most {MAX_ID} characters.")
    if "after" in values and "before" in values:
        raise PropertyInvalid("Parameters 'after' and 'before' cannot be used together.", "before")
    return Paging(limit, values.get("after"), values.get("before"))


def id_list(values: dict[str, str], name: str, pattern: re.Pattern[str]) -> set[str] | None:
    """A comma-separated filter of ids; every item must be a well-formed id."""
    return string_list(values, name, lambda item: well_formed(pattern, item), f"ids matching {pattern.pattern}")


def string_list(values: dict[str, str], name: str, ok: Callable[[str], bool], expected: str) -> set[str] | None:
    raw = values.get(name)
    if raw is None:
        return None
    items = raw.split(",")
    for item in items:
        if not ok(item):
            raise PropertyInvalid(f"Parameter {name!r} must be a comma-separated list of {expected}.", name)
    return set(items)
