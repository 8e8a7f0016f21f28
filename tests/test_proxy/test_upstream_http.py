"""The proxy's HTTP to the upstream, byte by byte: what it sends, and answers framed every way
HTTP/1.1 allows (lengths, chunks, the connection's end, interim answers, compression)."""

from __future__ import annotations

import gzip
from typing import Iterator

import pytest
import yaml
from starlette.middleware.gzip import GZipMiddleware

from live_server import LiveServer, start_app
from telemock.emulator import Config, create_app
from telemock.emulator.proxy.messages import Outgoing, UpstreamFailed
from telemock.emulator.proxy.upstream import HttpUpstream

from .scripted_upstream import RESET, ScriptedUpstream
from .support import journal, run_on_own_loop

JSON_OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 11\r\n\r\n{\"ok\":true}"


def exchange(upstream: HttpUpstream, *requests: Outgoing) -> list:
    async def run() -> list:
        try:
            return [await upstream.answer(request) for request in requests]
        finally:
            await upstream.close()

    return run_on_own_loop(run())


def get(path: bytes = b"/x", method: str = "GET", body: bytes = b"", headers: list | None = None) -> Outgoing:
    return Outgoing(method, path.decode(), path, b"a=1", headers or [(b"accept", b"*/*")], body)


def test_the_request_goes_on_the_wire_as_the_client_sent_it():
    with ScriptedUpstream(lambda raw: (JSON_OK, False)) as upstream:
        headers = [(b"authorization", b"Bearer k"), (b"connection", b"keep-alive"), (b"host", b"api.voipbin.net"),
                   (b"content-type", b"application/json"), (b"content-length", b"99"), (b"accept-encoding", b"gzip")]
        [answer] = exchange(HttpUpstream(f"{upstream.url}/base/"), get(b"/v1.0/numbers/%2B1", "POST", b'{"a":1}', headers))
    assert answer.status == 200 and answer.body == b'{"ok":true}'
    assert upstream.requests[0] == (
        f"POST /base/v1.0/numbers/%2B1?a=1 HTTP/1.1\r\nhost: 127.0.0.1:{upstream.port}\r\nauthorization: Bearer k\r\n"
        "content-type: application/json\r\naccept-encoding: gzip\r\ncontent-length: 7\r\n\r\n{\"a\":1}"
    ).encode()


def test_keep_alive_connections_are_reused_and_one_the_upstream_closed_is_not():
    with ScriptedUpstream(lambda raw: (JSON_OK, b"/close" in raw)) as upstream:
        answers = exchange(HttpUpstream(upstream.url), get(), get(), get(b"/close"), get(), get())
    assert [a.status for a in answers] == [200] * 5
    assert upstream.connections == 2  # one until the upstream closed it, then a new one


def test_a_reused_connection_the_upstream_reset_is_retried_once_afresh_for_idempotent_methods():
    seen = []

    def script(raw: bytes) -> tuple[bytes, bool]:
        seen.append(raw)
        return (RESET, True) if len(seen) == 2 else (JSON_OK, False)  # the second request finds its connection reset

    with ScriptedUpstream(script) as upstream:
        answers = exchange(HttpUpstream(upstream.url), get(), get(b"/again"))
    assert [a.status for a in answers] == [200, 200]
    assert upstream.connections == 2 and [r.split(b" ")[1] for r in upstream.requests] == [b"/x?a=1", b"/again?a=1", b"/again?a=1"]


def test_a_post_whose_reused_connection_was_reset_is_not_sent_twice():
    seen = []

    def script(raw: bytes) -> tuple[bytes, bool]:
        seen.append(raw)
        return (RESET, True) if len(seen) == 2 else (JSON_OK, False)

    with ScriptedUpstream(script) as upstream:
        with pytest.raises(UpstreamFailed) as caught:
            exchange(HttpUpstream(upstream.url), get(), get(method="POST", body=b"{}"))
    assert "the connection broke" in caught.value.detail and len(upstream.requests) == 2


def test_chunked_answers_are_read_whole():
    chunked = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
    with ScriptedUpstream(lambda raw: (chunked, False)) as upstream:
        [answer] = exchange(HttpUpstream(upstream.url), get())
    assert answer.body == b"hello world"
    assert (b"transfer-encoding", b"chunked") not in answer.headers  # the proxy frames its own answer


def test_an_answer_ended_by_the_connection_is_read_to_its_end():
    with ScriptedUpstream(lambda raw: (b"HTTP/1.1 200 OK\r\ncontent-type: text/plain\r\n\r\nall of it", True)) as upstream:
        [answer] = exchange(HttpUpstream(upstream.url), get())
    assert answer.body == b"all of it"


def test_interim_answers_are_skipped():
    script = b"HTTP/1.1 100 Continue\r\n\r\n" + JSON_OK
    with ScriptedUpstream(lambda raw: (script, False)) as upstream:
        [answer] = exchange(HttpUpstream(upstream.url), get(method="POST", body=b"{}"))
    assert answer.status == 200 and answer.body == b'{"ok":true}'


def test_a_head_answer_ends_with_its_headers():
    head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 1234\r\n\r\n"
    with ScriptedUpstream(lambda raw: (head, False)) as upstream:
        [answer] = exchange(HttpUpstream(upstream.url, timeout_s=2), get(method="HEAD"))
    assert answer.status == 200 and answer.body == b""


@pytest.mark.parametrize("answer, words", [
    (b"SMTP ready\r\n\r\n", "the answer is not valid HTTP"),
    (b"HTTP/1.1 200 OK\r\ncontent-length: 50\r\n\r\nshort", "the upstream closed the connection mid-answer"),
    (b"", "the upstream closed the connection"),
])
def test_what_is_not_a_whole_http_answer_is_a_protocol_failure(answer, words):
    with ScriptedUpstream(lambda raw: (answer, True)) as upstream:
        with pytest.raises(UpstreamFailed) as caught:
            exchange(HttpUpstream(upstream.url), get(method="POST", body=b"{}"))
    assert caught.value.kind == "protocol" and caught.value.status == 502 and words in caught.value.detail


def test_not_an_http_url_is_refused():
    for url in ("ftp://example.com", "api.voipbin.net", "https://"):
        with pytest.raises(ValueError, match="is not an http"):
            HttpUpstream(url)


@pytest.fixture
def gzip_upstream() -> Iterator[LiveServer]:
    """A telemock upstream in the observed profile that compresses every answer a client accepts compressed."""
    live = start_app(GZipMiddleware(create_app(Config(profile="observed", log_requests=False)), minimum_size=0))
    live.app.state = live.app.app.state  # the tests read the runtime through .app.state
    yield live
    live.stop()


def test_a_compressed_answer_is_relayed_compressed_and_judged_and_recorded_uncompressed(gzip_upstream, start_proxy, tmp_path):
    proxy = start_proxy(gzip_upstream, ("voipbin",), record=tmp_path / "recordings")
    client = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}, headers={"Accept-Encoding": "gzip"})
    with client.stream("GET", "/v1.0/numbers") as response:
        raw = b"".join(response.iter_raw())
        assert response.headers["content-encoding"] == "gzip"
    assert gzip.decompress(raw).startswith(b'{"result":[')  # the client got the upstream's gzip bytes
    [entry] = journal(proxy)
    assert any(v["drift"] and v["location"] == "response.body/result/0/tm_purchase" for v in entry["violations"])
    recorded = yaml.safe_load(next((tmp_path / "recordings").glob("0001-*.yaml")).read_text())
    assert recorded["request"]["headers"]["accept-encoding"] == "gzip"
    assert recorded["response"]["body_format"] == "json" and "content-encoding" not in recorded["response"]["headers"]


def test_an_encoding_telemock_cannot_undo_is_relayed_and_marked(start_proxy):
    brotli = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-encoding: br\r\ncontent-length: 4\r\n\r\n\x0b\x02\x80{"
    with ScriptedUpstream(lambda raw: (brotli, False)) as upstream:
        proxy = start_proxy(upstream.url, ("voiceos",))
        client = proxy.client("/voiceos", headers={"Authorization": "Bearer k", "Accept-Encoding": "br"})
        with client.stream("GET", "/phone_numbers") as response:
            assert response.headers["content-encoding"] == "br" and b"".join(response.iter_raw()) == b"\x0b\x02\x80{"
        [entry] = journal(proxy)
        assert entry["marks"] == ["undecoded"] and entry["violations"] == []
