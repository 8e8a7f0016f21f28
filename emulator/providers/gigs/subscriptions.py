"""The minimal read-only view of subscriptions and users that virtual numbers refer to."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import Caller, authenticate, require_project
from .errors import fail, invalid
from .models import (
    SUBSCRIPTION_ID,
    USER_ID,
    render_subscription,
    render_user,
    well_formed,
)
from .params import PAGING, paging, query
from .virtual_numbers import list_body

if TYPE_CHECKING:
    import re

    from .provider import GigsProvider


def caller_for(provider: "GigsProvider", request: Request) -> Caller:
    provider.settle()
    caller = authenticate(provider, request)
    require_project(provider, request, caller)
    return caller


def find(caller: Caller, request: Request, collection: str, param: str, pattern: "re.Pattern[str]", label: str) -> dict[str, Any]:
    item_id = request.path_params[param]
    item = caller.state[collection].get(item_id) if well_formed(pattern, item_id) else None
    if item is None:
        fail("notFound", f"{label} not found.")
    return item


async def subscriptions_list(provider: "GigsProvider", request: Request) -> Response:
    caller = caller_for(provider, request)
    values = query(request, PAGING + ("user",))
    page_args = paging(values)
    user = values.get("user")
    if user is not None and not well_formed(USER_ID, user):
        invalid("Parameter 'user' must be a user id.", prop="user")
    items = caller.state["subscriptions"]
    users = caller.state["users"]
    page = provider.index(caller.project, "subscriptions").cursor_page(
        page_args.limit, lambda i: user is None or items[i]["user"] == user, page_args.after, page_args.before
    )
    return json_response(list_body([render_subscription(items[i], users, provider.fraction) for i in page.ids], page))


async def subscriptions_get(provider: "GigsProvider", request: Request) -> Response:
    caller = caller_for(provider, request)
    subscription = find(caller, request, "subscriptions", "subscription", SUBSCRIPTION_ID, "Subscription")
    query(request, ())
    return json_response(render_subscription(subscription, caller.state["users"], provider.fraction))


async def users_list(provider: "GigsProvider", request: Request) -> Response:
    caller = caller_for(provider, request)
    page_args = paging(query(request, PAGING))
    items = caller.state["users"]
    page = provider.index(caller.project, "users").cursor_page(page_args.limit, after=page_args.after, before=page_args.before)
    return json_response(list_body([render_user(items[i], provider.fraction) for i in page.ids], page))


async def users_get(provider: "GigsProvider", request: Request) -> Response:
    caller = caller_for(provider, request)
    user = find(caller, request, "users", "user", USER_ID, "User")
    query(request, ())
    return json_response(render_user(user, provider.fraction))
