"""GET /: the public health check."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from .responses import respond

if TYPE_CHECKING:
    from .provider import VoiceosProvider


async def health_get(provider: "VoiceosProvider", request: Request) -> Response:
    """No key needed. The service answers some JSON object; this one is Inferred."""
    return respond({"status": "ok"})
