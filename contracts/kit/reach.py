"""Whether anything listens at a URL: the checks fail fast, with one sentence, when nothing does."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit


class Unreachable(RuntimeError):
    """The URL did not answer at all (nothing listens there, or it timed out)."""


def probe(url: str, timeout: float = 10.0) -> None:
    """A plain TCP connection to the URL's host and port, not a request: a request would land in
    a telemock's journal, or reach a receiver as a delivery."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise ValueError(f"{url!r} has an invalid port") from None
    try:
        socket.create_connection((parts.hostname, port), timeout=timeout).close()
    except OSError as exc:
        raise Unreachable(f"nothing answers at {url}: {exc.strerror or exc}") from None
