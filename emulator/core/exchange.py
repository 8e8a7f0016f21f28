"""What one provider request carries through the layers, kept in its scope's `state`.

The layers of a provider's request path (recorder, faults, overrides, router) and its handlers
talk through a few keys of `scope["state"]`: the tenant the handler authenticated, the marks the
journal shows (fault and override ids), the resolved operation, who wants to hear about the
tenant, whether the answer has started, and how an answer that came from the real provider (the
proxy) departs from the contract. Keeping the keys and their readers here lets each layer stay
ignorant of the others.
"""

from __future__ import annotations

from typing import Any, Callable

from starlette.requests import HTTPConnection
from starlette.types import Scope

TENANT_KEY = "telemock.tenant"
MARKS_KEY = "telemock.marks"
OPERATION_KEY = "telemock.operation"
TENANT_LISTENER_KEY = "telemock.on_tenant"
STARTED_KEY = "telemock.started"
DRIFT_KEY = "telemock.drift"

TenantListener = Callable[[HTTPConnection, str], None]


def tenant_of(scope: Scope) -> str | None:
    return scope.get("state", {}).get(TENANT_KEY)


def set_tenant(conn: HTTPConnection, tenant: str) -> None:
    """Handlers call this once auth has resolved the caller, so the journal can say whose it was.

    A layer that waits for the tenant (fault rules that name one) hears of it here; if it
    answers instead of the handler, it raises a ProviderError (or drops the connection).
    """
    state = conn.scope.setdefault("state", {})
    state[TENANT_KEY] = tenant
    listener = state.pop(TENANT_LISTENER_KEY, None)
    if listener is not None:
        listener(conn, tenant)


def listen_for_tenant(scope: Scope, listener: TenantListener) -> None:
    """`listener` is called once, when the handler names the caller's tenant."""
    scope.setdefault("state", {})[TENANT_LISTENER_KEY] = listener


def mark_started(scope: Scope) -> None:
    """The recorder saw the answer start on its way to the client: no other answer may follow."""
    scope["state"][STARTED_KEY] = True


def response_started(scope: Scope) -> bool:
    """Whether an answer has started (an error can then only end the connection, not answer)."""
    return STARTED_KEY in scope["state"]


def add_mark(scope: Scope, mark: str) -> None:
    """A note for the journal entry of this request (`fault:3:latency`, `override:2`)."""
    scope.setdefault("state", {}).setdefault(MARKS_KEY, []).append(mark)


def marks_of(scope: Scope) -> list[str]:
    return list(scope["state"].get(MARKS_KEY, ()))


def add_drift(scope: Scope, violations: list[dict[str, Any]]) -> None:
    """How the answer departs from the documented contract, when the real provider gave it (the proxy):
    the journal keeps these with the request's own verdict, marked as the provider's drift."""
    scope.setdefault("state", {}).setdefault(DRIFT_KEY, []).extend(violations)


def drift_of(scope: Scope) -> list[dict[str, Any]]:
    return scope["state"].get(DRIFT_KEY, [])
