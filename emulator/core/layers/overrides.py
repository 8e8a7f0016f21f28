"""Serves a canned response registered for the request's operation instead of the stateful one.

The contract kit registers documented-valid responses through `/_telemock/overrides`; a request
pays one check when none is registered for its provider.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Awaitable

from starlette.types import ASGIApp, Receive, Scope, Send

from ..exchange import add_mark
from ..overrides import Override

if TYPE_CHECKING:
    from ..provider import Provider


class ServeOverrides:
    def __init__(self, app: ASGIApp, provider: "Provider[Any, Any]") -> None:
        self.app = app
        self.name = provider.name
        self.overrides = provider.runtime.overrides
        self.operations = provider.operations

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        """A plain call, not a coroutine: without an override for the provider it costs no extra frame."""
        overrides = self.overrides
        if overrides and self.name in overrides.providers():
            found = self.operations.resolve(scope)
            rule = overrides.take(self.name, found.operation, scope) if found.full else None
            if rule is not None:
                scope["route"] = found.route  # the journal names the operation it stood in for
                add_mark(scope, f"override:{rule.id}")
                return serve_override(rule, scope, receive, send)
        return self.app(scope, receive, send)


async def serve_override(rule: Override, scope: Scope, receive: Receive, send: Send) -> None:
    """The canned answer, once the request's body is read (as the stateful handler would have)."""
    while (await receive()).get("more_body"):
        pass
    await rule.response()(scope, receive, send)
