"""Imported numbers (Partner API): numbers hosted elsewhere, added to the project without a purchase."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from ...core.http import json_response
from .auth import authenticate
from .common import read_body, render, unknown_field_problems
from .errors import InvalidAttributes
from .fixtures import ALL_CAPABILITIES
from .phonefmt import is_e164

if TYPE_CHECKING:
    from .provider import SignalwireProvider

IMPORT_FORM = re.compile(r"^\+?[0-9]+\Z")
IMPORT_TYPES = {"longcode": "longcode", "tollfree": "toll-free"}


def import_number_problems(raw: Any) -> tuple[str | None, list[str]]:
    """The E.164 number to import (a missing `+` is added), or the problems."""
    if raw is None or raw == "":
        return None, ["number can't be blank"]
    if not isinstance(raw, str):
        return None, ["number must be a string"]
    if not 5 <= len(raw) <= 30 or not IMPORT_FORM.match(raw):
        return None, ["number must be 5 to 30 characters, digits only apart from a leading +"]
    e164 = raw if raw.startswith("+") else f"+{raw}"
    if not is_e164(e164):
        return None, [f"number {raw} is not a valid E.164 number"]
    return e164, []


def capabilities_problems(raw: Any) -> tuple[list[str], list[str]]:
    if raw is None:
        return list(ALL_CAPABILITIES), []
    if not isinstance(raw, list) or not all(isinstance(item, str) for item in raw):
        return [], ["capabilities must be an array of strings"]
    unknown = [item for item in raw if item not in ALL_CAPABILITIES]
    if unknown:
        return [], [f"capabilities may only contain sms, voice, fax and mms (not {', '.join(unknown)})"]
    return list(dict.fromkeys(raw)), []


async def imported_create(provider: SignalwireProvider, request: Request) -> Response:
    """201 with the new number; no billing date, no release window."""
    caller = authenticate(provider, request)
    body = await read_body(request)
    problems = unknown_field_problems(provider, body, {"number", "number_type", "capabilities"})
    e164, number_problems = import_number_problems(body.get("number"))
    problems += number_problems
    number_type = body.get("number_type")
    if number_type is None or number_type == "":
        problems.append("number_type can't be blank")
    elif not isinstance(number_type, str) or number_type not in IMPORT_TYPES:  # a list or object is no type either
        problems.append(f"number_type '{number_type}' is not included in the list: longcode, tollfree")
    capabilities, capability_problems = capabilities_problems(body.get("capabilities"))
    problems += capability_problems
    if problems or e164 is None:
        raise InvalidAttributes(*problems)
    stored_type = IMPORT_TYPES[number_type]  # type: ignore[index]  # a listed type: checked above
    record = provider.backend.import_number(caller.tenant, e164, stored_type, capabilities)
    return json_response(render(provider, record), 201)
