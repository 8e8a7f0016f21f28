"""A real telemock server on a free loopback port, for tests (imported by conftest and by tests)."""

from __future__ import annotations

import os
import socket
import ssl
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import httpx
import uvicorn

from telemock.emulator import Config, create_app
from telemock.emulator.core.serving import server_config

LOOPBACK = ["127.0.0.1", "localhost", "::1"]

# Building a TLS context costs ~40 ms per httpx.Client; the servers are plain HTTP, so share one.
SHARED_TLS = ssl.create_default_context()


@dataclass
class LiveServer:
    """A running emulator: its base URL, the app (for its runtime) and a control-API client."""

    url: str
    app: Any
    server: uvicorn.Server
    thread: threading.Thread
    clients: list[httpx.Client] = field(default_factory=list)

    @property
    def runtime(self) -> Any:
        return self.app.state.runtime

    def client(self, prefix: str = "", **kwargs: Any) -> httpx.Client:
        kwargs.setdefault("verify", SHARED_TLS)
        client = httpx.Client(base_url=f"{self.url}{prefix}", timeout=10, **kwargs)
        self.clients.append(client)
        return client

    def admin(self) -> httpx.Client:
        return self.client("/_telemock")

    def close_clients(self, keep: int = 0) -> None:
        """Closes the clients opened after the first `keep`: each holds a connection (two file
        descriptors, the server being in this process), and a long session would run out."""
        for client in self.clients[keep:]:
            client.close()
        del self.clients[keep:]

    def stop(self) -> None:
        for client in self.clients:
            client.close()
        self.server.should_exit = True
        self.thread.join(timeout=10)


def only_providers() -> list[str] | None:
    """TELEMOCK_TEST_PROVIDERS=voipbin,gigs limits the test servers to those plugins."""
    names = os.environ.get("TELEMOCK_TEST_PROVIDERS", "")
    return [n.strip() for n in names.split(",") if n.strip()] or None


def start_server(config: Config | None = None) -> LiveServer:
    config = config or Config()
    if config.providers is None:
        config.providers = only_providers()
    if config.webhook_allowed_hosts is None:
        # Fuzzed URL fields must never send the emulator's callbacks off this machine.
        config.webhook_allowed_hosts = LOOPBACK
    return start_app(create_app(config))


def start_app(app: Any, **options: Any) -> LiveServer:
    """Serves any telemock app (the emulator, the proxy) on a free loopback port; `options` are
    uvicorn's (`ssl_certfile`… for https, whose URL then starts with https)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(app, **options))  # telemock's protocol: drop faults can close connections
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("telemock test server did not start")
        time.sleep(0.005)
    scheme = "https" if options.get("ssl_certfile") else "http"
    return LiveServer(url=f"{scheme}://127.0.0.1:{port}", app=app, server=server, thread=thread)
