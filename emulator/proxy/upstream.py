"""The real provider over HTTP(S): each request forwarded as the client sent it.

The method, path (as the client encoded it), query, headers (credentials included) and body go
on unchanged, apart from what belongs to one connection (hop-by-hop headers) and `Host`, which
names the upstream. The answer comes back as it came, compressed or not; redirects are passed
back, not followed. Whatever keeps an answer from coming — the upstream down, a TLS failure, no
answer within the timeout, a broken response — becomes `UpstreamFailed`, whose detail names the
upstream by its base URL only (a query string may hold a credential).

It speaks over connections.py's keep-alive pool, which costs a tenth of httpx's CPU.
"""

from __future__ import annotations

import asyncio
import os
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from ..core.http import GenericError
from ..core.outgoing import tls_context
from .connections import ConnectFailed, ConnectionPool, ExchangeFailed
from .messages import NOT_FORWARDED, NOT_RETURNED, Answer, Outgoing, UpstreamFailed

UPSTREAM_ERROR_HEADER = "x-telemock-upstream-error"
DEFAULT_PORTS = {"http": 80, "https": 443}


class HttpUpstream:
    """One provider's real base URL (`https://api.voipbin.net`, or one with a path prefix)."""

    mark = "upstream"

    def __init__(self, base_url: str, *, timeout_s: float = 30.0, ca_file: Path | None = None) -> None:
        try:
            parts = urlsplit(base_url)
            port = parts.port
        except ValueError:
            parts, port = None, None
        if parts is None or parts.scheme not in DEFAULT_PORTS or not parts.hostname:
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.name = f"{parts.scheme}://{parts.netloc}{parts.path}".rstrip("/")
        self.host_header = parts.netloc.rpartition("@")[2].encode("idna")
        self.base_path = parts.path.rstrip("/").encode()
        self.timeout_s = timeout_s
        context = (ssl.create_default_context(cafile=str(ca_file)) if ca_file else tls_context()) if parts.scheme == "https" else None
        self.pool = ConnectionPool(parts.hostname, port or DEFAULT_PORTS[parts.scheme], context)

    def message(self, request: Outgoing) -> bytes:
        """The request as it goes on the wire: the client's, for this host, its body's length given."""
        target = self.base_path + request.raw_path + (b"?" + request.query_string if request.query_string else b"")
        lines = [request.method.encode() + b" " + target + b" HTTP/1.1", b"host: " + self.host_header]
        lines += [k + b": " + v for k, v in request.headers if k.lower() not in NOT_FORWARDED]
        if request.body or request.method in ("POST", "PUT", "PATCH"):
            lines.append(b"content-length: " + str(len(request.body)).encode())
        return b"\r\n".join(lines) + b"\r\n\r\n" + request.body

    async def answer(self, request: Outgoing) -> Answer:
        try:
            # The whole exchange must fit in the timeout, however the upstream dribbles its answer.
            async with asyncio.timeout(self.timeout_s):
                reply = await self.pool.request(request.method, self.message(request))
        except TimeoutError:
            raise self.failed("timeout", f"no answer from {self.name} within {self.timeout_s:g} s", 504) from None
        except ConnectFailed as exc:
            tls = tls_problem(exc)
            if tls is not None:
                raise self.failed("tls", f"TLS with {self.name} failed: {tls}", 502) from None
            raise self.failed("unreachable", f"cannot connect to {self.name}: {reason(exc)}", 502) from None
        except ExchangeFailed as exc:
            raise self.failed("protocol", f"{self.name} broke off the exchange: {exc}", 502) from None
        headers = [(k, v) for k, v in reply.headers if k not in NOT_RETURNED]
        return Answer(status=reply.status, headers=headers, body=reply.body)

    def failed(self, kind: str, detail: str, status: int) -> UpstreamFailed:
        return UpstreamFailed(kind, detail, status=status, generic=GenericError.INTERNAL, header=UPSTREAM_ERROR_HEADER)

    async def close(self) -> None:
        await self.pool.close()


def causes(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def tls_problem(exc: BaseException) -> str | None:
    """The TLS failure behind a connection error (an unknown or self-signed certificate…), if that was it."""
    for cause in causes(exc):
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return cause.reason or str(cause)
    return None


def reason(exc: BaseException) -> str:
    """The most specific words in the chain: the system's for an errno ("Connection refused"), else the deepest message."""
    for cause in reversed(causes(exc)):
        if isinstance(cause, OSError) and cause.errno is not None and cause.errno > 0:
            return os.strerror(cause.errno)
        text = getattr(cause, "strerror", None) or str(cause)
        if text:
            return text
    return type(exc).__name__
