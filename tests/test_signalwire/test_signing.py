"""`X-SignalWire-Signature` as computed by the emulator, against the official SDK's validator."""

from __future__ import annotations

from urllib.parse import parse_qsl

import pytest

from telemock.emulator.providers.signalwire.callbacks import form_body, rfc2822, with_query
from telemock.emulator.providers.signalwire.inbound import form_request
from telemock.emulator.providers.signalwire.signing import FORM_FORMAT, json_headers

security = pytest.importorskip("signalwire.core.security")

KEY = "PSK_unit_key"
AWKWARD = [
    ("To", "+15035550110"),
    ("Body", "Grüße & 50% off = 1+1 ✓"),
    ("From", "+15551234567"),
    ("Empty", ""),
    ("AccountSid", "3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f"),
]


@pytest.mark.parametrize("method", ["POST", "GET"])
@pytest.mark.parametrize("url", ["https://example.com/voice", "https://example.com:8443/v?app=a%20b&x=1", "http://h/p?"])
def test_form_requests_validate_with_the_sdk(method, url):
    full_url, body, headers = form_request(KEY, url, method, AWKWARD)
    signature = headers["X-SignalWire-Signature"]
    raw = body.decode()
    assert security.validate_webhook_signature(KEY, signature, full_url, raw)
    assert not security.validate_webhook_signature(KEY + "x", signature, full_url, raw)
    if method == "POST":
        assert full_url == url and headers["Content-Type"] == "application/x-www-form-urlencoded"
        assert parse_qsl(raw, keep_blank_values=True) == AWKWARD
        assert security.validate_request(KEY, signature, full_url, dict(AWKWARD))
    else:
        assert body == b"" and "Content-Type" not in headers
        assert dict(parse_qsl(full_url.split("?", 1)[1], keep_blank_values=True)).items() >= dict(AWKWARD).items()
        assert security.validate_request(KEY, signature, full_url, {})


def test_the_outbox_format_signs_like_the_synchronous_requests():
    url, body, headers = form_request(KEY, "https://example.com/status", "POST", AWKWARD)
    assert FORM_FORMAT.signed_headers(message_id="m", url=url, body=body, secret=KEY, wall_time=0) == headers
    get_url, _, get_headers = form_request(KEY, "https://example.com/status", "GET", AWKWARD)
    assert FORM_FORMAT.signed_headers(message_id="m", url=get_url, body=b"", secret=KEY, wall_time=0) == get_headers
    assert FORM_FORMAT.check_secret("") and FORM_FORMAT.check_secret(KEY) is None
    assert FORM_FORMAT.new_secret().startswith("PSK_")


def test_json_signatures_validate_with_the_sdk():
    url, body = "https://example.com/swml?x=1", b'{"call":{"from":"+1555"},"vars":{}}'
    headers = json_headers(KEY, url, body, with_sha256=True)
    assert len(headers["X-SignalWire-Signature"]) == 40
    assert security.validate_webhook_signature(KEY, headers["X-SignalWire-Signature"], url, body.decode())
    assert security.validate_webhook_signature_sha256(KEY, headers["X-SignalWire-Sha256-Signature"], url, body.decode())
    assert "X-SignalWire-Sha256-Signature" not in json_headers(KEY, url, body, with_sha256=False)


def test_query_joining_and_rfc2822():
    assert with_query("https://e.com/a", [("A", "1")]) == "https://e.com/a?A=1"
    assert with_query("https://e.com/a?b=2", [("A", "+1")]) == "https://e.com/a?b=2&A=%2B1"
    assert with_query("https://e.com/a?b=2&", [("A", "1")]) == "https://e.com/a?b=2&A=1"
    assert with_query("https://e.com/a#frag", [("A", "1")]) == "https://e.com/a?A=1"
    assert form_body([("Body", "a b&c")]) == b"Body=a+b%26c"
    assert rfc2822(1_712_255_535_999_999) == "Thu, 04 Apr 2024 18:32:15 +0000"
    assert rfc2822(0) == "Thu, 01 Jan 1970 00:00:00 +0000"
