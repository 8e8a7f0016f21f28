"""Numbers and available numbers: purchase rules, full-overwrite PUT, soft delete."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.clock import MICROS
from ...core.http import buffer_body, json_response
from .auth import authenticate, require_manager
from .common import (
    bool_field,
    list_page,
    manager,
    owned,
    page_size,
    read_body,
    string_field,
    uuid_field,
)
from .errors import fail, fail_untyped
from .events import number_event
from .fixtures import PLAN_LIMITS
from .models import E164, NIL_UUID, new_number, render_number

if TYPE_CHECKING:
    from .provider import VoipbinProvider

_rng = random.SystemRandom()


def virtual_number_problem(number: str) -> str | None:
    """ValidateVirtualNumber's checks, in its order; the reserved range is refused for customers."""
    if not number.startswith("+899"):
        return "virtual number must start with +899"
    if len(number) != 13:
        return "virtual number must be exactly 13 characters"
    if not number[1:].isdigit() or not number[1:].isascii():
        return "virtual number must contain only digits after +"
    if number.startswith("+899000"):
        return "virtual number range +899000XXXXXX is reserved"
    return None


def render(provider: "VoipbinProvider", number: dict[str, Any]) -> dict[str, Any]:
    return render_number(provider.settle(number), provider.profile)


async def numbers_create(provider: "VoipbinProvider", request: Request) -> Response:
    caller = authenticate(provider, request)
    body = await read_body(request)
    number = string_field(request, body, "number")
    kind = string_field(request, body, "type")
    call_flow_id = uuid_field(request, body, "call_flow_id")
    message_flow_id = uuid_field(request, body, "message_flow_id")
    name = string_field(request, body, "name")
    detail = string_field(request, body, "detail")
    if not number:
        fail(request, "INVALID_ARGUMENT", "INVALID_ARGUMENT")
    require_manager(request, caller)
    internal = provider.profile.untyped_errors_as_internal
    customer = caller.state["customer"]
    if not kind and provider.settings.virtual_without_type and number.startswith("+899"):
        kind = "virtual"
    if kind == "virtual":
        problem = virtual_number_problem(number)
        if problem:
            fail_untyped(request, internal, "INVALID_ARGUMENT", "INVALID_ARGUMENT", problem)
        limit = PLAN_LIMITS[customer["plan"]]
        held = sum(
            1 for n in caller.state["numbers"].values() if n["type"] == "virtual" and n["tm_delete"] is None
        )
        if limit is not None and held >= limit:
            fail_untyped(
                request, internal, "FAILED_PRECONDITION", "RESOURCE_LIMIT_EXCEEDED",
                "The virtual number limit of the billing plan has been reached.",
            )
    else:
        if not customer["identity_verified"]:
            fail(request, "PERMISSION_DENIED", "IDENTITY_VERIFICATION_REQUIRED")
        kind = "normal"
        if not E164.match(number):
            fail_untyped(request, internal, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "The number is not a valid E.164 number.")
        if number.startswith("+899000"):
            fail_untyped(request, internal, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "numbers starting with +899000 are reserved")
        if customer["balance"] < provider.settings.normal_number_cost:
            fail_untyped(request, internal, "PAYMENT_REQUIRED", "INSUFFICIENT_BALANCE")
    if number in provider.active_numbers:
        fail_untyped(request, internal, "ALREADY_EXISTS", "NUMBER_ALREADY_EXISTS", "The number already exists.")
    now = provider.clock.stamp_us()
    pending = kind == "normal" and provider.settings.purchase_pending_seconds > 0
    record = new_number(
        customer_id=customer["id"],
        number=number,
        kind=kind,
        status="purchase-pending" if pending else "active",
        now_us=now,
        call_flow_id=call_flow_id,
        message_flow_id=message_flow_id,
        name=name,
        detail=detail,
        t38_enabled=kind == "normal",
        emergency_enabled=False,
    )
    if pending:
        record["active_at"] = now + round(provider.settings.purchase_pending_seconds * MICROS)
    if kind == "normal":
        customer["balance"] = round(customer["balance"] - provider.settings.normal_number_cost, 6)
    provider.add_item(caller.tenant, "numbers", record)
    provider.active_numbers[number] = (caller.tenant, record["id"])
    return json_response(number_event(provider, "number_created", record))


async def numbers_list(provider: "VoipbinProvider", request: Request) -> Response:
    caller = manager(provider, request)
    return list_page(provider, request, caller, "numbers", lambda n: render(provider, n))


