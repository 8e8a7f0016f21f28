"""Control-API handlers for canned responses that replace an operation's stateful answer."""

from __future__ import annotations

import orjson
from starlette.requests import Request
from starlette.responses import Response

from ..core.http import json_response
from .handlers import AdminError, body_object, provider_named, runtime_of, string_field

FIELDS = {"provider", "operation", "status", "body", "body_text", "content_type", "headers", "times", "match"}


async def create_override(request: Request) -> Response:
    runtime = runtime_of(request)
    body = await body_object(request)
    unknown = set(body) - FIELDS
    if unknown:
        raise AdminError(400, "invalid_body", f"unknown field(s): {', '.join(sorted(unknown))}")
    provider = string_field(body, "provider", required=True)
    provider_named(runtime, provider)
    operation = string_field(body, "operation", required=True)
    if operation not in runtime.providers[provider].operations.operation_ids:  # type: ignore[index]
        raise AdminError(404, "unknown_operation", f"{provider} has no operation {operation!r}")
    status = body.get("status")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise AdminError(400, "invalid_body", "'status' must be an HTTP status code")
    times = body.get("times")
    if times is not None and (isinstance(times, bool) or not isinstance(times, int) or times < 1):
        raise AdminError(400, "invalid_body", "'times' must be a positive integer or absent (until removed)")
    headers = body.get("headers") or {}
    if not isinstance(headers, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in headers.items()):
        raise AdminError(400, "invalid_body", "'headers' must map strings to strings")
    if "body_text" in body:
        if not isinstance(body["body_text"], str):
            raise AdminError(400, "invalid_body", "'body_text' must be a string")
        payload = body["body_text"].encode()
    elif "body" in body:
        payload = orjson.dumps(body["body"])
    else:
        payload = b""
    query, request_headers = match_field(body.get("match"))
    content_type = body.get("content_type", "application/json" if "body" in body else None)
    if content_type is not None:
        headers = {"content-type": str(content_type)} | {k.lower(): v for k, v in headers.items()}
    rule = runtime.overrides.add(
        provider=provider, operation=operation, status=status, body=payload, headers=headers, times=times,
        query=query, request_headers=request_headers,
    )
    return json_response(rule.to_dict(), 201)


def match_field(match: object) -> tuple[dict[str, str], dict[str, str]]:
    """`match`: `{"query": {name: value}, "headers": {name: value}}` a request must carry to get the answer."""
    if match is None:
        return {}, {}
    if not isinstance(match, dict) or set(match) - {"query", "headers"}:
        raise AdminError(400, "invalid_body", "'match' must be an object with 'query' and/or 'headers'")
    parts = []
    for key in ("query", "headers"):
        value = match.get(key) or {}
        if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
            raise AdminError(400, "invalid_body", f"'match.{key}' must map strings to strings")
        parts.append(value)
    return parts[0], {k.lower(): v for k, v in parts[1].items()}


async def list_overrides(request: Request) -> Response:
    return json_response({"overrides": [r.to_dict() for r in runtime_of(request).overrides.list()]})


async def delete_overrides(request: Request) -> Response:
    runtime = runtime_of(request)
    provider = request.query_params.get("provider") or None
    provider_named(runtime, provider)
    return json_response({"removed": runtime.overrides.remove(provider=provider)})


async def delete_override(request: Request) -> Response:
    runtime = runtime_of(request)
    raw = request.path_params["override_id"]
    if not raw.isdigit() or runtime.overrides.remove(int(raw)) == 0:
        raise AdminError(404, "not_found", f"no override {raw}")
    return json_response({"removed": 1})
