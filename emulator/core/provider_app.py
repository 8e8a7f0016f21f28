"""The ASGI app of one provider: its request path, composed of plain-ASGI layers.

Read `ProviderApp.__init__` from the top: that is the life of a request inside a provider. Each
layer has one job and its own module; a layer with nothing to do (no fault rule, no override)
passes the request on after one check.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Receive, Scope, Send
from starlette.websockets import WebSocketClose

from .connection import ConnectionDropped, connection_of
from .exchange import response_started, set_tenant
from .faults.requests import RequestFaults
from .layers.body_limit import BodyLimit
from .layers.errors import ProviderErrors
from .layers.overrides import ServeOverrides
from .layers.recorder import Recorder
from .layers.router import OperationRouter
from .provider import Provider

__all__ = ["ProviderApp", "set_tenant"]  # set_tenant lives in exchange.py; providers import it from here

INTERNAL_ERROR = PlainTextResponse("Internal Server Error", status_code=500)


class ProviderApp:
    """Every request of one provider, answered in the provider's own format or journaled as dropped."""

    def __init__(self, provider: Provider[Any, Any], answer: ASGIApp | None = None) -> None:
        """`answer` replaces the handlers and the provider's own middleware: the proxy passes the
        real provider's answers, which carry their own request ids and CORS headers."""
        self.provider = provider
        app: ASGIApp = answer or OperationRouter(provider.operations)  # the handler of the resolved operation
        app = ProviderErrors(app, provider)  # whatever it raised, as the provider's own error
        app = ServeOverrides(app, provider)  # a canned answer registered for the operation
        app = BodyLimit(app, provider)  # bodies over the configured size refused
        app = RequestFaults(app, provider)  # injected latency, statuses, drops, garbled bodies
        if answer is None:
            app = provider.wrap(app)  # the provider's own middleware (request ids, CORS)
        self.app = Recorder(app, provider)  # the journal entry and its contract verdict

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await WebSocketClose()(scope, receive, send)  # telemock serves no websockets
            return
        scope.setdefault("state", {})  # where the layers leave what they learn (exchange.py)
        try:
            await self.app(scope, receive, send)
        except ConnectionDropped:
            connection = connection_of(scope)
            if connection is None:
                raise  # in process, the caller sees the connection go as an exception
            await connection.drop()
        except Exception:
            # The last resort, as Starlette's error middleware answers: the error layer inside
            # answers everything a handler raises, so only a failure around it lands here.
            if not response_started(scope):
                await INTERNAL_ERROR(scope, receive, send)
            raise
