"""The innermost layer: hands the request to the route its operation resolved to.

No route list is scanned here; `Operations.resolve` did it (at most once per request). A path
no route knows raises a 404 and a known path with the wrong method a 405 (Starlette's own
`HTTPException`s), which the error layer answers in the provider's format.
"""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.types import Receive, Scope, Send

from ..operations import Operations


class OperationRouter:
    def __init__(self, operations: Operations) -> None:
        self.operations = operations

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        found = self.operations.resolve(scope)
        route = found.route
        if route is None:
            raise HTTPException(status_code=404)
        scope["route"] = route
        scope.update(found.child_scope)
        await route.handle(scope, receive, send)
