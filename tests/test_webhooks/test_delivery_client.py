"""What a delivery looks like on the wire and in its attempt record, whatever HTTP client sends it."""

from __future__ import annotations

from telemock.emulator.core.delivery_client import failure_reason, header_dict

from .test_engine import admin, delivery, send  # noqa: F401  (admin is a fixture)


def test_a_delivery_carries_the_usual_default_headers_and_only_its_own_content_type(server, admin, receiver):
    delivery_id = send(server, receiver.url(), b"plain", headers={"x-extra": "1"})
    (request,) = receiver.wait_for(1)
    assert request.headers["accept"] == "*/*"
    assert request.headers["accept-encoding"] == "gzip, deflate"
    assert request.headers["user-agent"].startswith("python-httpx/")
    assert request.headers["content-type"] == "text/plain"  # the format's, not a client default
    assert request.headers["content-length"] == "5"
    assert delivery(admin, delivery_id, 1)["attempts"][0]["status"] == 200


def test_answer_headers_are_kept_with_lower_case_names_and_repeats_joined() -> None:
    raw = ((b"Content-Type", b"text/plain"), (b"X-Seen", b"a"), (b"x-seen", b"b"), (b"Location", b"/moved"))
    assert header_dict(raw) == {"content-type": "text/plain", "x-seen": "a, b", "location": "/moved"}


def test_failures_keep_the_names_attempt_records_always_had() -> None:
    import aiohttp
    from aiohttp.client_reqrep import ConnectionKey

    key = ConnectionKey("127.0.0.1", 9, False, True, None, None, None)
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "Connection refused"))
    assert failure_reason(refused).startswith("ConnectError: ")
    assert failure_reason(aiohttp.ServerDisconnectedError()) == (
        "RemoteProtocolError: Server disconnected without sending a response."
    )
    assert failure_reason(aiohttp.ClientOSError(104, "Connection reset by peer")).startswith("ReadError: ")
