"""Phone numbers: list, purchase, retrieve, merge-update and release (with the release window)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, empty_response, json_response
from .auth import authenticate
from .common import path_uuid, read_body, render, unknown_field_problems
from .errors import InvalidAttributes
from .paging import links, page_request
from .phonefmt import is_e164
from .validation import validate_update

if TYPE_CHECKING:
    from .provider import SignalwireProvider


async def numbers_list(provider: SignalwireProvider, request: Request) -> Response:
    """Newest first; a page token names the last number of the previous page."""
    caller = authenticate(provider, request)
    page = page_request(request)
    found = provider.backend.page(caller.tenant, page)
    return json_response({"links": links(page, found), "data": [render(provider, n) for n in found.numbers]})


async def numbers_purchase(provider: SignalwireProvider, request: Request) -> Response:
    """200 (not 201); only numbers the search inventory offers and nobody holds."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"number"})
    wanted = body.get("number")
    if wanted is None or wanted == "":
        problems.append("number can't be blank")
    elif not isinstance(wanted, str):
        problems.append("number must be a string")
    elif not is_e164(wanted):
        problems.append(f"number {wanted} is not a valid E.164 number")
    if problems or not isinstance(wanted, str):
        raise InvalidAttributes(*problems)
    return json_response(render(provider, provider.backend.purchase(caller.tenant, wanted)))


async def numbers_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    return json_response(render(provider, provider.backend.live_number(caller.tenant, path_uuid(request))))


async def numbers_update(provider: SignalwireProvider, request: Request) -> Response:
    """PUT with merge semantics: only the fields sent change; any broken rule changes nothing."""
    await buffer_body(request)
    caller = authenticate(provider, request)
    number_id = path_uuid(request)
    number = provider.backend.live_number(caller.tenant, number_id)
    body = await read_body(request)
    changes, problems = validate_update(body, number, provider.settings)
    if problems:
        raise InvalidAttributes(*problems)
    return json_response(render(provider, provider.backend.update_number(caller.tenant, number_id, changes)))


async def numbers_release(provider: SignalwireProvider, request: Request) -> Response:
    """204; refused (422) inside the release window after a purchase, on the virtual clock."""
    caller = authenticate(provider, request)
    provider.backend.release_number(caller.tenant, path_uuid(request))
    return empty_response(204)
