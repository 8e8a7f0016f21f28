"""VoIPBIN authentication: five credential places in a fixed order, JWT logins, access keys."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...core.clock import MICROS
from ...core.provider import Caller as BaseCaller
from ...core.provider_app import set_tenant
from .errors import AccountFrozen, AuthenticationRequired, InvalidCredentials, PermissionDenied
from .state import TenantState
from .timefmt import go_rfc3339

if TYPE_CHECKING:
    from .provider import VoipbinProvider

# A fixed key keeps issued tokens valid across restarts with a state file; it guards nothing real.
JWT_KEY = "telemock-voipbin-jwt-signing-key-0001"
JWT_ALGORITHM = "HS256"
MANAGING_PERMISSIONS = {"admin", "manager"}


@dataclass
class Caller(BaseCaller):
    """The customer a request acts for, how it authenticated, and with which permission."""

    state: TenantState  # type: ignore[assignment]
    kind: str  # "accesskey" or "agent"
    permission: str  # "admin", "manager" or "agent"


def find_credential(request: Request) -> tuple[str, str] | None:
    """The first non-empty credential in VoIPBIN's order: cookie, query, header JWT, then access keys."""
    cookies, query = request.cookies, request.query_params
    value = cookies.get("token") or query.get("token") or bearer(request)
    if value:
        return "jwt", value
    value = cookies.get("accesskey") or query.get("accesskey")
    return ("accesskey", value) if value else None


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    return header[len("Bearer "):] if header.startswith("Bearer ") else None


def issue_token(provider: "VoipbinProvider", tenant: str, username: str) -> str:
    import jwt  # loaded on the first login, not at start-up

    now = provider.clock.now_us() // MICROS
    claims = {
        "tenant": tenant,
        "customer_id": provider.backend.tenant(tenant)["customer"]["id"],
        "username": username,
        "type": "agent",
        "iat": now,
        "exp": now + provider.settings.token_lifetime_seconds,
    }
    return jwt.encode(claims, JWT_KEY, algorithm=JWT_ALGORITHM)


def caller_from_jwt(provider: "VoipbinProvider", token: str) -> Caller:
    import jwt

    try:
        # Times are judged below on the virtual clock, which may stand anywhere relative to the wall clock.
        no_wall_clock = {"verify_exp": False, "verify_iat": False, "verify_nbf": False}
        claims = jwt.decode(token, JWT_KEY, algorithms=[JWT_ALGORITHM], options=no_wall_clock)
    except jwt.PyJWTError:
        raise InvalidCredentials() from None
    tenant, username, exp = claims.get("tenant"), claims.get("username"), claims.get("exp")
    state = provider.backend.state_of(tenant)
    if (
        not isinstance(tenant, str)
        or state is None
        or state["customer"]["id"] != claims.get("customer_id")
        or not isinstance(exp, int)
        or exp * MICROS <= provider.clock.now_us()
    ):
        raise InvalidCredentials()
    user = state["users"].get(username) if isinstance(username, str) else None
    if user is None:
        raise InvalidCredentials()
    return Caller(tenant, state, "agent", user["permission"])


def caller_from_accesskey(provider: "VoipbinProvider", key: str) -> Caller:
    backend = provider.backend
    tenant = backend.tenant_of_accesskey(key)
    if tenant is None and provider.runtime.config.auto_tenants:
        tenant = backend.create_auto_tenant(key)
    state = provider.backend.state_of(tenant)
    if tenant is None or state is None:
        raise InvalidCredentials()
    expires = state["accesskeys"][key].get("expires_us")
    if expires is not None and expires <= provider.clock.now_us():
        raise InvalidCredentials()
    return Caller(tenant, state, "accesskey", "admin")


def authenticate(provider: "VoipbinProvider", request: Request) -> Caller:
    """Resolve the caller, or answer 401 (missing/invalid) or 403 (frozen account)."""
    found = find_credential(request)
    if found is None:
        raise AuthenticationRequired()
    kind, value = found
    caller = caller_from_jwt(provider, value) if kind == "jwt" else caller_from_accesskey(provider, value)
    set_tenant(request, caller.tenant)
    customer = caller.state["customer"]
    if customer.get("frozen"):
        scheduled = customer.get("deletion_scheduled_us") or provider.clock.now_us()
        raise AccountFrozen(
            details=[
                {
                    "deletion_scheduled_at": go_rfc3339(scheduled),
                    "deletion_effective_at": go_rfc3339(scheduled + 30 * 24 * 3600 * MICROS),
                    "recovery_endpoint": "DELETE /auth/unregister",
                }
            ],
        )
    return caller


def require_manager(caller: Caller) -> None:
    """Numbers, flows and activeflows need CustomerAdmin or CustomerManager."""
    if caller.permission not in MANAGING_PERMISSIONS:
        raise PermissionDenied()


async def login(provider: "VoipbinProvider", request: Request) -> Response:
    """POST /auth/login: any failure is a bare 400 with an empty body, as the service answers."""
    raw = await request.body()
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return Response(b"", status_code=400)
    if not isinstance(body, dict):
        return Response(b"", status_code=400)
    username, password = body.get("username"), body.get("password")
    if not isinstance(username, str) or not isinstance(password, str) or not username or not password:
        return Response(b"", status_code=400)
    tenant = provider.backend.tenant_of_user(username)
    state = provider.backend.state_of(tenant)
    user = state["users"].get(username) if state else None
    if tenant is None or user is None or user["password"] != password:
        return Response(b"", status_code=400)
    set_tenant(request, tenant)
    token = issue_token(provider, tenant, username)
    response = Response(
        orjson.dumps({"username": username, "token": token}), media_type="application/json"
    )
    response.set_cookie("token", token, httponly=True, secure=True, samesite="strict", path="/")
    return response
