"""The Gigs error object: {"object": "error", "type", "message", "code"?, "hint"?, "details"?}."""

from __future__ import annotations

from typing import Any, NoReturn

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ApiError
from ...core.http import GenericError, json_response

STATUS = {
    "malformed": 400,
    "invalid": 400,
    "unauthenticated": 401,
    "permissionDenied": 403,
    "notFound": 404,
    "methodNotAllowed": 405,
    "conflict": 409,
    "payloadTooLarge": 413,
    "internal": 500,
}
UNAUTHENTICATED = "Invalid authorization token"


def detail(prop: str, code: str, message: str) -> dict[str, Any]:
    return {"object": "propertyErrorDetail", "code": code, "message": message, "property": prop}


def error_response(
    kind: str,
    message: str,
    *,
    code: str | None = None,
    hint: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> Response:
    body: dict[str, Any] = {"object": "error", "type": kind, "message": message}
    if code is not None:
        body["code"] = code
    if hint is not None:
        body["hint"] = hint
    if details:
        body["details"] = details
    return json_response(body, STATUS[kind])


def fail(
    kind: str,
    message: str,
    *,
    code: str | None = None,
    hint: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> NoReturn:
    raise ApiError(error_response(kind, message, code=code, hint=hint, details=details))


def invalid(message: str, *, prop: str | None = None, detail_code: str = "propertyInvalid", hint: str | None = None) -> NoReturn:
    details = [detail(prop, detail_code, message)] if prop else None
    fail("invalid", message, hint=hint, details=details)


def generic_error(conn: HTTPConnection, kind: GenericError, message: str) -> Response:
    if kind is GenericError.ROUTE_NOT_FOUND:
        return error_response("notFound", "The requested resource does not exist.")
    if kind is GenericError.METHOD_NOT_ALLOWED:
        return error_response("methodNotAllowed", f"The method {conn.scope.get('method', '')} is not allowed here.")
    if kind is GenericError.BODY_TOO_LARGE:
        return error_response("payloadTooLarge", "The request body is too large.")
    if kind is GenericError.MALFORMED_BODY:
        return error_response("malformed", "The request body is not valid JSON.", hint=message)
    return error_response("internal", "An internal error occurred.", code="unknown")
