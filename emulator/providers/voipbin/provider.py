"""The VoIPBIN plugin: tenants are customers, reached by access key or login token."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from starlette.middleware.cors import CORSMiddleware
from starlette.requests import HTTPConnection
from starlette.responses import Response
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...core.clock import from_datetime
from ...core.fixtures import FixtureError
from ...core.http import GenericError
from ...core.ordering import CreationIndex
from ...core.provider import Credential, Provider
from . import errors
from .fixtures import CustomerFixture, VoipbinFixture, VoipbinSettings
from .models import NIL_UUID, lenient_uuid, new_flow, new_number
from .profiles import PROFILES, VoipbinProfile

COLLECTIONS = ("numbers", "flows", "activeflows")
REQUEST_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


class VoipbinProvider(Provider[VoipbinProfile, VoipbinSettings]):
    name = "voipbin"
    title = "VoIPBIN"
    hosts = ("api.voipbin.net",)
    profiles = PROFILES
    settings_model = VoipbinSettings
    fixture_model = VoipbinFixture

    def __init__(self, runtime: Any) -> None:
        super().__init__(runtime)
        self.accesskey_tenants: dict[str, str] = {}
        self.user_tenants: dict[str, str] = {}
        self.owners: dict[str, str] = {}
        self.active_numbers: dict[str, tuple[str, str]] = {}
        self.indexes: dict[tuple[str, str], CreationIndex] = {}

    # --- plugin contract -----------------------------------------------------------------

    def routes(self) -> list[BaseRoute]:
        from .routes import build_routes

        return build_routes(self)

    def generic_error(self, conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
        return errors.generic_error(conn, kind, detail)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        """Every response carries X-Request-Id; CORS is open to all origins, as the service's is."""
        return CORSMiddleware(
            RequestIdMiddleware(app),
            allow_origins=["*"],
            allow_methods=["POST", "GET", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"],
            allow_headers=["*"],
            expose_headers=["X-Request-Id"],
        )

    def demo_credentials(self) -> list[Credential]:
        found = []
        for tenant, state in self.store.items():
            for key in state["accesskeys"]:
                found.append(Credential(f"tenant {tenant} access key (?accesskey=)", key))
            for username, user in state["users"].items():
                found.append(Credential(f"tenant {tenant} login (POST /voipbin/auth/login)", f"{username} / {user['password']}"))
        return found[:4]

    def demo_auth(self) -> dict[str, Any] | None:
        for state in self.store.tenants.values():
            for key in state["accesskeys"]:
                return {"params": {"accesskey": key}}
        return None

    def load_tenants(self, fixture: VoipbinFixture, source: str) -> None:  # type: ignore[override]
        for position, customer in enumerate(fixture.customers):
            where = f"{source}: voipbin.customers[{position}]"
            if customer.tenant in self.store:
                raise FixtureError(f"{where}.tenant: tenant {customer.tenant!r} is declared twice")
            self.store.add(customer.tenant, self._customer_state(customer, where))
        self.on_state_loaded()

    def on_state_loaded(self) -> None:
        self.accesskey_tenants.clear()
        self.user_tenants.clear()
        self.owners.clear()
        self.active_numbers.clear()
        self.indexes.clear()
        for tenant, state in self.store.items():
            for key in state["accesskeys"]:
                self.accesskey_tenants[key] = tenant
            for username in state["users"]:
                self.user_tenants[username] = tenant
            for collection in COLLECTIONS:
                items = state[collection]
                self.indexes[(tenant, collection)] = CreationIndex((i["tm_create"], i["id"]) for i in items.values())
                for item_id in items:
                    self.owners[item_id] = tenant
            for number in state["numbers"].values():
                if number["tm_delete"] is None:
                    self.active_numbers[number["number"]] = (tenant, number["id"])

    def transition(self, tenant: str, resource: str, resource_id: str, to: str) -> dict[str, Any]:
        """Moves a number between active, purchase-pending and suspended (the documented statuses)."""
        state = self.store.get(tenant)
        if state is None:
            raise LookupError(f"voipbin has no tenant {tenant!r}")
        if resource != "number":
            raise LookupError(f"voipbin resources with a lifecycle: number (not {resource!r})")
        number = state["numbers"].get(resource_id)
        if number is None:
            raise LookupError(f"tenant {tenant!r} has no number {resource_id!r}")
        if number["tm_delete"] is not None:
            raise ValueError("the number is deleted")
        if to not in ("active", "purchase-pending", "suspended"):
            raise ValueError(f"cannot move a number to {to!r}; choose active, purchase-pending or suspended")
        number["status"] = to
        number["active_at"] = None
        number["tm_update"] = self.clock.stamp_us()
        from .models import render_number

        return render_number(number, self.profile)

    def webhook_format(self, event: str | None = None) -> Any:
        """Every VoIPBIN webhook is `{type, data}` signed with X-VoIPBIN-Signature."""
        from .events import FORMAT

        return FORMAT

    def webhook_formats(self) -> list[Any]:
        """The `{type, data}` + X-VoIPBIN-Signature format, so deliveries restored from a state file resume."""
        from .events import FORMAT

        return [FORMAT]

    async def simulate(self, kind: str, params: dict[str, Any]) -> dict[str, Any]:
        """An inbound call or message runs the number's call or message flow as an activeflow."""
        from .simulate import simulate

        return simulate(self, kind, params)

    # --- state helpers used by handlers --------------------------------------------------

    def add_item(self, tenant: str, collection: str, item: dict[str, Any]) -> None:
        self.store.tenants[tenant][collection][item["id"]] = item
        self.owners[item["id"]] = tenant
        self.indexes[(tenant, collection)].add(item["tm_create"], item["id"])

    def index(self, tenant: str, collection: str) -> CreationIndex:
        return self.indexes[(tenant, collection)]

    def settle(self, number: dict[str, Any]) -> dict[str, Any]:
        """Applies a due purchase-pending → active change, evaluated lazily on the virtual clock."""
        active_at = number.get("active_at")
        if active_at is not None and number["status"] == "purchase-pending" and self.clock.now_us() >= active_at:
            number["status"] = "active"
            number["tm_update"] = active_at
            number["active_at"] = None
        return number

    def create_auto_tenant(self, accesskey: str) -> str:
        customer = CustomerFixture(tenant=accesskey, accesskeys=[{"key": accesskey}])  # type: ignore[list-item]
        self.store.add(accesskey, self._customer_state(customer, "auto tenant"))
        self.accesskey_tenants[accesskey] = accesskey
        for collection in COLLECTIONS:
            self.indexes[(accesskey, collection)] = CreationIndex()
        return accesskey

    def _customer_state(self, customer: CustomerFixture, where: str) -> dict[str, Any]:
        customer_id = lenient_uuid(customer.id) if customer.id else str(uuid.uuid4())
        if customer.id and customer_id == NIL_UUID:
            raise FixtureError(f"{where}.id: {customer.id!r} is not a UUID")
        state: dict[str, Any] = {
            "customer": {
                "id": customer_id,
                "name": customer.name,
                "plan": customer.plan,
                "identity_verified": customer.identity_verified,
                "balance": customer.balance,
                "frozen": customer.frozen,
                "deletion_scheduled_us": None,
                "webhook_uri": customer.webhook_uri,
                "webhook_method": customer.webhook_method,
                "webhook_secret": customer.webhook_secret,
                "tm_create": self.clock.now_us(),
                "tm_update": None,
            },
            "accesskeys": {},
            "users": {},
            "numbers": {},
            "flows": {},
            "activeflows": {},
        }
        for position, key in enumerate(customer.accesskeys):
            if key.key in self.accesskey_tenants or key.key in state["accesskeys"]:
                raise FixtureError(f"{where}.accesskeys[{position}].key: access key {key.key!r} is used twice")
            state["accesskeys"][key.key] = {"expires_us": self._parse_time(key.expires, f"{where}.accesskeys[{position}].expires")}
            self.accesskey_tenants[key.key] = customer.tenant
        for position, user in enumerate(customer.users):
            if user.username in self.user_tenants or user.username in state["users"]:
                raise FixtureError(f"{where}.users[{position}].username: {user.username!r} is used twice")
            state["users"][user.username] = {"password": user.password, "permission": user.permission}
            self.user_tenants[user.username] = customer.tenant
        flow_ids_by_name: dict[str, str] = {}
        for position, flow in enumerate(customer.flows):
            from .actions import normalize_actions

            try:
                actions = normalize_actions([a.model_dump(exclude_none=True) for a in flow.actions])
            except ValueError as exc:
                raise FixtureError(f"{where}.flows[{position}].actions: {exc}") from None
            record = new_flow(
                customer_id=customer_id,
                name=flow.name,
                detail=flow.detail,
                actions=actions,
                on_complete_flow_id=NIL_UUID,
                now_us=self.clock.stamp_us(),
                flow_id=self._fixture_uuid(flow.id, f"{where}.flows[{position}].id"),
            )
            state["flows"][record["id"]] = record
            if flow.name:
                flow_ids_by_name[flow.name] = record["id"]
        for position, flow in enumerate(customer.flows):
            if flow.on_complete_flow_id:
                target = self._flow_reference(flow.on_complete_flow_id, state, flow_ids_by_name, f"{where}.flows[{position}].on_complete_flow_id")
                list(state["flows"].values())[position]["on_complete_flow_id"] = target
        seen_numbers: set[str] = set()
        for position, number in enumerate(customer.numbers):
            place = f"{where}.numbers[{position}]"
            if number.number in self.active_numbers or number.number in seen_numbers or any(
                number.number in {n["number"] for n in s["numbers"].values()} for _, s in self.store.items()
            ):
                raise FixtureError(f"{place}.number: {number.number} is declared twice")
            seen_numbers.add(number.number)
            if number.type == "virtual" and not number.number.startswith("+899"):
                raise FixtureError(f"{place}.number: a virtual number starts with +899")
            record = new_number(
                customer_id=customer_id,
                number=number.number,
                kind=number.type,
                status=number.status,
                now_us=self.clock.stamp_us(),
                call_flow_id=self._flow_reference(number.call_flow, state, flow_ids_by_name, f"{place}.call_flow"),
                message_flow_id=self._flow_reference(number.message_flow, state, flow_ids_by_name, f"{place}.message_flow"),
                name=number.name,
                detail=number.detail,
                t38_enabled=number.t38_enabled,
                emergency_enabled=number.emergency_enabled,
                rtp_debug=number.rtp_debug,
                number_id=self._fixture_uuid(number.id, f"{place}.id"),
            )
            state["numbers"][record["id"]] = record
        return state

    @staticmethod
    def _fixture_uuid(value: str | None, where: str) -> str | None:
        if value is None:
            return None
        parsed = lenient_uuid(value)
        if parsed == NIL_UUID:
            raise FixtureError(f"{where}: {value!r} is not a UUID")
        return parsed

    @staticmethod
    def _flow_reference(value: str | None, state: dict[str, Any], by_name: dict[str, str], where: str) -> str:
        if not value:
            return NIL_UUID
        if value in by_name:
            return by_name[value]
        parsed = lenient_uuid(value)
        if parsed in state["flows"]:
            return parsed
        raise FixtureError(f"{where}: no flow named or with id {value!r} in this customer")

    @staticmethod
    def _parse_time(value: str | None, where: str) -> int | None:
        if value is None:
            return None
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise FixtureError(f"{where}: {value!r} is not an RFC 3339 time") from None
        return from_datetime(moment)


class RequestIdMiddleware:
    """Echoes a well-formed X-Request-Id (≤64 of [A-Za-z0-9_-]) or makes one, on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        given = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                given = value.decode("latin-1")
                break
        if given and len(given) <= 64 and REQUEST_ID_CHARS.issuperset(given):
            state[errors.REQUEST_ID_STATE] = given
        rid_holder = state

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                rid = rid_holder.get(errors.REQUEST_ID_STATE) or errors.new_request_id()
                rid_holder[errors.REQUEST_ID_STATE] = rid
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
