"""Errors as classes: raised from any depth of a handler or a backend, rendered in one place.

Each provider's `errors.py` subclasses `ProviderError` once with its envelope (`render`) and then
once per failure, with the status and code of that failure, as moto's `exceptions.py` does. The
provider app catches them and renders them with the request at hand, so a backend that finds a
number missing raises `NumberNotFound()` without knowing anything about the request.
"""

from __future__ import annotations

from typing import ClassVar, Mapping

from starlette.requests import HTTPConnection
from starlette.responses import Response


class ProviderError(Exception):
    """An answer in the provider's own error format. Subclasses set `status` and implement `render`."""

    status: ClassVar[int] = 500

    def __init__(self, message: str | None = None, *, headers: Mapping[str, str] | None = None) -> None:
        super().__init__(message or type(self).__name__)
        self.message = message
        self.headers = dict(headers) if headers else None

    def render(self, conn: HTTPConnection) -> Response:
        """The provider's error body for this failure; `conn` gives what the envelope echoes (ids)."""
        raise NotImplementedError

    def response(self, conn: HTTPConnection) -> Response:
        response = self.render(conn)
        if self.headers:
            response.headers.update(self.headers)
        return response

