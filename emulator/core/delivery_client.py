"""The delivery worker's HTTP client: one aiohttp session, bounded reads, httpx's names for failures.

On one core aiohttp posts several times as fast as httpx (its parser and connection pool are
compiled), and deliveries are bound by their client. The session keeps what deliveries always
had: no proxies from the environment, no redirects (a 3xx is an answer like any other), a
verifying TLS context, only the first `limit` bytes of an answer read (a bigger one closes its
connection unread), and on the wire the same default headers. The attempt records name
failures as they always have (`ConnectError`, `RemoteProtocolError`…, httpx's names): users
read and match them. aiohttp is imported by a background thread once the delivery worker
starts (`prepare`), never by create_app, so the first delivery does not wait for it.
"""

from __future__ import annotations

import ssl
import threading
from functools import lru_cache
from importlib.metadata import version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import aiohttp

# Characters a URL may carry as they are (RFC 3986's unreserved and reserved ones, and escapes).
URL_CHARACTERS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%")
# The request headers deliveries have always carried besides their own (httpx's defaults).
DEFAULT_HEADERS = {"Accept": "*/*", "Accept-Encoding": "gzip, deflate"}


class DeliveryFailed(Exception):
    """No answer: `reason` says why, as the attempt records it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@lru_cache(maxsize=1)
def user_agent() -> str:
    return f"python-httpx/{version('httpx')}"


@lru_cache(maxsize=1)
def tls_context() -> ssl.SSLContext:
    """One verifying TLS context for every delivery: building one costs tens of milliseconds."""
    return ssl.create_default_context()


class DeliveryClient:
    """Sends one attempt at a time per call; the session is made on first use and closed by `close`."""

    def __init__(self) -> None:
        self._session: aiohttp.ClientSession | None = None

    @staticmethod
    def prepare() -> None:
        """Imports aiohttp and builds the TLS context in a background thread (tens to hundreds of ms)."""
        threading.Thread(target=_load, name="telemock-delivery-client", daemon=True).start()

    def session(self) -> "aiohttp.ClientSession":
        if self._session is None:
            import aiohttp

            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(ssl=tls_context(), limit=0),
                trust_env=False,
                headers={**DEFAULT_HEADERS, "User-Agent": user_agent()},
                skip_auto_headers=("Content-Type",),  # only the message's own content type is sent
                timeout=aiohttp.ClientTimeout(total=None),  # the worker bounds the whole attempt itself
            )
        return self._session

    async def exchange(
        self, method: str, url: str, body: bytes | None, headers: dict[str, str], limit: int
    ) -> tuple[int, dict[str, str], bytes]:
        """Status, headers (lower-case names, repeated ones joined) and the first `limit` bytes of the answer."""
        import aiohttp

        try:
            target = as_sent(url)
            async with self.session().request(method, target, data=body, headers=headers, allow_redirects=False) as answer:
                excerpt = b""
                while len(excerpt) < limit:
                    chunk = await answer.content.read(limit - len(excerpt))
                    if not chunk:
                        break
                    excerpt += chunk
                return answer.status, header_dict(answer.raw_headers), excerpt
        except aiohttp.ClientError as exc:
            raise DeliveryFailed(failure_reason(exc)) from None
        except ValueError as exc:  # a URL aiohttp cannot even parse
            raise DeliveryFailed(f"UnsupportedProtocol: {exc}") from None

    async def close(self) -> None:
        session, self._session = self._session, None
        if session is not None:
            await session.close()


@lru_cache(maxsize=256)
def as_sent(url: str) -> Any:
    """The URL exactly as given when it needs no quoting: signatures (SignalWire's) cover the URL, and
    aiohttp would otherwise re-quote it (`%2C` becomes `,`); other URLs are quoted by aiohttp.
    Parsed once per URL (deliveries go to a few endpoints again and again; URLs are immutable)."""
    from yarl import URL

    return URL(url, encoded=URL_CHARACTERS.issuperset(url))


def _load() -> None:
    import aiohttp  # noqa: F401

    tls_context()


def header_dict(raw: tuple[tuple[bytes, bytes], ...]) -> dict[str, str]:
    found: dict[str, str] = {}
    for name, value in raw:
        key = name.decode("latin-1").lower()
        text = value.decode("latin-1")
        found[key] = f"{found[key]}, {text}" if key in found else text
    return found


def failure_reason(exc: Exception) -> str:
    """The failure under the name httpx gave it, with aiohttp's account of it."""
    import aiohttp

    if isinstance(exc, aiohttp.ServerDisconnectedError):
        return "RemoteProtocolError: Server disconnected without sending a response."
    if isinstance(exc, aiohttp.ClientConnectorError):
        name = "ConnectError"
    elif isinstance(exc, (aiohttp.ClientResponseError, aiohttp.ClientPayloadError)):
        name = "RemoteProtocolError"
    elif isinstance(exc, aiohttp.InvalidURL):
        name = "UnsupportedProtocol"
    elif isinstance(exc, aiohttp.ClientOSError):
        name = "ReadError"
    else:
        name = type(exc).__name__
    return f"{name}: {exc}"


