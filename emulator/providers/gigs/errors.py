"""The Gigs error object, one class per failure: {"object": "error", "type", "message", "code"?, "hint"?, "details"?}.

Raised from any depth (params, auth, backend), rendered once by the provider app. `type` and
the HTTP status go together as Gigs documents them; `code` is only sent where Gigs has one.
"""

from __future__ import annotations

from typing import Any, ClassVar, Mapping

from starlette.requests import HTTPConnection
from starlette.responses import Response

from ...core.errors import ProviderError
from ...core.http import GenericError, json_response


def detail(prop: str, code: str, message: str) -> dict[str, Any]:
    """A `propertyErrorDetail` of the preview `details` list."""
    return {"object": "propertyErrorDetail", "code": code, "message": message, "property": prop}


class GigsError(ProviderError):
    """Base of every Gigs failure: its `type`, status, default message and optional `code`."""

    error_type: ClassVar[str]
    code: ClassVar[str | None] = None
    default_message: ClassVar[str]

    def __init__(
        self,
        message: str | None = None,
        *,
        hint: str | None = None,
        details: list[dict[str, Any]] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message or self.default_message, headers=headers)
        self.hint = hint
        self.details = details

    def body(self, conn: HTTPConnection) -> dict[str, Any]:
        body: dict[str, Any] = {"object": "error", "type": self.error_type, "message": self.message}
        if self.code is not None:
            body["code"] = self.code
        if self.hint is not None:
            body["hint"] = self.hint
        if self.details:
            body["details"] = self.details
        return body

    def render(self, conn: HTTPConnection) -> Response:
        return json_response(self.body(conn), self.status)


# --- 400 ------------------------------------------------------------------------------------


class Malformed(GigsError):
    """The body cannot be parsed at all."""

    status, error_type, default_message = 400, "malformed", "The request body is not valid JSON."


class Invalid(GigsError):
    """A parameter, header or body value Gigs rejects."""

    status, error_type, default_message = 400, "invalid", "The request is invalid."


class PropertyError(Invalid):
    """An invalid value of one named property, with a `propertyErrorDetail` naming it."""

    detail_code: ClassVar[str]

    def __init__(self, message: str, prop: str, *, hint: str | None = None) -> None:
        super().__init__(message, hint=hint, details=[detail(prop, self.detail_code, message)])


class PropertyInvalid(PropertyError):
    detail_code = "propertyInvalid"


class PropertyRequired(PropertyError):
    detail_code = "propertyRequired"


class PropertyUnknown(PropertyError):
    detail_code = "propertyUnknown"


class UnknownProperties(Invalid):
    """Body properties the operation does not take: the first is named, each gets a detail."""

    def __init__(self, names: list[str]) -> None:
        super().__init__(
            f"Unknown property {names[0]!r}.",
            details=[detail(name, "propertyUnknown", "Unknown property.") for name in names],
        )


class BodyNotAnObject(Invalid):
    default_message = "The request body must be a JSON object."


class IdempotencyKeysDisabled(Invalid):
    """The project is outside the Idempotency-Key beta: sending the header fails the request."""

    default_message = "Idempotency keys are not enabled for this project."

    def __init__(self) -> None:
        super().__init__(hint="Send the request without the Idempotency-Key header.")


# --- 401, 403, 404, 405 ---------------------------------------------------------------------


class Unauthenticated(GigsError):
    status, error_type, default_message = 401, "unauthenticated", "Invalid authorization token"


class PermissionDenied(GigsError):
    status, error_type, default_message = 403, "permissionDenied", "The API key is not allowed to access this project."


class NotFound(GigsError):
    status, error_type, default_message = 404, "notFound", "The requested resource does not exist."


class ProjectNotFound(NotFound):
    default_message = "Project not found."


class VirtualNumberNotFound(NotFound):
    default_message = "Virtual number not found."


class SubscriptionNotFound(NotFound):
    default_message = "Subscription not found."


class UserNotFound(NotFound):
    default_message = "User not found."


class MethodNotAllowed(GigsError):
    status, error_type, default_message = 405, "methodNotAllowed", "The method is not allowed here."

    def body(self, conn: HTTPConnection) -> dict[str, Any]:
        body = super().body(conn)
        body["message"] = f"The method {conn.scope.get('method', '')} is not allowed here."
        return body


# --- 409: the resource's state forbids the change ------------------------------------------------


class Conflict(GigsError):
    status, error_type, default_message = 409, "conflict", "The resource's state does not allow this."


class SubscriptionNotActive(Conflict):
    def __init__(self, status: str) -> None:
        super().__init__(f"Subscription is {status}; virtual numbers can only be added to active subscriptions.")


class NumberAlreadyEnded(Conflict):
    default_message = "Virtual number has already ended."


class NumberAlreadyCanceled(Conflict):
    default_message = "Virtual number is already canceled."


class TransitionNotAllowed(Conflict):
    """A lifecycle step the control API asked for that the number's status does not allow."""


# --- 413, 500 --------------------------------------------------------------------------------


class PayloadTooLarge(GigsError):
    status, error_type, default_message = 413, "payloadTooLarge", "The request body is too large."


class Internal(GigsError):
    status, error_type, code, default_message = 500, "internal", "unknown", "An internal error occurred."


def generic_error(kind: GenericError, detail: str) -> GigsError:
    """Gigs' answer to the failures the core detects before a handler runs."""
    if kind is GenericError.ROUTE_NOT_FOUND:
        return NotFound()
    if kind is GenericError.METHOD_NOT_ALLOWED:
        return MethodNotAllowed()
    if kind is GenericError.BODY_TOO_LARGE:
        return PayloadTooLarge()
    if kind is GenericError.MALFORMED_BODY:
        return Malformed(hint=detail)
    return Internal()
