"""Refuses request bodies over the configured size, in the provider's own error format.

A declared `Content-Length` over the limit is answered at once, before any byte of the body is
read; within it, the server's HTTP framing delivers no more than declared. A body of unknown
length (chunked) is counted as it arrives; passing the limit raises `BodyTooLarge` inside the
handler, which the error layer turns into the same answer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..http import BodyTooLarge
from .errors import answer_too_large

if TYPE_CHECKING:
    from ..provider import Provider

MAX_DIGITS = 18  # longer lengths are over any limit (and over what int() parses by default)


class BodyLimit:
    def __init__(self, app: ASGIApp, provider: "Provider[Any, Any]") -> None:
        self.app = app
        self.provider = provider
        self.limit = provider.runtime.config.max_body_bytes

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """A plain call, not a coroutine: a request with a body of known size costs no extra frame."""
        declared = None  # the first Content-Length, if it is a plain number
        chunked = False
        for name, value in scope["headers"]:
            if name == b"content-length" and declared is None and value.isdigit():
                declared = int(value) if len(value) <= MAX_DIGITS else 10**MAX_DIGITS
            elif name == b"transfer-encoding":
                chunked = True
        if declared is not None and declared > self.limit:
            return answer_too_large(self.provider, scope, send)
        if not chunked:
            return self.app(scope, receive, send)
        return self.app(scope, self.counting(receive), send)

    def counting(self, receive: Receive) -> Receive:
        limit = self.limit
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        return limited_receive
