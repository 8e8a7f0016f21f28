"""What passes through the proxy: the client's request, the answer that comes back, and failures.

An upstream (the real provider over HTTP, or a folder of recordings) takes an `Outgoing` and
gives an `Answer`, or raises `UpstreamFailed` saying why there is none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Protocol

from ..core.http import GenericError
from ..core.journal import parse_query
from .bodies import decoded_content

# Headers about one connection, not the message (RFC 9110 §7.6.1), and those the proxy sets itself.
HOP_BY_HOP = frozenset({
    b"connection", b"keep-alive", b"proxy-authenticate", b"proxy-authorization", b"proxy-connection",
    b"te", b"trailer", b"transfer-encoding", b"upgrade",
})
NOT_FORWARDED = HOP_BY_HOP | {b"host", b"content-length"}
NOT_RETURNED = HOP_BY_HOP | {b"content-length", b"date", b"server"}

RawHeaders = list[tuple[bytes, bytes]]


def header(headers: RawHeaders, name: bytes) -> str:
    """The first value of `name` (lowercase), or ""."""
    for key, value in headers:
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def text_headers(headers: RawHeaders) -> list[tuple[str, str]]:
    return [(k.decode("latin-1"), v.decode("latin-1")) for k, v in headers]


@dataclass
class Outgoing:
    """A client's request, relative to its provider's prefix (`/v1.0/numbers`, not `/voipbin/v1.0/numbers`)."""

    method: str
    path: str  # decoded, for matching and for people
    raw_path: bytes  # as the client encoded it, for forwarding
    query_string: bytes
    headers: RawHeaders
    body: bytes
    operation: str | None = None  # the documented operationId, when the path is a documented one

    @cached_property
    def query(self) -> dict[str, list[str]]:
        return parse_query(self.query_string)

    @property
    def content_type(self) -> str:
        return header(self.headers, b"content-type")


@dataclass
class Answer:
    """What the upstream answered: status, headers (lowercase names) and the body as it came
    (compressed if the upstream compressed it; the client gets it so).

    `source` says where it came from (the recording a replay served), for the journal."""

    status: int
    headers: RawHeaders
    body: bytes
    source: str | None = None
    extra_headers: RawHeaders = field(default_factory=list)

    @property
    def content_type(self) -> str:
        return header(self.headers, b"content-type")

    def identity(self) -> "Answer | None":
        """The same answer with its body uncompressed, to judge and record; None when telemock
        cannot uncompress it (an encoding other than gzip or deflate)."""
        encoding = header(self.headers, b"content-encoding")
        if not encoding:
            return self
        body = decoded_content(encoding, self.body)
        if body is None:
            return None
        headers = [(k, v) for k, v in self.headers if k != b"content-encoding"]
        return Answer(self.status, headers, body, self.source, self.extra_headers)


class UpstreamFailed(Exception):
    """No answer from upstream: `kind` is a short word for the journal (`unreachable`, `timeout`,
    `tls`, `protocol`, `unmatched`), `detail` a sentence for people; the client gets `status` in
    the provider's own error format, built from `generic`, with `header` saying what failed."""

    def __init__(self, kind: str, detail: str, *, status: int, generic: GenericError, header: str) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.status = status
        self.generic = generic
        self.header = header


class Upstream(Protocol):
    """Where a proxied provider's answers come from. `name` is said in logs and recordings;
    `mark` prefixes the journal's marks (`upstream:timeout`, `replay:0003-….yaml`)."""

    name: str
    mark: str

    async def answer(self, request: Outgoing) -> Answer: ...

    async def close(self) -> None: ...
