"""CORS as Starlette's middleware answers it, cheaper for API clients.

A request without an `Origin` header (every SDK, curl, a test client) gets only `Vary: Origin`
added to its answer; Starlette's middleware builds header objects for that on every request.
Requests with an `Origin`, preflights and answers that already vary take Starlette's own code.
"""

from __future__ import annotations

from starlette.middleware.cors import CORSMiddleware
from starlette.types import Message, Receive, Scope, Send

VARY_ORIGIN = (b"vary", b"Origin")


class Cors(CORSMiddleware):
    """Starlette's `CORSMiddleware` (same options) with a short road for requests without an Origin."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or any(name == b"origin" for name, _ in scope["headers"]):
            await super().__call__(scope, receive, send)
            return

        async def send_varying(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                if any(name == b"vary" for name, _ in headers):  # merged into one value by Starlette's code
                    await self.send(message, send, _NO_ORIGIN)
                    return
                headers.append(VARY_ORIGIN)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_varying)


class _NoOrigin:
    """The request headers Starlette's `send` asks for the Origin, for a request without one."""

    @staticmethod
    def get(name: str, default: None = None) -> None:
        return None


_NO_ORIGIN = _NoOrigin()
