"""One way to drive an emulator, whether it runs in this process or elsewhere (a CI container).

The pytest plugin and the CLI checks use `Control`; `LocalControl` calls the runtime directly,
`RemoteControl` speaks the control API over HTTP. Both expose the same operations.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from typing import Any, Protocol

import httpx

from .report import request_line


Match = dict[str, dict[str, str]]
"""What a request must carry to get an override: `{"query": {...}, "headers": {...}}`."""


class UnknownTenant(LookupError):
    """A reset named a tenant the provider does not hold."""


class Control(Protocol):
    base_url: str
    auto_tenants: bool  # unknown credentials get a fresh tenant: tests can share the server

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None: ...
    def seed(self, data: dict[str, Any]) -> None: ...
    def state(self) -> dict[str, Any]: ...
    def journal(self, **filters: Any) -> list[dict[str, Any]]: ...
    def clock(self, action: str, **body: Any) -> dict[str, Any]: ...
    def set_profile(self, provider: str, profile: str) -> None: ...
    def providers(self) -> list[str]: ...
    def override(
        self, provider: str, operation: str, status: int, body: Any, content_type: str | None, match: Match | None = None
    ) -> None: ...
    def clear_overrides(self, provider: str | None = None) -> None: ...
    def call(self, method: str, path: str, **kwargs: Any) -> Any: ...
    def close(self) -> None: ...


class RemoteControl:
    """A telemock reached over HTTP (`--telemock-url`, TELEMOCK_URL).

    `admin_token` is sent as a bearer token on every control-API call, for servers started with
    `--admin-token` (TELEMOCK_ADMIN_TOKEN).
    """

    def __init__(self, base_url: str, admin_token: str | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        headers = {"Authorization": f"Bearer {admin_token}"} if admin_token else None
        # trust_env=False: a telemock on this machine must never be reached through an HTTP(S)_PROXY.
        self.http = httpx.Client(base_url=f"{self.base_url}/_telemock", timeout=30, headers=headers, trust_env=False)
        self._health: dict[str, Any] | None = None

    def health(self) -> dict[str, Any]:
        """The server's health answer (open even with an admin token), read once."""
        if self._health is None:
            self._health = self._ok(self.http.get("/health"))
        return self._health

    @property
    def auto_tenants(self) -> bool:
        return bool(self.health().get("auto_tenants", False))

    def _ok(self, response: httpx.Response) -> Any:
        if response.status_code >= 400:
            raise RuntimeError(f"telemock control API: {response.request.method} {response.request.url.path} → {response.status_code} {response.text}")
        return response.json()

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        body = {k: v for k, v in {"provider": provider, "tenant": tenant}.items() if v}
        response = self.http.post("/reset", json=body)
        if response.status_code == 404 and tenant is not None and "unknown_tenant" in response.text:
            raise UnknownTenant(response.json()["error"]["message"])
        self._ok(response)

    def seed(self, data: dict[str, Any]) -> None:
        self._ok(self.http.post("/fixtures", json=data))

    def state(self) -> dict[str, Any]:
        return self._ok(self.http.get("/state"))

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        params = {k: (str(v).lower() if isinstance(v, bool) else v) for k, v in filters.items() if v is not None}
        return self._ok(self.http.get("/journal", params=params))["entries"]

    def clock(self, action: str, **body: Any) -> dict[str, Any]:
        if action == "get":
            return self._ok(self.http.get("/clock"))
        return self._ok(self.http.post(f"/clock/{action}", json=body or None))

    def set_profile(self, provider: str, profile: str) -> None:
        self._ok(self.http.put("/profiles", json={"provider": provider, "profile": profile}))

    def providers(self) -> list[str]:
        return list(self._ok(self.http.get("/health"))["providers"])

    def override(
        self, provider: str, operation: str, status: int, body: Any, content_type: str | None, match: Match | None = None
    ) -> None:
        rule: dict[str, Any] = {"provider": provider, "operation": operation, "status": status}
        if content_type is not None:
            rule |= {"body_text": json.dumps(body), "content_type": content_type}
        if match:
            rule["match"] = match
        self._ok(self.http.post("/overrides", json=rule))

    def clear_overrides(self, provider: str | None = None) -> None:
        self._ok(self.http.delete("/overrides", params={"provider": provider} if provider else None))

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any control-API route, e.g. call("GET", "/deliveries", params={"wait_for": 1})."""
        return self._ok(self.http.request(method, path, **kwargs))

    def close(self) -> None:
        self.http.close()


class LocalControl:
    """An emulator built in this process; a real socket is opened only when something asks for one."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.runtime = app.state.runtime
        self.auto_tenants = self.runtime.config.auto_tenants
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._base_url: str | None = None

    @property
    def base_url(self) -> str:
        """Starting uvicorn on a free loopback port the first time a URL is needed."""
        if self._base_url is None:
            self._base_url = self._serve()
        return self._base_url

    def _serve(self) -> str:
        import uvicorn

        from telemock.emulator.core.serving import server_config

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        self._server = uvicorn.Server(server_config(self.app))  # telemock's protocol: drop faults close connections
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [sock]}, daemon=True)
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the telemock server did not start")
            time.sleep(0.002)
        return f"http://127.0.0.1:{port}"

    def reset(self, provider: str | None = None, tenant: str | None = None) -> None:
        if provider is not None and tenant is not None and tenant not in self.runtime.provider(provider).store:
            raise UnknownTenant(f"{provider} has no tenant {tenant!r}")
        self.runtime.reset(provider, tenant)

    def seed(self, data: dict[str, Any]) -> None:
        self.runtime.seed(data, source="telemock.seed()")

    def state(self) -> dict[str, Any]:
        return self.runtime.snapshot()

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        allowed = {"provider", "tenant", "method", "path", "status", "violations", "limit"}
        return [e.to_dict() for e in self.runtime.journal.query(**{k: v for k, v in filters.items() if k in allowed})]

    def clock(self, action: str, **body: Any) -> dict[str, Any]:
        from datetime import datetime

        clock = self.runtime.clock
        if action == "freeze":
            clock.freeze()
        elif action == "resume":
            clock.resume()
        elif action == "advance":
            clock.advance(body["seconds"])
        elif action == "set":
            clock.set(datetime.fromisoformat(str(body["time"]).replace("Z", "+00:00")))
        elif action != "get":
            raise ValueError(f"unknown clock action {action!r}")
        return clock.describe()

    def set_profile(self, provider: str, profile: str) -> None:
        self.runtime.provider(provider).set_profile(profile)

    def providers(self) -> list[str]:
        return list(self.runtime.providers)

    def override(
        self, provider: str, operation: str, status: int, body: Any, content_type: str | None, match: Match | None = None
    ) -> None:
        payload = json.dumps(body).encode() if content_type is not None else b""
        headers = {"content-type": content_type} if content_type is not None else {}
        match = match or {}
        self.runtime.overrides.add(
            provider=provider, operation=operation, status=status, body=payload, headers=headers, times=None,
            query=dict(match.get("query") or {}),
            request_headers={k.lower(): v for k, v in (match.get("headers") or {}).items()},
        )

    def clear_overrides(self, provider: str | None = None) -> None:
        self.runtime.overrides.remove(provider=provider)

    def call(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any control-API route, over the loopback socket: deliveries and long-polls need the
        server's event loop (and its webhook worker), which only the served app has."""
        response = httpx.request(method, f"{self.base_url}/_telemock{path}", timeout=kwargs.pop("timeout", 130), **kwargs)
        if response.status_code >= 400:
            raise RuntimeError(f"telemock control API: {method} {path} → {response.status_code} {response.text}")
        return response.json()

    def close(self) -> None:
        if self._server is not None:
            self._server.should_exit = True
            if self._thread is not None:
                self._thread.join(timeout=10)


def last_seq(control: Control) -> int:
    """The journal's newest sequence number: requests made after this moment have larger ones."""
    entries = control.journal(limit=1)
    return entries[-1]["seq"] if entries else 0


def requests_since(control: Control, seq: int, provider: str | None = None, shown: int = 3) -> list[str]:
    """What a client sent after `seq` (a `last_seq`), for a report: the first and last few requests."""
    retained = [e for e in control.journal() if e["seq"] > seq]
    entries = [e for e in retained if provider is None or e["provider"] == provider]
    if not entries:
        return ["it made no request to telemock"]
    if retained[0]["seq"] > seq + 1:  # the journal is a ring: the oldest are gone
        lines = [f"requests it made: more than {len(entries)}; the last {min(shown, len(entries))}:"]
        return lines + [f"  {request_line(e)}" for e in entries[-shown:]]
    lines = [f"requests it made ({len(entries)}):"]
    if len(entries) <= 2 * shown:
        return lines + [f"  {request_line(e)}" for e in entries]
    return lines + [f"  {request_line(e)}" for e in entries[:shown]] + ["  …"] + [f"  {request_line(e)}" for e in entries[-shown:]]
