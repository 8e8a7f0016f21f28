"""A provider's backend: the one owner of its tenants' state, derived indexes and every change.

As in moto, handlers parse the request in the provider's order of checks, call the backend,
and render what it returns; the backend validates what depends on state, raises the provider's
error classes, and changes state. It is built from fixtures and rebuilt after a reset or a
snapshot restore in one place (`rebuild`), so derived indexes can never drift from the state.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from .provider import Provider

StateT = TypeVar("StateT")


class Backend(Generic[StateT]):
    """Base of every provider's backend. `StateT` is the provider's TypedDict of one tenant's state."""

    def __init__(self, provider: "Provider[Any, Any]") -> None:
        self.provider = provider
        self.store = provider.store
        self.clock = provider.clock

    @property
    def settings(self) -> Any:
        return self.provider.settings

    @property
    def profile(self) -> Any:
        return self.provider.profile

    def tenant(self, tenant_id: str) -> StateT:
        """A tenant's state, to read."""
        return self.store.tenants[tenant_id]  # type: ignore[return-value]

    def changing(self, tenant_id: str) -> StateT:
        """A tenant's state, to change: marked first, so persistence writes it before the answer ends.

        Change it before the next `await`: a write in between (another request ending, timer
        work) takes the mark, and a change made after it would wait for the next mark."""
        return self.store.changing(tenant_id)  # type: ignore[return-value]

    def rebuild(self) -> None:
        """Derive every index from the state (after fixtures, a reset or a restore)."""
