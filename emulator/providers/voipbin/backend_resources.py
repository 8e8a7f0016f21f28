"""What the backend's numbers, flows and activeflows share: the service's lookup order,
newest-first pages, and adding or changing an item with its tenant marked first."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable, ClassVar, Generic, TypeVar

from .errors import PermissionDenied, ResourceNotFound, VoipbinError
from .state import Activeflow, Flow, Number

if TYPE_CHECKING:
    from .backend import VoipbinBackend

ItemT = TypeVar("ItemT", Number, Flow, Activeflow)


class Resources(Generic[ItemT]):
    """One collection of every tenant's state (`collection` names its key in TenantState)."""

    collection: ClassVar[str]
    not_found: ClassVar[type[VoipbinError]]

    def __init__(self, backend: "VoipbinBackend") -> None:
        self.backend = backend
        self.clock = backend.clock

    def items(self, tenant: str) -> dict[str, ItemT]:
        return self.backend.tenant(tenant)[self.collection]  # type: ignore[literal-required]

    def live(self, tenant: str, item_id: str) -> ItemT:
        """The tenant's live item: existence first, then soft deletion, then ownership (403, not 404)."""
        owner = self.backend.owners.get(item_id)
        item = self.items(owner).get(item_id) if owner is not None else None
        if item is None:
            raise self.not_found()
        if item["tm_delete"] is not None:
            raise ResourceNotFound()
        if owner != tenant:
            raise PermissionDenied()
        return item

    def page(self, tenant: str, before_us: int | None, size: int) -> list[ItemT]:
        """Live items newest first, created strictly before `before_us` (any time when None)."""
        items = self.items(tenant)
        ids = self.backend.indexes[(tenant, self.collection)].newest_before(
            before_us, size, lambda item_id: items[item_id]["tm_delete"] is None and self.listed(items[item_id])
        )
        return [items[item_id] for item_id in ids]

    def listed(self, item: ItemT) -> bool:
        """Whether a live item shows in the list (flows list only `type: flow`)."""
        return True

    def count_live(self, tenant: str, keep: Callable[[ItemT], bool] = lambda item: True) -> int:
        return sum(1 for item in self.items(tenant).values() if item["tm_delete"] is None and keep(item))

    def owner(self, item: ItemT) -> str:
        return self.backend.owners[item["id"]]

    def add(self, tenant: str, item: ItemT) -> None:
        """Stores a new item in the tenant (marked) and in the owner and creation-order indexes."""
        self.backend.changing(tenant)[self.collection][item["id"]] = item  # type: ignore[literal-required]
        self.backend.owners[item["id"]] = tenant
        self.backend.indexes[(tenant, self.collection)].add(item["tm_create"], item["id"])

    def changing(self, item: ItemT) -> ItemT:
        """`item`, about to be changed: its tenant is marked first, so persistence writes it."""
        self.backend.store.mark(self.owner(item))
        return item
