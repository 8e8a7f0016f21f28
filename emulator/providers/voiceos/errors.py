"""FastAPI's error bodies: `{"detail": "..."}`, and 422 `{"detail": [{type, loc, msg, input, ctx?}]}`."""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, NoReturn

import orjson
from pydantic import ValidationError
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response

from ...core.errors import ApiError
from ...core.http import GenericError

PHONE_NUMBER_NOT_FOUND = "Phone number not found"
AGENT_NOT_FOUND = "Agent not found"
CONVERSATION_NOT_FOUND = "Conversation not found"
NOT_AVAILABLE = "Phone number not available"


def respond(content: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    """JSON like Starlette's JSONResponse; falls back to the json module for ints over 64 bits."""
    try:
        body = orjson.dumps(content)
    except TypeError:
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, headers=headers, media_type="application/json")


def detail(status: int, message: str, headers: Mapping[str, str] | None = None) -> Response:
    return respond({"detail": message}, status, headers)


def fail(status: int, message: str, headers: Mapping[str, str] | None = None) -> NoReturn:
    raise ApiError(detail(status, message, headers))


def jsonable(value: Any) -> Any:
    """What fastapi.encoders.jsonable_encoder makes of an error's input and ctx."""
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    if isinstance(value, BaseException):
        return {}
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def error_items(exc: ValidationError, prefix: Iterable[str | int]) -> list[dict[str, Any]]:
    """pydantic's errors without `url`, `loc` prefixed with where the value came from."""
    head = tuple(prefix)
    items = []
    for error in exc.errors(include_url=False):
        item: dict[str, Any] = {
            "type": error["type"],
            "loc": [*head, *error["loc"]],
            "msg": error["msg"],
            "input": jsonable(error.get("input")),
        }
        if "ctx" in error:
            item["ctx"] = jsonable(error["ctx"])
        items.append(item)
    return items


def validation_failed(items: list[dict[str, Any]]) -> NoReturn:
    raise ApiError(respond({"detail": items}, 422))


def json_invalid(message: str, position: int) -> dict[str, Any]:
    return {
        "type": "json_invalid",
        "loc": ["body", position],
        "msg": "JSON decode error",
        "input": {},
        "ctx": {"error": message},
    }


def generic_error(conn: HTTPConnection, kind: GenericError, message: str) -> Response:
    """Starlette's and FastAPI's answers for what no route handler decides."""
    if kind is GenericError.ROUTE_NOT_FOUND:
        return detail(404, "Not Found")
    if kind is GenericError.METHOD_NOT_ALLOWED:
        return detail(405, "Method Not Allowed")
    if kind is GenericError.BODY_TOO_LARGE:
        return detail(413, "Request Entity Too Large")
    if kind is GenericError.MALFORMED_BODY:
        return respond({"detail": [json_invalid(message, 0)]}, 422)
    return PlainTextResponse("Internal Server Error", status_code=500)
