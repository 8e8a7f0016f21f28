"""Keep-alive HTTP/1.1 connections to one upstream, on asyncio streams, answers parsed by httptools.

The proxy's own cost is mostly its HTTP client: httpx and httpcore spend about 0.35 ms of CPU on
a request that asyncio streams and httptools (the C parser uvicorn itself uses) exchange in a
tenth of that. A proxy needs little of a general client: one host, requests whose bodies are
already read, answers read whole, no redirects, no cookies, no decoding. So this is only that:
- a request is written in one piece with a `Content-Length` (the client's body is read first);
- the answer is read until httptools says it is complete (length, chunks, or the connection's
  end), interim 1xx answers skipped; a HEAD answer ends with its headers;
- connections are kept while both sides allow, at most `limit` open at once; an idle one the
  upstream has closed is left behind, and a request that finds its reused connection closed
  before any answer came is sent once more on a new one when its method is idempotent.
"""

from __future__ import annotations

import asyncio
import ssl
from collections import deque
from dataclasses import dataclass, field

import httptools

IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
READ_SIZE = 65536
MAX_IDLE = 20


class ConnectFailed(Exception):
    """No connection could be made (refused, unknown host, TLS refused); `__cause__` says why."""


class ExchangeFailed(Exception):
    """The connection broke, or the answer was not HTTP; `answered` when some of it had come."""

    def __init__(self, detail: str, *, answered: bool) -> None:
        super().__init__(detail)
        self.answered = answered


@dataclass
class Reply:
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


@dataclass
class Collector:
    """httptools' callbacks: the answer as it is parsed."""

    status: int = 0
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    chunks: list[bytes] = field(default_factory=list)
    headers_done: bool = False
    complete: bool = False
    started: bool = False
    keep_alive: bool = False
    parser: "httptools.HttpResponseParser | None" = None

    def on_message_begin(self) -> None:
        self.headers, self.chunks, self.headers_done, self.complete, self.started = [], [], False, False, True

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)

    def on_headers_complete(self) -> None:
        self.headers_done = True

    def on_message_complete(self) -> None:
        self.complete = True
        assert self.parser is not None
        self.keep_alive = self.parser.should_keep_alive()  # only known until the parser moves on

    def delimited(self) -> bool:
        """Whether the answer says where its body ends; if not, it ends with the connection."""
        return any(name in (b"content-length", b"transfer-encoding") for name, _ in self.headers)


class Connection:
    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.reused = False

    @property
    def usable(self) -> bool:
        """Open at both ends (an idle connection the upstream closed has its end already read)."""
        return not self.writer.is_closing() and not self.reader.at_eof()

    async def exchange(self, message: bytes, head: bool) -> tuple[Reply, bool]:
        """The answer to `message`, and whether the connection may be used again."""
        collector = Collector()
        parser = collector.parser = httptools.HttpResponseParser(collector)
        self.writer.write(message)
        while True:
            try:
                data = await self.reader.read(READ_SIZE)
            except OSError as exc:  # a reset: on a reused connection, often the upstream's close racing this request
                raise ExchangeFailed(f"the connection broke: {exc.strerror or exc}", answered=collector.started) from None
            if not data:
                if collector.headers_done and not collector.complete and not collector.delimited():
                    return Reply(parser.get_status_code(), collector.headers, b"".join(collector.chunks)), False
                raise ExchangeFailed("the upstream closed the connection" + (" mid-answer" if collector.started else ""),
                                     answered=collector.started)
            try:
                parser.feed_data(data)
            except httptools.HttpParserError as exc:
                raise ExchangeFailed(f"the answer is not valid HTTP: {exc}", answered=True) from None
            if collector.headers_done and (head or collector.complete):
                status = parser.get_status_code()
                if 100 <= status < 200 and status != 101:  # interim: the final answer follows
                    collector.headers_done = collector.complete = False
                    continue
                keep = not head and collector.keep_alive and not self.reader.at_eof()
                return Reply(status, collector.headers, b"".join(collector.chunks)), keep

    def close(self) -> None:
        self.writer.close()


class ConnectionPool:
    """Connections to one host and port, over TLS when `ssl_context` is given."""

    def __init__(self, host: str, port: int, ssl_context: ssl.SSLContext | None, limit: int = 100) -> None:
        self.host = host
        self.port = port
        self.ssl_context = ssl_context
        self.idle: deque[Connection] = deque()
        self.slots = asyncio.Semaphore(limit)

    async def request(self, method: str, message: bytes) -> Reply:
        """Raises ConnectFailed or ExchangeFailed; a timeout or cancellation closes the connection in use."""
        async with self.slots:
            connection = await self.connection()
            try:
                try:
                    reply, keep = await connection.exchange(message, method == "HEAD")
                except ExchangeFailed as failure:
                    if not (connection.reused and not failure.answered and method in IDEMPOTENT):
                        raise
                    connection.close()  # the upstream had closed it before this request: once more, afresh
                    connection = await self.connection(fresh=True)
                    reply, keep = await connection.exchange(message, method == "HEAD")
            except BaseException:
                connection.close()
                raise
            if keep and len(self.idle) < MAX_IDLE:
                connection.reused = True
                self.idle.append(connection)
            else:
                connection.close()
            return reply

    async def connection(self, fresh: bool = False) -> Connection:
        while self.idle and not fresh:
            connection = self.idle.pop()
            if connection.usable:
                return connection
            connection.close()
        try:
            reader, writer = await asyncio.open_connection(
                self.host, self.port, ssl=self.ssl_context, server_hostname=self.host if self.ssl_context else None,
                limit=READ_SIZE,
            )
        except (OSError, ssl.SSLError) as exc:
            raise ConnectFailed(str(exc)) from exc
        return Connection(reader, writer)

    async def close(self) -> None:
        while self.idle:
            self.idle.pop().close()
