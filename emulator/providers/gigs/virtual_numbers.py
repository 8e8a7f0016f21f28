"""Virtual numbers: list, create, retrieve, cancel — checks in Gigs' order: headers, path, query, body.

Each handler reads the raw body first (it never fails), so everything after it runs without
yielding to other requests: an idempotency key cannot be used twice concurrently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from . import events, idempotency, lifecycle
from .auth import Caller, authenticate, require_project
from .errors import detail, fail, invalid
from .models import (
    STATUSES,
    SUBSCRIPTION_ID,
    USER_ID,
    VIRTUAL_NUMBER_ID,
    new_id,
    new_virtual_number,
    render_virtual_number,
    well_formed,
)
from ...core.ordering import CursorPage
from .params import PAGING, id_list, paging, query, string_list

if TYPE_CHECKING:
    from .provider import GigsProvider

CREATE_FIELDS = ("subscription",)


def list_body(items: list[dict[str, Any]], page: CursorPage) -> dict[str, Any]:
    return {"object": "list", "items": items, "moreItemsAfter": page.more_after, "moreItemsBefore": page.more_before}


def find_number(provider: "GigsProvider", request: Request, caller: Caller) -> dict[str, Any]:
    number_id = request.path_params["virtualNumber"]
    number = caller.state["virtual_numbers"].get(number_id) if well_formed(VIRTUAL_NUMBER_ID, number_id) else None
    if number is None:
        fail("notFound", "Virtual number not found.")
    return number


async def virtual_numbers_list(provider: "GigsProvider", request: Request) -> Response:
    provider.settle()
    caller = authenticate(provider, request)
    require_project(provider, request, caller)
    values = query(request, PAGING + ("subscription", "user", "status"))
    page_args = paging(values)
    subscriptions = id_list(values, "subscription", SUBSCRIPTION_ID)
    users = id_list(values, "user", USER_ID)
    statuses = string_list(values, "status", lambda s: s in STATUSES, f"statuses ({', '.join(STATUSES)})")
    numbers = caller.state["virtual_numbers"]

    def keep(number_id: str) -> bool:
        number = numbers[number_id]
        return (
            (subscriptions is None or number["subscription"] in subscriptions)
            and (users is None or number["user"] in users)
            and (statuses is None or number["status"] in statuses)
        )

    page = provider.index(caller.project, "virtual_numbers").cursor_page(page_args.limit, keep, page_args.after, page_args.before)
    return json_response(list_body([render_virtual_number(numbers[i], provider.fraction) for i in page.ids], page))


def create_body(raw: bytes) -> str:
    """The subscription id from the body, or the Gigs error for what is wrong with it."""
    if not raw.strip():
        fail("malformed", "The request body is not valid JSON.", hint="Send a JSON object such as {\"subscription\": \"sub_...\"}.")
    try:
        body = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        fail("malformed", "The request body is not valid JSON.", hint=str(exc))
    if not isinstance(body, dict):
        fail("invalid", "The request body must be a JSON object.")
    unknown = [name for name in body if name not in CREATE_FIELDS]
    if unknown:
        fail(
            "invalid",
            f"Unknown property {unknown[0]!r}.",
            details=[detail(name, "propertyUnknown", "Unknown property.") for name in unknown],
        )
    subscription = body.get("subscription")
    if subscription is None:
        invalid("Property 'subscription' is required.", prop="subscription", detail_code="propertyRequired")
    if not isinstance(subscription, str) or not well_formed(SUBSCRIPTION_ID, subscription):
        invalid("Property 'subscription' must be a subscription id.", prop="subscription",
                hint=f"Subscription ids match {SUBSCRIPTION_ID.pattern}.")
    return subscription


async def virtual_numbers_create(provider: "GigsProvider", request: Request) -> Response:
    raw = await request.body()
    provider.settle()
    caller = authenticate(provider, request)
    key = idempotency.requested_key(request, caller)
    require_project(provider, request, caller)
    replayed = idempotency.replay(provider, caller, key)
    if replayed is not None:
        return replayed
    query(request, ())
    subscription_id = create_body(raw)
    subscription = caller.state["subscriptions"].get(subscription_id)
    if subscription is None:
        fail("notFound", "Subscription not found.")
    if subscription["status"] != "active":
        fail("conflict", f"Subscription is {subscription['status']}; virtual numbers can only be added to active subscriptions.")
    now = provider.clock.stamp_us()
    number = new_virtual_number(number_id=new_id("vnr_"), subscription=subscription, created_us=now)
    lifecycle.plan(provider, number, now)
    provider.add_item(caller.project, "virtual_numbers", number)
    rendered = render_virtual_number(number, provider.fraction)
    events.publish(provider, caller.project, "created", rendered, actor=caller.actor, at_us=now)
    lifecycle.schedule(provider, caller.project, number)
    idempotency.remember(provider, caller, key, 201, rendered)
    return json_response(rendered, 201)


async def virtual_numbers_get(provider: "GigsProvider", request: Request) -> Response:
    provider.settle()
    caller = authenticate(provider, request)
    require_project(provider, request, caller)
    number = find_number(provider, request, caller)
    query(request, ())
    return json_response(render_virtual_number(number, provider.fraction))


async def virtual_numbers_cancel(provider: "GigsProvider", request: Request) -> Response:
    await request.body()  # no body is defined; one that is sent is ignored
    provider.settle()
    caller = authenticate(provider, request)
    key = idempotency.requested_key(request, caller)
    require_project(provider, request, caller)
    replayed = idempotency.replay(provider, caller, key)
    if replayed is not None:
        return replayed
    number = find_number(provider, request, caller)
    query(request, ())
    try:
        lifecycle.cancel(provider, caller.project, number, provider.clock.stamp_us(), caller.actor)
    except lifecycle.Conflict as exc:
        fail("conflict", str(exc))
    rendered = render_virtual_number(number, provider.fraction)
    idempotency.remember(provider, caller, key, 200, rendered)
    return json_response(rendered)
