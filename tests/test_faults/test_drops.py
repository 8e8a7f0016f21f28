"""Dropped connections: journaled before the socket closes, under either of uvicorn's HTTP protocols,
after authentication for rules that name a tenant, and as an exception for an in-process client."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import httpx
import pytest
import uvicorn

from telemock.emulator import Config, create_app
from telemock.emulator.core.serving import server_config

from .conftest import VOIPBIN_KEY, add_fault

FLOW = {"name": "never", "detail": "d", "actions": [{"type": "answer"}]}


def raw_post_flow(url: str) -> bytes:
    """POSTs a flow on a raw socket and returns everything the server sent before closing."""
    host, port = url.removeprefix("http://").split(":")
    body = b'{"name": "dropped", "detail": "d", "actions": [{"type": "answer"}]}'
    request = (
        f"POST /voipbin/v1.0/flows?accesskey={VOIPBIN_KEY['accesskey']} HTTP/1.1\r\nHost: {host}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(request)
        received = b""
        while chunk := sock.recv(4096):
            received += chunk
    return received


def test_the_journal_has_a_dropped_request_before_its_connection_closes(server, admin):
    rule = add_fault(admin, provider="voipbin", method="POST", effect="drop")
    for _ in range(20):  # the journal is read the instant the client sees the connection go
        assert raw_post_flow(server.url) == b""
        entries = server.runtime.journal.query(provider="voipbin", method="POST")
        assert entries, "the dropped request was not journaled when its connection closed"
        assert entries[-1].status == 0 and entries[-1].marks == [f"fault:{rule['id']}:drop"]
        server.runtime.journal.clear()


def test_a_rule_naming_a_tenant_drops_after_authentication(server, admin, gigs):
    rule = add_fault(admin, provider="gigs", tenant="demo", effect="drop", latency=0.2, count=1)
    anonymous = server.client("/gigs/projects/demo").get("/virtualNumbers")
    assert anonymous.status_code == 401  # no tenant: the rule cannot match
    started = time.monotonic()
    with pytest.raises(httpx.RemoteProtocolError):
        gigs.get("/virtualNumbers")
    assert time.monotonic() - started >= 0.2  # its latency first
    entry = admin.get("/journal", params={"provider": "gigs", "limit": 1}).json()["entries"][0]
    assert (entry["status"], entry["tenant"], entry["marks"]) == (0, "demo", [f"fault:{rule['id']}:drop"])
    assert gigs.get("/virtualNumbers").status_code == 200  # spent


@pytest.mark.parametrize("protocol", ["h11", "httptools"])
def test_drops_work_under_both_of_uvicorns_http_protocols(protocol):
    app = create_app(Config(providers=["voipbin"], log_requests=False))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(server_config(app, http=protocol))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
            time.sleep(0.01)
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, trust_env=False, timeout=10) as client:
            assert client.post("/_telemock/faults", json={"provider": "voipbin", "effect": "drop",
                                                          "after_handler": True, "count": 1}).status_code == 201
            with pytest.raises(httpx.RemoteProtocolError):
                client.post("/voipbin/v1.0/flows", params=VOIPBIN_KEY, json=FLOW)
            assert client.get("/voipbin/v1.0/numbers", params=VOIPBIN_KEY).status_code == 200  # a new connection
        assert [e.status for e in app.state.runtime.journal.query(provider="voipbin")] == [0, 200]
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def test_in_process_a_drop_reaches_the_client_as_an_aborted_connection():
    app = create_app(Config(providers=["voipbin"], log_requests=False))
    runtime = app.state.runtime
    runtime.faults.add(target="requests", effect="drop", provider="voipbin", seed=1)

    async def call() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://telemock") as client:
            await client.get("/voipbin/v1.0/numbers", params=VOIPBIN_KEY)

    with pytest.raises(ConnectionAbortedError, match="dropped by fault 1"):
        asyncio.run(call())
    [entry] = runtime.journal.query(provider="voipbin")
    assert entry.status == 0 and entry.marks == ["fault:1:drop"]


def test_the_plugins_socket_server_drops_connections_too():
    from telemock.contracts.kit.control import LocalControl

    control = LocalControl(create_app(Config(providers=["voipbin"], log_requests=False)))
    try:
        with httpx.Client(base_url=control.base_url, trust_env=False, timeout=10) as client:
            assert client.post("/_telemock/faults", json={"provider": "voipbin", "effect": "drop"}).status_code == 201
            with pytest.raises(httpx.RemoteProtocolError):
                client.get("/voipbin/v1.0/numbers", params=VOIPBIN_KEY)
    finally:
        control.close()
