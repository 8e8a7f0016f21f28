"""telemock under uvicorn: an HTTP protocol that hands every request its client connection.

The protocol is uvicorn's own (httptools or h11, as `http=` picks), subclassed through uvicorn's
`http=` option to give each connection a `ClientConnection` (core/connection.py). It reaches the
app the supported way: uvicorn copies the lifespan state it gives the protocol into every
request's `scope["state"]`, so each connection is built with a copy of that state holding its
own `ClientConnection`. The rest is the asyncio protocol interface (`connection_made`,
`connection_lost`) and uvicorn's `shutdown()`, which it calls on every open connection when the
server starts to stop. `telemock serve`, the test servers and anything that serves the app on a
socket build their uvicorn `Config` with `server_config`.

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

    ConnectionAwareProtocol.__name__ = ConnectionAwareProtocol.__qualname__ = f"ConnectionAware{base.__name__}"
    return ConnectionAwareProtocol
