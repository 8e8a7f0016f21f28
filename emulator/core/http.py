"""HTTP plumbing shared by providers: fast JSON responses, body parsing, the core's generic failures."""

from __future__ import annotations

import enum
from typing import Any, Mapping

import orjson
from starlette.requests import Request
from starlette.responses import Response


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})  # methods that change nothing, by HTTP's definition


class GenericError(enum.Enum):
    """Failures the core detects before a provider's handler decides anything."""

    ROUTE_NOT_FOUND = "route_not_found"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    BODY_TOO_LARGE = "body_too_large"
    MALFORMED_BODY = "malformed_body"
    INTERNAL = "internal"


class BodyTooLarge(Exception):
    """The request body passed the configured limit while it was being read."""


class MalformedBody(Exception):
    """The body is not what the route needs (bad JSON, bad encoding, wrong top-level type)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class JSONResponse(Response):
    media_type = "application/json"

    def render(self, content: Any) -> bytes:
        return orjson.dumps(content)


def json_response(
    content: Any, status: int = 200, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(content, status_code=status, headers=headers)


def empty_response(status: int, headers: Mapping[str, str] | None = None) -> Response:
    return Response(b"", status_code=status, headers=headers)


async def read_json(request: Request, *, require_object: bool = True) -> Any:
    """The body as JSON; raises MalformedBody so each provider answers in its own format."""
    raw = await request.body()
    if not raw.strip():
        raise MalformedBody("empty body")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise MalformedBody(f"invalid JSON: {exc}") from None
    if require_object and not isinstance(value, dict):
        raise MalformedBody("the body must be a JSON object")
    return value


async def read_json_or_empty(request: Request) -> dict[str, Any]:
    """Like read_json, but an absent body counts as an empty object."""
    raw = await request.body()
    if not raw.strip():
        return {}
    return await read_json(request)


async def buffer_body(request: Request) -> None:
    """Receives the whole body before a handler looks its resource up.

    Receiving is the only point where a handler yields to other requests; done first, the lookup,
    the checks and the change run as one step, so a concurrent DELETE cannot remove the resource
    between them. The body is parsed later, from the buffer, keeping the provider's error order.
    """
    await request.body()
