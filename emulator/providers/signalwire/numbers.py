"""Phone numbers: list, purchase, retrieve, merge-update and release (with the release window)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.clock import MICROS, to_datetime
from ...core.http import buffer_body, empty_response, json_response
from .auth import authenticate
from .common import owned_number, read_body, render, unknown_field_problems
from .errors import fail, invalid
from .models import apply_changes, new_number
from .paging import links, matches_filters, page_request
from .phonefmt import is_e164
from .validation import validate_update

if TYPE_CHECKING:
    from .provider import SignalwireProvider

DAY_US = 86_400 * MICROS
TOO_RECENT = (
    "Number was purchased too recently to release. Please wait until {when} UTC to release this number, "
    "or contact Support for assistance."
)


async def numbers_list(provider: SignalwireProvider, request: Request) -> Response:
    """Newest first; a page token names the last number of the previous page."""
    caller = authenticate(provider, request)
    page = page_request(request)
    numbers = caller.state["numbers"]
    index = provider.index(caller.tenant)
    cursor = None
    if page.token is not None:
        anchor = numbers.get(page.token)
        if anchor is None:
            fail(400)
        cursor = (anchor["created_us"], anchor["id"])

    def keep(number_id: str) -> bool:
        number = numbers[number_id]
        return number["released_us"] is None and matches_filters(number["name"], number["number"], page.filters)

    ids = index.older_than(cursor, page.size + 1, keep)
    has_next = len(ids) > page.size
    ids = ids[: page.size]
    return json_response(
        {
            "links": links(page, index, cursor, ids[-1] if ids else None, has_next, keep),
            "data": [render(provider, numbers[i]) for i in ids],
        }
    )


async def numbers_purchase(provider: SignalwireProvider, request: Request) -> Response:
    """200 (not 201); only numbers the search inventory offers and nobody holds."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"number"})
    wanted = body.get("number")
    if wanted is None or wanted == "":
        problems.append("number can't be blank")
    elif not isinstance(wanted, str):
        problems.append("number must be a string")
    elif not is_e164(wanted):
        problems.append(f"number {wanted} is not a valid E.164 number")
    if problems or not isinstance(wanted, str):
        invalid(*problems)
    item = provider.inventory.get(wanted)
    if item is None or provider.is_held(wanted):
        invalid(f"Could not purchase {wanted}: the number is not available")
    record = new_number(
        number=wanted,
        name=provider.default_name(wanted),
        number_type="toll-free" if item.number_type == "toll-free" else "longcode",
        capabilities=list(item.capabilities),
        country_code=item.country_code,
        source="purchased",
        created_us=provider.clock.stamp_us(),
    )
    provider.add_number(caller.tenant, record)
    return json_response(render(provider, record))


async def numbers_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    return json_response(render(provider, owned_number(provider, request, caller)))


async def numbers_update(provider: SignalwireProvider, request: Request) -> Response:
    """PUT with merge semantics: only the fields sent change; any broken rule changes nothing."""
    await buffer_body(request)
    caller = authenticate(provider, request)
    number = owned_number(provider, request, caller)
    body = await read_body(request)
    changes, problems = validate_update(body, number, provider.settings)
    if problems:
        invalid(*problems)
    if apply_changes(number, changes):
        number["updated_us"] = provider.clock.stamp_us()
    return json_response(render(provider, number))


def release_window_us(provider: SignalwireProvider, state: dict[str, Any]) -> int:
    settings = provider.settings
    days = settings.trial_release_window_days if state["project"]["trial"] else settings.release_window_days
    return round(days * DAY_US)


def earliest_release_text(earliest_us: int) -> str:
    """Rounded up to the second, so waiting until the time shown is always enough."""
    seconds = -(-earliest_us // MICROS)
    return to_datetime(seconds * MICROS).strftime("%Y-%m-%d %H:%M:%S")


async def numbers_release(provider: SignalwireProvider, request: Request) -> Response:
    """204; refused (422) inside the release window after a purchase, on the virtual clock."""
    caller = authenticate(provider, request)
    number = owned_number(provider, request, caller)
    if number["source"] == "purchased":
        earliest = number["created_us"] + release_window_us(provider, caller.state)
        if provider.clock.now_us() < earliest:
            invalid(TOO_RECENT.format(when=earliest_release_text(earliest)))
    provider.release_number(caller.tenant, number)
    return empty_response(204)

