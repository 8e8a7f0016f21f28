"""Random opaque identifiers in the prefix + base62 shape several providers use (`msg_2KWP…`)."""

from __future__ import annotations

import secrets

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def base62_id(prefix: str, length: int = 28) -> str:
    """`prefix` followed by `length` random base62 characters (about 6 bits each)."""
    return prefix + "".join(secrets.choice(BASE62) for _ in range(length))
