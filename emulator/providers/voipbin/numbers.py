"""Number handlers: `/numbers` and `/available_numbers`, in the service's order of checks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import authenticate, require_manager
from .binding import bool_field, page_size, read_body, string_field, uuid_field
from .common import list_page, manager, owned_with_body, path_item_answer
from .errors import InvalidArgument, PermissionDenied
from .models import render_available, render_number
from .state import Number

if TYPE_CHECKING:
    from .provider import VoipbinProvider


def rendered(provider: "VoipbinProvider", number: Number) -> Response:
    return json_response(render_number(number, provider.profile))


def flow_ids(body: dict[str, Any]) -> tuple[str, str]:
    """`call_flow_id` and `message_flow_id`, leniently: a missing or unparsable id is the nil UUID."""
    return uuid_field(body, "call_flow_id"), uuid_field(body, "message_flow_id")


async def numbers_create(provider: "VoipbinProvider", request: Request) -> Response:
    """Body fields bind first, then `number` is required, then the permission; the rest is the backend's."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    number = string_field(body, "number")
    kind = string_field(body, "type")
    call_flow_id, message_flow_id = flow_ids(body)
    name = string_field(body, "name")
    detail = string_field(body, "detail")
    if not number:
        raise InvalidArgument()
    require_manager(caller)
    record = provider.backend.numbers.create(
        caller.tenant,
        number=number,
        kind=kind,
        call_flow_id=call_flow_id,
        message_flow_id=message_flow_id,
        name=name,
        detail=detail,
    )
    return rendered(provider, record)


async def numbers_list(provider: "VoipbinProvider", request: Request) -> Response:
    return list_page(provider, request, provider.backend.numbers, render_number)


async def numbers_get(provider: "VoipbinProvider", request: Request) -> Response:
    numbers = provider.backend.numbers
    return path_item_answer(provider, request, numbers, render_number, numbers.current)


async def numbers_update(provider: "VoipbinProvider", request: Request) -> Response:
    """Full overwrite: omitted fields become "" or the nil UUID."""
    numbers = provider.backend.numbers
    _, number, body = await owned_with_body(provider, request, numbers)
    call_flow_id, message_flow_id = flow_ids(body)
    name, detail = string_field(body, "name"), string_field(body, "detail")
    numbers.update(number, call_flow_id=call_flow_id, message_flow_id=message_flow_id, name=name, detail=detail)
    return rendered(provider, number)


async def numbers_update_flow_ids(provider: "VoipbinProvider", request: Request) -> Response:
    numbers = provider.backend.numbers
    _, number, body = await owned_with_body(provider, request, numbers)
    call_flow_id, message_flow_id = flow_ids(body)
    numbers.set_flows(number, call_flow_id=call_flow_id, message_flow_id=message_flow_id)
    return rendered(provider, number)


async def numbers_update_metadata(provider: "VoipbinProvider", request: Request) -> Response:
    numbers = provider.backend.numbers
    _, number, body = await owned_with_body(provider, request, numbers)
    numbers.set_metadata(number, rtp_debug=bool_field(body, "rtp_debug"))
    return rendered(provider, number)


async def numbers_delete(provider: "VoipbinProvider", request: Request) -> Response:
    numbers = provider.backend.numbers
    return path_item_answer(provider, request, numbers, render_number, numbers.delete)


async def numbers_renew(provider: "VoipbinProvider", request: Request) -> Response:
    """Platform-admin only: no customer credential carries ProjectSuperAdmin."""
    authenticate(provider, request)
    raise PermissionDenied()


async def available_numbers(provider: "VoipbinProvider", request: Request) -> Response:
    """Virtual numbers are made up on the spot; normal ones come from the configured inventory."""
    manager(provider, request)
    size = page_size(request)
    kind = request.query_params.get("type", "")
    country = request.query_params.get("country_code", "")
    numbers = provider.backend.numbers
    if kind == "virtual":
        candidates = numbers.virtual_candidates(size)
        return json_response({"result": [render_available(n, "899", "", "", ["voice"]) for n in candidates]})
    if not country:
        raise InvalidArgument("country_code is required for non-virtual number queries.")
    country = country.upper()
    offered = numbers.offered(country)[:size]
    result = [render_available(item.number, country, item.region, item.postal_code, list(item.features)) for item in offered]
    return json_response({"result": result})
