"""A minimal ASGI server in a few lines: lifespan, then one HTTP exchange at a time, no HTTP client.

The scope, the receive channel and the send channel are built here, so a test can hand the app
things no HTTP parser would let through (raw bytes in paths and headers, any method, a body in
odd chunks) and see exactly what the app sends back.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Exchange:
    """What the app sent for one request."""

    status: int | None = None
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    body: bytes = b""
    complete: bool = False  # the last body message (more_body false) was sent
    messages: list[str] = field(default_factory=list)


class Lifespan:
    """Runs the app's lifespan startup and, later, shutdown, as a server would."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.task: asyncio.Task[None] | None = None
        self.state: dict[str, Any] = {}

    async def start(self) -> None:
        scope = {"type": "lifespan", "asgi": {"version": "3.0", "spec_version": "2.0"}, "state": self.state}
        self.task = asyncio.ensure_future(self.app(scope, self.inbox.get, self.outbox.put))
        await self.inbox.put({"type": "lifespan.startup"})
        message = await asyncio.wait_for(self.outbox.get(), 10)
        if message["type"] != "lifespan.startup.complete":
            raise RuntimeError(f"lifespan startup failed: {message}")

    async def stop(self) -> None:
        await self.inbox.put({"type": "lifespan.shutdown"})
        await asyncio.wait_for(self.outbox.get(), 10)
        if self.task is not None:
            await asyncio.wait_for(self.task, 10)


def http_scope(
    method: str,
    path: str,
    raw_path: bytes,
    query_string: bytes,
    headers: list[tuple[bytes, bytes]],
    state: dict[str, Any] | None = None,
) -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": raw_path,
        "query_string": query_string,
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8780),
        "state": dict(state or {}),
    }


async def run_exchange(app: Any, scope: dict[str, Any], chunks: list[bytes], *, disconnect: bool = False,
                       timeout: float = 10) -> Exchange:
    """Feeds the body in `chunks` (then, if asked, a disconnect) and records what the app sends."""
    result = Exchange()
    pending = [
        {"type": "http.request", "body": chunk, "more_body": index < len(chunks) - 1}
        for index, chunk in enumerate(chunks or [b""])
    ]
    if disconnect:
        pending[-1]["more_body"] = True

    async def receive() -> dict[str, Any]:
        if pending:
            return pending.pop(0)
        if result.complete or disconnect:
            return {"type": "http.disconnect"}
        await asyncio.sleep(timeout)  # a well-behaved app never waits for more than it was sent
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        result.messages.append(message["type"])
        if message["type"] == "http.response.start":
            if result.status is not None:
                raise AssertionError("http.response.start sent twice")
            result.status = message["status"]
            result.headers = list(message.get("headers", []))
        elif message["type"] == "http.response.body":
            if result.status is None:
                raise AssertionError("a body was sent before http.response.start")
            if result.complete:
                raise AssertionError("a body was sent after the response had ended")
            result.body += message.get("body", b"")
            result.complete = not message.get("more_body", False)

    await asyncio.wait_for(app(scope, receive, send), timeout)
    return result
