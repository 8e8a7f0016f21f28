"""The httpx side of outgoing requests, kept apart so start-up does not import an HTTP client."""

from __future__ import annotations

import ssl
from functools import lru_cache
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


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every outgoing call: building one costs tens of milliseconds."""
    return ssl.create_default_context()


def new_client(destinations: "Destinations") -> httpx.AsyncClient:
    """A client for calls to users' URLs: no proxies from the environment, no redirects (a 3xx is
    a reply like any other non-2xx), and the hosts the emulator may not call refused before sending."""
    return httpx.AsyncClient(
        follow_redirects=False, trust_env=False, verify=tls_context(), event_hooks=destinations.client_hooks()
    )
