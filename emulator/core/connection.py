"""The client connection behind a request, as telemock's server protocol shows it to the app.

ASGI has no way to close a connection without answering, nor to tell an app that the server is
stopping while a request waits. When telemock runs under uvicorn with its own HTTP protocol
(`core/serving.py`), each connection puts a `ClientConnection` in every request's
`scope["state"]`: a drop fault closes it, and a long-poll ends as soon as the server asks the
connection to finish. Without one (an in-process ASGI transport, another server) a drop raises
`ConnectionDropped` to the caller and waits run to their own timeout.
"""

from __future__ import annotations

import asyncio

from starlette.types import Scope

CONNECTION_KEY = "telemock.connection"
# How long a drop waits for the server to notice the closed socket (it then sends no 500 of its own).
DROP_SETTLE_S = 1.0


class ConnectionDropped(ConnectionAbortedError):
    """Raised by a drop fault; the provider app closes the connection once the journal has the request.

    Where there is no connection to close (in process), it reaches the caller as a
    ConnectionAbortedError, which is what a client sees when a server hangs up.
    """


class ClientConnection:
    """One client connection: its transport, whether it was lost, and whether the server is stopping."""

    __slots__ = ("transport", "_lost", "_stopping")

    def __init__(self) -> None:
        self.transport: asyncio.BaseTransport | None = None
        self._lost: asyncio.Future[None] | None = None
        self._stopping: asyncio.Future[None] | None = None

    # --- what the server protocol calls ------------------------------------------------------

    def made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport

    def lost(self) -> None:
        self.transport = None
        _settle(self._lost)

    def server_stopping(self) -> None:
        """The server asked this connection to finish: waits on it end now."""
        if self._stopping is None:
            self._stopping = asyncio.get_running_loop().create_future()
        _settle(self._stopping)

    # --- what the app uses ---------------------------------------------------------------------

    @property
    def stopping(self) -> asyncio.Future[None]:
        """Done once the server is stopping; a long-poll waits on it besides its own condition."""
        if self._stopping is None:
            self._stopping = asyncio.get_running_loop().create_future()
        return self._stopping

    async def drop(self) -> None:
        """Closes the connection without an answer and waits until the server has seen it go."""
        transport = self.transport
        if transport is None:
            return
        if self._lost is None:
            self._lost = asyncio.get_running_loop().create_future()
        transport.close()
        try:
            await asyncio.wait_for(asyncio.shield(self._lost), DROP_SETTLE_S)
        except TimeoutError:
            pass


def connection_of(scope: Scope) -> ClientConnection | None:
    """The request's connection, when the server is telemock's own protocol."""
    return scope.get("state", {}).get(CONNECTION_KEY)


def _settle(future: asyncio.Future[None] | None) -> None:
    if future is not None and not future.done():
        future.set_result(None)
