"""Activeflows: a flow (stored or inline) started through the API, then stopped or deleted."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .common import list_page, lookup, manager, owned, read_body, string_field, uuid_field
from .errors import fail
from .events import activeflow_event
from .flows import actions_from
from .models import NIL_UUID, WEBHOOK_METHODS, parse_uuid, render_activeflow

if TYPE_CHECKING:
    from .provider import VoipbinProvider

MAX_VARIABLES = 100
MAX_VARIABLES_BYTES = 64 * 1024
MAX_VARIABLE_BYTES = 32 * 1024
# Before execution reaches a real action, current_action is the reserved start marker (no type).
START_ACTION = {"id": "00000000-0000-0000-0000-000000000001", "next_id": NIL_UUID, "type": ""}


def variables_from(request: Request, raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        fail(request, "INVALID_ARGUMENT", "INVALID_VARIABLES", "variables must map strings to strings")
    kept = {k: v for k, v in raw.items() if not k.startswith("voipbin.")}
    if len(kept) > MAX_VARIABLES:
        fail(request, "INVALID_ARGUMENT", "INVALID_VARIABLES", f"at most {MAX_VARIABLES} variables are allowed")
    sizes = [len(k.encode()) + len(v.encode()) for k, v in kept.items()]
    if any(len(v.encode()) > MAX_VARIABLE_BYTES for v in kept.values()):
        fail(request, "INVALID_ARGUMENT", "INVALID_VARIABLES", "a variable value may be at most 32 KB")
    if sum(sizes) > MAX_VARIABLES_BYTES:
        fail(request, "INVALID_ARGUMENT", "INVALID_VARIABLES", "variables may total at most 64 KB")
    return kept


def absolute_http_url(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def webhook_from(request: Request, body: dict[str, Any]) -> tuple[str, str]:
    uri = string_field(request, body, "webhook_uri")
    method = string_field(request, body, "webhook_method")
    if uri and not absolute_http_url(uri):
        fail(request, "INVALID_ARGUMENT", "INVALID_WEBHOOK_URI", "webhook_uri must be a valid http or https URL")
    if method and method not in WEBHOOK_METHODS:
        fail(request, "INVALID_ARGUMENT", "INVALID_WEBHOOK_METHOD", "webhook_method must be one of POST, GET, PUT or DELETE")
    return uri, method


async def activeflows_create(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    body = await read_body(request)
    requested_id = string_field(request, body, "id")
    activeflow_id = parse_uuid(requested_id) if requested_id else None
    if requested_id and activeflow_id is None:
        fail(request, "INVALID_ARGUMENT", "INVALID_ID")
    if activeflow_id is not None and activeflow_id in provider.owners:
        fail(request, "ALREADY_EXISTS", "ALREADY_EXISTS", "An activeflow with this id already exists.")
    flow_id = uuid_field(request, body, "flow_id")
    inline = actions_from(request, body.get("actions"))
    variables = variables_from(request, body.get("variables"))
    webhook_uri, webhook_method = webhook_from(request, body)
    if flow_id != NIL_UUID:
        flow = lookup(provider, request, caller, "flows", flow_id, "FLOW_NOT_FOUND")
        actions, on_complete = flow["actions"], flow["on_complete_flow_id"]
    elif inline:
        flow_id, actions, on_complete = str(uuid.uuid4()), inline, NIL_UUID
    else:
        fail(request, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "flow_id or actions is required.")
    now = provider.clock.stamp_us()
    activeflow = {
        "id": activeflow_id or str(uuid.uuid4()),
        "customer_id": caller.customer_id,
        "flow_id": flow_id,
        "status": "running" if actions else "ended",
        "reference_type": "api",
        "reference_id": NIL_UUID,
        "reference_activeflow_id": NIL_UUID,
        "on_complete_flow_id": on_complete,
        "webhook_uri": webhook_uri,
        "webhook_method": webhook_method,
        "current_action": dict(actions[0]) if actions else dict(START_ACTION),
        "forward_action_id": NIL_UUID,
        "executed_actions": [],
        "actions": actions,
        "variables": variables,
        "tm_create": now,
        "tm_update": None if actions else now,
        "tm_delete": None,
    }
    provider.add_item(caller.tenant, "activeflows", activeflow)
    data, _ = activeflow_event(provider, "activeflow_created", activeflow)
    return json_response(data)


async def activeflows_list(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    return list_page(provider, request, caller, "activeflows", lambda a: render_activeflow(a, provider.profile))


async def activeflows_get(provider: "VoipbinProvider", request: Request) -> Response:
    caller, activeflow = owned(provider, request, "activeflows", "ACTIVEFLOW_NOT_FOUND")
    return json_response(render_activeflow(activeflow, provider.profile))


async def activeflows_stop(provider: "VoipbinProvider", request: Request) -> Response:
    """Idempotent: stopping an ended activeflow changes nothing and still answers 200."""
    caller, activeflow = owned(provider, request, "activeflows", "ACTIVEFLOW_NOT_FOUND")
    if activeflow["status"] != "ended":
        activeflow["status"] = "ended"
        activeflow["tm_update"] = provider.clock.stamp_us()
        data, _ = activeflow_event(provider, "activeflow_updated", activeflow)
        return json_response(data)
    return json_response(render_activeflow(activeflow, provider.profile))


async def activeflows_delete(provider: "VoipbinProvider", request: Request) -> Response:
    """The service answers 200 with the deleted activeflow (its own spec says 204).

    A running activeflow is stopped first, which sends `activeflow_updated` before `activeflow_deleted`.
    """
    caller, activeflow = owned(provider, request, "activeflows", "ACTIVEFLOW_NOT_FOUND")
    if activeflow["status"] != "ended":
        activeflow.update(status="ended", tm_update=provider.clock.stamp_us())
        activeflow_event(provider, "activeflow_updated", activeflow)
    now = provider.clock.stamp_us()
    activeflow.update(tm_update=now, tm_delete=now)
    data, _ = activeflow_event(provider, "activeflow_deleted", activeflow)
    return json_response(data)
