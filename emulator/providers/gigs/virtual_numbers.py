"""Virtual numbers: list, create, retrieve, cancel — checks in Gigs' order: headers, path, query, body.

Each handler reads the raw body first (it never fails), so everything after it runs without
yielding to other requests: an idempotency key cannot be used twice concurrently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import project_caller
from .errors import BodyNotAnObject, Malformed, PropertyInvalid, PropertyRequired, UnknownProperties
from .idempotency import idempotent_caller
from .models import STATUSES, SUBSCRIPTION_ID, USER_ID, render_list, render_virtual_number, well_formed
from .params import PAGING, id_list, paging, query, string_list

if TYPE_CHECKING:
    from .provider import GigsProvider

CREATE_FIELDS = ("subscription",)


async def virtual_numbers_list(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    values = query(request, PAGING + ("subscription", "user", "status"))
    page_args = paging(values)
    subscriptions = id_list(values, "subscription", SUBSCRIPTION_ID)
    users = id_list(values, "user", USER_ID)
    statuses = string_list(values, "status", lambda s: s in STATUSES, f"statuses ({', '.join(STATUSES)})")
    backend = provider.backend
    numbers, page = backend.list_virtual_numbers(
        caller.project, page_args, subscriptions=subscriptions, users=users, statuses=statuses
    )
    return json_response(render_list([render_virtual_number(n, backend.fraction) for n in numbers], page))


def create_body(raw: bytes) -> str:
    """The subscription id from the body, or the Gigs error for what is wrong with it."""
    if not raw.strip():
        raise Malformed(hint="Send a JSON object such as {\"subscription\": \"sub_...\"}.")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise Malformed(hint=str(exc)) from None
    if not isinstance(body, dict):
        raise BodyNotAnObject()
    unknown = [name for name in body if name not in CREATE_FIELDS]
    if unknown:
        raise UnknownProperties(unknown)
    subscription = body.get("subscription")
    if subscription is None:
        raise PropertyRequired("Property 'subscription' is required.", "subscription")
    if not isinstance(subscription, str) or not well_formed(SUBSCRIPTION_ID, subscription):
        raise PropertyInvalid("Property 'subscription' must be a subscription id.", "subscription",
                              hint=f"Subscription ids match {SUBSCRIPTION_ID.pattern}.")
    return subscription


async def virtual_numbers_create(provider: "GigsProvider", request: Request) -> Response:
    raw = await request.body()
    caller, key, replayed = idempotent_caller(provider, request)
    if replayed is not None:
        return replayed
    query(request, ())
    subscription_id = create_body(raw)
    backend = provider.backend
    number = backend.create_virtual_number(caller.project, subscription_id, caller.actor)
    rendered = render_virtual_number(number, backend.fraction)
    backend.remember(caller.project, key, 201, rendered)
    return json_response(rendered, 201)


async def virtual_numbers_get(provider: "GigsProvider", request: Request) -> Response:
    caller = project_caller(provider, request)
    number = provider.backend.virtual_number(caller.project, request.path_params["virtualNumber"])
    query(request, ())
    return json_response(render_virtual_number(number, provider.backend.fraction))


async def virtual_numbers_cancel(provider: "GigsProvider", request: Request) -> Response:
    await request.body()  # no body is defined; one that is sent is ignored
    caller, key, replayed = idempotent_caller(provider, request)
    if replayed is not None:
        return replayed
    backend = provider.backend
    number_id = request.path_params["virtualNumber"]
    backend.virtual_number(caller.project, number_id)  # 404 before the query is judged
    query(request, ())
    number = backend.cancel_virtual_number(caller.project, number_id, caller.actor)
    rendered = render_virtual_number(number, backend.fraction)
    backend.remember(caller.project, key, 200, rendered)
    return json_response(rendered)
