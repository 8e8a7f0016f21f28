"""The soak workload: a server process, a webhook receiver, and mixed requests over keep-alive sockets.

The mix reads, updates and misuses every provider without growing their state (updates are in
place, refusals change nothing), while VoIPBIN metadata updates send the customer's webhook to a
local receiver, so the journal and the delivery history both fill up and must stay at their bounds.
"""

from __future__ import annotations

import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import orjson
from test_hostile.catalog import DEMO
from test_hostile.rawhttp import build_request
from test_security.process import ServerProcess, clean_env

HERE = Path(__file__).resolve().parent


class Receiver:
    """A webhook receiver answering 204 at once, in a thread of this process."""

    def __init__(self) -> None:
        self.count = 0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("content-length") or 0))
                receiver.count += 1
                self.send_response(204)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        class Server(ThreadingHTTPServer):
            daemon_threads = True

            def handle_error(self, request: object, client_address: object) -> None:
                pass  # the emulator closing its connections at shutdown is no error

        self.server = Server(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/voipbin-events"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def start_server(log_dir: Path, journal_size: int, delivery_history: int) -> ServerProcess:
    argv = [sys.executable, str(HERE / "serve_app.py"), "--journal-size", str(journal_size),
            "--delivery-history", str(delivery_history)]
    return ServerProcess(argv, log_dir, clean_env())


def prepare(server: ServerProcess, receiver: Receiver) -> None:
    """Points the demo VoIPBIN customer's webhooks at the receiver."""
    customer = {"name": "Demo customer", "detail": "", "email": "", "phone_number": "", "address": "",
                "webhook_method": "POST", "webhook_uri": receiver.url}
    response = httpx.put(f"{server.url}/voipbin/v1.0/customer", params={"accesskey": "voipbin_demo_accesskey"},
                         json=customer, timeout=10)
    response.raise_for_status()


VB = "accesskey=voipbin_demo_accesskey"
SW = list(DEMO["signalwire"].headers)
VO = list(DEMO["voiceos"].headers)
GG = list(DEMO["gigs"].headers)
JSON = [("Content-Type", "application/json")]


def mix(webhooks: bool = True) -> list[tuple[str, bytes]]:
    """One round of the workload: (label, request bytes), keep-alive.

    One request in 44 sends a webhook: well below what one delivery lane (the number's events
    go out in order, one at a time) carries, so pending deliveries do not pile up.
    """
    def req(method: str, target: str, headers: list[tuple[str, str]] | None = None, body: bytes | None = None) -> bytes:
        return build_request(method, target, headers or [], body, close=False)

    rounds = []
    for flag in (b"true", b"false", b"null", b"null"):
        rounds += [
            ("voipbin list", req("GET", f"/voipbin/v1.0/numbers?{VB}")),
            ("voipbin metadata (webhook)" if webhooks and flag == b"true" else "voipbin get",
             req("PUT", f"/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce/metadata?{VB}", JSON,
                 b'{"rtp_debug": ' + flag + b"}") if webhooks and flag == b"true"
             else req("GET", f"/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce?{VB}")),
            ("signalwire list", req("GET", "/signalwire/api/relay/rest/phone_numbers", SW)),
            ("signalwire update", req("PUT", "/signalwire/api/relay/rest/phone_numbers/6b1e2f3a-4c5d-4e6f-8a7b-9c0d1e2f3a4b",
                                      SW + JSON, b'{"name": "soak ' + flag + b'"}')),
            ("voiceos list", req("GET", "/voiceos/agents", VO)),
            ("voiceos patch", req("PATCH", "/voiceos/agents/agt_62f9a507d6373d81b927a3dc", VO + JSON,
                                  b'{"prompt": "soak ' + flag + b'"}')),
            ("gigs list", req("GET", "/gigs/projects/demo/virtualNumbers", GG)),
            ("gigs get", req("GET", "/gigs/projects/demo/users/usr_0SNlurA049MEWV4OpCwsNyC9Kn2d", GG)),
            ("voipbin malformed", req("POST", f"/voipbin/v1.0/numbers?{VB}", JSON, b'{"number": ')),
            ("signalwire unauthenticated", req("GET", "/signalwire/api/relay/rest/phone_numbers")),
            ("unknown route", req("GET", "/gigs/projects/demo/nothing", GG)),
        ]
    return rounds


@dataclass
class Progress:
    sent: int = 0
    statuses: dict[int, int] = field(default_factory=dict)


class FastReader:
    """Reads pipelined responses with bytes operations only: the client must not be the bottleneck."""

    def __init__(self, sock: socket.socket) -> None:
        self.sock = sock
        self.buffer = b""

    def status(self) -> int:
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end >= 0:
                head = self.buffer[:end]
                start = head.find(b"content-length:")
                length = int(head[start + 15: head.find(b"\r\n", start) if head.find(b"\r\n", start) > 0 else None]) if start >= 0 else 0
                total = end + 4 + length
                if len(self.buffer) >= total:
                    status = int(head[9:12])
                    self.buffer = self.buffer[total:]
                    return status
            data = self.sock.recv(262144)
            if not data:
                raise ConnectionError("the server closed the connection")
            self.buffer += data


def drive(port: int, total: int, connections: int, on_checkpoint: Callable[[int], None] | None = None,
          checkpoint_every: int = 0, webhooks: bool = True, pipeline: int = 8) -> Progress:
    """Sends `total` requests over `connections` keep-alive sockets, `pipeline` in flight on each.

    `on_checkpoint(n)` is called (from this thread) each time another `checkpoint_every` requests
    have been answered.
    """
    progress = Progress()
    lock = threading.Lock()
    round_ = mix(webhooks)
    answered = [0]
    failures: list[BaseException] = []

    def claim(size: int) -> range:
        with lock:
            first = progress.sent
            count = min(size, total - first)
            progress.sent += max(count, 0)
            return range(first, first + max(count, 0))

    def worker() -> None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
                reader = FastReader(sock)
                while True:
                    batch = claim(pipeline)
                    if not batch:
                        return
                    sock.sendall(b"".join(round_[i % len(round_)][1] for i in batch))
                    statuses = [reader.status() for _ in batch]
                    with lock:
                        for status in statuses:
                            progress.statuses[status] = progress.statuses.get(status, 0) + 1
                        answered[0] += len(statuses)
        except (OSError, ValueError) as exc:  # reported by the caller
            failures.append(exc)

    threads = [threading.Thread(target=worker, daemon=True) for _ in range(connections)]
    for thread in threads:
        thread.start()
    next_checkpoint = checkpoint_every or total + 1
    while any(t.is_alive() for t in threads):
        time.sleep(0.02)
        while answered[0] >= next_checkpoint and on_checkpoint is not None:
            on_checkpoint(next_checkpoint)
            next_checkpoint += checkpoint_every
    for thread in threads:
        thread.join()
    while on_checkpoint is not None and checkpoint_every and next_checkpoint <= answered[0]:
        on_checkpoint(next_checkpoint)
        next_checkpoint += checkpoint_every
    if failures:
        raise failures[0]
    return progress


def bounds(server: ServerProcess) -> dict[str, int]:
    """What the control API holds now: journal entries and capacity, deliveries by status."""
    with httpx.Client(base_url=f"{server.url}/_telemock", timeout=30) as admin:
        journal = admin.get("/journal").json()
        deliveries = admin.get("/deliveries").json()["deliveries"]
    by_status: dict[str, int] = {}
    for delivery in deliveries:
        by_status[delivery["status"]] = by_status.get(delivery["status"], 0) + 1
    return {"journal_entries": len(journal["entries"]), "journal_capacity": journal["capacity"],
            "deliveries": len(deliveries), **{f"deliveries_{k}": v for k, v in by_status.items()}}


def dumps(value: object) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()
