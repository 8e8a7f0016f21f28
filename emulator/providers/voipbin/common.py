"""Steps every VoIPBIN handler shares: the caller, the path resource in the service's order, list pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import Caller, authenticate, require_manager
from .backend_resources import ItemT, Resources
from .binding import page_before, page_size, path_uuid
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


def list_page(
    provider: "VoipbinProvider",
    request: Request,
    resources: Resources[ItemT],
    render: Callable[[ItemT, VoipbinProfile], dict[str, Any]],
) -> Response:
    """Newest first, strictly before the token; the token is the last item's tm_create, even on the last page."""
    caller = manager(provider, request)
    size = page_size(request)
    before = page_before(request)
    page = resources.page(caller.tenant, before, size)
    profile = provider.profile
    token = page_token(page[-1]["tm_create"], profile) if page else ""
    return json_response({"result": [render(item, profile) for item in page], "next_page_token": token})
