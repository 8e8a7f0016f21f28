"""A webhook receiver that misbehaves on purpose, speaking HTTP/1.1 by hand over raw sockets.

uvicorn always answers with well-formed HTTP, promptly. This receiver can also close the
connection without an answer, hold a request until the test lets go, answer only after the
sender has given up, dribble a body byte by byte, or stream a body far larger than any sender
should keep. It records every request it parsed (so deliveries can be counted per message from
the receiver's side) and how each exchange ended. `stop()` closes the port (connection refused)
and `start()` opens the same port again.

It runs its own asyncio loop on a background thread; every public method is called from the
test's thread.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Self

CHUNK = b"x" * (256 * 1024)
# A huge body is written in CHUNK pieces; a sender that stops reading for this long has stalled it.
STALL_S = 1.0


@dataclass(frozen=True)
class Behaviour:
    """What the receiver does once it has read a request.

    kind: `answer` (status, headers, body at once), `close` (no answer at all), `slow` (answer
    after `delay_s`, unless the sender hangs up first), `hang` (hold until `release()` or the
    sender hangs up, then answer), `huge` (status 200 and a `size`-byte body), `trickle`
    (status 200 at once, then one body byte every `interval_s` for `delay_s`).
    """

    kind: str = "answer"
    status: int = 200
    body: bytes = b'{"ok":true}'
    headers: tuple[tuple[str, str], ...] = ()
    delay_s: float = 0.0
    interval_s: float = 0.0
    size: int = 0


ANSWER = Behaviour()
CLOSE = Behaviour("close")
HANG = Behaviour("hang")


def answer(status: int, body: bytes = b'{"ok":false}', **headers: str) -> Behaviour:
    return Behaviour(status=status, body=body, headers=tuple(headers.items()))


def slow(delay_s: float) -> Behaviour:
    return Behaviour("slow", delay_s=delay_s)


def huge(size: int) -> Behaviour:
    return Behaviour("huge", size=size)


def trickle(duration_s: float, interval_s: float) -> Behaviour:
    return Behaviour("trickle", delay_s=duration_s, interval_s=interval_s)


@dataclass
class Hit:
    """One request as the receiver read it, and what came of the exchange."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes
    behaviour: Behaviour
    arrived: float
    answered: int | None = None  # the status line that was written, if any
    body_sent: int = 0  # body bytes the sender's socket accepted
    ended: str = ""
    finished: threading.Event = field(default_factory=threading.Event)


