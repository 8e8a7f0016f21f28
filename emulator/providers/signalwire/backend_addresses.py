"""E911 addresses in the backend: created and updated with the carrier's check, deleted softly.

A deleted address stays assigned to the numbers that have it (the previous reference says so;
the current one only says deletion cannot be undone), but cannot be assigned again.
"""

from __future__ import annotations

from typing import Any

from . import carrier
from .backend_items import Items
from .errors import AddressNotFound, AddressNotValidated
from .paging import Page, PageRequest, substring_of
from .resources import new_address
from .state import Address

CORRECTION_REFUSED = (
    "The carrier suggests a corrected address (see candidates); send it, or set auto_correct_address to true"
)


class Addresses(Items[Address]):
    collection = "addresses"
    not_found = AddressNotFound

    def create(self, tenant: str, fields: dict[str, Any], emergency: bool, auto_correct: bool) -> Address:
        address = new_address(fields, self.clock.stamp_us())
        self._verify(address, emergency, auto_correct)  # a refusal stores nothing
        return self.add(tenant, address)

    def update(
        self, tenant: str, address_id: str | None, changes: dict[str, Any], emergency: bool, auto_correct: bool
    ) -> Address:
        """Merges the fields sent; the emergency fields follow this request's `emergency_enabled`."""
        address = self.live(tenant, address_id)
        merged: Any = {**address, **changes}
        self._verify(merged, emergency, auto_correct)
        if merged != address:
            self.changing(tenant, address).update(merged)
        return address

    def _verify(self, address: Any, emergency: bool, auto_correct: bool) -> None:
        """Only US addresses sent with `emergency_enabled: true` go to the carrier; others are stored as sent."""
        if not emergency or address["country"] != "US":
            address["emergency_enabled"] = address["validated"] = False
            return
        answer = carrier.check(address)
        if answer.problems:
            raise AddressNotValidated(list(answer.problems), [])
        if answer.corrects(address):
            if not auto_correct:
                raise AddressNotValidated([CORRECTION_REFUSED], [answer.candidate()])
            address.update(answer.corrected)
        address["emergency_enabled"] = address["validated"] = True
        address["validated_us"] = self.clock.stamp_us()

    def listed(self, tenant: str, request: PageRequest) -> Page[Address]:
        """Newest first; `filter_label` keeps addresses whose label contains it (regardless of case)."""
        wanted = dict(request.filters).get("filter_label")
        return self.page(tenant, tenant, request, lambda address: wanted is None or substring_of(wanted, address["label"]))
