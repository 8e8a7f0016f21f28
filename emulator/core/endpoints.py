"""Webhook endpoints registered in the emulator, for providers that have no API of their own for them.

A provider opts in with `enable(name, format)`; its fixtures and the control API then add
receivers (URL, signing secret, optional event-type filter) per tenant. Endpoints are plain
data with a fixture baseline, so reset and snapshot treat them like tenant state.
"""

from __future__ import annotations

from fnmatch import fnmatchcase
from typing import Any, Iterable
from urllib.parse import urlsplit

import orjson

from .clock import VirtualClock, rfc3339
from .ids import base62_id
from .webhooks import WebhookFormat


def url_problem(url: Any) -> str | None:
    """Why `url` cannot receive webhooks (absolute http or https with a host), or None."""
    if not isinstance(url, str) or not url:
        return "the url must be a non-empty string"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises on a bad port
    except ValueError as exc:
        return f"the url is not valid: {exc}"
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "the url must be an absolute http:// or https:// URL"
    return None


class EndpointRegistry:
    """Endpoints keyed by id, each belonging to one provider and tenant."""

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self.formats: dict[str, WebhookFormat] = {}
        self.endpoints: dict[str, dict[str, Any]] = {}
        self._baseline = b"{}"

    def enable(self, provider: str, fmt: WebhookFormat) -> None:
        """The provider's events may go to registered endpoints, signed with `fmt`."""
        self.formats[provider] = fmt

    def add(
        self,
        provider: str,
        tenant: str,
        url: str,
        *,
        secret: str | None = None,
        events: Iterable[str] | None = None,
        endpoint_id: str | None = None,
        description: str = "",
    ) -> dict[str, Any]:
        """Registers a receiver; raises ValueError with a readable reason when it cannot."""
        fmt = self.formats.get(provider)
        if fmt is None:
            raise ValueError(f"{provider} does not deliver to registered webhook endpoints")
        problem = url_problem(url)
        if problem:
            raise ValueError(problem)
        if secret is None:
            secret = fmt.new_secret()
        else:
            problem = fmt.check_secret(secret)
            if problem:
                raise ValueError(problem)
        patterns = None if events is None else list(events)
        if patterns is not None and any(not isinstance(p, str) or not p for p in patterns):
            raise ValueError("events must be non-empty strings (event types or patterns such as 'com.example.*')")
        endpoint_id = endpoint_id or base62_id("ep_", 27)
        if endpoint_id in self.endpoints:
            raise ValueError(f"an endpoint with id {endpoint_id!r} already exists")
        endpoint = {
            "id": endpoint_id,
            "provider": provider,
            "tenant": tenant,
            "url": url,
            "secret": secret,
            "events": patterns,
            "description": description,
            "disabled": False,
            "created": rfc3339(self.clock.now_us()),
        }
        self.endpoints[endpoint_id] = endpoint
        return endpoint

    def get(self, endpoint_id: str) -> dict[str, Any] | None:
        return self.endpoints.get(endpoint_id)

    def remove(self, endpoint_id: str) -> dict[str, Any] | None:
        return self.endpoints.pop(endpoint_id, None)

    def query(self, provider: str | None = None, tenant: str | None = None) -> list[dict[str, Any]]:
        return [
            e
            for e in self.endpoints.values()
            if (provider is None or e["provider"] == provider) and (tenant is None or e["tenant"] == tenant)
        ]

    def matching(self, provider: str, tenant: str, event_type: str) -> list[dict[str, Any]]:
        """Enabled endpoints of this tenant whose filter (if any) accepts `event_type`."""
        return [
            e
            for e in self.query(provider, tenant)
            if not e["disabled"] and (e["events"] is None or any(fnmatchcase(event_type, p) for p in e["events"]))
        ]

    # --- baseline, reset, snapshot ---------------------------------------------------------

    def commit_baseline(self) -> None:
        self._baseline = orjson.dumps(self.endpoints)

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Back to the fixtures' endpoints: all, one provider's, or one tenant's."""
        baseline: dict[str, dict[str, Any]] = orjson.loads(self._baseline)

        def in_scope(endpoint: dict[str, Any]) -> bool:
            return (provider is None or endpoint["provider"] == provider) and (
                tenant is None or endpoint["tenant"] == tenant
            )

        kept = {k: v for k, v in self.endpoints.items() if not in_scope(v)}
        kept.update({k: v for k, v in baseline.items() if in_scope(v)})
        self.endpoints = kept

    def snapshot(self) -> list[dict[str, Any]]:
        return orjson.loads(orjson.dumps(list(self.endpoints.values())))

    def restore(self, data: list[dict[str, Any]]) -> None:
        if not isinstance(data, list) or not all(isinstance(e, dict) and isinstance(e.get("id"), str) for e in data):
            raise ValueError("webhook_endpoints must be a list of endpoint objects with ids")
        required = {"provider", "tenant", "url", "secret", "events", "disabled"}
        for endpoint in data:
            missing = required - set(endpoint)
            if missing:
                raise ValueError(f"endpoint {endpoint['id']}: missing {', '.join(sorted(missing))}")
        self.endpoints = {e["id"]: dict(e) for e in orjson.loads(orjson.dumps(data))}