async def numbers_get(provider: "VoipbinProvider", request: Request) -> Response:
    caller, number = owned(provider, request, "numbers", "NUMBER_NOT_FOUND")
    return json_response(render(provider, number))


def verify_flow(provider: "VoipbinProvider", request: Request, caller: Any, flow_id: str) -> None:
    """PUT /numbers/{id} checks flow ownership; the backend fails it as an untyped error."""
    if flow_id == NIL_UUID:
        return
    flow = caller.state["flows"].get(flow_id)
    if flow is None or flow["tm_delete"] is not None:
        fail_untyped(request, provider.profile.untyped_errors_as_internal, "NOT_FOUND", "FLOW_NOT_FOUND")


def touch(provider: "VoipbinProvider", number: dict[str, Any], **changes: Any) -> Response:
    """Applies an accepted update; every PUT on a number sends `number_updated`."""
    provider.settle(number)
    number.update(changes)
    number["tm_update"] = provider.clock.stamp_us()
    return json_response(number_event(provider, "number_updated", number))


async def numbers_update(provider: "VoipbinProvider", request: Request) -> Response:
    await buffer_body(request)
    caller, number = owned(provider, request, "numbers", "NUMBER_NOT_FOUND")
    body = await read_body(request)
    changes = {
        "call_flow_id": uuid_field(request, body, "call_flow_id"),
        "message_flow_id": uuid_field(request, body, "message_flow_id"),
        "name": string_field(request, body, "name"),
        "detail": string_field(request, body, "detail"),
    }
    verify_flow(provider, request, caller, changes["call_flow_id"])
    verify_flow(provider, request, caller, changes["message_flow_id"])
    return touch(provider, number, **changes)


async def numbers_update_flow_ids(provider: "VoipbinProvider", request: Request) -> Response:
    await buffer_body(request)
    caller, number = owned(provider, request, "numbers", "NUMBER_NOT_FOUND")
    body = await read_body(request)
    return touch(
        provider,
        number,
        call_flow_id=uuid_field(request, body, "call_flow_id"),
        message_flow_id=uuid_field(request, body, "message_flow_id"),
    )


async def numbers_update_metadata(provider: "VoipbinProvider", request: Request) -> Response:
    await buffer_body(request)
    caller, number = owned(provider, request, "numbers", "NUMBER_NOT_FOUND")
    body = await read_body(request)
    return touch(provider, number, metadata={"rtp_debug": bool_field(request, body, "rtp_debug")})


async def numbers_delete(provider: "VoipbinProvider", request: Request) -> Response:
    caller, number = owned(provider, request, "numbers", "NUMBER_NOT_FOUND")
    provider.settle(number)
    now = provider.clock.stamp_us()
    number.update(status="deleted", tm_update=now, tm_delete=now, active_at=None)
    provider.active_numbers.pop(number["number"], None)
    return json_response(number_event(provider, "number_deleted", number))


async def numbers_renew(provider: "VoipbinProvider", request: Request) -> Response:
    """Platform-admin only: no customer credential carries ProjectSuperAdmin."""
    authenticate(provider, request)
    fail(request, "PERMISSION_DENIED", "PERMISSION_DENIED")


async def available_numbers(provider: "VoipbinProvider", request: Request) -> Response:
    manager(provider, request)
    size = page_size(request)
    kind = request.query_params.get("type", "")
    country = request.query_params.get("country_code", "")
    if kind == "virtual":
        return json_response({"result": virtual_candidates(provider, size)})
    if not country:
        fail(request, "INVALID_ARGUMENT", "INVALID_ARGUMENT", "country_code is required for non-virtual number queries.")
    offered = provider.settings.inventory.get(country.upper(), [])
    result = [
        {
            "number": item.number,
            "country": country.upper(),
            "region": item.region,
            "postal_code": item.postal_code,
            "features": list(item.features),
        }
        for item in offered
        if item.number not in provider.active_numbers
    ][:size]
    return json_response({"result": result})


def virtual_candidates(provider: "VoipbinProvider", count: int) -> list[dict[str, Any]]:
    """Random +899 numbers outside the reserved 000 area that no customer holds."""
    found: dict[str, None] = {}
    while len(found) < count:
        candidate = f"+899{_rng.randint(1, 999):03d}{_rng.randint(0, 999_999):06d}"
        if candidate not in provider.active_numbers:
            found[candidate] = None
    return [
        {"number": n, "country": "899", "region": "", "postal_code": "", "features": ["voice"]} for n in found
    ]

