"""The real provider over HTTP(S): each request forwarded as the client sent it.

The path, query, method, body and headers (credentials included) go on unchanged, apart from
what belongs to one connection (hop-by-hop headers, `Host`) and the compression, which the
proxy negotiates on its own hop: the client gets the decoded body. Redirects are passed back,
not followed. Whatever keeps an answer from coming — the upstream down, a TLS failure, no
answer within the timeout, a broken response — becomes `UpstreamFailed`, whose detail names
the upstream by its base URL only (a query string may hold a credential).
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path

import httpx

from ..core.http import GenericError
from ..core.outgoing import tls_context
from .messages import NOT_FORWARDED, NOT_RETURNED, Answer, Outgoing, UpstreamFailed

UPSTREAM_ERROR_HEADER = "x-telemock-upstream-error"


class HttpUpstream:
    """One provider's real base URL (`https://api.voipbin.net`, or one with a path prefix)."""

    mark = "upstream"

    def __init__(self, base_url: str, *, timeout_s: float = 30.0, ca_file: Path | None = None) -> None:
        self.base = httpx.URL(base_url)
        if self.base.scheme not in ("http", "https") or not self.base.host:
            raise ValueError(f"{base_url!r} is not an http(s) URL")
        self.name = str(self.base.copy_with(query=None, fragment=None)).rstrip("/")
        self.base_path = self.base.raw_path.split(b"?", 1)[0].rstrip(b"/")
        self.timeout_s = timeout_s
        verify: ssl.SSLContext = ssl.create_default_context(cafile=str(ca_file)) if ca_file else tls_context()
        self.client = httpx.AsyncClient(
            trust_env=False, follow_redirects=False, verify=verify, timeout=timeout_s,
            limits=httpx.Limits(max_connections=100, max_keepalive_connections=20),
        )
        for default in ("accept", "user-agent"):  # only what the client sent goes upstream
            del self.client.headers[default]

    async def answer(self, request: Outgoing) -> Answer:
        target = self.base_path + request.raw_path + (b"?" + request.query_string if request.query_string else b"")
        headers = [(k, v) for k, v in request.headers if k.lower() not in NOT_FORWARDED]
        outgoing = self.client.build_request(
            request.method, self.base.copy_with(raw_path=target), headers=headers, content=request.body or None
        )
        try:
            # The whole exchange must fit in the timeout: httpx's own applies to each read.
            async with asyncio.timeout(self.timeout_s):
                response = await self.client.send(outgoing)
        except (TimeoutError, httpx.TimeoutException):
            raise self.failed("timeout", f"no answer from {self.name} within {self.timeout_s:g} s", 504) from None
        except httpx.ConnectError as exc:
            tls = tls_problem(exc)
            if tls is not None:
                raise self.failed("tls", f"TLS with {self.name} failed: {tls}", 502) from None
            raise self.failed("unreachable", f"cannot connect to {self.name}: {reason(exc)}", 502) from None
        except httpx.HTTPError as exc:
            raise self.failed("protocol", f"{self.name} broke off the exchange: {reason(exc)}", 502) from None
        return Answer(
            status=response.status_code,
            headers=[(k.lower(), v) for k, v in response.headers.raw if k.lower() not in NOT_RETURNED],
            body=response.content,
        )

    def failed(self, kind: str, detail: str, status: int) -> UpstreamFailed:
        return UpstreamFailed(kind, detail, status=status, generic=GenericError.INTERNAL, header=UPSTREAM_ERROR_HEADER)

    async def close(self) -> None:
        await self.client.aclose()


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
    """The most specific words in the chain: httpx's "All connection attempts failed" hides "Connection refused"."""
    for cause in reversed(causes(exc)):
        text = getattr(cause, "strerror", None) or str(cause)
        if text:
            return text
    return type(exc).__name__