class HostileReceiver:
    """Records requests on any path; `behaviour` (switched with `behave`) decides what each one gets."""

    def __init__(self) -> None:
        self.behaviour = ANSWER
        self.hits: list[Hit] = []
        self.port = 0
        self.holding = threading.Event()  # set while a `hang` request is held
        self._lock = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="hostile-receiver", daemon=True)
        self._thread.start()
        self._server: asyncio.base_events.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._release: asyncio.Event | None = None
        self._release_with = ANSWER

    # --- lifecycle -----------------------------------------------------------------------------

    def _call(self, coroutine: Any, timeout: float = 10) -> Any:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def start(self) -> HostileReceiver:
        self._call(self._open())
        return self

    def stop(self) -> None:
        """Closes the port and drops every open connection: the next sender gets connection refused."""
        self._call(self._close())

    def close(self) -> None:
        self.stop()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
        self._loop.close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _open(self) -> None:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self._release = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, sock=sock)

    async def _close(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    # --- what tests call -----------------------------------------------------------------------

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def behave(self, behaviour: Behaviour) -> None:
        """The behaviour for requests that arrive from now on (requests already held keep theirs)."""
        self.behaviour = behaviour
        self.holding.clear()
        self._loop.call_soon_threadsafe(lambda: self._release.clear() if self._release else None)

    def release(self, behaviour: Behaviour = ANSWER) -> None:
        """Lets every held (`hang`) request go, answering it with `behaviour` (answer or close)."""
        self._release_with = behaviour
        self._loop.call_soon_threadsafe(lambda: self._release.set() if self._release else None)

    def wait_for(self, count: int, timeout: float = 5.0) -> list[Hit]:
        """The first `count` requests, waiting up to `timeout` seconds for them to arrive."""
        deadline = time.monotonic() + timeout
        with self._lock:
            while len(self.hits) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} requests, got {len(self.hits)}")
                self._lock.wait(remaining)
            return list(self.hits[:count])

    def settled(self, timeout: float = 10.0) -> list[Hit]:
        """Every request so far, once each exchange has ended."""
        with self._lock:
            hits = list(self.hits)
        for hit in hits:
            if not hit.finished.wait(timeout):
                raise AssertionError(f"the exchange of {hit.method} {hit.path} did not end: {hit.behaviour}")
        return hits

    def by_body(self) -> dict[bytes, list[Hit]]:
        """Requests grouped by their body: one group per message, one entry per attempt that got here."""
        groups: dict[bytes, list[Hit]] = {}
        with self._lock:
            for hit in self.hits:
                groups.setdefault(hit.body, []).append(hit)
        return groups

    # --- one connection ------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        hit: Hit | None = None
        try:
            hit = await self._read(reader)
            if hit is None:
                return
            with self._lock:
                self.hits.append(hit)
                self._lock.notify_all()
            await self._act(hit, reader, writer)
        except asyncio.CancelledError:
            if hit is not None:
                hit.ended = hit.ended or "dropped by stop()"
        except (ConnectionError, OSError) as exc:
            if hit is not None:
                hit.ended = f"sender hung up after {hit.body_sent} body bytes ({type(exc).__name__})"
        finally:
            if hit is not None and hit.ended == "dropped by stop()":
                writer.transport.abort()
            else:
                writer.close()
            if hit is not None:
                hit.finished.set()
            self._tasks.discard(task)

    async def _read(self, reader: asyncio.StreamReader) -> Hit | None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
            return None
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, _ = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in lines:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length") or 0)
        try:
            body = await reader.readexactly(length) if length else b""
        except asyncio.IncompleteReadError:
            return None
        path, _, query = target.partition("?")
        return Hit(method, path, query, headers, body, self.behaviour, time.monotonic())

    async def _act(self, hit: Hit, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        behaviour = hit.behaviour
        if behaviour.kind == "close":
            hit.ended = "closed without an answer"
            return
        if behaviour.kind == "slow" and await self._hung_up(reader, behaviour.delay_s):
            hit.ended = "sender gave up before the answer"
            return
        if behaviour.kind == "hang":
            self.holding.set()
            behaviour = await self._held(hit, reader)
            if behaviour is None:
                return
            if behaviour.kind == "close":
                hit.ended = "released: closed without an answer"
                return
        if behaviour.kind == "huge":
            await self._stream(hit, writer, behaviour.size)
            return
        if behaviour.kind == "trickle":
            await self._trickle(hit, reader, writer, behaviour)
            return
        writer.write(head(behaviour.status, behaviour.headers, len(behaviour.body)) + behaviour.body)
        await writer.drain()
        hit.answered, hit.body_sent = behaviour.status, len(behaviour.body)
        hit.ended = hit.ended or "answered"

    async def _hung_up(self, reader: asyncio.StreamReader, timeout: float | None) -> bool:
        """Waits up to `timeout` seconds; True as soon as the sender closes its side."""
        try:
            return await asyncio.wait_for(reader.read(1), timeout) == b""
        except TimeoutError:
            return False

    async def _held(self, hit: Hit, reader: asyncio.StreamReader) -> Behaviour | None:
        assert self._release is not None
        hung_up = asyncio.ensure_future(self._hung_up(reader, None))
        released = asyncio.ensure_future(self._release.wait())
        done, pending = await asyncio.wait({hung_up, released}, return_when=asyncio.FIRST_COMPLETED)
        for task in pending:
            task.cancel()
        if released in done:
            hit.ended = "released"
            return self._release_with
        hit.ended = "sender gave up while held"
        return None

    async def _stream(self, hit: Hit, writer: asyncio.StreamWriter, size: int) -> None:
        writer.write(head(200, (), size))
        hit.answered = 200
        while hit.body_sent < size:
            piece = CHUNK[: size - hit.body_sent]
            writer.write(piece)
            try:
                await asyncio.wait_for(writer.drain(), STALL_S)
            except TimeoutError:
                hit.ended = f"the sender stopped reading after {hit.body_sent} body bytes"
                return
            hit.body_sent += len(piece)
        hit.ended = "complete"

    async def _trickle(
        self, hit: Hit, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, behaviour: Behaviour
    ) -> None:
        size = max(1, round(behaviour.delay_s / behaviour.interval_s))
        writer.write(head(200, (), size))
        await writer.drain()
        hit.answered = 200
        while hit.body_sent < size:
            if await self._hung_up(reader, behaviour.interval_s):
                hit.ended = f"sender hung up after {hit.body_sent} body bytes"
                return
            writer.write(b"x")
            await writer.drain()
            hit.body_sent += 1
        hit.ended = "complete"


def head(status: int, headers: tuple[tuple[str, str], ...], length: int) -> bytes:
    """A status line and headers; every answer closes the connection, so no sender reuses one."""
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Whatever"
    lines = [f"HTTP/1.1 {status} {reason}", f"content-length: {length}", "content-type: application/json", "connection: close"]
    lines += [f"{name}: {value}" for name, value in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
