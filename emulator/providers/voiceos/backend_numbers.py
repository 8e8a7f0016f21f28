"""The backend's phone numbers: what is for sale, buying, PATCH and deleting (released or kept)."""

from __future__ import annotations

import random

from .backend_accounts import AccountBackend
from .errors import AgentNotFound, NotAvailable, UnknownInboundAgent
from .fixtures import InventoryNumber
from .models import new_number
from .phone import E164, normalize_number
from .state import NumberChanges, PhoneNumber

_rng = random.SystemRandom()


class NumberBackend(AccountBackend):
    def available(self) -> list[InventoryNumber]:
        """Inventory numbers that no account holds or keeps, in inventory order."""
        return [item for item in self.settings.inventory if not self.is_taken(item.phone_number)]

    def buy_number(self, tenant: str, requested: str | None) -> PhoneNumber:
        """The named number, or any available one; a number the account had kept is no longer kept."""
        e164 = self._any_available() if requested is None else self._claimable(tenant, requested)
        record = new_number(phone_number=e164, now_us=self.clock.stamp_us())
        state = self.changing(tenant)
        self._insert(tenant, "numbers", e164, record)
        self.number_owner[e164] = tenant
        if self.retained_owner.pop(e164, None) is not None:
            state["retained"].remove(e164)
        return record

    def _any_available(self) -> str:
        choices = self.available()
        if not choices:
            raise NotAvailable()
        chosen = choices[0] if self.settings.buy_pick == "first" else _rng.choice(choices)
        return chosen.phone_number

    def _claimable(self, tenant: str, requested: str) -> str:
        """The requested number in E.164, if this account may buy it."""
        number = normalize_number(requested)
        if number in self.number_owner:
            raise NotAvailable()
        retained_by = self.retained_owner.get(number)
        if retained_by == tenant:
            return number
        if retained_by is not None:
            raise NotAvailable()
        if any(item.phone_number == number for item in self.available()):
            return number
        if self.settings.buy_unlisted_numbers and E164.match(number):
            return number
        raise NotAvailable()

    def update_number(self, tenant: str, e164: str, changes: NumberChanges) -> PhoneNumber:
        """Only the keys sent change: null detaches the agent, `webhooks` replaces the list."""
        number = self.number(tenant, e164)
        agent_id = changes.get("inbound_agent_id")
        if agent_id is not None:
            self._check_agent(tenant, agent_id)
        self.changing(tenant)
        number.update(changes)
        number["updated_us"] = self.clock.stamp_us()
        return number

    def _check_agent(self, tenant: str, agent_id: str) -> None:
        """inbound_agent_id must name one of the account's agents (404, or 422 by setting)."""
        if agent_id in self.tenant(tenant)["agents"]:
            return
        if self.settings.unknown_agent_status == 422:
            raise UnknownInboundAgent(agent_id)
        raise AgentNotFound()

    def delete_number(self, tenant: str, e164: str, *, release: bool) -> PhoneNumber:
        """Without release the account keeps the number at Twilio: nobody else can buy it."""
        number = self.number(tenant, e164)
        state = self.changing(tenant)
        self._remove(tenant, "numbers", e164)
        self.number_owner.pop(e164, None)
        if not release:
            state["retained"].append(e164)
            self.retained_owner[e164] = tenant
        return number
