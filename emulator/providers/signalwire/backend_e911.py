"""The E911 part of the backend: assignment and removal, each finished by the carrier later.

The carrier's answer is applied lazily: every read of a number goes through `live_number` (or
`settle`), which applies a due change with the virtual time it became due, marking the tenant
first. The control API's transition finishes a pending change at once.
"""

from __future__ import annotations

from ...core.backend import Backend
from ...core.clock import MICROS
from .errors import E911NotAssignable, E911NotRemovable, NumberNotFound, UnknownAddress, UnvalidatedAddress
from .state import E911Status, PhoneNumber, ProjectState

ASSIGNABLE = frozenset({None, "active", "failed", "unregistered"})
# Where a pending change may be finished through the control API.
OUTCOMES: dict[str | None, tuple[E911Status, ...]] = {
    "pending": ("active", "failed"),
    "pending_removal": ("unregistered",),
}


class E911Backend(Backend[ProjectState]):
    """Numbers as read (due changes applied) and their E911 lifecycle."""

    def live_number(self, tenant: str, number_id: str | None) -> PhoneNumber:
        """The project's live number, settled; other projects' numbers, released ones and non-UUIDs are 404."""
        number = self.tenant(tenant)["numbers"].get(number_id) if number_id else None
        if number is None or number["released_us"] is not None:
            raise NumberNotFound()
        return self.settle(tenant, number)

    def settle(self, tenant: str, number: PhoneNumber, now_us: int | None = None) -> PhoneNumber:
        """Applies the carrier's answer if it is due by `now_us` (the clock's now when not given).

        A read can change state this way, so the tenant is marked first.
        """
        due = number["e911_due_us"]
        if due is not None and (self.clock.now_us() if now_us is None else now_us) >= due:
            self.changing(tenant)
            self._finish(number, due)
        return number

    @staticmethod
    def _finish(number: PhoneNumber, due_us: int) -> None:
        outcome = number["e911_next"]
        number["e911_status"] = outcome
        if outcome == "unregistered":
            number["e911_address_id"] = None
        number["updated_us"] = max(number["updated_us"], due_us)
        number["e911_due_us"] = None
        number["e911_next"] = None

    def _schedule(
        self, tenant: str, number: PhoneNumber, status: E911Status, outcome: E911Status, delay_s: float
    ) -> None:
        now_us = self.clock.stamp_us()
        self.changing(tenant)
        number["e911_status"] = status
        number["e911_next"] = outcome
        number["e911_due_us"] = now_us + round(delay_s * MICROS)
        number["updated_us"] = now_us
        self.settle(tenant, number, now_us)  # a change without delay is finished in the same answer

    def assign_e911(self, tenant: str, number_id: str | None, address_id: str) -> PhoneNumber:
        """`pending`, then `active` (or `failed` for an address whose provisioning fails)."""
        number = self.live_number(tenant, number_id)
        address = self.tenant(tenant)["addresses"].get(address_id)
        if address is None or address["deleted_us"] is not None:
            raise UnknownAddress()
        if not address["validated"]:
            raise UnvalidatedAddress()
        if number["e911_status"] not in ASSIGNABLE:
            raise E911NotAssignable(number["e911_status"])
        self.changing(tenant)
        number["e911_address_id"] = address_id
        outcome: E911Status = "failed" if address["provisioning_fails"] else "active"
        self._schedule(tenant, number, "pending", outcome, self.settings.e911_activation_seconds)
        return number

    def remove_e911(self, tenant: str, number_id: str | None) -> PhoneNumber:
        """Only an active address is removed: `pending_removal`, then `unregistered`."""
        number = self.live_number(tenant, number_id)
        if number["e911_status"] != "active":
            raise E911NotRemovable(number["e911_status"])
        self._schedule(tenant, number, "pending_removal", "unregistered", self.settings.e911_removal_seconds)
        return number

    def finish_e911(self, tenant: str, number_id: str, to: str) -> PhoneNumber:
        """Finishes a pending change now: `pending` → `active`/`failed`, `pending_removal` → `unregistered`.

        LookupError for an unknown number, ValueError for a move the lifecycle does not allow.
        """
        number = self.tenant(tenant)["numbers"].get(number_id)
        if number is None or number["released_us"] is not None:
            raise LookupError(f"tenant {tenant!r} has no number {number_id!r}")
        self.settle(tenant, number)
        allowed = OUTCOMES.get(number["e911_status"], ())
        if to not in allowed:
            raise ValueError(
                f"e911_status {number['e911_status']} cannot move to {to!r} (allowed: {', '.join(allowed) or 'none'})"
            )
        self.changing(tenant)
        number["e911_next"] = to  # type: ignore[typeddict-item]  # one of OUTCOMES
        number["e911_due_us"] = self.clock.stamp_us()
        return self.settle(tenant, number)
