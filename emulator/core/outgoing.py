"""The httpx side of outgoing requests, kept apart so start-up does not import an HTTP client."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable, Callable

import httpx

if TYPE_CHECKING:
    from .destinations import Destinations


class DestinationRefused(httpx.RequestError):
    """The emulator is configured not to call this host; nothing was sent."""


def refusing_hook(destinations: "Destinations") -> Callable[[httpx.Request], Awaitable[None]]:
    async def check(request: httpx.Request) -> Any:
        refusal = destinations.refusal(str(request.url))
        if refusal is not None:
            raise DestinationRefused(refusal, request=request)

    return check
