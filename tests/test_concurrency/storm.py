"""A request storm: 64 clients on 64 real connections, opened first and then released together.

Each client is a thread with its own `httpx.Client`. It opens its connection with a warm-up
request, waits at a barrier with the others and, once the test has seen every one of those
connections held open by the server, all of them start their work at the same moment. Every
request and answer is recorded, with the local port it travelled on, so a test can prove the
requests really used 64 distinct connections and judge each acknowledged answer.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from typing import Any, Callable

import httpx
import orjson
from live_server import SHARED_TLS, LiveServer

CLIENTS = 64
BARRIER_TIMEOUT_S = 60.0


@dataclass
class Call:
    """One request of one client, and what came back."""

    client: int
    method: str
    path: str
    body: Any
    status: int
    content_type: str
    raw: bytes
    port: int
    started: float
    ended: float
    meta: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def json(self) -> Any:
        return orjson.loads(self.raw)


@dataclass
class StormResult:
    """Every call of every client, each client's connection, and what the server held at the start."""

    calls: list[Call]
    ports: list[int]
    held_at_start: set[int]

    def where(self, method: str | None = None, ok: bool | None = None) -> list[Call]:
        return [
            c for c in self.calls
            if (method is None or c.method == method) and (ok is None or c.ok == ok)
        ]

    def peak_in_flight(self) -> int:
        """The most requests the clients had sent and not yet had answered, at any instant."""
        return peak([(c.started, c.ended) for c in self.calls])

    def assert_real_connections(self, clients: int = CLIENTS) -> None:
        """64 distinct connections, all open at the server when the start was given, each kept for every call."""
        assert len(set(self.ports)) == clients, f"{len(set(self.ports))} distinct client connections, not {clients}"
        missing = set(self.ports) - self.held_at_start
        assert not missing, f"the server did not hold {len(missing)} of the connections at the start: {sorted(missing)}"
        moved = [c for c in self.calls if c.port != self.ports[c.client]]
        assert not moved, f"{len(moved)} calls left their client's connection, e.g. {moved[0]}"


def peak(intervals: list[tuple[float, float]]) -> int:
    points = sorted([(start, 1) for start, _ in intervals] + [(end, -1) for _, end in intervals])
    current = best = 0
    for _, step in points:
        current += step
        best = max(best, current)
    return best


class Sender:
    """What a client's work function calls: one request, recorded, on the client's own connection."""

    def __init__(self, index: int, client: httpx.Client, sink: list[Call], lock: threading.Lock) -> None:
        self.index = index
        self.client = client
        self.sink = sink
        self.lock = lock

    def __call__(self, method: str, path: str, body: Any = None, meta: Any = None) -> Call:
        """Sends one request; `meta` is kept on the record (what the test meant by it)."""
        started = time.monotonic()
        response = self.client.request(method, path, json=body) if body is not None else self.client.request(method, path)
        ended = time.monotonic()
        call = Call(
            client=self.index,
            method=method,
            path=path,
            body=body,
            status=response.status_code,
            content_type=response.headers.get("content-type", ""),
            raw=response.content,
            port=local_port(response),
            started=started,
            ended=ended,
            meta=meta,
        )
        with self.lock:
            self.sink.append(call)
        return call


def local_port(response: httpx.Response) -> int:
    stream = response.extensions["network_stream"]
    return int(stream.get_extra_info("client_addr")[1])


def server_held_ports(live: LiveServer) -> set[int]:
    """The client ports of the connections uvicorn holds open right now (read from the test's thread)."""
    for _ in range(100):
        try:
            connections = list(live.server.server_state.connections)
            break
        except RuntimeError:  # the set changed while it was copied; try again
            continue
    else:
        raise AssertionError("could not read the server's connections")
    ports = set()
    for conn in connections:
        client: Any = getattr(conn, "client", None)
        if client:
            ports.add(int(client[1]))
    return ports


def run_storm(
    live: LiveServer,
    prefix: str,
    work: Callable[[int, Sender], None],
    *,
    warmup_path: str,
    clients: int = CLIENTS,
    **client_options: Any,
) -> StormResult:
    """Runs `work(index, send)` on `clients` threads released together; raises the first client failure."""
    calls: list[Call] = []
    lock = threading.Lock()
    ports = [0] * clients
    ready = threading.Barrier(clients + 1, timeout=BARRIER_TIMEOUT_S)
    go = threading.Barrier(clients + 1, timeout=BARRIER_TIMEOUT_S)
    failures: list[BaseException] = []

    def client_thread(index: int) -> None:
        try:
            with httpx.Client(base_url=f"{live.url}{prefix}", timeout=30, verify=SHARED_TLS, **client_options) as client:
                warm = client.get(warmup_path)
                assert warm.status_code == 200, f"warm-up of client {index}: {warm.status_code} {warm.text}"
                ports[index] = local_port(warm)
                ready.wait()
                go.wait()
                work(index, Sender(index, client, calls, lock))
        except BaseException as exc:  # reported to the test below
            failures.append(exc)
            ready.abort()
            go.abort()

    threads = [threading.Thread(target=client_thread, args=(i,), name=f"storm-{i}", daemon=True) for i in range(clients)]
    for thread in threads:
        thread.start()
    held: set[int] = set()
    try:
        ready.wait()
        held = server_held_ports(live)
        go.wait()
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join(timeout=120)
    if failures:
        causes = [f for f in failures if not isinstance(f, threading.BrokenBarrierError)]
        raise (causes or failures)[0]
    assert not any(t.is_alive() for t in threads), "a storm client did not finish"
    return StormResult(calls=calls, ports=ports, held_at_start=held)
