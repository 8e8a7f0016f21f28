"""The ASGI layer that writes what a request changed before the last chunk of its answer leaves.

It wraps each provider's app and the control API when a state file is used (nothing is wrapped
without one). A request that ends without a final chunk (a dropped connection, a failure) is
written when its app returns.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .database import StateFileError

if TYPE_CHECKING:
    from .state_file import Persistence


class PersistingApp:
    def __init__(self, app: ASGIApp, persistence: "Persistence", provider: str | None) -> None:
        self.app = app
        self.persistence = persistence
        self.provider = provider  # None: the control API

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        persistence = self.persistence
        provider = self.provider
        written = False

        async def persisting_send(message: Message) -> None:
            nonlocal written
            if message["type"] == "http.response.body" and not message.get("more_body", False) and not written:
                written = True
                persistence.after_request(provider, scope)  # raises StateFileError: no complete answer
            await send(message)

        try:
            await self.app(scope, receive, persisting_send)
        finally:
            if not written:
                try:
                    persistence.after_request(provider, scope)
                except StateFileError:
                    pass  # logged; the next write tries again
