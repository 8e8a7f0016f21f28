"""Number groups and their memberships in the backend.

A number may be in several groups, once in each. A membership ends when it is deleted, when its
group is deleted (which releases no number) and when its number is released. A group's
`phone_number_count` is the size of its list of live memberships.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from .backend_items import Items
from .errors import AlreadyInGroup, GroupNotFound, MembershipNotFound, NumberNotInProject
from .paging import Page, PageRequest, substring_of
from .resources import new_group, new_membership
from .state import GroupMembership, NumberGroup


class Memberships(Items[GroupMembership]):
    collection = "number_group_memberships"
    not_found = MembershipNotFound

    def __init__(self, backend: Any) -> None:
        super().__init__(backend)
        self.of_number: dict[tuple[str, str], set[str]] = {}  # (tenant, number id) → live membership ids

    def index_key(self, tenant: str, item: GroupMembership) -> Hashable:
        return (tenant, item["number_group_id"])

    def rebuild(self) -> None:
        self.of_number = {}
        super().rebuild()

    def index_tenant(self, tenant: str) -> None:
        super().index_tenant(tenant)
        for membership in self.records(tenant).values():
            if membership["deleted_us"] is None:
                self.of_number.setdefault((tenant, membership["phone_number_id"]), set()).add(membership["id"])

    def count(self, tenant: str, group_id: str) -> int:
        return len(self.index((tenant, group_id)))

    def create(self, tenant: str, group_id: str, number_id: str) -> GroupMembership:
        """The group was looked up by the handler; the number must be a live one of the project."""
        number = self.backend.tenant(tenant)["numbers"].get(number_id)
        if number is None or number["released_us"] is not None:
            raise NumberNotInProject()
        records = self.records(tenant)
        if any(records[m]["number_group_id"] == group_id for m in self.of_number.get((tenant, number_id), ())):
            raise AlreadyInGroup()
        membership = self.add(tenant, new_membership(group_id, number_id, self.clock.stamp_us()))
        self.of_number.setdefault((tenant, number_id), set()).add(membership["id"])
        return membership

    def delete(self, tenant: str, item: GroupMembership) -> None:
        super().delete(tenant, item)
        self.of_number.get((tenant, item["phone_number_id"]), set()).discard(item["id"])

    def leave_all(self, tenant: str, number_id: str) -> None:
        """A released number leaves every group it was in."""
        records = self.records(tenant)
        for membership_id in sorted(self.of_number.pop((tenant, number_id), set())):
            self.delete(tenant, records[membership_id])

    def empty(self, tenant: str, group_id: str) -> None:
        """A deleted group's memberships end with it."""
        records = self.records(tenant)
        for membership_id in self.index((tenant, group_id)).older_than(None, len(self.index((tenant, group_id)))):
            self.delete(tenant, records[membership_id])


class NumberGroups(Items[NumberGroup]):
    collection = "number_groups"
    not_found = GroupNotFound

    def __init__(self, backend: Any, memberships: Memberships) -> None:
        super().__init__(backend)
        self.memberships = memberships

    def create(self, tenant: str, name: str, sticky_sender: bool) -> NumberGroup:
        return self.add(tenant, new_group(name, sticky_sender, self.clock.stamp_us()))

    def update(self, tenant: str, group_id: str | None, changes: dict[str, Any]) -> NumberGroup:
        """Merges the fields sent; the update time moves only when something changed."""
        group = self.live(tenant, group_id)
        if any(group[key] != value for key, value in changes.items()):  # type: ignore[literal-required]
            self.changing(tenant, group).update(changes)  # type: ignore[typeddict-item]
            group["updated_us"] = self.clock.stamp_us()
        return group

    def remove(self, tenant: str, group_id: str | None) -> None:
        """Deletes the group and its memberships; its numbers stay in the project."""
        group = self.live(tenant, group_id)
        self.memberships.empty(tenant, group["id"])
        self.delete(tenant, group)

    def listed(self, tenant: str, request: PageRequest) -> Page[NumberGroup]:
        """Newest first; `filter_name` keeps groups whose name contains it (regardless of case)."""
        wanted = dict(request.filters).get("filter_name")
        return self.page(tenant, tenant, request, lambda group: wanted is None or substring_of(wanted, group["name"]))

    def members(self, tenant: str, group_id: str, request: PageRequest) -> Page[GroupMembership]:
        """A live group's memberships, newest first."""
        return self.memberships.page(tenant, (tenant, group_id), request, lambda membership: True)
