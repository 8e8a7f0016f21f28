"""Bounded memos: recent results of pure functions (route matches, parsed query strings, verdicts),
the oldest dropped first once a memo is full."""

from __future__ import annotations

from typing import TypeVar

K = TypeVar("K")
V = TypeVar("V")


def remember(memo: dict[K, V], key: K, value: V, limit: int) -> V:
    """Keeps `value` under `key` and returns it; a full memo (`limit` entries) first drops its oldest
    (dicts keep insertion order). Servers in threads may share a memo: a drop another thread made
    first is not an error."""
    if len(memo) >= limit:
        try:
            del memo[next(iter(memo))]
        except (KeyError, RuntimeError, StopIteration):
            pass
    memo[key] = value
    return value
