"""What the VoiceOS handlers share: the start of every request, and list pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from .auth import Caller, authenticate
from .models import to_us
from .responses import respond
from .state import Collection
from .validation import Checker, page_params

if TYPE_CHECKING:
    from .provider import VoiceosProvider


def begin(provider: "VoiceosProvider", request: Request) -> tuple[Caller, Checker]:
    """Authenticate, then hand back a checker for the parameters and body (FastAPI's order)."""
    return authenticate(provider, request), Checker(request)


def list_page(
    provider: "VoiceosProvider",
    request: Request,
    collection: Collection,
    render: Callable[[Any, str], dict[str, Any]],
    filters: Callable[[Checker], Callable[[Any], bool] | None] | None = None,
    time_order: tuple[str, str] = ("created_after", "created_before"),
) -> Response:
    """`{items, index, has_more}` for one page of the caller's collection."""
    caller, check = begin(provider, request)
    keep = filters(check) if filters else None
    index, limit, after, before = page_params(check, time_order)
    check.done()
    items, has_more = provider.backend.page(
        caller.tenant,
        collection,
        index=index,
        limit=limit,
        after_us=to_us(after) if after else None,
        before_us=to_us(before) if before else None,
        keep=keep,
    )
    account_id = caller.account_id
    return respond({"items": [render(item, account_id) for item in items], "index": index, "has_more": has_more})
