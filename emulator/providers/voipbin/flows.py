"""Flows: full-replace PUT, validated actions, and the cleanup of numbers when a flow goes."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, json_response
from .actions import (
    InvalidActionType,
    InvalidAnonymous,
    MalformedAction,
    normalize_actions,
)
from .auth import Caller
from .common import (
    list_page,
    lookup,
    manager,
    owned,
    read_body,
    string_field,
    uuid_field,
)
from .errors import fail, fail_untyped
from .models import NIL_UUID, new_flow, render_flow

if TYPE_CHECKING:
    from .provider import VoipbinProvider

MAX_FLOWS_PER_CUSTOMER = 10_000


def actions_from(request: Request, raw: Any) -> list[dict[str, Any]]:
    try:
        return normalize_actions(raw)
    except InvalidActionType as exc:
        fail(request, "INVALID_ARGUMENT", "INVALID_ACTION_TYPE", str(exc))
    except InvalidAnonymous as exc:
        fail(request, "INVALID_ARGUMENT", "INVALID_ANONYMOUS_VALUE", str(exc))
    except MalformedAction:
        fail(request, "INVALID_ARGUMENT", "INVALID_JSON_BODY")


def on_complete_target(provider: "VoipbinProvider", request: Request, caller: Caller, flow_id: str) -> str:
    if flow_id != NIL_UUID:
        lookup(provider, request, caller, "flows", flow_id, "FLOW_NOT_FOUND")
    return flow_id


async def flow_fields(provider: "VoipbinProvider", request: Request, caller: Caller) -> dict[str, Any]:
    body = await read_body(request)
    fields = {
        "name": string_field(request, body, "name"),
        "detail": string_field(request, body, "detail"),
        "actions": actions_from(request, body.get("actions")),
        "on_complete_flow_id": uuid_field(request, body, "on_complete_flow_id"),
    }
    on_complete_target(provider, request, caller, fields["on_complete_flow_id"])
    return fields


def live_flows(caller: Caller) -> int:
    return sum(1 for f in caller.state["flows"].values() if f["tm_delete"] is None)


async def flows_create(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    fields = await flow_fields(provider, request, caller)
    if live_flows(caller) >= MAX_FLOWS_PER_CUSTOMER:
        fail_untyped(
            request, provider.profile.untyped_errors_as_internal, "FAILED_PRECONDITION",
            "RESOURCE_LIMIT_EXCEEDED", f"a customer can keep at most {MAX_FLOWS_PER_CUSTOMER} flows",
        )
    flow = new_flow(customer_id=caller.customer_id, now_us=provider.clock.stamp_us(), **fields)
    provider.add_item(caller.tenant, "flows", flow)
    return json_response(render_flow(flow, provider.profile))


async def flows_list(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    return list_page(
        provider, request, caller, "flows",
        lambda f: render_flow(f, provider.profile), keep=lambda f: f["type"] == "flow",
    )


async def flows_get(provider: "VoipbinProvider", request: Request) -> Response:
    caller, flow = owned(provider, request, "flows", "FLOW_NOT_FOUND")
    return json_response(render_flow(flow, provider.profile))


async def flows_update(provider: "VoipbinProvider", request: Request) -> Response:
    await buffer_body(request)
    caller, flow = owned(provider, request, "flows", "FLOW_NOT_FOUND")
    fields = await flow_fields(provider, request, caller)
    flow.update(fields)
    flow["tm_update"] = provider.clock.stamp_us()
    return json_response(render_flow(flow, provider.profile))


async def flows_delete(provider: "VoipbinProvider", request: Request) -> Response:
    """Soft delete; numbers pointing at the flow fall back to the nil UUID without a webhook."""
    caller, flow = owned(provider, request, "flows", "FLOW_NOT_FOUND")
    now = provider.clock.stamp_us()
    flow["tm_update"] = flow["tm_delete"] = now
    for number in caller.state["numbers"].values():
        if number["tm_delete"] is not None:
            continue
        cleared = False
        for key in ("call_flow_id", "message_flow_id"):
            if number[key] == flow["id"]:
                number[key] = NIL_UUID
                cleared = True
        if cleared:
            number["tm_update"] = provider.clock.stamp_us()
    return json_response(render_flow(flow, provider.profile))


async def flows_regenerate_direct_hash(provider: "VoipbinProvider", request: Request) -> Response:
    caller, flow = owned(provider, request, "flows", "FLOW_NOT_FOUND")
    flow["direct_hash"] = "direct." + secrets.token_hex(6)
    flow["tm_update"] = provider.clock.stamp_us()
    return json_response(render_flow(flow, provider.profile))
