"""FastAPI's errors as classes: `{"detail": "..."}`, and 422 `{"detail": [{type, loc, msg, input, ctx?}]}`.

Raised from any depth (handlers, request parsing, the backend) and rendered once by the provider app.
"""

from __future__ import annotations

from typing import Any, ClassVar, Iterable, Mapping

from pydantic import ValidationError
from starlette.requests import HTTPConnection
from starlette.responses import PlainTextResponse, Response

from ...core.errors import ProviderError
from ...core.http import GenericError
from .responses import respond

BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


class VoiceosError(ProviderError):
    """`{"detail": message}` with the failure's status; `detail` is the message when none is given."""

    detail: ClassVar[str] = "Internal Server Error"
    sent_headers: ClassVar[Mapping[str, str] | None] = None

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.detail, headers=self.sent_headers)

    def render(self, conn: HTTPConnection) -> Response:
        return respond({"detail": self.message}, self.status)


class NotAuthenticated(VoiceosError):
    """No bearer credential, as FastAPI's HTTPBearer answers it now."""

    status = 401
    detail = "Not authenticated"
    sent_headers: ClassVar[Mapping[str, str] | None] = BEARER_CHALLENGE


class NotAuthenticatedLegacy(NotAuthenticated):
    """No bearer credential, as HTTPBearer answered it in the versions of 2024: 403, no challenge."""

    status = 403
    sent_headers = None


class InvalidApiKey(VoiceosError):
    status = 401
    detail = "Invalid API key"
    sent_headers = BEARER_CHALLENGE


class NotFound(VoiceosError):
    """Starlette's answer for a path no route matches; subclasses name the missing resource."""

    status = 404
    detail = "Not Found"


class PhoneNumberNotFound(NotFound):
    detail = "Phone number not found"


class AgentNotFound(NotFound):
    detail = "Agent not found"


class ConversationNotFound(NotFound):
    detail = "Conversation not found"


class RecordingNotFound(NotFound):
    """A conversation that never started, or has not ended yet, has no recording (Inferred)."""

    detail = "Recording not found"


class NotAvailable(VoiceosError):
    """The number to buy is held by an account, kept by another one, or not offered."""

    status = 400
    detail = "Phone number not available"


class BodyNotParsed(VoiceosError):
    """A body FastAPI cannot even decode (not UTF-8/16/32, nested too deep, an integer past 64 bits)."""

    status = 400
    detail = "There was an error parsing the body"


class MethodNotAllowed(VoiceosError):
    status = 405
    detail = "Method Not Allowed"


class RequestTooLarge(VoiceosError):
    status = 413
    detail = "Request Entity Too Large"


class InternalServerError(VoiceosError):
    """Starlette's plain-text 500 (also the body of injected status faults)."""

    status = 500

    def render(self, conn: HTTPConnection) -> Response:
        return PlainTextResponse("Internal Server Error", status_code=self.status)


class ValidationFailed(VoiceosError):
    """FastAPI's RequestValidationError: every problem of the request in one 422."""

    status = 422

    def __init__(self, items: list[dict[str, Any]]) -> None:
        super().__init__("Validation failed")
        self.items = items

    def render(self, conn: HTTPConnection) -> Response:
        return respond({"detail": self.items}, self.status)


class UnknownInboundAgent(ValidationFailed):
    """`inbound_agent_id` names no agent of the account, answered as a 422 (setting unknown_agent_status)."""

    def __init__(self, agent_id: str) -> None:
        super().__init__(
            [{"type": "value_error", "loc": ["body", "inbound_agent_id"], "msg": AgentNotFound.detail, "input": agent_id}]
        )


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


def json_invalid(message: str, position: int) -> dict[str, Any]:
    return {
        "type": "json_invalid",
        "loc": ["body", position],
        "msg": "JSON decode error",
        "input": {},
        "ctx": {"error": message},
    }


def generic_error(kind: GenericError, detail: str) -> ProviderError:
    """Starlette's and FastAPI's answers for what no route handler decides."""
    if kind is GenericError.ROUTE_NOT_FOUND:
        return NotFound()
    if kind is GenericError.METHOD_NOT_ALLOWED:
        return MethodNotAllowed()
    if kind is GenericError.BODY_TOO_LARGE:
        return RequestTooLarge()
    if kind is GenericError.MALFORMED_BODY:
        return ValidationFailed([json_invalid(detail, 0)])
    return InternalServerError()
