"""Random opaque identifiers in the prefix + base62 shape several providers use (`msg_2KWP…`)."""

from __future__ import annotations

import os

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# A random byte below 248 (4 × 62) picks one of the 62 characters with equal chances; the bytes
# from 248 up are dropped. Table lookups in C: a Python loop per character cost several
# microseconds an id, and ids are made on every create and for every webhook.
UNBIASED = 4 * len(BASE62)
BASE62_OF_BYTE = bytes(BASE62.encode()[byte % len(BASE62)] for byte in range(256))
DROPPED = bytes(range(UNBIASED, 256))


def base62_id(prefix: str, length: int = 28) -> str:
    """`prefix` followed by `length` uniformly random base62 characters (about 6 bits each)."""
    digits = b""
    while len(digits) < length:  # 3 % of the bytes are dropped: one draw almost always does
        digits += os.urandom(length + 8).translate(BASE62_OF_BYTE, DROPPED)
    return prefix + digits[:length].decode()
