"""The compatibility API's calls into the SignalWire backend: the same numbers, answered with LaML errors.

A number bought here is the Relay REST number (its `sid` is the Relay `id`), so every change goes
through `SignalwireBackend`, which marks the tenant first. What this adds is what the compatibility
API does in one request (a purchase configured in the same write, an update that also assigns an
E911 address) and its own errors for what depends on state.
"""

from __future__ import annotations

from .backend import SignalwireBackend
from .errors import (
    BadRequest,
    CouldNotPurchase,
    E911NotAssignable,
    E911NotRemovable,
    NumberNotFound,
    PurchasedTooRecently,
    UnknownAddress,
    UnvalidatedAddress,
)
from .laml_config import UNCHANGED, Configuration
from .laml_errors import (
    EmergencyAddressRefused,
    InvalidEmergencyAddress,
    InvalidPageToken,
    NumberUnavailable,
    ReleaseTooSoon,
    ResourceNotFound,
)
from .models import configured
from .paging import NumberPage, PageRequest
from .state import PhoneNumber

SETTLED_E911 = frozenset({"pending", "active"})


class LamlNumbers:
    """One project's numbers as the compatibility API reaches them; `path` names the resource in a 404."""

    def __init__(self, backend: SignalwireBackend, tenant: str) -> None:
        self.backend = backend
        self.tenant = tenant

    def number(self, sid: str | None, path: str) -> PhoneNumber:
        try:
            return self.backend.live_number(self.tenant, sid)
        except NumberNotFound:
            raise ResourceNotFound(path) from None

    def page(self, request: PageRequest) -> NumberPage:
        """Newest first, with Relay REST's page tokens (`PA` + the id of the previous page's last number)."""
        try:
            return self.backend.page(self.tenant, request)
        except BadRequest:
            raise InvalidPageToken() from None

    def purchase(self, wanted: str, configuration: Configuration) -> PhoneNumber:
        """Only numbers the search offers and nobody holds; configured in the purchase's own write."""
        try:
            number = self.backend.purchase(self.tenant, wanted)
        except CouldNotPurchase:
            raise NumberUnavailable(wanted) from None
        if configuration.changes:
            self.backend.changing(self.tenant)  # marked by the purchase already; the same write
            number.update(configured(number, configuration.changes))
        return number

    def update(self, sid: str, path: str, configuration: Configuration) -> PhoneNumber:
        """The E911 change first: it is the only part that can still be refused, so a refusal changes nothing."""
        number = self.number(sid, path)
        if configuration.emergency_address is not UNCHANGED:
            self._emergency(sid, number, configuration.emergency_address)
        return self.backend.update_number(self.tenant, sid, configuration.changes)

    def release(self, sid: str | None, path: str) -> None:
        try:
            self.backend.release_number(self.tenant, sid)
        except NumberNotFound:
            raise ResourceNotFound(path) from None
        except PurchasedTooRecently as exc:
            raise ReleaseTooSoon(exc.earliest) from None

    def _emergency(self, sid: str, number: PhoneNumber, address: str) -> None:
        """Assigns (an id) or removes ("") the E911 address, as Relay REST's E911 operations do.

        Inferred: the address the number already has (pending or active) is left as it is, and
        removing from a number without an address does nothing.
        """
        if address == "":
            if number["e911_address_id"] is None:
                return
            try:
                self.backend.remove_e911(self.tenant, sid)
            except E911NotRemovable as exc:
                raise EmergencyAddressRefused(exc.message) from None
            return
        if number["e911_address_id"] == address and number["e911_status"] in SETTLED_E911:
            return
        if number["number_type"] == "toll-free":
            raise EmergencyAddressRefused("E911 addresses are not supported for toll-free numbers")
        try:
            self.backend.assign_e911(self.tenant, sid, address)
        except (UnknownAddress, UnvalidatedAddress):
            raise InvalidEmergencyAddress(
                f"The E911 address ID {address} is not a validated address of this project"
            ) from None
        except E911NotAssignable as exc:
            raise EmergencyAddressRefused(exc.message) from None
