"""IncomingPhoneNumbers of the compatibility (LaML) API: list, buy, fetch, update and release.

The same numbers as Relay REST's phone numbers: a number's `sid` is its Relay `id`, an update
through either API shows in the other, a release through either removes it from both. Checks run
in the service's order: credentials and account (401), the number (404), the body (400), then
what depends on state (409, 422).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, empty_response, json_response
from .backend_laml import LamlNumbers
from .common import path_uuid
from .laml_auth import laml_caller
from .laml_config import CREATE_FIELDS, UPDATE_FIELDS, purchase_request, update_request
from .laml_errors import InvalidArgument, InvalidPageToken, laml_endpoint, route_path
from .laml_forms import Kind, read_form, typed
from .laml_render import render_incoming, render_page
from .paging import TOKEN, PageRequest

if TYPE_CHECKING:
    from .provider import SignalwireProvider

LIST_QUERY = {"Page": Kind.INTEGER, "PageSize": Kind.INTEGER, "PageToken": Kind.STRING,
              "PhoneNumber": Kind.STRING, "FriendlyName": Kind.STRING}
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000
MAX_PAGE = 2**31 - 1
# The list's filters, matched as Relay REST's `filter_number` and `filter_name` are (Inferred).
FILTERS = {"PhoneNumber": "filter_number", "FriendlyName": "filter_name"}


def page_request(request: Request) -> tuple[PageRequest, list[tuple[str, str]]]:
    """The page asked for, and the filters to repeat in the page URIs; 10000 or 21481 (400) when malformed."""
    query = typed(request.query_params, LIST_QUERY, empty_is_absent=True)
    page, size = query.get("Page", 0), query.get("PageSize", DEFAULT_PAGE_SIZE)
    if not 0 <= page <= MAX_PAGE:
        raise InvalidArgument(f"Page must be from 0 to {MAX_PAGE}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidArgument(f"PageSize must be from 1 to {MAX_PAGE_SIZE}")
    token = None
    if page > 0:
        match = TOKEN.match(query.get("PageToken", ""))
        if match is None:
            raise InvalidPageToken()
        token = match.group(1).lower()
    filters = [(name, query[name]) for name in FILTERS if query.get(name)]
    relay_filters = tuple((FILTERS[name], value) for name, value in filters)
    return PageRequest(page, size, token, relay_filters), filters


@laml_endpoint
async def incoming_list(provider: SignalwireProvider, request: Request) -> Response:
    """Newest first (as recorded), `PageSize` numbers a page, `next_page_uri` until the last."""
    caller = laml_caller(provider, request)
    paging, filters = page_request(request)
    found = LamlNumbers(provider.backend, caller.tenant).page(paging)
    project_id = caller.state["project"]["id"]
    return json_response(render_page(found, paging, filters, project_id, provider.profile))


@laml_endpoint
async def incoming_create(provider: SignalwireProvider, request: Request) -> Response:
    """201; only numbers the search offers and nobody holds, configured by the same request."""
    caller = laml_caller(provider, request)
    params = typed(await read_form(request), CREATE_FIELDS)
    wanted, configuration = purchase_request(params, provider.profile)
    number = LamlNumbers(provider.backend, caller.tenant).purchase(wanted, configuration)
    return json_response(render_incoming(number, caller.state["project"]["id"], provider.profile), 201)


@laml_endpoint
async def incoming_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = laml_caller(provider, request)
    number = LamlNumbers(provider.backend, caller.tenant).number(path_uuid(request, "Sid"), route_path(request))
    return json_response(render_incoming(number, caller.state["project"]["id"], provider.profile))


@laml_endpoint
async def incoming_update(provider: SignalwireProvider, request: Request) -> Response:
    """A POST that changes only the parameters sent; anything refused changes nothing."""
    await buffer_body(request)
    caller = laml_caller(provider, request)
    numbers = LamlNumbers(provider.backend, caller.tenant)
    sid, path = path_uuid(request, "Sid"), route_path(request)
    number = numbers.number(sid, path)
    params = typed(await read_form(request), UPDATE_FIELDS)
    project_id = caller.state["project"]["id"]
    configuration = update_request(params, number, project_id, provider.profile)
    updated = numbers.update(number["id"], path, configuration)
    return json_response(render_incoming(updated, project_id, provider.profile))


@laml_endpoint
async def incoming_delete(provider: SignalwireProvider, request: Request) -> Response:
    """204; refused (409, 22121) inside the release window after a purchase, on the virtual clock."""
    caller = laml_caller(provider, request)
    LamlNumbers(provider.backend, caller.tenant).release(path_uuid(request, "Sid"), route_path(request))
    return empty_response(204)
