"""Helpers the hostile tests share: the server's port, provider state, the last journal entry."""

from __future__ import annotations

from typing import Any

import httpx


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1])


class Observer:
    """Reads what the control API says about one server: state per provider, journal, health."""

    def __init__(self, admin: httpx.Client) -> None:
        self.admin = admin

    def state(self, provider: str) -> tuple[int, Any]:
        """(status, the provider's tenants); a 500 here means state stopped being plain JSON."""
        response = self.admin.get("/state")
        if response.status_code != 200:
            return response.status_code, response.text[:300]
        return 200, response.json()["providers"][provider]

    def last_entry(self, provider: str) -> dict[str, Any] | None:
        entries = self.admin.get("/journal", params={"provider": provider, "limit": 1}).json()["entries"]
        return entries[-1] if entries else None

    def journaled(self, provider: str) -> int:
        """How many of the provider's requests the journal holds (cheap, whatever the entries weigh)."""
        summary = self.admin.get("/journal/summary").json()["providers"].get(provider, {})
        return sum(row["requests"] for row in summary.values())

    def alive(self) -> bool:
        try:
            return self.admin.get("/health").json()["status"] == "ok"
        except (httpx.HTTPError, ValueError, KeyError):
            return False

    def reset(self, provider: str | None = None) -> None:
        self.admin.post("/reset", json={"provider": provider} if provider else {}).raise_for_status()

    def freeze(self) -> None:
        self.admin.post("/clock/freeze").raise_for_status()
