"""Flow handlers: `/flows`, full-replace PUT, validated actions, soft delete."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .actions import normalize_actions
from .auth import Caller
from .backend_flows import FlowFields
from .binding import read_body, string_field, uuid_field
from .common import list_page, manager, owned_with_body, path_item_answer
from .models import NIL_UUID, render_flow

if TYPE_CHECKING:
    from .provider import VoipbinProvider


def flow_fields(provider: "VoipbinProvider", body: dict[str, Any], caller: Caller) -> FlowFields:
    """The body's fields, then `on_complete_flow_id`, which must name a live flow the caller may use."""
    fields: FlowFields = {
        "name": string_field(body, "name"),
        "detail": string_field(body, "detail"),
        "actions": normalize_actions(body.get("actions")),
        "on_complete_flow_id": uuid_field(body, "on_complete_flow_id"),
    }
    if fields["on_complete_flow_id"] != NIL_UUID:
        provider.backend.flows.live(caller.tenant, fields["on_complete_flow_id"])
    return fields


async def flows_create(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    fields = flow_fields(provider, await read_body(request), caller)
    flow = provider.backend.flows.create(caller.tenant, fields)
    return json_response(render_flow(flow, provider.profile))


async def flows_list(provider: "VoipbinProvider", request: Request) -> Response:
    return list_page(provider, request, provider.backend.flows, render_flow)


async def flows_get(provider: "VoipbinProvider", request: Request) -> Response:
    return path_item_answer(provider, request, provider.backend.flows, render_flow)


async def flows_update(provider: "VoipbinProvider", request: Request) -> Response:
    """Full replace of name, detail, actions and on_complete_flow_id."""
    flows = provider.backend.flows
    caller, flow, body = await owned_with_body(provider, request, flows)
    flows.replace(flow, flow_fields(provider, body, caller))
    return json_response(render_flow(flow, provider.profile))


async def flows_delete(provider: "VoipbinProvider", request: Request) -> Response:
    flows = provider.backend.flows
    return path_item_answer(provider, request, flows, render_flow, flows.delete)


async def flows_regenerate_direct_hash(provider: "VoipbinProvider", request: Request) -> Response:
    flows = provider.backend.flows
    return path_item_answer(provider, request, flows, render_flow, flows.regenerate_direct_hash)
