"""Newest-first paging over a collection without scanning it: a sorted (created, id) index."""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Callable, Iterable


class CreationIndex:
    """Ids sorted by creation time, so a page costs O(log N + page) however large N grows."""

    def __init__(self, items: Iterable[tuple[int, str]] = ()) -> None:
        self._keys: list[tuple[int, str]] = sorted(items)

    def add(self, created_us: int, item_id: str) -> None:
        key = (created_us, item_id)
        if not self._keys or key > self._keys[-1]:
            self._keys.append(key)
        else:
            insort(self._keys, key)

    def discard(self, created_us: int, item_id: str) -> None:
        position = bisect_left(self._keys, (created_us, item_id))
        if position < len(self._keys) and self._keys[position] == (created_us, item_id):
            del self._keys[position]

    def __len__(self) -> int:
        return len(self._keys)

    def newest_before(
        self, before_us: int | None, limit: int, keep: Callable[[str], bool] = lambda _id: True
    ) -> list[str]:
        """Up to `limit` ids created strictly before `before_us` (or any time), newest first."""
        position = len(self._keys) if before_us is None else bisect_left(self._keys, (before_us, ""))
        found: list[str] = []
        while position > 0 and len(found) < limit:
            position -= 1
            item_id = self._keys[position][1]
            if keep(item_id):
                found.append(item_id)
        return found
