"""Which hosts the emulator may call back: every outgoing request (webhooks, handler fetches) asks here.

By default any host is allowed, as a provider would call any URL. A list confines callbacks (for
example to loopback in a test suite that fuzzes URL fields), so nothing leaves the machine.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

class Destinations:
    def __init__(self, allowed_hosts: list[str] | None = None) -> None:
        self.allowed = None if allowed_hosts is None else {h.lower().strip("[]") for h in allowed_hosts}

    def refusal(self, url: str) -> str | None:
        """Why `url` may not be called, or None when it may."""
        if self.allowed is None:
            return None
        try:
            host = (urlsplit(url).hostname or "").lower()
        except ValueError:
            return f"{url!r} is not a URL"
        if host in self.allowed:
            return None
        return f"calls to {host or url!r} are not allowed here (allowed hosts: {', '.join(sorted(self.allowed))})"

    def client_hooks(self) -> dict[str, list[Any]]:
        """httpx AsyncClient event hooks that refuse disallowed hosts before anything is sent."""
        from .outgoing import refusing_hook

        return {"request": [refusing_hook(self)]}
