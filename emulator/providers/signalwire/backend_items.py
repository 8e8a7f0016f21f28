"""What the backend's addresses, number groups and memberships share: kept by id in a project's
state, listed newest first, deleted softly (so a page token naming a deleted item still works).

Each collection is a part of `SignalwireBackend` and keeps its own creation-order indexes, built
from the state by `rebuild` and kept in step by `add` and `delete`.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import TYPE_CHECKING, ClassVar, Generic, TypeVar

from ...core.ordering import CreationIndex
from .errors import SignalwireError
from .paging import Page, PageRequest, walk
from .state import Address, GroupMembership, NumberGroup

if TYPE_CHECKING:
    from .backend import SignalwireBackend

ItemT = TypeVar("ItemT", Address, NumberGroup, GroupMembership)


class Items(Generic[ItemT]):
    """One collection of every project's state (`collection` names its key in ProjectState)."""

    collection: ClassVar[str]
    not_found: ClassVar[type[SignalwireError]]

    def __init__(self, backend: SignalwireBackend) -> None:
        self.backend = backend
        self.clock = backend.clock
        self.created: dict[Hashable, CreationIndex] = {}

    def index_key(self, tenant: str, item: ItemT) -> Hashable:
        """Which list an item belongs to: the project's, unless a collection lists by something else."""
        return tenant

    def rebuild(self) -> None:
        self.created = {}
        for tenant in self.backend.store.tenants:
            self.index_tenant(tenant)

    def index_tenant(self, tenant: str) -> None:
        """Indexes a project's live items (a new project, or every project in `rebuild`)."""
        for item in self.records(tenant).values():
            if item["deleted_us"] is None:
                self.index(self.index_key(tenant, item)).add(item["created_us"], item["id"])

    def index(self, key: Hashable) -> CreationIndex:
        return self.created.setdefault(key, CreationIndex())

    def records(self, tenant: str) -> dict[str, ItemT]:
        """The project's items, to read."""
        return self.backend.tenant(tenant)[self.collection]  # type: ignore[literal-required]

    def live(self, tenant: str, item_id: str | None) -> ItemT:
        """The project's live item; other projects' items, deleted ones and non-UUIDs are 404."""
        item = self.records(tenant).get(item_id) if item_id else None
        if item is None or item["deleted_us"] is not None:
            raise self.not_found()
        return item

    def page(self, tenant: str, key: Hashable, request: PageRequest, keep: Callable[[ItemT], bool]) -> Page[ItemT]:
        """Live items of the list `key` newest first, those `keep` accepts."""
        records = self.records(tenant)

        def listed(item_id: str) -> bool:
            item = records[item_id]
            return item["deleted_us"] is None and keep(item)

        found = walk(self.index(key), records, request, listed)
        return Page([records[item_id] for item_id in found.items], found.next_token, found.previous_token)

    def add(self, tenant: str, item: ItemT) -> ItemT:
        """Stores a new item in the project (marked first) and in its list."""
        self.backend.changing(tenant)[self.collection][item["id"]] = item  # type: ignore[literal-required]
        self.index(self.index_key(tenant, item)).add(item["created_us"], item["id"])
        return item

    def changing(self, tenant: str, item: ItemT) -> ItemT:
        """`item`, about to be changed: its project is marked first, so persistence writes it."""
        self.backend.changing(tenant)
        return item

    def delete(self, tenant: str, item: ItemT) -> None:
        """Gone from every read and list; the record stays for page tokens."""
        self.changing(tenant, item)["deleted_us"] = self.clock.stamp_us()
        self.index(self.index_key(tenant, item)).discard(item["created_us"], item["id"])
