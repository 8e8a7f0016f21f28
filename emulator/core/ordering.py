"""One creation-order index for every paged collection: a sorted (created µs, id) list.

Each provider pages differently — VoIPBIN strictly before a time token, SignalWire from a `PA`
token in both directions, Gigs by item-id cursors, VoiceOS by page number within time bounds —
but all of them walk the same order, so a page costs O(log N + page) however large N grows.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator

Key = tuple[int, str]
Keep = Callable[[str], bool]


def _always(_item_id: str) -> bool:
    return True


@dataclass
class CursorPage:
    """A page of ids in list order (newest first) and the cursors to the pages after and before it."""

    ids: list[str]
    more_after: str | None
    more_before: str | None


class CreationIndex:
    """Ids sorted by creation time (ties broken by id)."""

    def __init__(self, items: Iterable[Key] = ()) -> None:
        self._keys: list[Key] = sorted(items)
        self._created: dict[str, int] = {item_id: created for created, item_id in self._keys}

    def add(self, created_us: int, item_id: str) -> None:
        key = (created_us, item_id)
        if not self._keys or key > self._keys[-1]:
            self._keys.append(key)
        else:
            insort(self._keys, key)
        self._created[item_id] = created_us

    def discard(self, created_us: int, item_id: str) -> None:
        position = bisect_left(self._keys, (created_us, item_id))
        if position < len(self._keys) and self._keys[position] == (created_us, item_id):
            del self._keys[position]
            self._created.pop(item_id, None)

    def __len__(self) -> int:
        return len(self._keys)

    def created_of(self, item_id: str) -> int | None:
        return self._created.get(item_id)

    # --- walks ---------------------------------------------------------------------------------

    def _older(self, position: int, keep: Keep) -> Iterator[str]:
        """Kept ids below `position`, newest first."""
        keys = self._keys
        while position > 0:
            position -= 1
            if keep(keys[position][1]):
                yield keys[position][1]

    def _newer(self, position: int, keep: Keep) -> Iterator[str]:
        """Kept ids at `position` and above, oldest first."""
        keys = self._keys
        while position < len(keys):
            item_id = keys[position][1]
            position += 1
            if keep(item_id):
                yield item_id

    @staticmethod
    def _take(found: Iterator[str], count: int) -> list[str]:
        taken: list[str] = []
        if count <= 0:
            return taken
        for item_id in found:
            taken.append(item_id)
            if len(taken) == count:
                break
        return taken

    def newest_before(self, before_us: int | None, limit: int, keep: Keep = _always) -> list[str]:
        """Up to `limit` ids created strictly before `before_us` (or any time), newest first."""
        position = len(self._keys) if before_us is None else bisect_left(self._keys, (before_us, ""))
        return self._take(self._older(position, keep), limit)

    def older_than(self, key: Key | None, limit: int, keep: Keep = _always) -> list[str]:
        """Up to `limit` ids strictly older than `key` (or from the newest), newest first."""
        position = len(self._keys) if key is None else bisect_left(self._keys, key)
        return self._take(self._older(position, keep), limit)

    def newer_than(self, key: Key, limit: int, keep: Keep = _always) -> list[str]:
        """Up to `limit` ids strictly newer than `key`, oldest first."""
        return self._take(self._newer(bisect_right(self._keys, key), keep), limit)

    # --- pages ---------------------------------------------------------------------------------

    def cursor_page(self, limit: int, keep: Keep = _always, after: str | None = None, before: str | None = None) -> CursorPage:
        """One page newest first around an item-id cursor (`after` walks older, `before` newer).

        A cursor that names no item gives an empty page with both cursors null; a cursor naming an
        item that `keep` leaves out still marks its place in the list.
        """
        if limit <= 0:
            return CursorPage([], None, None)
        cursor = after if after is not None else before
        if cursor is None:
            found = self._take(self._older(len(self._keys), keep), limit + 1)
            page = found[:limit]
            return CursorPage(page, page[-1] if len(found) > limit else None, None)
        created = self._created.get(cursor)
        if created is None:
            return CursorPage([], None, None)
        position = bisect_left(self._keys, (created, cursor))
        if after is not None:
            found = self._take(self._older(position, keep), limit + 1)
            page = found[:limit]
            if not page:
                return CursorPage([], None, None)
            preceding = next(self._newer(position, keep), None) is not None
            return CursorPage(page, page[-1] if len(found) > limit else None, page[0] if preceding else None)
        found = self._take(self._newer(position + 1, keep), limit + 1)
        page = list(reversed(found[:limit]))
        if not page:
            return CursorPage([], None, None)
        following = next(self._older(position + 1, keep), None) is not None
        return CursorPage(page, page[-1] if following else None, page[0] if len(found) > limit else None)

    def numbered_page(
        self,
        *,
        index: int,
        limit: int,
        after_us: int | None = None,
        before_us: int | None = None,
        newest_first: bool = False,
    ) -> tuple[list[str], bool]:
        """Page `index` (1-based) within exclusive creation-time bounds, and whether a further page has items."""
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
