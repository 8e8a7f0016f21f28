"""Numbers in the backend: purchase rules, updates with their `number_updated` event, soft delete,
the lazy purchase-pending → active step, lifecycle transitions and the inventory on offer."""

from __future__ import annotations

import random
from typing import Any

from ...core.clock import MICROS
from .backend_resources import Resources
from .errors import (
    FlowNotFound,
    IdentityVerificationRequired,
    InsufficientBalance,
    InvalidArgument,
    NumberAlreadyExists,
    NumberNotFound,
    ResourceLimitExceeded,
)
from .events import number_event
from .fixtures import PLAN_LIMITS, AvailableNumberFixture
from .models import E164, NIL_UUID, new_number
from .state import Number

_rng = random.SystemRandom()


def virtual_number_problem(number: str) -> str | None:
    """ValidateVirtualNumber's checks, in its order; the reserved range is refused for customers."""
    if not number.startswith("+899"):
        return "virtual number must start with +899"
    if len(number) != 13:
        return "virtual number must be exactly 13 characters"
    if not number[1:].isdigit() or not number[1:].isascii():
        return "virtual number must contain only digits after +"
    if number.startswith("+899000"):
        return "virtual number range +899000XXXXXX is reserved"
    return None


class Numbers(Resources[Number]):
    collection = "numbers"
    not_found = NumberNotFound

    # --- reads -----------------------------------------------------------------------------------

    def current(self, number: Number) -> Number:
        """The number with a due purchase-pending → active change applied, lazily on the virtual clock."""
        active_at = number.get("active_at")
        if active_at is not None and number["status"] == "purchase-pending" and self.clock.now_us() >= active_at:
            self.changing(number)
            number["status"] = "active"
            number["tm_update"] = active_at
            number["active_at"] = None
        return number

    def page(self, tenant: str, before_us: int | None, size: int) -> list[Number]:
        return [self.current(number) for number in super().page(tenant, before_us, size)]

    def held(self, number: str) -> bool:
        """Whether a customer holds `number` (not deleted)."""
        return number in self.backend.active_numbers

    def routed(self, number: str) -> tuple[str, Number] | None:
        """The tenant holding `number` and its record, as inbound traffic finds it."""
        held = self.backend.active_numbers.get(number)
        if held is None:
            return None
        tenant, number_id = held
        return tenant, self.items(tenant)[number_id]

    def offered(self, country: str) -> list[AvailableNumberFixture]:
        """The inventory of `country` (ISO alpha-2, upper case) that nobody holds."""
        return [item for item in self.backend.settings.inventory.get(country, []) if not self.held(item.number)]

    def virtual_candidates(self, count: int) -> list[str]:
        """Random +899 numbers outside the reserved 000 area that no customer holds."""
        found: dict[str, None] = {}
        while len(found) < count:
            candidate = f"+899{_rng.randint(1, 999):03d}{_rng.randint(0, 999_999):06d}"
            if not self.held(candidate):
                found[candidate] = None
        return list(found)

    # --- changes ---------------------------------------------------------------------------------

    def create(
        self,
        tenant: str,
        *,
        number: str,
        kind: str,
        call_flow_id: str,
        message_flow_id: str,
        name: str,
        detail: str,
    ) -> Number:
        """`POST /numbers` past the handler's checks: the purchase rules in number-manager's order.

        Flow ids are not verified on create. A normal number costs balance and may start
        purchase-pending (settings); `number_created` is sent.
        """
        backend = self.backend
        customer = backend.customer(tenant)
        settings = backend.settings
        if not kind and settings.virtual_without_type and number.startswith("+899"):
            kind = "virtual"
        if kind == "virtual":
            self._check_virtual(tenant, number)
        else:
            kind = "normal"
            self._check_normal(tenant, number)
        if self.held(number):
            raise backend.untyped(NumberAlreadyExists())
        now = self.clock.stamp_us()
        pending = (
            kind == "normal"
            and settings.purchase_pending_seconds > 0
            and "purchase-pending" in backend.profile.number_statuses
        )
        record = new_number(
            customer_id=customer["id"],
            number=number,
            kind=kind,
            status="purchase-pending" if pending else "active",
            now_us=now,
            call_flow_id=call_flow_id,
            message_flow_id=message_flow_id,
            name=name,
            detail=detail,
            t38_enabled=kind == "normal",
            emergency_enabled=False,
        )
        if pending:
            record["active_at"] = now + round(settings.purchase_pending_seconds * MICROS)
        if kind == "normal":
            state = backend.changing(tenant)
            state["customer"]["balance"] = round(customer["balance"] - settings.normal_number_cost, 6)
        self.add(tenant, record)
        backend.active_numbers[number] = (tenant, record["id"])
        number_event(backend.provider, tenant, "number_created", record)
        return record

    def _check_virtual(self, tenant: str, number: str) -> None:
        """The format, then the billing plan's limit of live virtual numbers."""
        problem = virtual_number_problem(number)
        if problem:
            raise self.backend.untyped(InvalidArgument(problem))
        limit = PLAN_LIMITS[self.backend.customer(tenant)["plan"]]
        if limit is not None and self.count_live(tenant, lambda item: item["type"] == "virtual") >= limit:
            raise self.backend.untyped(
                ResourceLimitExceeded("The virtual number limit of the billing plan has been reached.")
            )

    def _check_normal(self, tenant: str, number: str) -> None:
        """Identity verification (typed), then format, reserved range and balance (untyped)."""
        customer = self.backend.customer(tenant)
        if not customer["identity_verified"]:
            raise IdentityVerificationRequired()
        if not E164.match(number):
            raise self.backend.untyped(InvalidArgument("The number is not a valid E.164 number."))
        if number.startswith("+899000"):
            raise self.backend.untyped(InvalidArgument("numbers starting with +899000 are reserved"))
        if customer["balance"] < self.backend.settings.normal_number_cost:
            raise self.backend.untyped(InsufficientBalance())

    def update(self, number: Number, *, call_flow_id: str, message_flow_id: str, name: str, detail: str) -> Number:
        """`PUT /numbers/{id}`: all four fields overwritten; non-nil flows must be the customer's live ones."""
        tenant = self.owner(number)
        self._verify_flow(tenant, call_flow_id)
        self._verify_flow(tenant, message_flow_id)
        return self._touch(number, call_flow_id=call_flow_id, message_flow_id=message_flow_id, name=name, detail=detail)

    def set_flows(self, number: Number, *, call_flow_id: str, message_flow_id: str) -> Number:
        """`PUT /numbers/{id}/flow_ids`: both written, unverified."""
        return self._touch(number, call_flow_id=call_flow_id, message_flow_id=message_flow_id)

    def set_metadata(self, number: Number, *, rtp_debug: bool) -> Number:
        return self._touch(number, metadata={"rtp_debug": rtp_debug})

    def _verify_flow(self, tenant: str, flow_id: str) -> None:
        """number-manager's numberVerifyFlow; its failure is an untyped error."""
        if flow_id == NIL_UUID:
            return
        flow = self.backend.tenant(tenant)["flows"].get(flow_id)
        if flow is None or flow["tm_delete"] is not None:
            raise self.backend.untyped(FlowNotFound())

    def _touch(self, number: Number, **changes: Any) -> Number:
        """Applies an accepted update; every PUT on a number sends `number_updated`."""
        self.current(number)
        self.changing(number).update(changes)  # type: ignore[typeddict-item]
        number["tm_update"] = self.clock.stamp_us()
        number_event(self.backend.provider, self.owner(number), "number_updated", number)
        return number

    def delete(self, number: Number) -> Number:
        """Soft delete: status `deleted`, the number free again, `number_deleted` sent."""
        self.current(number)
        now = self.clock.stamp_us()
        self.changing(number)
        number["status"] = "deleted"
        number["tm_update"] = number["tm_delete"] = now
        number["active_at"] = None
        self.backend.active_numbers.pop(number["number"], None)
        number_event(self.backend.provider, self.owner(number), "number_deleted", number)
        return number

    def transition(self, tenant: str, number_id: str, to: str) -> Number:
        """Moves a live number between the statuses of the profile (the control API's `transition`)."""
        number = self.items(tenant).get(number_id)
        if number is None:
            raise LookupError(f"tenant {tenant!r} has no number {number_id!r}")
        if number["tm_delete"] is not None:
            raise ValueError("the number is deleted")
        allowed = self.backend.profile.number_statuses
        if to not in allowed:
            raise ValueError(
                f"cannot move a number to {to!r} in the {self.backend.provider.profile_name} profile; "
                f"choose {', '.join(allowed)}"
            )
        self.changing(number)
        number["status"] = to
        number["active_at"] = None
        number["tm_update"] = self.clock.stamp_us()
        return number

    def unassign_flow(self, tenant: str, flow_id: str) -> None:
        """A deleted flow's live numbers fall back to the nil UUID, without a webhook."""
        for number in self.items(tenant).values():
            if number["tm_delete"] is not None:
                continue
            cleared = False
            for key in ("call_flow_id", "message_flow_id"):
                if number[key] == flow_id:
                    self.changing(number)[key] = NIL_UUID
                    cleared = True
            if cleared:
                number["tm_update"] = self.clock.stamp_us()
