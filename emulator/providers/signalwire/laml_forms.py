"""Reading a compatibility request: its form-encoded body and its query, coerced to the described types.

Twilio-style clients send `application/x-www-form-urlencoded` bodies, in which every value is a
string. As stripe-mock's coercer does, each documented parameter is converted to the type the API
description gives it (`Kind`) before it is checked, so `Beta=true` is a boolean and `Page=2` an
integer, and a value that cannot be converted is refused in the API's own format. Parameters the
description does not name are ignored (Inferred: the service's Rails backend drops unpermitted
parameters; the contract still reports them).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request

from .laml_errors import InvalidArgument

FORM = "application/x-www-form-urlencoded"


class Kind(enum.Enum):
    """A parameter's type in the API description."""

    STRING = "string"
    BOOLEAN = "boolean"
    INTEGER = "integer"


# strconv.ParseBool's spellings, which stripe-mock's coercer accepts.
TRUE = frozenset({"1", "t", "T", "true", "TRUE", "True"})
FALSE = frozenset({"0", "f", "F", "false", "FALSE", "False"})
INTEGER = re.compile(r"^-?[0-9]{1,12}\Z")


async def read_form(request: Request) -> dict[str, str]:
    """The body's parameters; the last value of a repeated one wins (Inferred, as in Rails).

    A body without a content type is read as a form, as Rack does; a body in any other media
    type (JSON included) is refused rather than silently ignored (Inferred).
    """
    raw = await request.body()
    if not raw.strip():
        return {}
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media not in ("", FORM):
        raise InvalidArgument(f"The request body must be {FORM}, not {media}")
    try:
        return dict(parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict"))
    except UnicodeDecodeError:
        raise InvalidArgument("The request body is not valid UTF-8") from None


def coerce(name: str, raw: str, kind: Kind) -> Any:
    if kind is Kind.BOOLEAN:
        if raw in TRUE or raw in FALSE:
            return raw in TRUE
        raise InvalidArgument(f"{name} must be true or false")
    if kind is Kind.INTEGER:
        if INTEGER.match(raw) is None:
            raise InvalidArgument(f"{name} must be an integer")
        return int(raw)
    return raw


def typed(params: Mapping[str, str], kinds: Mapping[str, Kind], *, empty_is_absent: bool = False) -> dict[str, Any]:
    """The documented parameters present, each coerced to its kind; the others are left out."""
    found = {}
    for name, kind in kinds.items():
        raw = params.get(name)
        if raw is None or (empty_is_absent and raw == ""):
            continue
        found[name] = coerce(name, raw, kind)
    return found


def documented_pairs(pairs: Iterable[tuple[str, str]], kinds: Mapping[str, Kind]) -> list[tuple[str, str]]:
    """The documented parameters of a query, as sent (for the URIs an answer echoes)."""
    return [(name, value) for name, value in pairs if name in kinds]
