"""VoIPBIN's failures as classes, rendered in the service's envelope.

`{"error": {status, reason, message, request_id, details?}}`: `status` is the gRPC-style
code the HTTP status derives from, `reason` the UPPER_SNAKE cause. One class per reason, raised
from any depth (handlers, the backend, action validation) and rendered once by the provider
app, which hands `render` the connection the request id is read from.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ProviderError
from ...core.http import GenericError, json_response
from .request_ids import request_id


class VoipbinError(ProviderError):
    """Base of every VoIPBIN error: the envelope's status code, reason and default message."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "INVALID_ARGUMENT"
    reason: ClassVar[str] = "INVALID_ARGUMENT"
    default_message: ClassVar[str] = "The request is invalid."

    def __init__(
        self,
        message: str | None = None,
        *,
        details: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.default_message, headers=headers)
        self.message: str = message or self.default_message
        self.details = details

    def render(self, conn: HTTPConnection) -> Response:
        rid = request_id(conn)
        body: dict[str, Any] = {"status": self.code, "reason": self.reason, "message": self.message, "request_id": rid}
        if self.details:
            body["details"] = self.details
        return json_response({"error": body}, self.status, {"X-Request-Id": rid})


# --- 400 INVALID_ARGUMENT -------------------------------------------------------------------------


class InvalidArgument(VoipbinError):
    """The generic 400; the service words some cases itself (the message)."""


class InvalidJsonBody(InvalidArgument):
    reason = "INVALID_JSON_BODY"
    default_message = "The request body is not valid JSON."


class InvalidId(InvalidArgument):
    reason = "INVALID_ID"
    default_message = "The provided id is not a valid UUID."


class InvalidRequestParameter(InvalidArgument):
    reason = "INVALID_REQUEST_PARAMETER"

    def __init__(self, parameter: str) -> None:
        super().__init__(f'The parameter "{parameter}" has an invalid format.')


class InvalidActionType(InvalidArgument):
    reason = "INVALID_ACTION_TYPE"

    def __init__(self, action_type: str) -> None:
        super().__init__(f"not supported action type: {action_type}")


class InvalidAnonymousValue(InvalidArgument):
    reason = "INVALID_ANONYMOUS_VALUE"

    def __init__(self, value: Any) -> None:
        super().__init__(f"invalid anonymous value: {value}")


class InvalidVariables(InvalidArgument):
    reason = "INVALID_VARIABLES"


class InvalidWebhookUri(InvalidArgument):
    reason = "INVALID_WEBHOOK_URI"
    default_message = "webhook_uri must be a valid http or https URL"


class InvalidEmail(InvalidArgument):
    reason = "INVALID_EMAIL"
    default_message = "email must be a valid email address"


class InvalidWebhookMethod(InvalidArgument):
    reason = "INVALID_WEBHOOK_METHOD"
    default_message = "webhook_method must be one of POST, GET, PUT or DELETE"


class RequestEntityTooLarge(InvalidArgument):
    status = 413
    reason = "REQUEST_ENTITY_TOO_LARGE"
    default_message = "The request body is too large."


# --- 401 UNAUTHENTICATED --------------------------------------------------------------------------


class Unauthenticated(VoipbinError):
    status = 401
    code = "UNAUTHENTICATED"


class AuthenticationRequired(Unauthenticated):
    reason = "AUTHENTICATION_REQUIRED"
    default_message = "Authentication is required."


class InvalidCredentials(Unauthenticated):
    reason = "INVALID_CREDENTIALS"
    default_message = "The provided credentials are invalid."


# --- 402, 403 -------------------------------------------------------------------------------------


class InsufficientBalance(VoipbinError):
    status = 402
    code = "PAYMENT_REQUIRED"
    reason = "INSUFFICIENT_BALANCE"
    default_message = "The account balance is insufficient for this operation."


class PermissionDenied(VoipbinError):
    status = 403
    code = "PERMISSION_DENIED"
    reason = "PERMISSION_DENIED"
    default_message = "You do not have permission to access this resource."


class IdentityVerificationRequired(PermissionDenied):
    reason = "IDENTITY_VERIFICATION_REQUIRED"
    default_message = "Customer identity verification is required for this operation."


class AccountFrozen(PermissionDenied):
    reason = "ACCOUNT_FROZEN"
    default_message = "The account is frozen and scheduled for deletion."


# --- 404 NOT_FOUND --------------------------------------------------------------------------------


class ResourceNotFound(VoipbinError):
    """A resource that is soft-deleted, or generic."""

    status = 404
    code = "NOT_FOUND"
    reason = "RESOURCE_NOT_FOUND"
    default_message = "The requested resource was not found."


class NumberNotFound(ResourceNotFound):
    reason = "NUMBER_NOT_FOUND"
    default_message = "The phone number was not found."


class FlowNotFound(ResourceNotFound):
    reason = "FLOW_NOT_FOUND"
    default_message = "The flow was not found."


class ActiveflowNotFound(ResourceNotFound):
    reason = "ACTIVEFLOW_NOT_FOUND"
    default_message = "The active flow was not found."


class BillingAccountNotFound(ResourceNotFound):
    reason = "BILLING_ACCOUNT_NOT_FOUND"
    default_message = "The billing account was not found."


class RouteNotFound(ResourceNotFound):
    reason = "ROUTE_NOT_FOUND"
    default_message = "The requested endpoint does not exist."


# --- 409, 500 -------------------------------------------------------------------------------------


class AlreadyExists(VoipbinError):
    status = 409
    code = "ALREADY_EXISTS"
    reason = "ALREADY_EXISTS"


class NumberAlreadyExists(AlreadyExists):
    reason = "NUMBER_ALREADY_EXISTS"
    default_message = "The number already exists."


class ResourceLimitExceeded(VoipbinError):
    status = 409
    code = "FAILED_PRECONDITION"
    reason = "RESOURCE_LIMIT_EXCEEDED"


class Internal(VoipbinError):
    status = 500
    code = "INTERNAL"
    reason = "INTERNAL"
    default_message = "An internal error occurred."


def untyped(error: VoipbinError, as_internal: bool) -> VoipbinError:
    """A failure the backend reports as a plain Go error (500 INTERNAL), the docs as a typed one."""
    return Internal() if as_internal else error


def generic_error(kind: GenericError, detail: str) -> ProviderError:
    """The service's answers to failures found before a handler runs.

    gin answers an unregistered method on a known path through its NoRoute handler.
    """
    if kind in (GenericError.ROUTE_NOT_FOUND, GenericError.METHOD_NOT_ALLOWED):
        return RouteNotFound()
    if kind is GenericError.BODY_TOO_LARGE:
        return RequestEntityTooLarge()
    if kind is GenericError.MALFORMED_BODY:
        return InvalidJsonBody()
    return Internal()
