"""A request sent in two parts on a raw socket: the head now, the body when the test says so.

While a body is still on its way the server has already started the request's handler, which
is waiting to receive it; whatever other requests the test sends meanwhile run in between. This
makes one specific interleaving happen every time instead of by chance.
"""

from __future__ import annotations

import socket
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import orjson
from live_server import LiveServer


@dataclass
class SlowRequest:
    sock: socket.socket
    length: int

    @classmethod
    def start(cls, live: LiveServer, method: str, target: str, body: bytes, headers: dict[str, str] | None = None) -> "SlowRequest":
        """Sends the head (announcing `len(body)` bytes) and nothing of the body yet."""
        address = urlsplit(live.url)
        sock = socket.create_connection((address.hostname, address.port), timeout=30)
        lines = [f"{method} {target} HTTP/1.1", f"Host: {address.netloc}", "Content-Type: application/json",
                 f"Content-Length: {len(body)}", "Connection: close"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        earlier = running(live)
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        wait_for_handler(live, earlier)
        return cls(sock=sock, length=len(body))

    def finish(self, body: bytes) -> tuple[int, str, bytes]:
        """Sends the body; returns status, content type and body of the answer."""
        assert len(body) == self.length
        with self.sock:
            self.sock.sendall(body)
            received = b""
            while chunk := self.sock.recv(65536):
                received += chunk
        head, _, content = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        return status, headers.get("content-type", ""), content


def running(live: LiveServer) -> set[object]:
    """uvicorn's request tasks right now (copied from the test's thread, retried if the set changes meanwhile)."""
    while True:
        try:
            return set(live.server.server_state.tasks)
        except RuntimeError:
            continue


def wait_for_handler(live: LiveServer, earlier: set[object], timeout_s: float = 30.0) -> None:
    """Returns once uvicorn has parsed the head and started a new task for the request.

    The task runs its first step (the handler, up to the point where it waits for the body)
    before any request that arrives later, so the test's next request is served after it.
    """
    deadline = time.monotonic() + timeout_s
    while not running(live) - earlier:
        assert time.monotonic() < deadline, "the server never started the request's handler"
        time.sleep(0.001)


def dumps(body: object) -> bytes:
    return orjson.dumps(body)
