"""Flow handlers: `/flows`, full-replace PUT, validated actions, soft delete."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, json_response
from .actions import normalize_actions
from .auth import Caller
from .backend_flows import FlowFields
from .binding import read_body, string_field, uuid_field
from .common import list_page, manager, owned
from .models import NIL_UUID, render_flow
from .state import Flow

if TYPE_CHECKING:
    from .provider import VoipbinProvider


def rendered(provider: "VoipbinProvider", flow: Flow) -> Response:
    return json_response(render_flow(flow, provider.profile))


async def flow_fields(provider: "VoipbinProvider", request: Request, caller: Caller) -> FlowFields:
    """The body, then `on_complete_flow_id`, which must name a live flow the caller may use."""
    body = await read_body(request)
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
    fields = await flow_fields(provider, request, caller)
    return rendered(provider, provider.backend.flows.create(caller.tenant, fields))


async def flows_list(provider: "VoipbinProvider", request: Request) -> Response:
    return list_page(provider, request, provider.backend.flows, render_flow)


async def flows_get(provider: "VoipbinProvider", request: Request) -> Response:
    _, flow = owned(provider, request, provider.backend.flows)
    return rendered(provider, flow)


async def flows_update(provider: "VoipbinProvider", request: Request) -> Response:
    await buffer_body(request)
    flows = provider.backend.flows
    caller, flow = owned(provider, request, flows)
    fields = await flow_fields(provider, request, caller)
    return rendered(provider, flows.replace(flow, fields))


async def flows_delete(provider: "VoipbinProvider", request: Request) -> Response:
    flows = provider.backend.flows
    _, flow = owned(provider, request, flows)
    return rendered(provider, flows.delete(flow))


async def flows_regenerate_direct_hash(provider: "VoipbinProvider", request: Request) -> Response:
    flows = provider.backend.flows
    _, flow = owned(provider, request, flows)
    return rendered(provider, flows.regenerate_direct_hash(flow))
