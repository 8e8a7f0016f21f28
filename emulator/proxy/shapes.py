"""The shape of a JSON answer: each field (array items folded into `*`) and the kinds of value it held.

Two answers have the same shape when the same fields hold the same kinds of value. A kind is
a JSON type, and for strings the format a client is likely to parse (`string(date-time)` is
RFC 3339, `string(date-time, space)` the `2026-01-01 00:00:00.000000` form, `string(e164)`,
`string(uuid)`, `string(uri)`, `string(empty)`), since that is where providers change silently.
"""

from __future__ import annotations

import re
from typing import Any

Shape = dict[str, set[str]]

ABSENT = "absent"
STRING_FORMATS = (
    ("string(date-time)", re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")),
    ("string(date-time, space)", re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$")),
    ("string(uuid)", re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")),
    ("string(e164)", re.compile(r"^\+[1-9]\d{6,14}$")),
    ("string(uri)", re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)),
)


def kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    if value == "":
        return "string(empty)"
    for label, pattern in STRING_FORMATS:
        if pattern.match(str(value)):
            return label
    return "string"


def shape_of(value: Any, at: str = "", into: Shape | None = None) -> Shape:
    """Every field's kinds; the root is `` (the empty pointer)."""
    shape: Shape = {} if into is None else into
    shape.setdefault(at, set()).add(kind(value))
    if isinstance(value, dict):
        for key, item in value.items():
            shape_of(item, f"{at}/{str(key).replace('~', '~0').replace('/', '~1')}", shape)
    elif isinstance(value, list):
        for item in value:
            shape_of(item, f"{at}/*", shape)
    return shape


def compared(provider: Shape, telemock: Shape) -> dict[str, tuple[set[str], set[str]]]:
    """Fields whose kinds differ: pointer → (the provider's kinds, telemock's). A field one side
    lacks counts as `absent` there when its parent object is present on that side; an array
    empty on one side says nothing about its items."""
    found: dict[str, tuple[set[str], set[str]]] = {}
    for pointer in sorted(set(provider) | set(telemock)):
        mine = provider.get(pointer) or absent_or_none(provider, pointer)
        theirs = telemock.get(pointer) or absent_or_none(telemock, pointer)
        if mine is None or theirs is None or mine == theirs:
            continue
        found[pointer] = (mine, theirs)
    return found


def absent_or_none(shape: Shape, pointer: str) -> set[str] | None:
    parent, _, last = pointer.rpartition("/")
    if last == "*" or "object" not in shape.get(parent, ()):
        return None
    return {ABSENT}
