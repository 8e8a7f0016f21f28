"""Phone numbers: list, get, partial PATCH, delete (release or keep), search and buy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .bodies import BuyPhoneNumber, UpdatePhoneNumber, dump_webhook
from .common import begin, list_page
from .models import render_number, render_to_buy
from .phone import normalize_number
from .responses import respond
from .state import NumberChanges
from .validation import BOOLEAN, PAGE_LIMIT, TEXT, read_body

if TYPE_CHECKING:
    from .provider import VoiceosProvider


def path_number(request: Request) -> str:
    return normalize_number(request.path_params["phone_number"])


async def phone_numbers_list(provider: "VoiceosProvider", request: Request) -> Response:
    return list_page(provider, request, "numbers", render_number)


async def phone_numbers_get(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    number = provider.backend.number(caller.tenant, path_number(request))
    return respond(render_number(number, caller.account_id))


async def phone_numbers_update(provider: "VoiceosProvider", request: Request) -> Response:
    """Only the keys sent change: null detaches the agent, `webhooks` replaces the list."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(UpdatePhoneNumber, raw)
    changes: NumberChanges = {}
    if "inbound_agent_id" in body.model_fields_set:
        changes["inbound_agent_id"] = body.inbound_agent_id
    if "webhooks" in body.model_fields_set:
        changes["webhooks"] = [dump_webhook(w) for w in body.webhooks or []]
    number = provider.backend.update_number(caller.tenant, path_number(request), changes)
    return respond(render_number(number, caller.account_id))


async def phone_numbers_delete(provider: "VoiceosProvider", request: Request) -> Response:
    """Answers the number without `id`; without release the account keeps it at Twilio."""
    caller, check = begin(provider, request)
    release = check.query("release_phone_number", BOOLEAN, False)
    check.done()
    number = provider.backend.delete_number(caller.tenant, path_number(request), release=release)
    return respond(render_number(number, caller.account_id, with_id=False))


async def phone_numbers_available(provider: "VoiceosProvider", request: Request) -> Response:
    """A bare array of numbers nobody holds, in inventory order, `contains` as a substring."""
    _caller, check = begin(provider, request)
    contains = check.query("contains", TEXT, None)
    limit = check.query("limit", PAGE_LIMIT, 10)
    check.done()
    found = []
    for item in provider.backend.available():
        if contains and contains not in item.phone_number:
            continue
        found.append(render_to_buy(item))
        if len(found) >= limit:
            break
    return respond(found)


async def phone_numbers_buy(provider: "VoiceosProvider", request: Request) -> Response:
    """The named number, or any available one when `phone_number` is null; 200 like every create."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(BuyPhoneNumber, raw)
    number = provider.backend.buy_number(caller.tenant, body.phone_number)
    return respond(render_number(number, caller.account_id))
