"""The compatibility (LaML) API's errors: Twilio-style `{code, message, more_info, status}`, one class each.

Codes are those of the compatibility API's error catalogue. The body's `code` is an integer as
the compatibility OpenAPI describes it, or a string as a recorded production error sends it (the
`laml_error_body` profile switch): the handler boundary (`laml_endpoint`) stamps each error with
the active profile before the provider app renders it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, ClassVar, Literal

from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from ...core.errors import ProviderError
from ...core.http import GenericError, json_response
from .errors import SignalwireError

if TYPE_CHECKING:
    from .provider import SignalwireProvider

ErrorBody = Literal["spec", "recorded"]
MORE_INFO: dict[ErrorBody, str] = {
    "spec": "https://signalwire.com/docs/compatibility-api/reference/errors",
    "recorded": "https://developer.signalwire.com/compatibility-api/reference/error-codes",
}
# The compatibility API's paths: its documented base, and the shorter one its 2.x SDK requests.
LAML_PREFIXES = ("/api/laml/", "/2010-04-01/")


class LamlError(ProviderError):
    """One failure of the compatibility API, with its catalogue code."""

    status: ClassVar[int] = 400
    code: ClassVar[int] = 10000
    default_message: ClassVar[str] = "The argument passed is invalid"

    def __init__(self, message: str | None = None, *, status: int | None = None, code: int | None = None) -> None:
        super().__init__(message or self.default_message)
        self.answer_status = status or self.status  # a generic error may answer another status
        self.answer_code = code or self.code
        self.body_style: ErrorBody = "spec"

    def render(self, conn: HTTPConnection) -> Response:
        return json_response(self.body(), self.answer_status)

    def body(self) -> dict[str, Any]:
        return {
            "code": self.answer_code if self.body_style == "spec" else str(self.answer_code),
            "message": self.message,
            "more_info": MORE_INFO[self.body_style],
            "status": self.answer_status,
        }


class InvalidArgument(LamlError):
    """10000: an argument is invalid or a required one is blank."""


class AccountNotOwned(LamlError):
    """10004: the AccountSid names a project other than the one the credentials belong to."""

    code = 10004
    default_message = "The subproject ID passed does not belong to the project used to authenticate the request"


class InvalidFriendlyName(LamlError):
    code = 20002


class AuthenticationFailed(LamlError):
    """20003: missing or wrong credentials, a token without the Numbers scope, or another account's path."""

    status = 401
    code = 20003
    default_message = "Authentication failed"


class ResourceNotFound(LamlError):
    status = 404
    code = 20404

    def __init__(self, path: str) -> None:
        super().__init__(f"The requested resource {path} was not found")


class TooManyRequests(LamlError):
    status = 429
    code = 20429
    default_message = "Too many requests"


class InternalError(LamlError):
    status = 500
    code = 20504
    default_message = "An internal error occurred"


class PayloadTooLarge(LamlError):
    """Inferred: the catalogue names no code for an oversize body, so the generic 10000."""

    status = 413


class InvalidMethod(LamlError):
    """21209: a method that is not GET or POST, or a receive mode that is not voice or fax."""

    code = 21209


class InvalidPurchaseNumber(LamlError):
    code = 21401


class InvalidUrl(LamlError):
    code = 21402


class InvalidApplicationSid(LamlError):
    code = 21420


class NumberRequired(LamlError):
    code = 21421
    default_message = "An area code or number must be provided to purchase a number"


class InvalidAreaCode(LamlError):
    code = 21451


class InvalidCallbackUrl(LamlError):
    code = 21456


class InvalidPageToken(LamlError):
    code = 21481
    default_message = "The page token supplied was invalid"


class InvalidEmergencyAddress(LamlError):
    """22109: not a validated E911 address of the project."""

    code = 22109


class EmergencyAddressRefused(LamlError):
    """21628: the number cannot take (or give up) the address now: toll-free, or a change in progress."""

    status = 422
    code = 21628


class NumberUnavailable(LamlError):
    """Inferred: the catalogue names no code for a number nobody can buy, so the generic 10000."""

    status = 422

    def __init__(self, number: str) -> None:
        super().__init__(f"The phone number {number} is not available to purchase")


class ReleaseTooSoon(LamlError):
    """22121, with the earliest release time in the wording of the Relay REST API's refusal."""

    status = 409
    code = 22121

    def __init__(self, earliest: str) -> None:
        super().__init__(
            f"This number was purchased too recently to release. Please wait until {earliest} UTC to release "
            "this number, or contact Support for assistance."
        )


def route_path(conn: HTTPConnection) -> str:
    """The path below the provider's mount point."""
    path: str = conn.scope.get("path", "")
    root: str = conn.scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def is_laml(conn: HTTPConnection) -> bool:
    return route_path(conn).startswith(LAML_PREFIXES)


def styled(error: LamlError, style: ErrorBody) -> LamlError:
    error.body_style = style
    return error


def generic_error(conn: HTTPConnection, kind: GenericError, detail: str) -> LamlError:
    """The compatibility API's answer to a failure found before a handler decided anything.

    Unknown routes and wrong methods are routing misses (404), as in the rest of the service.
    """
    if kind in (GenericError.ROUTE_NOT_FOUND, GenericError.METHOD_NOT_ALLOWED):
        return ResourceNotFound(route_path(conn))
    if kind is GenericError.BODY_TOO_LARGE:
        return PayloadTooLarge(f"The request body is too large ({detail})")
    if kind is GenericError.MALFORMED_BODY:
        return InvalidArgument(f"The request body could not be read: {detail}")
    return InternalError()


# The catalogue's code for a status, where an error is known only by its status.
STATUS_CODES = {401: AuthenticationFailed.code, 404: ResourceNotFound.code, 429: TooManyRequests.code}


def by_status(status: int, message: str | None = None) -> LamlError:
    """An error known only by its status (an injected fault, a Relay REST error that reached a
    compatibility handler): the catalogue's code for it, 20504 for a 5xx, 10000 otherwise."""
    code = STATUS_CODES.get(status, InternalError.code if status >= 500 else InvalidArgument.code)
    return LamlError(message, status=status, code=code)


def fault_error(status: int) -> LamlError:
    return by_status(status, f"Injected fault: HTTP {status}")


def laml_endpoint(handler: Any) -> Any:
    """Every error a compatibility handler raises leaves in the LaML format, in the profile's style."""

    @functools.wraps(handler)
    async def endpoint(provider: SignalwireProvider, request: Request) -> Response:
        try:
            return await handler(provider, request)
        except LamlError as exc:
            raise styled(exc, provider.profile.laml_error_body) from None
        except SignalwireError as exc:
            # A safety net: handlers translate the Relay REST errors they expect.
            raise styled(by_status(exc.status, exc.message), provider.profile.laml_error_body) from None

    return endpoint
