"""Page-index paging (`index`, `limit`) within creation-time bounds, without scanning.

Ids are kept sorted by (created, id); the exclusive `created_after`/`created_before` bounds are
two bisections and a page is a slice, so a page costs O(log N + limit).
"""

from __future__ import annotations

from bisect import bisect_left

from ...core.ordering import CreationIndex


class CreatedOrder(CreationIndex):
    """The ids of one collection of one tenant, ordered by creation time, paged by index."""

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
