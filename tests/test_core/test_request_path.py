"""The request path's short cuts answer exactly as the long way did."""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import httpx
import pytest
from starlette.middleware.cors import CORSMiddleware
from starlette.types import Receive, Scope, Send

from telemock.emulator import Config, create_app
from telemock.emulator.core.ids import BASE62, base62_id
from telemock.emulator.core.layers.cors import Cors
from telemock.emulator.core.serving import HeldHead

NUMBER = "/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce?accesskey=voipbin_demo_accesskey"
CORS_OPTIONS: dict[str, Any] = {
    "allow_origins": ["*"], "allow_methods": ["GET", "PUT", "OPTIONS"], "allow_headers": ["*"], "expose_headers": ["X-Request-Id"],
}


def answer_with(headers: list[tuple[bytes, bytes]]) -> Any:
    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": list(headers)})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


def run(app: Any, method: str, headers: list[tuple[bytes, bytes]]) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {"type": "http", "method": method, "path": "/x", "headers": headers, "query_string": b""}
    asyncio.run(app(scope, receive, send))
    return sent


@pytest.mark.parametrize("request_headers", [
    [],
    [(b"origin", b"https://app.example")],
    [(b"origin", b"https://app.example"), (b"access-control-request-method", b"PUT")],
], ids=["no origin", "origin", "preflight"])
@pytest.mark.parametrize("answer_headers", [
    [(b"content-length", b"2"), (b"content-type", b"application/json")],
    [(b"content-type", b"application/json"), (b"vary", b"Accept"), (b"vary", b"Cookie")],
], ids=["plain", "varying"])
@pytest.mark.parametrize("method", ["GET", "OPTIONS"])
def test_cors_answers_as_starlettes_middleware(request_headers, answer_headers, method) -> None:
    ours = run(Cors(answer_with(answer_headers), **CORS_OPTIONS), method, request_headers)
    starlettes = run(CORSMiddleware(answer_with(answer_headers), **CORS_OPTIONS), method, request_headers)
    assert ours == starlettes


def call(app: Any, *requests: tuple[str, dict[str, str]]) -> list[httpx.Response]:
    """GETs each (path, headers) in process, in order."""

    async def run() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return [await client.get(path, headers=headers) for path, headers in requests]

    return asyncio.run(run())


async def _broken(scope: Scope, receive: Receive, send: Send) -> None:
    raise RuntimeError("a failure around the error layer")


def test_a_failure_outside_the_error_layer_gets_the_last_resort_500() -> None:
    app = create_app(Config(providers=["voipbin"], log_requests=False))
    recorder = app.providers.mounts["voipbin"].app
    recorder.app = _broken  # between the recorder and the provider's error layer
    (answer,) = call(app, (NUMBER, {}))
    assert answer.status_code == 500 and answer.text == "Internal Server Error"
    assert answer.headers["content-type"].startswith("text/plain")
    (entry,) = app.state.runtime.journal.query(provider="voipbin")
    assert entry.status == 500


def test_middleware_added_after_create_app_sees_provider_requests() -> None:
    app = create_app(Config(providers=["voipbin"], log_requests=False))
    seen: list[str] = []

    class Seeing:
        def __init__(self, inner: Any) -> None:
            self.inner = inner

        async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == "http":
                seen.append(scope["path"])
            await self.inner(scope, receive, send)

    app.add_middleware(Seeing)
    assert [a.status_code for a in call(app, (NUMBER, {}), ("/_telemock/health", {}))] == [200, 200]
    assert seen == ["/voipbin/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce", "/_telemock/health"]


def test_provider_hosts_and_prefixes_reach_the_provider() -> None:
    app = create_app(Config(providers=["voipbin"], log_requests=False))
    by_prefix, by_host, unknown = call(
        app, (NUMBER, {}), (NUMBER.removeprefix("/voipbin"), {"host": "api.voipbin.net"}), ("/voipbinx/v1.0/numbers", {})
    )
    assert by_prefix.status_code == by_host.status_code == 200 and by_prefix.json() == by_host.json()
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"


class Transport:
    def __init__(self) -> None:
        self.writes: list[bytes] = []
        self.closed = False

    def write(self, data: bytes) -> None:
        self.writes.append(data)

    def close(self) -> None:
        self.closed = True

    def is_closing(self) -> bool:
        return self.closed


def test_a_held_head_leaves_with_the_first_body_write_or_on_its_own() -> None:
    transport = Transport()
    held = HeldHead(transport)
    held.holding = True
    held.write(b"HEAD\r\n\r\n")
    assert transport.writes == []
    held.write(b"body")
    held.write(b"more")
    assert transport.writes == [b"HEAD\r\n\r\nbody", b"more"]
    held.holding = True
    held.write(b"HEAD2\r\n\r\n")
    held.release()  # an answer without a body
    held.holding = True
    held.write(b"HEAD3\r\n\r\n")
    held.close()  # a connection closed after the head
    assert transport.writes[2:] == [b"HEAD2\r\n\r\n", b"HEAD3\r\n\r\n"] and transport.closed
    assert held.is_closing()  # the rest of the transport's interface is the transport's


