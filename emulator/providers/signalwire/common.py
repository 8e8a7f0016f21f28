"""What the handlers share: the caller's number by path id, rendering, body reading."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ...core.http import read_json_or_empty
from .auth import Caller
from .errors import fail
from .models import render_number

if TYPE_CHECKING:
    from .provider import SignalwireProvider


UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def parse_uuid(value: Any) -> str | None:
    """The canonical (lower-case, hyphenated) UUID, or None for anything else."""
    if not isinstance(value, str) or UUID_TEXT.match(value) is None:
        return None
    return str(uuid.UUID(value))


def path_uuid(request: Request, key: str = "id") -> str | None:
    return parse_uuid(request.path_params[key])


def owned_number(provider: SignalwireProvider, request: Request, caller: Caller) -> dict[str, Any]:
    """The project's live number; other projects' numbers, released ones and non-UUIDs are 404."""
    number_id = path_uuid(request)
    number = caller.state["numbers"].get(number_id) if number_id else None
    if number is None or number["released_us"] is not None:
        fail(404)
    return provider.settle(number)


def render(provider: SignalwireProvider, number: dict[str, Any]) -> dict[str, Any]:
    return render_number(provider.settle(number), provider.profile, provider.clock.now_us())


async def read_body(request: Request) -> dict[str, Any]:
    """A JSON object; an absent body counts as `{}`, anything else malformed is 400."""
    return await read_json_or_empty(request)



def unknown_field_problems(provider: SignalwireProvider, body: dict[str, Any], allowed: set[str]) -> list[str]:
    """Undocumented body fields: refused, unless the `unknown_fields` setting says to ignore them."""
    if provider.settings.unknown_fields == "ignore":
        return []
    return [f"found unpermitted parameter: {key}" for key in body if key not in allowed]
