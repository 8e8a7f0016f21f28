"""What the VoiceOS handlers share: the start of every request, list pages, lookups."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

from starlette.requests import Request
from starlette.responses import Response

from .auth import Caller, authenticate
from .errors import fail, respond
from .models import to_us
from .validation import Checker, page_params

if TYPE_CHECKING:
    from .provider import VoiceosProvider


def begin(provider: "VoiceosProvider", request: Request) -> tuple[Caller, Checker]:
    """Authenticate, then hand back a checker for the parameters and body (FastAPI's order)."""
    return authenticate(provider, request), Checker(request)


def list_page(
    provider: "VoiceosProvider",
    request: Request,
    collection: str,
    render: Callable[[dict[str, Any], str], dict[str, Any]],
    filters: Callable[[Checker], Callable[[dict[str, Any]], bool] | None] | None = None,
    time_order: tuple[str, str] = ("created_after", "created_before"),
) -> Response:
    """`{items, index, has_more}` for one page of the caller's collection."""
    caller, check = begin(provider, request)
    keep = filters(check) if filters else None
    index, limit, after, before = page_params(check, time_order)
    check.done()
    items = caller.state[collection]
    order = provider.order(caller.tenant, collection)
    after_us = to_us(after) if after else None
    before_us = to_us(before) if before else None
    newest_first = provider.settings.list_order == "newest_first"
    if keep is None:
        ids, has_more = order.numbered_page(
            index=index, limit=limit, after_us=after_us, before_us=before_us, newest_first=newest_first
        )
    else:
        # A field filter pages over the matching ids: the whole window is read once.
        every, _ = order.numbered_page(
            index=1, limit=max(len(order), 1), after_us=after_us, before_us=before_us, newest_first=newest_first
        )
        matching = [item_id for item_id in every if keep(items[item_id])]
        start = (index - 1) * limit
        ids, has_more = matching[start : start + limit], len(matching) > start + limit
    account_id = caller.account_id
    return respond({"items": [render(items[i], account_id) for i in ids], "index": index, "has_more": has_more})


def find(caller: Caller, collection: str, key: str, message: str) -> dict[str, Any]:
    """The caller's own resource; another account's is as absent as a missing one (404)."""
    item = caller.state[collection].get(key)
    if item is None:
        fail(404, message)
    return item
