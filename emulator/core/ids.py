"""Random opaque identifiers in the prefix + base62 shape several providers use (`msg_2KWP…`)."""

from __future__ import annotations

import secrets

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_id(prefix: str, length: int = 28) -> str:
    """`prefix` followed by `length` uniformly random base62 characters (about 6 bits each).

    One draw below 62**length, then digits by division: a `secrets.choice` per character cost a
    large share of a request on the hot path.
    """
    value = secrets.randbelow(62**length)
    digits = []
    for _ in range(length):
        value, digit = divmod(value, 62)
        digits.append(BASE62[digit])
    return prefix + "".join(digits)
