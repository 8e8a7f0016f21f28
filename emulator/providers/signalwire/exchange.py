"""One synchronous request to a handler URL and its answer, as a simulation reports it.

Handler URLs are fetched while the call or message waits, so these requests are not queued in
the outbox: they are made at once, and a failure (transport error, timeout, non-2xx, 3xx
included since redirects are not followed) moves on to the fallback URL.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

import httpx


MAX_REPLY_BYTES = 1024 * 1024


@dataclass
class Exchange:
    role: str
    method: str
    url: str
    headers: dict[str, str]
    body: str
    status: int | None = None
    content_type: str | None = None
    reply: str = ""
    error: str | None = None
    latency_ms: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error is None and self.status is not None and 200 <= self.status < 300

    def to_dict(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "request": {"method": self.method, "url": self.url, "headers": self.headers, "body": self.body},
            "response": None
            if self.status is None
            else {"status": self.status, "content_type": self.content_type, "body": self.reply},
            "error": self.error,
            "latency_ms": self.latency_ms,
        }


async def fetch(
    client: httpx.AsyncClient, *, role: str, method: str, url: str, headers: dict[str, str], body: bytes, timeout_s: float
) -> Exchange:
    """Sends one request; the reply is read up to 1 MiB and `timeout_s` bounds the whole exchange."""
    exchange = Exchange(role=role, method=method, url=url, headers=dict(headers), body=body.decode("utf-8", "replace"))
    started = time.perf_counter()
    try:
        async with asyncio.timeout(timeout_s):
            async with client.stream(method, url, content=body or None, headers=headers, timeout=timeout_s) as response:
                chunks: list[bytes] = []
                size = 0
                async for chunk in response.aiter_bytes():
                    chunks.append(chunk)
                    size += len(chunk)
                    if size > MAX_REPLY_BYTES:
                        exchange.error = f"the reply is larger than {MAX_REPLY_BYTES} bytes"
                        break
                exchange.status = response.status_code
                exchange.content_type = response.headers.get("content-type")
                exchange.reply = b"".join(chunks)[:MAX_REPLY_BYTES].decode(response.encoding or "utf-8", "replace")
    except (TimeoutError, httpx.TimeoutException):
        exchange.error = f"timeout: no complete answer within {timeout_s:g} s"
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
        exchange.error = f"{type(exc).__name__}: {exc}"
    if exchange.error is None and not exchange.ok:
        exchange.error = f"HTTP {exchange.status}"
    exchange.latency_ms = round((time.perf_counter() - started) * 1000, 3)
    return exchange
