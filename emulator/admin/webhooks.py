"""Control-API handlers for webhook endpoints and the outbox of deliveries."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..core.connection import connection_of
from ..core.http import json_response
from ..core.outbox import STATUSES, Message
from .handlers import (
    AdminError,
    body_object,
    int_param,
    provider_named,
    runtime_of,
    string_field,
)

MAX_WAIT_S = 120.0
DEFAULT_WAIT_S = 10.0
ENDPOINT_FIELDS = {"provider", "tenant", "url", "secret", "events", "description", "id"}


def endpoint_view(endpoint: dict[str, Any]) -> dict[str, Any]:
    return dict(endpoint)


async def create_endpoint(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    unknown = set(body) - ENDPOINT_FIELDS
    if unknown:
        raise AdminError(400, "invalid_body", f"unknown field(s): {', '.join(sorted(unknown))}")
    provider = string_field(body, "provider", required=True)
    tenant = string_field(body, "tenant", required=True)
    provider_named(runtime, provider)
    if runtime.providers[provider].store.get(tenant) is None:  # type: ignore[index,arg-type]
        raise AdminError(404, "unknown_tenant", f"{provider} has no tenant {tenant!r}")
    if provider not in runtime.endpoints.formats:
        raise AdminError(
            400, "unsupported_provider", f"{provider} does not deliver to registered endpoints (it has its own webhook settings)"
        )
    events = body.get("events")
    if events is not None and (not isinstance(events, list) or not events):
        raise AdminError(400, "invalid_body", "'events' must be a non-empty list of event types or patterns")
    description = body.get("description", "")
    if not isinstance(description, str):
        raise AdminError(400, "invalid_body", "'description' must be a string")
    try:
        endpoint = runtime.endpoints.add(
            provider,  # type: ignore[arg-type]
            tenant,  # type: ignore[arg-type]
            body.get("url"),  # type: ignore[arg-type]
            secret=string_field(body, "secret"),
            events=events,
            endpoint_id=string_field(body, "id"),
            description=description,
        )
    except ValueError as exc:
        raise AdminError(400, "invalid_body", str(exc)) from None
    return json_response(endpoint_view(endpoint), 201)


async def list_endpoints(request: Request) -> Response:
    runtime = runtime_of(request)
    provider = request.query_params.get("provider") or None
    provider_named(runtime, provider)
    found = runtime.endpoints.query(provider, request.query_params.get("tenant") or None)
    return json_response({"endpoints": [endpoint_view(e) for e in found]})


def endpoint_or_404(request: Request) -> dict[str, Any]:
    endpoint = runtime_of(request).endpoints.get(request.path_params["endpoint_id"])
    if endpoint is None:
        raise AdminError(404, "not_found", f"no webhook endpoint {request.path_params['endpoint_id']!r}")
    return endpoint


async def get_endpoint(request: Request) -> Response:
    return json_response(endpoint_view(endpoint_or_404(request)))


async def delete_endpoint(request: Request) -> Response:
    endpoint = endpoint_or_404(request)
    runtime_of(request).endpoints.remove(endpoint["id"])
    return json_response(endpoint_view(endpoint))


def delivery_filters(request: Request) -> dict[str, str | None]:
    runtime = runtime_of(request)
    params = request.query_params
    provider = params.get("provider") or None
    provider_named(runtime, provider)
    status = params.get("status") or None
    if status is not None and status not in STATUSES:
        raise AdminError(400, "invalid_query", f"'status' must be one of {', '.join(STATUSES)}")
    return {
        "provider": provider,
        "tenant": params.get("tenant") or None,
        "event_type": params.get("type") or None,
        "status": status,
        "endpoint": params.get("endpoint") or None,
    }


async def list_deliveries(request: Request) -> Response:
    """Matching deliveries, oldest first; `wait_for=N` long-polls until N match or `timeout` passes.

    A wait also ends when the server starts to stop: the answer is then what matches so far,
    with `wait.stopped` true, so a client waiting on a stopping server is answered at once.
    """
    runtime = runtime_of(request)
    filters = delivery_filters(request)
    wait_for = int_param(request, "wait_for")
    timeout = float_param(request, "timeout", DEFAULT_WAIT_S)
    if wait_for is not None and wait_for < 0:
        raise AdminError(400, "invalid_query", "'wait_for' must not be negative")
    if not 0 <= timeout <= MAX_WAIT_S:
        raise AdminError(400, "invalid_query", f"'timeout' must be between 0 and {MAX_WAIT_S:g} seconds")
    satisfied = True
    stopping = None
    if wait_for is not None:
        connection = connection_of(request.scope)
        stopping = connection.stopping if connection is not None else None
        satisfied = await runtime.outbox.wait_until(
            lambda: len(runtime.outbox.query(**filters)) >= wait_for, timeout, interrupt=stopping
        )
    found: list[Message] = runtime.outbox.query(**filters)
    result: dict[str, Any] = {"deliveries": [m.to_dict() for m in found], "count": len(found)}
    if wait_for is not None:
        result["wait"] = {"for": wait_for, "satisfied": satisfied}
        if stopping is not None and stopping.done() and not satisfied:
            result["wait"]["stopped"] = True
    return json_response(result)


def float_param(request: Request, name: str, default: float) -> float:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return float(raw)
    except ValueError:
        raise AdminError(400, "invalid_query", f"{name!r} must be a number") from None


def delivery_or_404(request: Request) -> Message:
    message = runtime_of(request).outbox.get(request.path_params["delivery_id"])
    if message is None:
        raise AdminError(404, "not_found", f"no delivery {request.path_params['delivery_id']!r}")
    return message


async def get_delivery(request: Request) -> Response:
    return json_response(delivery_or_404(request).to_dict())


async def replay_delivery(request: Request) -> Response:
    message = delivery_or_404(request)
    try:
        runtime_of(request).outbox.replay(message.id)
    except ValueError as exc:
        raise AdminError(409, "not_finished", str(exc)) from None
    return json_response(message.to_dict(), 202)
