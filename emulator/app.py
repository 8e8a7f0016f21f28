"""Builds the one Starlette app: providers by path prefix, the control API, host routing."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Any, Iterator

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .admin import admin_app
from .config import Config
from .core.http import json_response
from .core.provider_app import ProviderApp
from .core.fixtures import FixtureError
from .core.runtime import Runtime
from .registry import provider_classes, provider_names

ADMIN_PREFIX = "/_telemock"


class HostRouting:
    """Sends requests for a provider's real host (api.voipbin.net, *.signalwire.com…) to it.

    For setups that point DNS or a proxy at telemock: the path needs no prefix then.
    """

    def __init__(self, app: ASGIApp, runtime: Runtime) -> None:
        self.app = app
        self.exact: dict[str, str] = {}
        self.suffixes: list[tuple[str, str]] = []
        for name, provider in runtime.providers.items():
            for host in provider.hosts:
                if host.startswith("*."):
                    self.suffixes.append((host[1:], name))
                else:
                    self.exact[host] = name

    def provider_for(self, host: str) -> str | None:
        host = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = self.exact.get(host)
        if name is None:
            for suffix, candidate in self.suffixes:
                if host.endswith(suffix):
                    return candidate
        return name

    def rewrite(self, scope: Scope) -> Scope:
        """The scope with the provider's prefix put in front of its path, when its Host is a provider's."""
        for key, value in scope["headers"]:
            if key == b"host":
                name = self.provider_for(value.decode("latin-1").lower())
                if name is not None and not scope["path"].startswith(ADMIN_PREFIX):
                    scope = dict(scope)
                    scope["path"] = f"/{name}{scope['path']}"
                    scope["raw_path"] = f"/{name}".encode() + scope.get("raw_path", b"")
                break
        return scope

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            scope = self.rewrite(scope)
        await self.app(scope, receive, send)


class PrefixDispatch:
    """Hands a request to the app mounted at its first path segment, with a dict lookup.

    Replaces Starlette's Mount, whose `.*` pattern does not match paths with a newline and
    which would try each mount in turn.
    """

    def __init__(self, app: ASGIApp, mounts: dict[str, ASGIApp]) -> None:
        self.app = app
        self.mounts = mounts

    def target(self, scope: Scope) -> ASGIApp | None:
        """The mounted app the path is for, its scope given the mount's root path; None: no mount."""
        path: str = scope["path"]
        segment = path[1:].split("/", 1)[0]
        target = self.mounts.get(segment)
        if target is None or (len(path) != len(segment) + 1 and path[len(segment) + 1] != "/"):
            return None
        root_path = scope.get("root_path", "")
        scope["app_root_path"] = scope.get("app_root_path", root_path)
        scope["root_path"] = root_path + "/" + segment
        return target

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] in ("http", "websocket"):
            child = dict(scope)
            target = self.target(child)
            if target is not None:
                await target(child, receive, send)
                return
        await self.app(scope, receive, send)


class Emulator(Starlette):
    """The emulator's Starlette app, with a short road for a provider's HTTP requests.

    A provider's request path answers its own errors, the last resort included (`ProviderApp`),
    so its requests go straight to it after host routing and the prefix lookup; everything else
    (the control API, unknown paths, the lifespan) takes Starlette's stack and the same two steps
    as middleware.
    """

    def __init__(self, runtime: Runtime, mounts: dict[str, ASGIApp], *, lifespan: Any) -> None:
        super().__init__(exception_handlers={404: unknown_path, 405: unknown_path}, lifespan=lifespan)
        self.state.runtime = runtime
        self.add_middleware(PrefixDispatch, mounts=mounts)
        self.add_middleware(HostRouting, runtime=runtime)
        self.hosts = HostRouting(self.router, runtime)
        self.providers = PrefixDispatch(self.router, {name: mounts[name] for name in runtime.providers})
        self.short_road = True

    def add_middleware(self, *args: Any, **kwargs: Any) -> None:
        """Middleware added after create_app sees every request: the short road closes."""
        self.short_road = False
        super().add_middleware(*args, **kwargs)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.short_road and scope["type"] == "http":
            routed = self.hosts.rewrite(scope)
            target = self.providers.target(routed)  # the server's scope is this request's alone: changed in place
            if target is not None:
                routed["app"] = self
                await target(routed, receive, send)
                return
        await super().__call__(scope, receive, send)


async def unknown_path(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 404
    runtime: Runtime = request.app.state.runtime
    return json_response(
        {
            "error": {
                "code": "not_found",
                "message": f"{request.url.path} is not served here; providers are mounted under "
                + ", ".join(f"/{name}" for name in runtime.providers)
                + f" and the control API under {ADMIN_PREFIX}",
            }
        },
        status,
    )


def create_app(config: Config | None = None) -> Starlette:
    """The emulator as an ASGI app. Raises FixtureError when the fixtures are unusable."""
    with collector_paused():
        runtime = build_runtime(config or Config())
        return assemble(runtime, {name: ProviderApp(provider) for name, provider in runtime.providers.items()})


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic garbage collector held off while an app is built.

    Building one makes a few hundred thousand objects that live as long as the app (the
    providers' modules and schemas, routes, the fixtures' state) and no garbage cycles to speak
    of; the collector's full passes over everything while they were being made cost about a
    quarter of the first create_app. Paused, they are walked once, as young objects, by the
    first collection after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def build_runtime(config: Config) -> Runtime:
    """The live parts of one instance, with the provider plugins `config` names."""
    try:
        plugins = provider_classes(config.providers)
    except LookupError as exc:
        raise FixtureError(str(exc)) from None
    return Runtime(config, plugins, provider_names())


def assemble(
    runtime: Runtime,
    provider_apps: dict[str, ASGIApp],
    *,
    mounts: dict[str, ASGIApp] | None = None,
    lifespan: Any = None,
) -> Starlette:
    """The one Starlette app around a runtime: each provider's app under its prefix, the control
    API, host routing and persistence. `mounts` adds apps under other first segments; `lifespan`
    replaces the runtime's own (it must run that one too). The emulator and the proxy differ only
    in what answers inside a provider's prefix."""
    admin = ADMIN_PREFIX.strip("/")
    apps: dict[str, ASGIApp] = {admin: admin_app(runtime), **provider_apps}
    if runtime.persistence is not None:  # changes reach the state file before each answer ends
        apps = {name: runtime.persistence.wrap(app, None if name == admin else name) for name, app in apps.items()}
    apps.update(mounts or {})
    return Emulator(runtime, apps, lifespan=lifespan or runtime.lifespan)
