"""Handlers of the control API. Each validates its input and answers `{"error": …}` on misuse."""

from __future__ import annotations

from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

import orjson
import yaml
from starlette.requests import Request
from starlette.responses import Response

from telemock._version import __version__
from ..core.fixtures import FixtureError
from ..core.http import json_response
from ..core.runtime import Runtime


class AdminError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


def admin_error(status: int, code: str, message: str) -> Response:
    return json_response({"error": {"code": code, "message": message}}, status)


def runtime_of(request: Request) -> Runtime:
    return request.scope["telemock.runtime"]


async def body_object(request: Request, *, optional: bool = False) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        if optional:
            return {}
        raise AdminError(400, "invalid_body", "a JSON object body is required")
    try:
        value = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        raise AdminError(400, "invalid_json", f"the body is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise AdminError(400, "invalid_body", "the body must be a JSON object")
    return value


def string_field(body: dict[str, Any], key: str, *, required: bool = False) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            raise AdminError(400, "invalid_body", f"{key!r} is required")
        return None
    if not isinstance(value, str) or not value:
        raise AdminError(400, "invalid_body", f"{key!r} must be a non-empty string")
    return value


def provider_named(runtime: Runtime, name: str | None) -> None:
    if name is not None and name not in runtime.providers:
        raise AdminError(404, "unknown_provider", f"no provider named {name!r} (known: {', '.join(runtime.providers)})")


async def health(request: Request) -> Response:
    runtime = runtime_of(request)
    return json_response(
        {
            "status": "ok",
            "version": __version__,
            "clock": runtime.clock.describe(),
            "auto_tenants": runtime.config.auto_tenants,
            "providers": {
                name: {"profile": p.profile_name, "tenants": len(p.store.tenants)}
                for name, p in runtime.providers.items()
            },
        }
    )


async def reset(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request, optional=True)
    provider = string_field(body, "provider")
    tenant = string_field(body, "tenant")
    provider_named(runtime, provider)
    if tenant is not None and provider is None:
        raise AdminError(400, "invalid_body", "'tenant' needs 'provider'")
    if tenant is not None and tenant not in runtime.providers[provider].store:  # type: ignore[index]
        raise AdminError(404, "unknown_tenant", f"{provider} has no tenant {tenant!r} (known: {known_tenants(runtime, provider)})")
    runtime.reset(provider, tenant)
    return json_response({"reset": {"provider": provider, "tenant": tenant}})


def known_tenants(runtime: Runtime, provider: str | None, shown: int = 20) -> str:
    names = list(runtime.providers[provider].store) if provider else []
    listed = ", ".join(names[:shown]) or "none"
    return listed + (f" and {len(names) - shown} more" if len(names) > shown else "")


async def seed(request: Request) -> Response:
    """Adds tenants and objects from fixture sections (JSON, or YAML with a YAML content type)."""
    runtime = runtime_of(request)
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media in ("application/yaml", "application/x-yaml", "text/yaml"):
        try:
            body = yaml.safe_load(await request.body())
        except yaml.YAMLError as exc:
            raise AdminError(400, "invalid_yaml", f"the body is not valid YAML: {exc}") from None
        if not isinstance(body, dict):
            raise AdminError(400, "invalid_body", "the body must map provider names to fixture sections")
    else:
        body = await body_object(request)
    try:
        runtime.seed(body, source="POST /_telemock/fixtures")
    except FixtureError as exc:
        raise AdminError(400, "invalid_fixtures", str(exc)) from None
    return json_response({"seeded": sorted(body)}, 201)


async def get_state(request: Request) -> Response:
    return json_response(runtime_of(request).snapshot())


async def put_state(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    if not isinstance(body.get("providers", {}), dict):
        raise AdminError(400, "invalid_body", "'providers' must be an object")
    try:
        runtime.restore(body)
    except (LookupError, ValueError, KeyError, TypeError) as exc:
        raise AdminError(400, "invalid_snapshot", f"the snapshot cannot be loaded: {exc}") from None
    return json_response({"loaded": sorted(body.get("providers", {}))})


def int_param(request: Request, name: str) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise AdminError(400, "invalid_query", f"{name!r} must be an integer") from None


def bool_param(request: Request, name: str) -> bool | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return None
    if raw.lower() in ("true", "1", "yes"):
        return True
    if raw.lower() in ("false", "0", "no"):
        return False
    raise AdminError(400, "invalid_query", f"{name!r} must be true or false")


async def journal_summary(request: Request) -> Response:
    return json_response({"providers": runtime_of(request).journal.summary()})


async def journal(request: Request) -> Response:
    runtime = runtime_of(request)
    params = request.query_params
    provider_named(runtime, params.get("provider") or None)
    entries = runtime.journal.query(
        provider=params.get("provider") or None,
        tenant=params.get("tenant") or None,
        method=params.get("method") or None,
        path=params.get("path") or None,
        status=int_param(request, "status"),
        violations=bool_param(request, "violations"),
        not_emulated=bool_param(request, "not_emulated"),
        limit=int_param(request, "limit"),
    )
    return json_response({"entries": [e.to_dict() for e in entries], "capacity": runtime.journal.capacity})


async def clock(request: Request) -> Response:
    return json_response(runtime_of(request).clock.describe())


async def clock_freeze(request: Request) -> Response:
    runtime = runtime_of(request)
    runtime.clock.freeze()
    return json_response(runtime.clock.describe())


async def clock_resume(request: Request) -> Response:
    runtime = runtime_of(request)
    runtime.clock.resume()
    return json_response(runtime.clock.describe())


async def clock_advance(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    seconds = body.get("seconds")
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or seconds < 0:
        raise AdminError(400, "invalid_body", "'seconds' must be a non-negative number")
    runtime.clock.advance(seconds)
    return json_response(runtime.clock.describe())


async def clock_set(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    raw = string_field(body, "time", required=True)
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))  # type: ignore[union-attr]
    except ValueError:
        raise AdminError(400, "invalid_body", "'time' must be an RFC 3339 timestamp") from None
    if when.tzinfo is None:
        raise AdminError(400, "invalid_body", "'time' needs a UTC offset, e.g. 2026-01-01T00:00:00Z")
    runtime.clock.set(when)
    return json_response(runtime.clock.describe())


async def providers(request: Request) -> Response:
    runtime = runtime_of(request)
    return json_response({"providers": {name: p.describe() for name, p in runtime.providers.items()}})


async def profiles(request: Request) -> Response:
    runtime = runtime_of(request)
    return json_response(
        {name: {"profile": p.profile_name, "available": list(p.profiles)} for name, p in runtime.providers.items()}
    )


async def set_profile(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    name = string_field(body, "provider", required=True)
    profile = string_field(body, "profile", required=True)
    provider_named(runtime, name)
    try:
        runtime.providers[name].set_profile(profile)  # type: ignore[index,arg-type]
    except ValueError as exc:
        raise AdminError(400, "invalid_profile", str(exc)) from None
    return json_response({"provider": name, "profile": profile})


async def transition(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    name = string_field(body, "provider", required=True)
    provider_named(runtime, name)
    tenant = string_field(body, "tenant", required=True)
    resource = string_field(body, "resource", required=True)
    resource_id = string_field(body, "id", required=True)
    to = string_field(body, "to", required=True)
    try:
        result = runtime.providers[name].transition(tenant, resource, resource_id, to)  # type: ignore[index,arg-type]
    except LookupError as exc:
        raise AdminError(404, "not_found", str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise AdminError(409, "invalid_transition", str(exc)) from None
    return json_response(result)


SIMULATIONS = ("inbound-call", "inbound-message")


async def simulate(request: Request) -> Response:
    """An inbound call or message on a number: the provider runs its handler, flow or agent webhook."""
    runtime = runtime_of(request)
    kind = request.path_params["kind"]
    if kind not in SIMULATIONS:
        raise AdminError(404, "not_found", f"nothing to simulate called {kind!r} (choose {' or '.join(SIMULATIONS)})")
    body = await body_object(request)
    name = string_field(body, "provider", required=True)
    provider_named(runtime, name)
    string_field(body, "to", required=True)
    string_field(body, "from", required=True)
    if kind == "inbound-message" and not isinstance(body.get("body", ""), str):
        raise AdminError(400, "invalid_body", "'body' must be a string")
    try:
        result = await runtime.providers[name].simulate(kind, body)  # type: ignore[index]
    except LookupError as exc:
        raise AdminError(404, "not_found", str(exc).strip("'\"")) from None
    except ValueError as exc:
        raise AdminError(400, "invalid_body", str(exc)) from None
    return json_response(result)


@lru_cache(maxsize=1)
def admin_spec() -> dict[str, Any]:
    with (Path(__file__).parent / "openapi.yaml").open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


async def index(request: Request) -> Response:
    """`/_telemock/`: every route of the control API with its summary, and where its OpenAPI is."""
    base = str(request.url.replace(path=request.scope.get("root_path", ""), query="")).rstrip("/")
    routes = [
        {"method": method.upper(), "path": f"{base}{path}", "summary": operation.get("summary", "")}
        for path, item in admin_spec().get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    ]
    return json_response({"name": "telemock control API", "openapi": f"{base}/openapi.json", "routes": routes})


async def openapi(request: Request) -> Response:
    spec = dict(admin_spec())
    spec["servers"] = [{"url": str(request.base_url).rstrip("/")}]
    return json_response(spec)


__all__ = ["AdminError", "FixtureError", "admin_error"]
