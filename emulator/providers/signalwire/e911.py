"""E911 addresses on numbers: assignment and removal, each finished by the carrier later (see backend_e911)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, json_response
from .auth import authenticate
from .common import parse_uuid, path_uuid, read_body, render, unknown_field_problems
from .errors import InvalidAttributes

if TYPE_CHECKING:
    from .provider import SignalwireProvider


async def assign(provider: SignalwireProvider, request: Request) -> Response:
    await buffer_body(request)
    caller = authenticate(provider, request)
    number_id = path_uuid(request)
    provider.backend.live_number(caller.tenant, number_id)  # an unknown number is 404 before the body is judged
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"e911_address_id"})
    raw = body.get("e911_address_id")
    address_id = None
    if raw is None or raw == "":
        problems.append("e911_address_id can't be blank")
    elif not isinstance(raw, str):
        problems.append("e911_address_id must be a string")
    else:
        address_id = parse_uuid(raw)
        if address_id is None:
            problems.append("e911_address_id is not a valid UUID")
    if problems or address_id is None:
        raise InvalidAttributes(*problems)
    return json_response(render(provider, provider.backend.assign_e911(caller.tenant, number_id, address_id)))


async def remove(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    return json_response(render(provider, provider.backend.remove_e911(caller.tenant, path_uuid(request))))
