"""Turns every failure a handler did not answer itself into the provider's own error.

Unknown routes, wrong methods, oversize or malformed bodies, errors raised as `ProviderError`
from any depth, and unexpected exceptions all end here, never as a bare Starlette page or a
dropped connection. A drop fault passes through: its connection is meant to close unanswered.
An unknown route or method that the real provider serves is answered the same way, marked as
not emulated (`not_emulated.py`).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any, Awaitable, Mapping

from starlette.exceptions import HTTPException
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..connection import ConnectionDropped
from ..errors import ProviderError
from ..exchange import response_started
from ..http import BodyTooLarge, GenericError, MalformedBody
from ..not_emulated import NotEmulated

if TYPE_CHECKING:
    from ..provider import Provider

log = logging.getLogger("telemock.requests")


async def answer_generic(
    provider: "Provider[Any, Any]", scope: Scope, kind: GenericError, detail: str, send: Send,
    headers: Mapping[str, str] | None = None,
) -> None:
    """The provider's answer to a failure the core detected (its body is not read any further)."""
    response = provider.generic_error(HTTPConnection(scope), kind, detail)
    if headers:
        response.headers.update(headers)
    await response(scope, _no_body, send)


def answer_too_large(provider: "Provider[Any, Any]", scope: Scope, send: Send) -> Awaitable[None]:
    limit = provider.runtime.config.max_body_bytes
    return answer_generic(provider, scope, GenericError.BODY_TOO_LARGE, f"body over {limit} bytes", send)


async def _no_body() -> Message:
    return {"type": "http.disconnect"}


class ProviderErrors:
    """Answers, in the provider's format, whatever the app inside raised before it started answering.

    Whether it had started is what the recorder saw go out (`response_started`): a layer between
    the two that holds an answer back (a garbling fault) passes its start on with its body.
    """

    def __init__(self, app: ASGIApp, provider: "Provider[Any, Any]") -> None:
        self.app = app
        self.provider = provider
        self.not_emulated = NotEmulated(provider)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await self.app(scope, receive, send)
        except ConnectionDropped:
            raise
        except ProviderError as exc:
            if not response_started(scope):
                await exc.response(HTTPConnection(scope))(scope, receive, send)
        except BodyTooLarge:
            if not response_started(scope):
                await answer_too_large(self.provider, scope, send)
        except MalformedBody as exc:
            if not response_started(scope):
                await answer_generic(self.provider, scope, GenericError.MALFORMED_BODY, exc.detail, send)
        except HTTPException as exc:
            kind = GenericError.METHOD_NOT_ALLOWED if exc.status_code == 405 else GenericError.ROUTE_NOT_FOUND
            if not response_started(scope):
                await answer_generic(self.provider, scope, kind, exc.detail, send, self.not_emulated.mark(scope))
        except Exception:
            log.exception("unhandled error in %s %s", scope["method"], scope["path"])
            if not response_started(scope):
                await answer_generic(self.provider, scope, GenericError.INTERNAL, "internal error", send)
