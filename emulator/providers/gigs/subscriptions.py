"""The minimal read-only view of subscriptions and users that virtual numbers refer to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import project_caller
from .errors import PropertyInvalid
from .models import USER_ID, render_list, render_subscription, render_user, well_formed
from .params import PAGING, paging, query

if TYPE_CHECKING:
    from .provider import GigsProvider


async def subscriptions_list(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    values = query(request, PAGING + ("user",))
    page_args = paging(values)
    user = values.get("user")
    if user is not None and not well_formed(USER_ID, user):
        raise PropertyInvalid("Parameter 'user' must be a user id.", "user")
    backend = provider.backend
    subscriptions, page = backend.list_subscriptions(caller.project, page_args, user=user)
    users = caller.state["users"]
    return json_response(render_list([render_subscription(s, users, backend.fraction) for s in subscriptions], page))


async def subscriptions_get(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    subscription = provider.backend.subscription(caller.project, request.path_params["subscription"])
    query(request, ())
    return json_response(render_subscription(subscription, caller.state["users"], provider.backend.fraction))


async def users_list(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    page_args = paging(query(request, PAGING))
    backend = provider.backend
    users, page = backend.list_users(caller.project, page_args)
    return json_response(render_list([render_user(u, backend.fraction) for u in users], page))


async def users_get(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    user = provider.backend.user(caller.project, request.path_params["user"])
    query(request, ())
    return json_response(render_user(user, provider.backend.fraction))
