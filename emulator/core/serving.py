"""telemock under uvicorn: an HTTP protocol that hands every request its client connection.

The protocol is uvicorn's own (httptools or h11, as `http=` picks), subclassed through uvicorn's
`http=` option to give each connection a `ClientConnection` (core/connection.py). It reaches the
app the supported way: uvicorn copies the lifespan state it gives the protocol into every
request's `scope["state"]`, so each connection is built with a copy of that state holding its
own `ClientConnection`. The rest is the asyncio protocol interface (`connection_made`,
`connection_lost`) and uvicorn's `shutdown()`, which it calls on every open connection when the
server starts to stop. `telemock serve`, the test servers and anything that serves the app on a
socket build their uvicorn `Config` with `server_config`.

With httptools, uvicorn writes an answer's head and its body with two writes (two system calls,
two TCP segments); the protocol holds the head back until the body's first write, so a whole
answer leaves in one (`HeldHead`). The bytes on the wire are the same.

uvicorn is imported here only when a server is built, never by `create_app`.
"""

from __future__ import annotations

import asyncio
import functools
from typing import TYPE_CHECKING, Any

from .connection import CONNECTION_KEY, ClientConnection

if TYPE_CHECKING:
    import uvicorn


def server_config(app: Any, **options: Any) -> "uvicorn.Config":
    """uvicorn's Config for serving telemock: its connection-aware protocol, no access log
    (the journal replaces it), lifespan on. `options` are uvicorn's, `http` included
    (a protocol name: auto, httptools or h11)."""
    import uvicorn

    options.setdefault("access_log", False)
    options.setdefault("log_config", None)
    options.setdefault("lifespan", "on")
    options["http"] = http_protocol(options.get("http", "auto"))
    return uvicorn.Config(app, **options)


def http_protocol(name: str = "auto") -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol `name`, telling the app about each connection."""
    from uvicorn.config import HTTP_PROTOCOLS
    from uvicorn.importer import import_from_string

    return connection_aware(import_from_string(HTTP_PROTOCOLS[name]))


@functools.cache
def connection_aware(base: type[Any]) -> type[asyncio.Protocol]:
    """`base` (a uvicorn HTTP protocol class) with a ClientConnection in each request's state."""

    class ConnectionAwareProtocol(base):  # type: ignore[misc, valid-type]
        def __init__(self, config: Any, server_state: Any, app_state: dict[str, Any], _loop: Any = None) -> None:
            self.telemock_connection = ClientConnection()
            state = {**app_state, CONNECTION_KEY: self.telemock_connection}
            super().__init__(config=config, server_state=server_state, app_state=state, _loop=_loop)

        def connection_made(self, transport: asyncio.BaseTransport) -> None:
            super().connection_made(transport)
            self.telemock_connection.made(transport)

        def connection_lost(self, exc: Exception | None) -> None:
            super().connection_lost(exc)
            self.telemock_connection.lost()

        def shutdown(self) -> None:
            self.telemock_connection.server_stopping()
            super().shutdown()

        if hasattr(base, "_start_asgi_task"):  # httptools: each request's cycle is started here

            def _start_asgi_task(self, cycle: Any, app: Any) -> None:
                hold_head(cycle)
                super()._start_asgi_task(cycle, app)

    ConnectionAwareProtocol.__name__ = ConnectionAwareProtocol.__qualname__ = f"ConnectionAware{base.__name__}"
    return ConnectionAwareProtocol


class HeldHead:
    """A transport that keeps an answer's head until the next write, which then carries both."""

    __slots__ = ("transport", "held", "holding")

    def __init__(self, transport: Any) -> None:
        self.transport = transport
        self.held = b""
        self.holding = False  # the next write is a head: keep it

    def write(self, data: bytes) -> None:
        if self.holding:
            self.held, self.holding = data, False
            return
        if self.held:
            data, self.held = self.held + data, b""
        self.transport.write(data)

    def release(self) -> None:
        """Writes a head still held (an answer without a body: HEAD, 204, or one that failed)."""
        if self.held:
            held, self.held = self.held, b""
            self.transport.write(held)

    def close(self) -> None:
        self.release()
        self.transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.transport, name)


def hold_head(cycle: Any) -> None:
    """Makes a uvicorn request cycle write its answer's head together with the body's first bytes."""
    transport = cycle.transport = HeldHead(cycle.transport)
    send_now = cycle.send

    async def send(message: Any) -> None:
        if message["type"] == "http.response.start" and not cycle.response_started:
            transport.holding = True
            try:
                await send_now(message)
            finally:
                transport.holding = False
            return
        try:
            await send_now(message)
        finally:
            transport.release()
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                # The answer is complete: the cycle drops this wrapper, which refers back to it, so the
                # request's objects are freed at once instead of waiting, as a reference cycle, for
                # the collector (a pass over thousands of them every few hundred requests).
                cycle.__dict__.pop("send", None)

    cycle.send = send
