"""Phone numbers: list, get, partial PATCH, delete (release or keep), search and buy."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from .auth import authenticate
from .bodies import BuyPhoneNumber, UpdatePhoneNumber, dump_webhook
from .common import begin, find, list_page
from .errors import AGENT_NOT_FOUND, NOT_AVAILABLE, PHONE_NUMBER_NOT_FOUND, fail, respond, validation_failed
from .models import E164, new_number, normalize_number, render_number, render_to_buy
from .validation import BOOLEAN, PAGE_LIMIT, TEXT, read_body

if TYPE_CHECKING:
    from .auth import Caller
    from .provider import VoiceosProvider

_rng = random.SystemRandom()


def path_number(request: Request) -> str:
    return normalize_number(request.path_params["phone_number"])


async def phone_numbers_list(provider: "VoiceosProvider", request: Request) -> Response:
    return list_page(provider, request, "numbers", render_number)


async def phone_numbers_get(provider: "VoiceosProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    number = find(caller, "numbers", path_number(request), PHONE_NUMBER_NOT_FOUND)
    return respond(render_number(number, caller.account_id))


def check_agent(provider: "VoiceosProvider", caller: "Caller", agent_id: str) -> None:
    """inbound_agent_id must name one of the caller's agents (404, or 422 by setting)."""
    if agent_id in caller.state["agents"]:
        return
    if provider.settings.unknown_agent_status == 422:
        validation_failed(
            [{"type": "value_error", "loc": ["body", "inbound_agent_id"], "msg": AGENT_NOT_FOUND, "input": agent_id}]
        )
    fail(404, AGENT_NOT_FOUND)


async def phone_numbers_update(provider: "VoiceosProvider", request: Request) -> Response:
    """Only the keys sent change: null detaches the agent, `webhooks` replaces the list."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(UpdatePhoneNumber, raw)
    number = find(caller, "numbers", path_number(request), PHONE_NUMBER_NOT_FOUND)
    sent = body.model_fields_set
    if "inbound_agent_id" in sent and body.inbound_agent_id is not None:
        check_agent(provider, caller, body.inbound_agent_id)
    if "inbound_agent_id" in sent:
        number["inbound_agent_id"] = body.inbound_agent_id
    if "webhooks" in sent:
        number["webhooks"] = [dump_webhook(w) for w in body.webhooks or []]
    number["updated_us"] = provider.clock.stamp_us()
    return respond(render_number(number, caller.account_id))


async def phone_numbers_delete(provider: "VoiceosProvider", request: Request) -> Response:
    """Answers the number without `id`; without release the account keeps it at Twilio."""
    caller, check = begin(provider, request)
    release = check.query("release_phone_number", BOOLEAN, False)
    check.done()
    number = find(caller, "numbers", path_number(request), PHONE_NUMBER_NOT_FOUND)
    provider.remove_number(caller.tenant, number, release=release)
    return respond(render_number(number, caller.account_id, with_id=False))


async def phone_numbers_available(provider: "VoiceosProvider", request: Request) -> Response:
    """A bare array of numbers nobody holds, in inventory order, `contains` as a substring."""
    _caller, check = begin(provider, request)
    contains = check.query("contains", TEXT, None)
    limit = check.query("limit", PAGE_LIMIT, 10)
    check.done()
    found = []
    for item in provider.available():
        if contains and contains not in item["phone_number"]:
            continue
        found.append(render_to_buy(item))
        if len(found) >= limit:
            break
    return respond(found)


def pick_requested(provider: "VoiceosProvider", caller: "Caller", requested: str) -> str:
    number = normalize_number(requested)
    if number in provider.number_owner:
        fail(400, NOT_AVAILABLE)
    retained_by = provider.retained_owner.get(number)
    if retained_by == caller.tenant:
        return number
    if retained_by is not None:
        fail(400, NOT_AVAILABLE)
    if any(item["phone_number"] == number for item in provider.available()):
        return number
    if provider.settings.buy_unlisted_numbers and E164.match(number):
        return number
    fail(400, NOT_AVAILABLE)


async def phone_numbers_buy(provider: "VoiceosProvider", request: Request) -> Response:
    """The named number, or any available one when `phone_number` is null; 200 like every create."""
    raw = await read_body(request)
    caller, check = begin(provider, request)
    body = check.last_body(BuyPhoneNumber, raw)
    if body.phone_number is None:
        choices: list[dict[str, Any]] = provider.available()
        if not choices:
            fail(400, NOT_AVAILABLE)
        chosen = choices[0] if provider.settings.buy_pick == "first" else _rng.choice(choices)
        number = chosen["phone_number"]
    else:
        number = pick_requested(provider, caller, body.phone_number)
    record = new_number(phone_number=number, now_us=provider.clock.stamp_us())
    provider.add_number(caller.tenant, record)
    return respond(render_number(record, caller.account_id))
