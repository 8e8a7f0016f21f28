"""What every VoIPBIN handler shares: body fields the way gin binds them, lookups, paging."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request

from ...core.http import json_response
from ...core.http import read_json as read_json_body
from .auth import Caller, authenticate, require_manager
from .errors import fail
from .models import lenient_uuid, parse_uuid
from .timefmt import page_token, parse_page_token

if TYPE_CHECKING:
    from starlette.responses import Response

    from .provider import VoipbinProvider

MAX_PAGE_SIZE = 100


async def read_body(request: Request) -> dict[str, Any]:
    """The JSON object body; anything else is the generic INVALID_JSON_BODY."""
    return await read_json_body(request)



def string_field(request: Request, body: dict[str, Any], key: str) -> str:
    """gin binds a missing or null key to "", and a non-string to a bind error."""
    value = body.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        fail(request, "INVALID_ARGUMENT", "INVALID_JSON_BODY")
    return value


def uuid_field(request: Request, body: dict[str, Any], key: str) -> str:
    """uuid.FromStringOrNil: an unparsable string silently becomes the nil UUID."""
    return lenient_uuid(string_field(request, body, key))


def bool_field(request: Request, body: dict[str, Any], key: str) -> bool:
    value = body.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        fail(request, "INVALID_ARGUMENT", "INVALID_JSON_BODY")
    return value


def path_uuid(request: Request) -> str:
    value = parse_uuid(request.path_params["id"])
    if value is None:
        fail(request, "INVALID_ARGUMENT", "INVALID_ID")
    return value


def find_owned(
    provider: "VoipbinProvider",
    request: Request,
    caller: Caller,
    collection: str,
    not_found_reason: str,
) -> dict[str, Any]:
    """The caller's live resource: existence first, then soft deletion, then ownership."""
    item_id = path_uuid(request)
    return lookup(provider, request, caller, collection, item_id, not_found_reason)


def manager(provider: "VoipbinProvider", request: Request) -> Caller:
    """The caller, who must hold CustomerAdmin or CustomerManager."""
    caller = authenticate(provider, request)
    require_manager(request, caller)
    return caller


def owned(
    provider: "VoipbinProvider", request: Request, collection: str, not_found_reason: str
) -> tuple[Caller, dict[str, Any]]:
    """Caller and path resource, checked in the service's order: auth, id, existence, permission."""
    caller = authenticate(provider, request)
    item = find_owned(provider, request, caller, collection, not_found_reason)
    require_manager(request, caller)
    return caller, item


def lookup(
    provider: "VoipbinProvider",
    request: Request,
    caller: Caller,
    collection: str,
    item_id: str,
    not_found_reason: str,
) -> dict[str, Any]:
    owner = provider.owners.get(item_id)
    item = None
    if owner is not None:
        item = provider.store.tenants[owner][collection].get(item_id)
    if item is None:
        fail(request, "NOT_FOUND", not_found_reason)
    if item["tm_delete"] is not None:
        fail(request, "NOT_FOUND", "RESOURCE_NOT_FOUND")
    if owner != caller.tenant:
        fail(request, "PERMISSION_DENIED", "PERMISSION_DENIED")
    return item


def page_size(request: Request) -> int:
    """Default and ceiling 100; out-of-range values are replaced silently, non-integers refused."""
    raw = request.query_params.get("page_size")
    if raw is None or raw == "":
        return MAX_PAGE_SIZE
    try:
        size = int(raw)
    except ValueError:
        fail(request, "INVALID_ARGUMENT", "INVALID_REQUEST_PARAMETER", 'The parameter "page_size" has an invalid format.')
    return size if 0 < size <= MAX_PAGE_SIZE else MAX_PAGE_SIZE


def page_before(request: Request) -> int | None:
    raw = request.query_params.get("page_token")
    if not raw:
        return None
    moment = parse_page_token(raw)
    if moment is None:
        fail(request, "INVALID_ARGUMENT", "INVALID_REQUEST_PARAMETER", 'The parameter "page_token" has an invalid format.')
    return moment


def list_page(
    provider: "VoipbinProvider",
    request: Request,
    caller: Caller,
    collection: str,
    render: Callable[[dict[str, Any]], dict[str, Any]],
    keep: Callable[[dict[str, Any]], bool] = lambda item: True,
) -> "Response":
    """Newest first, strictly before the token; the token is the last item's tm_create, even on the last page."""
    size = page_size(request)
    before = page_before(request)
    items = caller.state[collection]
    ids = provider.index(caller.tenant, collection).newest_before(
        before, size, lambda item_id: items[item_id]["tm_delete"] is None and keep(items[item_id])
    )
    page = [items[i] for i in ids]
    token = page_token(page[-1]["tm_create"], provider.profile) if page else ""
    return json_response({"result": [render(item) for item in page], "next_page_token": token})
