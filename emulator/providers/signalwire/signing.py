"""`X-SignalWire-Signature`: how SignalWire signs the requests it sends to a number's URLs.

Two schemes, both keyed by the project's Signing Key:
- form (cXML) requests, the Twilio scheme: base64(HMAC-SHA1(key, full URL + the POST parameters'
  names and values concatenated in name order)); a GET carries its parameters in the URL, so
  nothing is appended;
- JSON (SWML) requests: lowercase hex(HMAC-SHA1(key, full URL + raw body)), and, as the official
  SDK says the platform also sends, `X-SignalWire-Sha256-Signature` with SHA-256.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from ...core.ids import base62_id

SIGNATURE_HEADER = "X-SignalWire-Signature"
SHA256_SIGNATURE_HEADER = "X-SignalWire-Sha256-Signature"
FORM_TYPE = "application/x-www-form-urlencoded"
JSON_TYPE = "application/json"


def new_signing_key() -> str:
    """A fresh key in the dashboard's `PSK_…` shape."""
    return base62_id("PSK_", 24)


def form_signature(key: str, url: str, params: Iterable[tuple[str, str]]) -> str:
    """The Twilio scheme; a stable sort keeps repeated names in their sending order."""
    ordered = sorted(params, key=lambda item: item[0])
    message = url + "".join(name + value for name, value in ordered)
    digest = hmac.new(key.encode(), message.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode("ascii")


def json_signature(key: str, url: str, body: bytes) -> str:
    return hmac.new(key.encode(), url.encode() + body, hashlib.sha1).hexdigest()


def json_sha256_signature(key: str, url: str, body: bytes) -> str:
    return hmac.new(key.encode(), url.encode() + body, hashlib.sha256).hexdigest()


def form_headers(key: str, url: str, body: bytes) -> dict[str, str]:
    """Headers of one form request; a body-less request (GET) gets no Content-Type."""
    params = parse_qsl(body.decode("utf-8"), keep_blank_values=True) if body else []
    headers = {SIGNATURE_HEADER: form_signature(key, url, params)}
    if body:
        headers["Content-Type"] = FORM_TYPE
    return headers


def json_headers(key: str, url: str, body: bytes, with_sha256: bool) -> dict[str, str]:
    headers = {"Content-Type": JSON_TYPE, SIGNATURE_HEADER: json_signature(key, url, body)}
    if with_sha256:
        headers[SHA256_SIGNATURE_HEADER] = json_sha256_signature(key, url, body)
    return headers


@dataclass(frozen=True)
class FormFormat:
    """The outbox format of SignalWire's form callbacks (the number-level status callback)."""

    name: str = "signalwire-form"
    content_type: str = FORM_TYPE

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        if not secret:
            return {"Content-Type": FORM_TYPE} if body else {}
        return form_headers(secret, url, body)

    def new_secret(self) -> str:
        return new_signing_key()

    def check_secret(self, secret: str) -> str | None:
        return None if secret else "a signing key must not be empty"


FORM_FORMAT = FormFormat()


@dataclass(frozen=True)
class JsonFormat:
    """SignalWire's JSON (SWML/Relay) requests: hex HMAC-SHA1 of URL + raw body, plus the SHA-256 twin."""

    name: str = "signalwire-json"
    content_type: str = JSON_TYPE
    with_sha256: bool = True

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        if not secret:
            return {"Content-Type": JSON_TYPE}
        return json_headers(secret, url, body, self.with_sha256)

    def new_secret(self) -> str:
        return new_signing_key()

    def check_secret(self, secret: str) -> str | None:
        return None if secret else "a signing key must not be empty"


JSON_FORMAT = JsonFormat()
