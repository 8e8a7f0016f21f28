"""VoIPBIN's request ids: a client's well-formed X-Request-Id is echoed, otherwise one is made.

The id lives in the request scope, so the error envelope (`request_id`) and the response
header always carry the same value.
"""

from __future__ import annotations

from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ...core.ids import random_bytes

REQUEST_ID_STATE = "voipbin.request_id"
REQUEST_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


# Each random byte picks one of 32 base32 characters (A-Z, 2-7): 256 is a multiple of 32, so every
# character is equally likely, and one C call makes the id (base64.b32encode is Python code).
BASE32_OF_BYTE = bytes(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"[byte % 32] for byte in range(256))
REQUEST_ID_LENGTH = 26  # as the service's ids


def new_request_id() -> str:
    return "req_" + random_bytes(REQUEST_ID_LENGTH).translate(BASE32_OF_BYTE).decode()


def request_id(conn: HTTPConnection) -> str:
    """This request's id, made on first use."""
    state = conn.scope.setdefault("state", {})
    value = state.get(REQUEST_ID_STATE)
    if value is None:
        value = state[REQUEST_ID_STATE] = new_request_id()
    return value


class RequestIdMiddleware:
    """Echoes a well-formed X-Request-Id (≤64 of [A-Za-z0-9_-]) or makes one, on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        state = scope.setdefault("state", {})
        given = None
        for key, value in scope["headers"]:
            if key == b"x-request-id":
                given = value.decode("latin-1")
                break
        if given and len(given) <= 64 and REQUEST_ID_CHARS.issuperset(given):
            state[REQUEST_ID_STATE] = given

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                rid = state.get(REQUEST_ID_STATE) or new_request_id()
                state[REQUEST_ID_STATE] = rid
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"x-request-id"]
                headers.append((b"x-request-id", rid.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_id)