def raw_exchange(url: str, request: bytes) -> bytes:
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=5) as sock:
        sock.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data or (b"content-length: 0" not in data.lower() and not data.endswith(b"}")):
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
        return data


def test_answers_over_a_socket_are_whole_for_get_head_and_empty_bodies(server) -> None:
    path = NUMBER.encode()
    get = raw_exchange(server.url, b"GET " + path + b" HTTP/1.1\r\nHost: t\r\n\r\n")
    head, _, body = get.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200") and body.startswith(b"{") and body.endswith(b"}")
    length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    assert len(body) == length
    only_head = raw_exchange(server.url, b"HEAD " + path + b" HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
    assert only_head.startswith(b"HTTP/1.1 200") and only_head.endswith(b"\r\n\r\n")
    no_body = raw_exchange(server.url, b"OPTIONS /voipbin/v1.0/numbers HTTP/1.1\r\nHost: t\r\nConnection: close\r\n"
                           b"Origin: https://a.example\r\nAccess-Control-Request-Method: GET\r\n\r\n")
    assert no_body.startswith(b"HTTP/1.1 200") and no_body.endswith(b"OK")


def test_base62_ids_are_uniform_over_the_alphabet() -> None:
    ids = [base62_id("msg_") for _ in range(3000)]
    assert all(i.startswith("msg_") and len(i) == 32 for i in ids)
    counts = {c: 0 for c in BASE62}
    for i in ids:
        for c in i[4:]:
            counts[c] += 1
    expected = 3000 * 28 / 62
    assert set(counts) == set(BASE62)
    assert all(0.8 * expected < n < 1.2 * expected for n in counts.values()), counts
    assert len(set(ids)) == len(ids)


def test_the_journal_keeps_added_exchanges_bounded_and_reads_them_as_entries() -> None:
    from telemock.emulator.core.journal import MAX_BODY_CHARS, Journal, flat_headers

    journal = Journal(3)
    headers = flat_headers([(b"host", b"t"), (b"authorization", b"Bearer secret-token")])
    for number in range(4):
        body = b'{"n":%d}' % number if number < 3 else b"x" * (MAX_BODY_CHARS + 10)
        journal.add(1_700_000_000_000_000 + number, "gigs", "demo", "op", "POST", "/gigs/x", b"a=1", headers, body,
                    201, (b"content-type", b"application/json"), b"{}", 1.5, [], ["fault:1:latency"])
    entries = journal.query()
    assert [e.seq for e in entries] == [2, 3, 4]  # the oldest fell off
    assert entries[0].time == "2023-11-14T22:13:20.000001Z" and entries[0].body == '{"n":1}'
    assert entries[0].headers["authorization"] != "Bearer secret-token"  # masked on read, as ever
    assert entries[0].marks == ["fault:1:latency"] and entries[0].query == {"a": ["1"]}
    assert len(entries[2].body) < MAX_BODY_CHARS + 100 and entries[2].body.endswith("10 more bytes]")
    assert journal.summary() == {"gigs": {"op": {"requests": 3, "violating": 0, "violations": 0}}}
    assert entries[0].response_headers == {"content-type": "application/json"}


def test_kept_exchanges_leave_the_collectors_view_after_its_first_passes() -> None:
    """A full journal turns over on every request; records the cyclic collector kept tracking
    filled its youngest generation, and every young pass walked thousands of them again."""
    import gc

    from telemock.emulator.core.journal import Journal, flat_headers

    journal = Journal(50)
    headers = flat_headers([(b"host", b"t"), (b"accept", b"*/*")])
    for number in range(50):
        journal.add(1_700_000_000_000_000 + number, "gigs", "demo", "op", "GET", "/gigs/x", b"", headers, b"",
                    200, (b"content-type", b"application/json"), b"{}", 0.5, [], [])
    gc.collect()
    gc.collect()  # a flat tuple leaves in the first pass, the record holding it in the next
    kept = list(journal._entries)
    assert len(kept) == 50 and not any(gc.is_tracked(item) for item in kept)
    assert journal.query()[0].headers == {"host": "t", "accept": "*/*"}  # read back as pairs


def test_served_requests_leave_no_reference_cycles_for_the_collector(server) -> None:
    """Each answered request's objects are freed when it ends: a cycle per request made the
    collector walk thousands of them every few hundred requests, pausing every answer in flight."""
    import gc
    import uuid

    marker = uuid.uuid4().hex.encode()  # this test's requests, apart from any other the server answers
    client = server.client(headers={"X-Probe": marker.decode()})
    client.get(NUMBER).raise_for_status()  # the connection is open and the path warm
    gc.collect()
    was = gc.get_debug()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for _ in range(20):
            assert client.get(NUMBER).status_code == 200
            assert client.put(NUMBER, json={"name": "cycle-free"}).status_code == 200
        gc.collect()
        # Everything a request holds (its scope, state, resolved route, transport wrapper…) hangs from
        # uvicorn's request cycle: none of this test's may be left for the collector.
        left = [obj for obj in gc.garbage if type(obj).__name__ == "RequestResponseCycle"
                and (b"x-probe", marker) in getattr(obj, "scope", {}).get("headers", [])]
    finally:
        gc.set_debug(was)
        gc.garbage.clear()
    assert left == [], f"{len(left)} of 40 requests were left in reference cycles"
