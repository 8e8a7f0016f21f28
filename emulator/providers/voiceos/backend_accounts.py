"""The backend's base: accounts (tenants), the indexes derived from their state, lookups and pages.

The resource parts (backend_numbers, backend_agents, backend_calls) build on it; backend.py
puts them together.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from ...core.backend import Backend
from ...core.ordering import CreationIndex
from .errors import AgentNotFound, ConversationNotFound, PhoneNumberNotFound, VoiceosError
from .models import new_account_state
from .state import COLLECTIONS, Agent, Collection, Conversation, PhoneNumber, TenantState

if TYPE_CHECKING:
    from ...core.provider import Provider
    from .fixtures import VoiceosSettings

RecordT = TypeVar("RecordT", PhoneNumber, Agent, Conversation)


class AccountBackend(Backend[TenantState]):
    """Owns the accounts' state and what is derived from it: which account a key opens, who holds
    or keeps each number, and each collection's creation order (for pages)."""

    def __init__(self, provider: "Provider[Any, Any]") -> None:
        super().__init__(provider)
        self.key_tenants: dict[str, str] = {}
        self.number_owner: dict[str, str] = {}
        self.retained_owner: dict[str, str] = {}
        self.orders: dict[tuple[str, Collection], CreationIndex] = {}

    @property
    def settings(self) -> "VoiceosSettings":
        return self.provider.settings

    # --- derived indexes -----------------------------------------------------------------------

    def rebuild(self) -> None:
        self.key_tenants.clear()
        self.number_owner.clear()
        self.retained_owner.clear()
        self.orders.clear()
        for tenant, state in self.store.items():
            self._index(tenant, state)  # type: ignore[arg-type]

    def _index(self, tenant: str, state: TenantState) -> None:
        """Everything derived from one account's state."""
        for key in state["api_keys"]:
            self.key_tenants[key] = tenant
        for number in state["numbers"]:
            self.number_owner[number] = tenant
        for number in state["retained"]:
            self.retained_owner[number] = tenant
        for collection in COLLECTIONS:
            records = state[collection].items()
            self.orders[(tenant, collection)] = CreationIndex((r["created_us"], k) for k, r in records)

    # --- accounts ------------------------------------------------------------------------------

    def add_account(self, tenant: str, state: TenantState) -> None:
        """A new account (a fixture's, or an auto tenant): stored, marked, and indexed."""
        self.store.add(tenant, state)  # type: ignore[arg-type]
        self._index(tenant, state)

    def tenant_of_key(self, key: str) -> str | None:
        return self.key_tenants.get(key)

    def create_auto_tenant(self, key: str) -> str | None:
        """An empty account named after an unknown key, which opens it (any key, even one a fixture would refuse).

        None when a tenant already has that name: the key is refused rather than replace that account.
        """
        if key in self.store:
            return None
        state = new_account_state()
        state["api_keys"].append(key)
        self.add_account(key, state)
        return key

    # --- lookups -------------------------------------------------------------------------------

    def number(self, tenant: str, e164: str) -> PhoneNumber:
        """The account's own number; another account's is as absent as a missing one (404)."""
        return self._find(self.tenant(tenant)["numbers"], e164, PhoneNumberNotFound)

    def agent(self, tenant: str, agent_id: str) -> Agent:
        return self._find(self.tenant(tenant)["agents"], agent_id, AgentNotFound)

    def conversation(self, tenant: str, conversation_id: str) -> Conversation:
        return self._find(self.tenant(tenant)["conversations"], conversation_id, ConversationNotFound)

    @staticmethod
    def _find(records: dict[str, RecordT], key: str, missing: type[VoiceosError]) -> RecordT:
        record = records.get(key)
        if record is None:
            raise missing()
        return record

    def is_taken(self, e164: str) -> bool:
        """Held by an account, or kept by one after deleting it without release."""
        return e164 in self.number_owner or e164 in self.retained_owner

    # --- pages ---------------------------------------------------------------------------------

    def page(
        self,
        tenant: str,
        collection: Collection,
        *,
        index: int,
        limit: int,
        after_us: int | None,
        before_us: int | None,
        keep: Callable[[Any], bool] | None = None,
    ) -> tuple[list[Any], bool]:
        """Page `index` of the account's collection within the creation-time bounds, and whether more follow."""
        records: dict[str, Any] = self.tenant(tenant)[collection]
        order = self.orders[(tenant, collection)]
        newest_first = self.settings.list_order == "newest_first"
        if keep is None:
            ids, has_more = order.numbered_page(
                index=index, limit=limit, after_us=after_us, before_us=before_us, newest_first=newest_first
            )
        else:
            # A field filter pages over the matching ids: the whole window is read once.
            every, _ = order.numbered_page(
                index=1, limit=max(len(order), 1), after_us=after_us, before_us=before_us, newest_first=newest_first
            )
            matching = [item_id for item_id in every if keep(records[item_id])]
            start = (index - 1) * limit
            ids, has_more = matching[start : start + limit], len(matching) > start + limit
        return [records[item_id] for item_id in ids], has_more

    # --- changes shared by the resources -------------------------------------------------------

    def _insert(self, tenant: str, collection: Collection, key: str, record: Any) -> None:
        """A new record in the account's collection, and in its creation order."""
        state = self.changing(tenant)
        state[collection][key] = record
        self.orders[(tenant, collection)].add(record["created_us"], key)

    def _remove(self, tenant: str, collection: Collection, key: str) -> None:
        """A record out of the account's collection, and out of its creation order."""
        record = self.changing(tenant)[collection].pop(key)
        self.orders[(tenant, collection)].discard(record["created_us"], key)
