"""Page-index paging (`index`, `limit`) within creation-time bounds, without scanning.

Ids are kept sorted by (created, id); the exclusive `created_after`/`created_before` bounds are
two bisections and a page is a slice, so a page costs O(log N + limit).
"""

from __future__ import annotations

from bisect import bisect_left, insort
from typing import Iterable


class CreatedOrder:
    """The ids of one collection of one tenant, ordered by creation time."""

    def __init__(self, items: Iterable[tuple[int, str]] = ()) -> None:
        self._keys: list[tuple[int, str]] = sorted(items)

    def __len__(self) -> int:
        return len(self._keys)

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

    def page(
        self,
        *,
        index: int,
        limit: int,
        after_us: int | None = None,
        before_us: int | None = None,
        newest_first: bool = False,
    ) -> tuple[list[str], bool]:
        """The ids of page `index` (1-based) and whether a further page has items."""
        low = 0 if after_us is None else bisect_left(self._keys, (after_us + 1, ""))
        high = len(self._keys) if before_us is None else bisect_left(self._keys, (before_us, ""))
        offset = (index - 1) * limit
        if high - low <= offset:
            return [], False
        if newest_first:
            stop = high - offset
            start = max(low, stop - limit)
            return [key[1] for key in reversed(self._keys[start:stop])], start > low
        start = low + offset
        stop = min(high, start + limit)
        return [key[1] for key in self._keys[start:stop]], stop < high
