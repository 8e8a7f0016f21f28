"""The VoiceOS plugin: tenants are accounts, reached by bearer API key."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute

from ...core.fixtures import FixtureError
from ...core.http import GenericError
from ...core.provider import Credential, Provider
from . import errors
from . import simulate as calls
from .bodies import AgentConfiguration, agent_fields, dump_webhook
from .fixtures import AccountFixture, ConversationFixture, VoiceosFixture, VoiceosSettings
from .models import new_agent, new_conversation, new_id, new_number, to_us
from ...core.ordering import CreationIndex
from .profiles import PROFILES, VoiceosProfile

COLLECTIONS = ("numbers", "agents", "conversations")


class VoiceosProvider(Provider[VoiceosProfile, VoiceosSettings]):
    """State per tenant: `account`, `api_keys`, `numbers` (by E.164), `agents` and
    `conversations` (by id), and `retained` (numbers deleted without release, still held)."""

    name = "voiceos"
    title = "VoiceOS"
    hosts = ("api.voiceos.io",)
    profiles = PROFILES
    settings_model = VoiceosSettings
    fixture_model = VoiceosFixture

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        self.key_tenants: dict[str, str] = {}
        self.number_owner: dict[str, str] = {}
        self.retained_owner: dict[str, str] = {}
        self.orders: dict[tuple[str, str], CreationIndex] = {}

    # --- plugin contract -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        from .routes import build_routes

        return build_routes(self)

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        return errors.generic_error(conn, kind, detail)

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call: the number's webhooks choose the agent, a conversation is recorded (simulate.py)."""
        return await calls.simulate(self, kind, params)

    def demo_credentials(self) -> list[Credential]:
        found = [
            Credential(f"account {tenant} API key (Authorization: Bearer …)", key)
            for tenant, state in self.store.items()
            for key in state["api_keys"]
        ]
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for key in state["api_keys"]:
                return {"headers": {"Authorization": f"Bearer {key}"}}
        return None

    def load_tenants(self, fixture: VoiceosFixture, source: str) -> None:  # type: ignore[override]
        self.on_state_loaded()
        for position, account in enumerate(fixture.accounts):
            where = f"{source}: voiceos.accounts[{position}]"
            if account.tenant in self.store:
                raise FixtureError(f"{where}.tenant: tenant {account.tenant!r} is declared twice")
            self.store.add(account.tenant, self._account_state(account, where))
            self.on_state_loaded()

    def on_state_loaded(self) -> None:
        self.key_tenants.clear()
        self.number_owner.clear()
        self.retained_owner.clear()
        self.orders.clear()
        for tenant, state in self.store.items():
            for key in state["api_keys"]:
                self.key_tenants[key] = tenant
            for number in state["numbers"]:
                self.number_owner[number] = tenant
            for number in state["retained"]:
                self.retained_owner[number] = tenant
            for collection in COLLECTIONS:
                records = state[collection].items()
                self.orders[(tenant, collection)] = CreationIndex((r["created_us"], k) for k, r in records)
        calls.reschedule(self)

    # --- state helpers used by handlers --------------------------------------------------

    def order(self, tenant: str, collection: str) -> CreationIndex:
        return self.orders[(tenant, collection)]

    def add_item(self, tenant: str, collection: str, item: dict[str, Any], key: str | None = None) -> None:
        key = key or item["id"]
        self.store.tenants[tenant][collection][key] = item
        self.orders[(tenant, collection)].add(item["created_us"], key)

    def add_number(self, tenant: str, number: dict[str, Any]) -> None:
        """A bought number; a number the account had kept after deleting it is no longer kept."""
        e164 = number["phone_number"]
        self.add_item(tenant, "numbers", number, key=e164)
        self.number_owner[e164] = tenant
        if self.retained_owner.pop(e164, None) is not None:
            self.store.tenants[tenant]["retained"].remove(e164)

    def add_conversation(self, tenant: str, conversation: dict[str, Any]) -> None:
        """For simulated calls: a new conversation record (models.new_conversation)."""
        self.add_item(tenant, "conversations", conversation)

    def remove_number(self, tenant: str, number: dict[str, Any], *, release: bool) -> None:
        """Without release the account keeps the number at Twilio: nobody else can buy it."""
        e164 = number["phone_number"]
        state = self.store.tenants[tenant]
        del state["numbers"][e164]
        self.orders[(tenant, "numbers")].discard(number["created_us"], e164)
        self.number_owner.pop(e164, None)
        if not release:
            state["retained"].append(e164)
            self.retained_owner[e164] = tenant

    def remove_agent(self, tenant: str, agent: dict[str, Any]) -> None:
        """Numbers that use the agent are detached or left dangling (setting on_agent_delete)."""
        state = self.store.tenants[tenant]
        del state["agents"][agent["id"]]
        self.orders[(tenant, "agents")].discard(agent["created_us"], agent["id"])
        if self.settings.on_agent_delete == "detach":
            for number in state["numbers"].values():
                if number["inbound_agent_id"] == agent["id"]:
                    number["inbound_agent_id"] = None
                    number["updated_us"] = self.clock.stamp_us()

    def available(self) -> list[dict[str, Any]]:
        """Inventory numbers that no account holds or keeps, in inventory order."""
        return [
            item.model_dump()
            for item in self.settings.inventory
            if item.phone_number not in self.number_owner and item.phone_number not in self.retained_owner
        ]

    def create_auto_tenant(self, key: str) -> str:
        state = self._account_state(AccountFixture.model_validate({"tenant": key}), "auto tenant")
        state["api_keys"].append(key)  # any presented key, even one a fixture would refuse
        self.store.add(key, state)
        self.key_tenants[key] = key
        for collection in COLLECTIONS:
            self.orders[(key, collection)] = CreationIndex()
        return key

    # --- fixtures ------------------------------------------------------------------------

    def _account_state(self, account: AccountFixture, where: str) -> dict[str, Any]:
        state: dict[str, Any] = {
            "account": {"id": account.id or new_id("acc")},
            "api_keys": [],
            "numbers": {},
            "agents": {},
            "conversations": {},
            "retained": [],
        }
        for position, key in enumerate(account.api_keys):
            if key in self.key_tenants or key in state["api_keys"]:
                raise FixtureError(f"{where}.api_keys[{position}]: API key {key!r} is used twice")
            state["api_keys"].append(key)
        for position, agent in enumerate(account.agents):
            place = f"{where}.agents[{position}]"
            if agent.id in state["agents"]:
                raise FixtureError(f"{place}.id: agent {agent.id} is declared twice")
            created = self._time(agent.created_at, f"{place}.created_at")
            record = new_agent(agent_fields(agent, only_set=False), created, agent.id)
            state["agents"][record["id"]] = record
        for position, number in enumerate(account.numbers):
            place = f"{where}.numbers[{position}]"
            if number.phone_number in self.number_owner or number.phone_number in state["numbers"]:
                raise FixtureError(f"{place}.phone_number: {number.phone_number} is declared twice")
            if number.inbound_agent_id is not None and number.inbound_agent_id not in state["agents"]:
                raise FixtureError(f"{place}.inbound_agent_id: no agent {number.inbound_agent_id!r} in this account")
            created = self._time(number.created_at, f"{place}.created_at")
            record = new_number(
                phone_number=number.phone_number,
                now_us=created,
                number_id=number.id,
                inbound_agent_id=number.inbound_agent_id,
                webhooks=[dump_webhook(w) for w in number.webhooks],
                phone_number_sid=number.telephony.phone_number_sid,
                account_sid=number.telephony.account_sid,
                auth_token=number.telephony.auth_token,
                updated_us=self._time(number.updated_at, f"{place}.updated_at") if number.updated_at else created,
            )
            state["numbers"][record["phone_number"]] = record
        for position, conversation in enumerate(account.conversations):
            record = self._conversation(conversation, state, f"{where}.conversations[{position}]")
            state["conversations"][record["id"]] = record
        return state

    def _conversation(self, item: ConversationFixture, state: dict[str, Any], where: str) -> dict[str, Any]:
        if item.agent_id is not None and item.agent_id not in state["agents"]:
            raise FixtureError(f"{where}.agent_id: no agent {item.agent_id!r} in this account")
        if item.agent_config is not None:
            config = agent_fields(item.agent_config, only_set=False)
        elif item.agent_id is not None:
            config = dict(state["agents"][item.agent_id])
        else:
            config = agent_fields(AgentConfiguration(), only_set=False)
        started = self._time(item.started_at, f"{where}.started_at") if item.started_at else None
        ended = self._time(item.ended_at, f"{where}.ended_at") if item.ended_at else None
        created = self._time(item.created_at, f"{where}.created_at") if item.created_at else started
        return new_conversation(
            kind=item.type,
            status=item.status,
            agent_config={k: v for k, v in config.items() if k not in ("id", "created_us", "updated_us")},
            created_us=created if created is not None else self.clock.stamp_us(),
            agent_id=item.agent_id,
            started_us=started,
            ended_us=ended,
            messages=[m.model_dump() for m in item.messages],
            phone_call=item.phone_call.model_dump() if item.phone_call else None,
            ended_reason=item.ended_reason,
            cost_breakdown=item.cost_breakdown.model_dump() if item.cost_breakdown else None,
            conversation_id=item.id,
        )

    def _time(self, value: str | None, where: str) -> int:
        if value is None:
            return self.clock.stamp_us()
        try:
            return to_us(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError:
            raise FixtureError(f"{where}: {value!r} is not an RFC 3339 time") from None
