"""A request answered before its body was received is not judged on a body it never showed."""

from __future__ import annotations

import socket

from live_server import LiveServer

UNKNOWN = "11111111-2222-4333-8444-555555555555"
KEY = "voipbin_demo_accesskey"
BODY = b'{"tm_renew": "2026-01-01 00:00:00"}'


def test_a_refusal_before_the_body_is_read_is_not_a_missing_body(server: LiveServer) -> None:
    # Headers announce the body, which is held back until the answer has arrived.
    host, port = server.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as sock:
        sock.sendall(
            # VoIPBIN's renew is for platform admins: a customer is refused before the body is read.
            f"POST /voipbin/v1.0/numbers/renew?accesskey={KEY} HTTP/1.1\r\nHost: x\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(BODY)}\r\n\r\n".encode()
        )
        answer = sock.recv(65536)
        assert answer.startswith(b"HTTP/1.1 403")
        sock.sendall(BODY)
    entry = server.admin().get("/journal", params={"provider": "voipbin", "method": "POST", "limit": 1}).json()["entries"][-1]
    assert entry["status"] == 403 and entry["operation"] == "numbers_renew"
    assert [v for v in entry["violations"] if v["location"] == "body"] == []


def test_a_request_without_its_required_body_is_still_judged(server: LiveServer) -> None:
    client = server.client("/voipbin/v1.0")
    answered = client.put(f"/numbers/{UNKNOWN}", params={"accesskey": KEY})
    assert answered.status_code in (400, 404)
    entry = server.admin().get("/journal", params={"provider": "voipbin", "method": "PUT", "limit": 1}).json()["entries"][-1]
    assert any(v["location"] == "body" for v in entry["violations"])
