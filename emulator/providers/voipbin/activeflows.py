"""Activeflow handlers: a flow (stored or inline) started through the API, then stopped or deleted."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from ...core.ids import uuid4_text
from .actions import normalize_actions
from .binding import read_body, string_field, uuid_field
from .common import list_page, manager, path_item_answer
from .errors import AlreadyExists, InvalidArgument, InvalidId, InvalidVariables, InvalidWebhookMethod, InvalidWebhookUri
from .models import NIL_UUID, WEBHOOK_METHODS, parse_uuid, render_activeflow

if TYPE_CHECKING:
    from .provider import VoipbinProvider

MAX_VARIABLES = 100
MAX_VARIABLES_BYTES = 64 * 1024
MAX_VARIABLE_BYTES = 32 * 1024


def variables_from(raw: Any) -> dict[str, str]:
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise InvalidVariables("variables must map strings to strings")
    kept = {k: v for k, v in raw.items() if not k.startswith("voipbin.")}
    if len(kept) > MAX_VARIABLES:
        raise InvalidVariables(f"at most {MAX_VARIABLES} variables are allowed")
    sizes = [len(k.encode()) + len(v.encode()) for k, v in kept.items()]
    if any(len(v.encode()) > MAX_VARIABLE_BYTES for v in kept.values()):
        raise InvalidVariables("a variable value may be at most 32 KB")
    if sum(sizes) > MAX_VARIABLES_BYTES:
        raise InvalidVariables("variables may total at most 64 KB")
    return kept


def absolute_http_url(uri: str) -> bool:
    try:
        parts = urlsplit(uri)
    except ValueError:  # e.g. an unbalanced IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def webhook_from(body: dict[str, Any]) -> tuple[str, str]:
    """`webhook_uri` (absolute http(s) or empty) and `webhook_method` (the documented enum or empty)."""
    uri = string_field(body, "webhook_uri")
    method = string_field(body, "webhook_method")
    if uri and not absolute_http_url(uri):
        raise InvalidWebhookUri()
    if method and method not in WEBHOOK_METHODS:
        raise InvalidWebhookMethod()
    return uri, method


async def activeflows_create(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    backend = provider.backend
    body = await read_body(request)
    requested_id = string_field(body, "id")
    activeflow_id = parse_uuid(requested_id) if requested_id else None
    if requested_id and activeflow_id is None:
        raise InvalidId()
    if activeflow_id is not None and backend.owner_of(activeflow_id) is not None:
        raise backend.untyped(AlreadyExists("An activeflow with this id already exists."))
    flow_id = uuid_field(body, "flow_id")
    inline = normalize_actions(body.get("actions"))
    variables = variables_from(body.get("variables"))
    webhook_uri, webhook_method = webhook_from(body)
    if flow_id != NIL_UUID:
        flow = backend.flows.live(caller.tenant, flow_id)
        actions, on_complete = flow["actions"], flow["on_complete_flow_id"]
    elif inline:
        flow_id, actions, on_complete = uuid4_text(), inline, NIL_UUID
    else:
        raise InvalidArgument("flow_id or actions is required.")
    activeflow = backend.activeflows.start(
        caller.tenant,
        activeflow_id=activeflow_id,
        flow_id=flow_id,
        actions=actions,
        on_complete_flow_id=on_complete,
        variables=variables,
        webhook_uri=webhook_uri,
        webhook_method=webhook_method,
    )
    return json_response(render_activeflow(activeflow, provider.profile))


async def activeflows_list(provider: "VoipbinProvider", request: Request) -> Response:
    return list_page(provider, request, provider.backend.activeflows, render_activeflow)


async def activeflows_get(provider: "VoipbinProvider", request: Request) -> Response:
    return path_item_answer(provider, request, provider.backend.activeflows, render_activeflow)


async def activeflows_stop(provider: "VoipbinProvider", request: Request) -> Response:
    """Idempotent: stopping an ended activeflow changes nothing and still answers 200."""
    activeflows = provider.backend.activeflows
    return path_item_answer(provider, request, activeflows, render_activeflow, activeflows.stop)


async def activeflows_delete(provider: "VoipbinProvider", request: Request) -> Response:
    """The service answers 200 with the deleted activeflow (its own spec says 204)."""
    activeflows = provider.backend.activeflows
    return path_item_answer(provider, request, activeflows, render_activeflow, activeflows.delete)
