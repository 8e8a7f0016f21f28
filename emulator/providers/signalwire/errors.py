"""SignalWire's Relay REST error bodies: `{"error": "<reason>"}` and the 422 `{"errors": [...]}` list."""

from __future__ import annotations

from typing import NoReturn

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ApiError
from ...core.http import GenericError, json_response

REASONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    413: "Request Entity Too Large",
    500: "Internal Server Error",
}
VALIDATION_TITLE = "Invalid Attribute"


def status_response(status: int) -> Response:
    return json_response({"error": REASONS[status]}, status)


def validation_response(details: list[str]) -> Response:
    """The Relay REST 422: `status` and `code` are strings, and `code` is the HTTP status."""
    items = [{"detail": d, "status": "422", "title": VALIDATION_TITLE, "code": "422"} for d in details]
    return json_response({"errors": items}, 422)


def fail(status: int) -> NoReturn:
    raise ApiError(status_response(status))


def invalid(*details: str) -> NoReturn:
    raise ApiError(validation_response(list(details)))


def generic_error(conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
    """Unknown routes and wrong methods are Rails routing misses, hence 404."""
    if kind in (GenericError.ROUTE_NOT_FOUND, GenericError.METHOD_NOT_ALLOWED):
        return status_response(404)
    if kind is GenericError.BODY_TOO_LARGE:
        return status_response(413)
    if kind is GenericError.MALFORMED_BODY:
        return status_response(400)
    return status_response(500)
