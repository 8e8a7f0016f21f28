"""Gigs cursor pagination: newest first, `after`/`before` an item id, `moreItemsAfter`/`moreItemsBefore`."""

from __future__ import annotations

from bisect import bisect_left, insort
from dataclasses import dataclass
from typing import Callable, Iterable, Iterator


@dataclass
class Page:
    ids: list[str]
    more_after: str | None
    more_before: str | None


class CursorIndex:
    """Item ids sorted by (created µs, id), so a page costs O(log N + page) plus the filtered-out items."""

    def __init__(self, items: Iterable[tuple[int, str]] = ()) -> None:
        self._keys: list[tuple[int, str]] = sorted(items)
        self._created: dict[str, int] = {item_id: created for created, item_id in self._keys}

    def add(self, created_us: int, item_id: str) -> None:
        key = (created_us, item_id)
        if not self._keys or key > self._keys[-1]:
            self._keys.append(key)
        else:
            insort(self._keys, key)
        self._created[item_id] = created_us

    def __len__(self) -> int:
        return len(self._keys)

    def _older(self, position: int, keep: Callable[[str], bool]) -> Iterator[str]:
        """Kept ids at positions below `position`, newest first."""
        while position > 0:
            position -= 1
            item_id = self._keys[position][1]
            if keep(item_id):
                yield item_id

    def _newer(self, position: int, keep: Callable[[str], bool]) -> Iterator[str]:
        """Kept ids at `position` and above, oldest first."""
        while position < len(self._keys):
            item_id = self._keys[position][1]
            position += 1
            if keep(item_id):
                yield item_id

    @staticmethod
    def _take(found: Iterator[str], count: int) -> list[str]:
        taken: list[str] = []
        for item_id in found:
            taken.append(item_id)
            if len(taken) == count:
                break
        return taken

    def page(
        self,
        limit: int,
        keep: Callable[[str], bool] = lambda _id: True,
        after: str | None = None,
        before: str | None = None,
    ) -> Page:
        """One page in list order (newest first).

        A cursor that names no item of the collection gives an empty page with both cursors null.
        A cursor naming an item the filters leave out still marks its place in the list.
        """
        if limit <= 0:
            return Page([], None, None)
        cursor = after if after is not None else before
        if cursor is None:
            found = self._take(self._older(len(self._keys), keep), limit + 1)
            page = found[:limit]
            return Page(page, page[-1] if len(found) > limit else None, None)
        created = self._created.get(cursor)
        if created is None:
            return Page([], None, None)
        position = bisect_left(self._keys, (created, cursor))
        if after is not None:
            found = self._take(self._older(position, keep), limit + 1)
            page = found[:limit]
            if not page:
                return Page([], None, None)
            preceding = next(self._newer(position, keep), None) is not None
            return Page(page, page[-1] if len(found) > limit else None, page[0] if preceding else None)
        found = self._take(self._newer(position + 1, keep), limit + 1)
        page = list(reversed(found[:limit]))
        if not page:
            return Page([], None, None)
        following = next(self._older(position + 1, keep), None) is not None
        return Page(page, page[-1] if following else None, page[0] if len(found) > limit else None)
