"""What the handlers share: path ids, rendering, body reading, undocumented fields."""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from ...core.http import read_json_or_empty
from .models import render_number
from .state import PhoneNumber

if TYPE_CHECKING:
    from .provider import SignalwireProvider


UUID_TEXT = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def parse_uuid(value: Any) -> str | None:
    """The canonical (lower-case, hyphenated) UUID, or None for anything else."""
    if not isinstance(value, str) or UUID_TEXT.match(value) is None:
        return None
    return str(uuid.UUID(value))


def path_uuid(request: Request, key: str = "id") -> str | None:
    """The path's id, canonical; None (answered 404 by the lookup) when it is no UUID."""
    return parse_uuid(request.path_params[key])


def render(provider: SignalwireProvider, number: PhoneNumber) -> dict[str, Any]:
    return render_number(number, provider.profile, provider.clock.now_us())


async def read_body(request: Request) -> dict[str, Any]:
    """A JSON object; an absent body counts as `{}`, anything else malformed is 400."""
    return await read_json_or_empty(request)


def unknown_field_problems(provider: SignalwireProvider, body: dict[str, Any], allowed: set[str]) -> list[str]:
    """Undocumented body fields: refused, unless the `unknown_fields` setting says to ignore them."""
    if provider.settings.unknown_fields == "ignore":
        return []
    return [f"found unpermitted parameter: {key}" for key in body if key not in allowed]
