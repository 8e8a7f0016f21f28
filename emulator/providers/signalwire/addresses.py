"""E911 addresses: list, create, retrieve, update and delete (the carrier's check is in the backend).

Problems are reported in Rails' words, as the reference's example (`Label can't be blank`) is;
every problem of a request is reported at once and a refused request changes nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import buffer_body, empty_response, json_response
from .auth import authenticate
from .common import path_uuid, read_body, unknown_field_problems
from .errors import InvalidAttributes
from .paging import Listing, links, page_request
from .resources import ADDRESS_FIELDS, ADDRESS_TYPES, render_address

if TYPE_CHECKING:
    from .provider import SignalwireProvider

ADDRESSES = Listing("/api/relay/rest/addresses", ("filter_label",), InvalidAttributes)
REQUIRED = ("label", "country", "first_name", "last_name", "street_number", "street_name", "city", "state", "postal_code")
LIMITED = frozenset({"label", "first_name", "last_name", "street_number", "street_name", "city", "postal_code"})
MAX_LENGTH = 250
COUNTRY = re.compile(r"^[A-Z]{2}\Z")
FLAGS = ("emergency_enabled", "auto_correct_address")
ALLOWED = set(ADDRESS_FIELDS) | set(FLAGS)


def humanized(key: str) -> str:
    """`first_name` → `First name`, as Rails names an attribute in its messages."""
    return key.replace("_", " ").capitalize()


def field_problem(key: str, value: Any) -> str | None:
    if not isinstance(value, str):
        return f"{humanized(key)} must be a string"
    if key in LIMITED and len(value) > MAX_LENGTH:
        return f"{humanized(key)} is too long (maximum is {MAX_LENGTH} characters)"
    if key == "country" and value and not COUNTRY.match(value):
        return "Country is not a valid ISO 3166 alpha-2 code"
    if key == "address_type" and value not in ADDRESS_TYPES:
        return "Address type is not included in the list"
    return None


def parse_address(
    provider: SignalwireProvider, body: dict[str, Any], stored: dict[str, Any] | None
) -> tuple[dict[str, Any], bool, bool]:
    """The fields sent (null counts as absent, or clears an optional field on update), and the two flags.

    A create (`stored` None) needs every required field; an update merges and needs them after merging.
    """
    problems = unknown_field_problems(provider, body, ALLOWED)
    changes: dict[str, Any] = {}
    refused: set[str] = set()
    for key in ADDRESS_FIELDS:
        value = body.get(key)
        if value is None:
            if key in body and stored is not None and key not in REQUIRED:
                changes[key] = None  # clears an optional field
            continue
        problem = field_problem(key, value)
        if problem:
            problems.append(problem)
            refused.add(key)
        else:
            changes[key] = value
    merged = {**(stored or {}), **changes}
    for key in REQUIRED:
        if key not in refused and not (merged.get(key) or "").strip() and (stored is None or key in body):
            problems.append(f"{humanized(key)} can't be blank")
    flags = {"emergency_enabled": False, "auto_correct_address": True}
    for key in FLAGS:
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, bool):
            problems.append(f"{humanized(key)} must be true or false")
        else:
            flags[key] = value
    if problems:
        raise InvalidAttributes(*problems)
    return changes, flags["emergency_enabled"], flags["auto_correct_address"]


async def addresses_list(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    page = page_request(request, ADDRESSES)
    found = provider.backend.addresses.listed(caller.tenant, page)
    return json_response({"links": links(page, found), "data": [render_address(a) for a in found.items]})


async def addresses_create(provider: SignalwireProvider, request: Request) -> Response:
    """US addresses sent with `emergency_enabled: true` are checked by the carrier (422 with candidates)."""
    caller = authenticate(provider, request)
    fields, emergency, auto_correct = parse_address(provider, await read_body(request), None)
    address = provider.backend.addresses.create(caller.tenant, fields, emergency, auto_correct)
    return json_response(render_address(address), provider.profile.create_status)


async def addresses_get(provider: SignalwireProvider, request: Request) -> Response:
    caller = authenticate(provider, request)
    return json_response(render_address(provider.backend.addresses.live(caller.tenant, path_uuid(request))))


async def addresses_update(provider: SignalwireProvider, request: Request) -> Response:
    """Merges the fields sent; the emergency fields follow this request's `emergency_enabled` (default false)."""
    await buffer_body(request)
    caller = authenticate(provider, request)
    address_id = path_uuid(request)
    stored = provider.backend.addresses.live(caller.tenant, address_id)  # an unknown address is 404 before the body
    changes, emergency, auto_correct = parse_address(provider, await read_body(request), dict(stored))
    address = provider.backend.addresses.update(caller.tenant, address_id, changes, emergency, auto_correct)
    return json_response(render_address(address))


async def addresses_delete(provider: SignalwireProvider, request: Request) -> Response:
    """204; numbers the address is assigned to keep it."""
    caller = authenticate(provider, request)
    backend = provider.backend.addresses
    backend.delete(caller.tenant, backend.live(caller.tenant, path_uuid(request)))
    return empty_response(204)
