"""VoIPBIN's error envelope: {"error": {status, reason, message, request_id, details?}}."""

from __future__ import annotations

import base64
import secrets
from typing import Any, NoReturn

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ApiError
from ...core.http import GenericError, json_response

HTTP_STATUS = {
    "INVALID_ARGUMENT": 400,
    "UNAUTHENTICATED": 401,
    "PAYMENT_REQUIRED": 402,
    "PERMISSION_DENIED": 403,
    "NOT_FOUND": 404,
    "ALREADY_EXISTS": 409,
    "FAILED_PRECONDITION": 409,
    "RESOURCE_EXHAUSTED": 429,
    "INTERNAL": 500,
    "UNAVAILABLE": 503,
}

MESSAGES = {
    "AUTHENTICATION_REQUIRED": "Authentication is required.",
    "INVALID_CREDENTIALS": "The provided credentials are invalid.",
    "PERMISSION_DENIED": "You do not have permission to access this resource.",
    "DIRECT_ACCESS_NOT_SUPPORTED": "Direct access is not supported for this endpoint.",
    "IDENTITY_VERIFICATION_REQUIRED": "Customer identity verification is required for this operation.",
    "ACCOUNT_FROZEN": "The account is frozen and scheduled for deletion.",
    "INVALID_JSON_BODY": "The request body is not valid JSON.",
    "INVALID_ID": "The provided id is not a valid UUID.",
    "INVALID_ARGUMENT": "The request is invalid.",
    "NUMBER_NOT_FOUND": "The phone number was not found.",
    "RESOURCE_NOT_FOUND": "The requested resource was not found.",
    "FLOW_NOT_FOUND": "The flow was not found.",
    "ACTIVEFLOW_NOT_FOUND": "The active flow was not found.",
    "ROUTE_NOT_FOUND": "The requested endpoint does not exist.",
    "METHOD_NOT_ALLOWED": "The method is not allowed for this endpoint.",
    "INTERNAL": "An internal error occurred.",
    "INSUFFICIENT_BALANCE": "The account balance is insufficient for this operation.",
    "REQUEST_ENTITY_TOO_LARGE": "The request body is too large.",
}

REQUEST_ID_STATE = "voipbin.request_id"


def new_request_id() -> str:
    # 17 random bytes in base32 (A-Z, 2-7) give 27 full characters; the service's ids have 26.
    return "req_" + base64.b32encode(secrets.token_bytes(17)).decode()[:26]


def request_id(conn: HTTPConnection) -> str:
    state = conn.scope.setdefault("state", {})
    value = state.get(REQUEST_ID_STATE)
    if value is None:
        value = state[REQUEST_ID_STATE] = new_request_id()
    return value


def error_response(
    conn: HTTPConnection,
    status: str,
    reason: str,
    message: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> Response:
    rid = request_id(conn)
    body: dict[str, Any] = {
        "status": status,
        "reason": reason,
        "message": message or MESSAGES.get(reason, MESSAGES["INVALID_ARGUMENT"]),
        "request_id": rid,
    }
    if details:
        body["details"] = details
    return json_response({"error": body}, HTTP_STATUS[status], {"X-Request-Id": rid})


def fail(
    conn: HTTPConnection,
    status: str,
    reason: str,
    message: str | None = None,
    details: list[dict[str, Any]] | None = None,
) -> NoReturn:
    raise ApiError(error_response(conn, status, reason, message, details))


def fail_untyped(
    conn: HTTPConnection, internal: bool, status: str, reason: str, message: str | None = None
) -> NoReturn:
    """A failure the backend reports as a plain Go error (500 INTERNAL) and the docs as a typed one."""
    if internal:
        fail(conn, "INTERNAL", "INTERNAL")
    fail(conn, status, reason, message)


def generic_error(conn: HTTPConnection, kind: GenericError, detail: str) -> Response:
    if kind is GenericError.ROUTE_NOT_FOUND:
        return error_response(conn, "NOT_FOUND", "ROUTE_NOT_FOUND")
    if kind is GenericError.METHOD_NOT_ALLOWED:
        # gin answers an unregistered method on a known path through its NoRoute handler.
        return error_response(conn, "NOT_FOUND", "ROUTE_NOT_FOUND")
    if kind is GenericError.BODY_TOO_LARGE:
        response = error_response(conn, "INVALID_ARGUMENT", "REQUEST_ENTITY_TOO_LARGE")
        response.status_code = 413
        return response
    if kind is GenericError.MALFORMED_BODY:
        return error_response(conn, "INVALID_ARGUMENT", "INVALID_JSON_BODY")
    return error_response(conn, "INTERNAL", "INTERNAL")
