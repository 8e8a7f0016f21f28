"""A real webhook receiver for tests: a small Starlette app served by uvicorn on a loopback port.

It records every request (headers, raw body, arrival time) and answers with the status the test
chooses. `stop()` closes the port (connection refused, like a crashed receiver) and `start()`
opens the same port again, so an outage can be simulated while the emulator keeps the URL.
"""

from __future__ import annotations

import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import orjson
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    arrived: float

    def json(self) -> Any:
        return orjson.loads(self.body)


class Receiver:
    """Records requests on any path; `status` (or `responder`) decides each answer."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.responder: Callable[[Received], int] | None = None
        self.received: list[Received] = []
        self.port = 0
        self._lock = threading.Condition()
        self._server: uvicorn.Server | None = None
        self._thread: threading.Thread | None = None
        self.app = Starlette(routes=[Route("/{path:path}", self._handle, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])])

    async def _handle(self, request: Request) -> Response:
        item = Received(
            method=request.method,
            path=request.url.path,
            query=request.url.query,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=await request.body(),
            arrived=time.monotonic(),
        )
        status = self.responder(item) if self.responder else self.status
        with self._lock:
            self.received.append(item)
            self._lock.notify_all()
        return Response(b'{"ok":true}' if status < 300 else b'{"ok":false}', status_code=status, media_type="application/json")

    # --- lifecycle -----------------------------------------------------------------------------

    def start(self) -> "Receiver":
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._server = uvicorn.Server(uvicorn.Config(self.app, access_log=False, log_config=None, lifespan="off"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the test receiver did not start")
            time.sleep(0.005)
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            assert self._thread is not None
            self._thread.join(timeout=10)
            self._server = None

    def __enter__(self) -> "Receiver":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # --- what tests read -----------------------------------------------------------------------

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Received]:
        """The first `count` requests, waiting up to `timeout` seconds for them; AssertionError if they do not come."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.received) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} webhook requests, got {len(self.received)}")
                self._lock.wait(remaining)
            return list(self.received[:count])

    def bodies(self) -> list[Any]:
        with self._lock:
            return [r.json() for r in self.received]
