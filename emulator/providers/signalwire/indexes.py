"""What the backend derives from the projects' state to answer without scanning it.

Nothing here is state: after a reset or a snapshot restore the backend builds a fresh
`ProjectIndexes` from the store (`SignalwireBackend.rebuild`), and keeps it in step as it changes
numbers. Released numbers stay in the state but in no index.
"""

from __future__ import annotations

from ...core.ordering import CreationIndex
from .state import PhoneNumber, ProjectState


class ProjectIndexes:
    """Project id → tenant, each tenant's live numbers by creation, and number → tenants holding it."""

    def __init__(self) -> None:
        self.project_tenants: dict[str, str] = {}
        self.created: dict[str, CreationIndex] = {}
        self.holders: dict[str, set[str]] = {}

    def add_tenant(self, tenant: str, state: ProjectState) -> None:
        self.project_tenants[state["project"]["id"]] = tenant
        live = [number for number in state["numbers"].values() if number["released_us"] is None]
        self.created[tenant] = CreationIndex((number["created_us"], number["id"]) for number in live)  # sorted once
        for number in live:
            self.holders.setdefault(number["number"], set()).add(tenant)

    def add_number(self, tenant: str, number: PhoneNumber) -> None:
        self.created[tenant].add(number["created_us"], number["id"])
        self.holders.setdefault(number["number"], set()).add(tenant)

    def discard_number(self, tenant: str, number: PhoneNumber) -> None:
        self.created[tenant].discard(number["created_us"], number["id"])
        tenants = self.holders.get(number["number"], set())
        tenants.discard(tenant)
        if not tenants:
            self.holders.pop(number["number"], None)

    def is_held(self, number: str) -> bool:
        """Some project holds it (fixtures may give one number to several projects)."""
        return bool(self.holders.get(number))

    def holds(self, tenant: str, number: str) -> bool:
        return tenant in self.holders.get(number, ())

    def holders_of(self, number: str) -> list[str]:
        return sorted(self.holders.get(number, ()))
