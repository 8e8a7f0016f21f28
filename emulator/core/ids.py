"""Random opaque identifiers in the prefix + base62 shape several providers use (`msg_2KWP…`)."""

from __future__ import annotations

import os
import threading

BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
# A random byte below 248 (4 × 62) picks one of the 62 characters with equal chances; the bytes
# from 248 up are dropped. Table lookups in C: a Python loop per character cost several
# microseconds an id, and ids are made on every create and for every webhook.
UNBIASED = 4 * len(BASE62)
BASE62_OF_BYTE = bytes(BASE62.encode()[byte % len(BASE62)] for byte in range(256))
DROPPED = bytes(range(UNBIASED, 256))


POOL_BYTES = 4096


class RandomPool:
    """The operating system's random bytes, drawn 4 KiB at a time: a system call per id (several
    per request) cost more than making the id."""

    def __init__(self) -> None:
        self._pool = b""
        self._used = 0
        self._lock = threading.Lock()  # servers in threads share it: no byte may be handed out twice

    def take(self, count: int) -> bytes:
        with self._lock:
            start = self._used
            if start + count > len(self._pool):
                self._pool, start = os.urandom(max(POOL_BYTES, count)), 0
            self._used = start + count
            return self._pool[start : start + count]


random_bytes = RandomPool().take


def base62_id(prefix: str, length: int = 28) -> str:
    """`prefix` followed by `length` uniformly random base62 characters (about 6 bits each)."""
    digits = b""
    while len(digits) < length:  # 3 % of the bytes are dropped: one draw almost always does
        digits += random_bytes(length + 8).translate(BASE62_OF_BYTE, DROPPED)
    return prefix + digits[:length].decode()


def uuid4_text() -> str:
    """A random (version 4) UUID as text, as `uuid4_text()` gives it, from the pooled bytes:
    uuid4 makes a system call and a UUID object for each, on every create."""
    raw = bytearray(random_bytes(16))
    raw[6] = (raw[6] & 0x0F) | 0x40  # version 4
    raw[8] = (raw[8] & 0x3F) | 0x80  # the RFC 4122 variant
    text = raw.hex()
    return f"{text[:8]}-{text[8:12]}-{text[12:16]}-{text[16:20]}-{text[20:]}"
