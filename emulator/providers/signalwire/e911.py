"""E911 addresses on numbers: assignment and removal, each finished by the carrier later.

The carrier's answer is evaluated lazily: whenever a number is read, a due change is applied
with the virtual time it became due.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.clock import MICROS
from ...core.http import buffer_body, json_response
from .auth import authenticate
from .common import owned_number, parse_uuid, read_body, render, unknown_field_problems
from .errors import invalid

if TYPE_CHECKING:
    from .provider import SignalwireProvider

ASSIGNABLE = frozenset({None, "active", "failed", "unregistered"})


def settle(number: dict[str, Any], now_us: int) -> None:
    due = number["e911_due_us"]
    if due is None or now_us < due:
        return
    outcome = number["e911_next"]
    number["e911_status"] = outcome
    if outcome == "unregistered":
        number["e911_address_id"] = None
    number["updated_us"] = max(number["updated_us"], due)
    number["e911_due_us"] = None
    number["e911_next"] = None


def schedule(number: dict[str, Any], status: str, outcome: str, delay_seconds: float, now_us: int) -> None:
    number["e911_status"] = status
    number["e911_next"] = outcome
    number["e911_due_us"] = now_us + round(delay_seconds * MICROS)
    number["updated_us"] = now_us
    settle(number, now_us)


async def assign(provider: SignalwireProvider, request: Request) -> Response:
    await buffer_body(request)
    caller = authenticate(provider, request)
    number = owned_number(provider, request, caller)
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"e911_address_id"})
    raw = body.get("e911_address_id")
    address_id = None
    if raw is None or raw == "":
        problems.append("e911_address_id can't be blank")
    elif not isinstance(raw, str):
        problems.append("e911_address_id must be a string")
    else:
        address_id = parse_uuid(raw)
        if address_id is None:
            problems.append("e911_address_id is not a valid UUID")
    if problems:
        invalid(*problems)
    address = caller.state["addresses"].get(address_id)
    if address is None:
        invalid("e911_address_id does not match a validated address of this project")
    if not address["validated"]:
        invalid("e911_address_id refers to an address that has not been validated")
    if number["e911_status"] not in ASSIGNABLE:
        invalid(f"An E911 address cannot be assigned while e911_status is {number['e911_status']}")
    number["e911_address_id"] = address_id
    outcome = "failed" if address["provisioning_fails"] else "active"
    schedule(number, "pending", outcome, provider.settings.e911_activation_seconds, provider.clock.stamp_us())
    return json_response(render(provider, number))


async def remove(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    number = owned_number(provider, request, caller)
    if number["e911_status"] != "active":
        status = number["e911_status"] or "not set"
        invalid(f"The E911 address can only be removed while e911_status is active (it is {status})")
    schedule(number, "pending_removal", "unregistered", provider.settings.e911_removal_seconds, provider.clock.stamp_us())
    return json_response(render(provider, number))
