"""A bare HTTP/1.1 client on a socket: sends exactly the bytes a test builds, hostile ones included.

httpx refuses what these tests need to send (10,000 query parameters, invalid bytes in the
target, a body streamed past any sane limit), so requests are written by hand and responses
parsed just enough to read status, headers and body.
"""

from __future__ import annotations

import selectors
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

import orjson

HeaderList = Iterable[tuple[str | bytes, str | bytes]]


class ConnectionDropped(Exception):
    """The server closed the connection before a whole response arrived."""


@dataclass
class RawResponse:
    status: int
    reason: str
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""

    def json(self) -> object:
        return orjson.loads(self.body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip().lower()


def _bytes(value: str | bytes) -> bytes:
    return value if isinstance(value, bytes) else value.encode("utf-8")


def build_request(
    method: str | bytes,
    target: str | bytes,
    headers: HeaderList = (),
    body: bytes | None = None,
    *,
    host: str = "127.0.0.1",
    close: bool = True,
) -> bytes:
    """The request's bytes; Content-Length is added for a body unless the headers carry their own."""
    lines = [_bytes(method) + b" " + _bytes(target) + b" HTTP/1.1", b"Host: " + host.encode()]
    names = set()
    for name, value in headers:
        names.add(_bytes(name).lower())
        lines.append(_bytes(name) + b": " + _bytes(value))
    if body is not None and b"content-length" not in names and b"transfer-encoding" not in names:
        lines.append(b"Content-Length: " + str(len(body)).encode())
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + (body or b"")


def parse_head(head: bytes) -> tuple[int, str, dict[str, str]]:
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    _, status, *reason = status_line.split(" ", 2)
    headers: dict[str, str] = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return int(status), (reason[0] if reason else ""), headers


class Reader:
    """Reads one response from a socket (Content-Length, chunked, or until the server closes)."""

    def __init__(self, sock: socket.socket, buffered: bytes = b"") -> None:
        self.sock = sock
        self.buffer = buffered

    def _more(self) -> bool:
        try:
            data = self.sock.recv(65536)
        except (ConnectionResetError, BrokenPipeError):
            return False
        if not data:
            return False
        self.buffer += data
        return True

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            if not self._more():
                raise ConnectionDropped(f"closed while waiting for {marker!r}; got {self.buffer[:200]!r}")
        part, _, self.buffer = self.buffer.partition(marker)
        return part

    def _exactly(self, size: int) -> bytes:
        while len(self.buffer) < size:
            if not self._more():
                raise ConnectionDropped(f"closed after {len(self.buffer)} of {size} body bytes")
        part, self.buffer = self.buffer[:size], self.buffer[size:]
        return part

    def response(self, method: str = "GET") -> RawResponse:
        status, reason, headers = parse_head(self._until(b"\r\n\r\n"))
        if method.upper() == "HEAD" or status in (204, 304) or 100 <= status < 200:
            return RawResponse(status, reason, headers, b"")
        if "content-length" in headers:
            return RawResponse(status, reason, headers, self._exactly(int(headers["content-length"])))
        if headers.get("transfer-encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self._until(b"\r\n").split(b";")[0], 16)
                if size == 0:
                    self._until(b"\r\n")
                    return RawResponse(status, reason, headers, body)
                body += self._exactly(size)
                self._exactly(2)
        while self._more():
            pass
        body, self.buffer = self.buffer, b""
        return RawResponse(status, reason, headers, body)


def exchange(port: int, raw: bytes, *, method: str = "GET", timeout: float = 20) -> RawResponse:
    """Sends the bytes and reads one response; ConnectionDropped if none comes."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            sock.sendall(raw)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server may answer (and close) before it has read everything
        return Reader(sock).response(method)


@dataclass
class StreamOutcome:
    """What happened to a body streamed at the server: its answer, and how much was sent first."""

    response: RawResponse | None
    sent: int
    total: int
    closed_early: bool
    seconds: float


def stream_body(
    port: int,
    method: str,
    target: str,
    headers: HeaderList,
    *,
    total: int,
    chunk_size: int = 64 * 1024,
    chunked: bool = False,
    timeout: float = 20,
) -> StreamOutcome:
    """Streams `total` bytes of body from a generator, watching for an early answer after every chunk.

    Only one chunk exists in memory at a time. Sending stops as soon as the server has answered
    or closed; `sent` says how far the body had got by then.
    """
    framing = [("Transfer-Encoding", "chunked")] if chunked else [("Content-Length", str(total))]
    head = build_request(method, target, [*headers, *framing], None, close=True)
    chunk = b"x" * chunk_size

    def pieces():
        remaining = total
        while remaining > 0:
            size = min(chunk_size, remaining)
            remaining -= size
            data = chunk[:size]
            yield (b"%x\r\n" % size + data + b"\r\n") if chunked else data
        if chunked:
            yield b"0\r\n\r\n"

    started = time.monotonic()
    sent = 0
    closed_early = False
    # epoll (DefaultSelector) has no FD_SETSIZE limit, unlike select() in a long test session.
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock, selectors.DefaultSelector() as watcher:
        sock.sendall(head)
        pending = b""
        body_pieces = pieces()
        watcher.register(sock, selectors.EVENT_READ | selectors.EVENT_WRITE)
        while True:
            events = watcher.select(timeout)
            readable = any(mask & selectors.EVENT_READ for _, mask in events)
            writable = any(mask & selectors.EVENT_WRITE for _, mask in events)
            if readable:
                break  # an answer (or a close) arrived while the body was still going out
            if not writable:
                raise TimeoutError("the server neither read the body nor answered")
            if not pending:
                pending = next(body_pieces, b"")
                if not pending:
                    break  # the whole body went out without an answer
            try:
                n = sock.send(pending)
            except (BrokenPipeError, ConnectionResetError):
                closed_early = True
                break
            pending = pending[n:]
            sent += n
        try:
            response: RawResponse | None = Reader(sock).response(method)
        except ConnectionDropped:
            response = None
            closed_early = True
    body_sent = min(sent, total)
    return StreamOutcome(response, body_sent, total, closed_early, time.monotonic() - started)
