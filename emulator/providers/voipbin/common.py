"""Steps every VoIPBIN handler shares: the caller, the path resource in the service's order, list pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, json_response
from .auth import Caller, authenticate, require_manager
from .backend_resources import ItemT, Resources
from .binding import page_before, page_size, path_uuid, read_body
from .profiles import VoipbinProfile
from .timefmt import page_token

if TYPE_CHECKING:
    from .provider import VoipbinProvider


def manager(provider: "VoipbinProvider", request: Request) -> Caller:
    """The caller, who must hold CustomerAdmin or CustomerManager."""
    caller = authenticate(provider, request)
    require_manager(caller)
    return caller


def owned(provider: "VoipbinProvider", request: Request, resources: Resources[ItemT]) -> tuple[Caller, ItemT]:
    """Caller and path resource, checked in the service's order: auth, id, existence, permission."""
    caller = authenticate(provider, request)
    item = resources.live(caller.tenant, path_uuid(request))
    require_manager(caller)
    return caller, item


async def owned_with_body(
    provider: "VoipbinProvider", request: Request, resources: Resources[ItemT]
) -> tuple[Caller, ItemT, dict[str, Any]]:
    """`owned`, then the JSON body, for handlers that change the path resource.

    The body is received before the lookup, so the lookup, the checks and the change run as one
    step (a concurrent DELETE cannot come between them), and parsed after it, in the service's order.
    """
    await buffer_body(request)
    caller, item = owned(provider, request, resources)
    return caller, item, await read_body(request)


def path_item_answer(
    provider: "VoipbinProvider",
    request: Request,
    resources: Resources[ItemT],
    render: Callable[[ItemT, VoipbinProfile], dict[str, Any]],
    apply: Callable[[ItemT], ItemT] | None = None,
) -> Response:
    """The path resource (`owned`), with the backend's `apply` done to it, rendered."""
    _, item = owned(provider, request, resources)
    if apply is not None:
        item = apply(item)
    return json_response(render(item, provider.profile))


def list_page(
    provider: "VoipbinProvider",
    request: Request,
    resources: Resources[ItemT],
    render: Callable[[ItemT, VoipbinProfile], dict[str, Any]],
) -> Response:
    """Newest first, strictly before the token; the token is the last item's tm_create, even on the last page."""
    caller = manager(provider, request)
    size = page_size(request)
    profile = provider.profile
    before = page_before(request, profile)
    page = resources.page(caller.tenant, before, size)
    token = page_token(page[-1]["tm_create"], profile) if page else ""
    return json_response({"result": [render(item, profile) for item in page], "next_page_token": token})
