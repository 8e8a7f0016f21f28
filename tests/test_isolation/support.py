"""Sending one operation as one tenant, and spotting another tenant's data in what comes back."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, unquote_plus, urlencode

import httpx
import orjson
from test_hostile.catalog import Credentials, Operation, fill_path

from .tenants import VALID_BODIES


def call(
    client: httpx.Client,
    op: Operation,
    path_values: dict[tuple[str, str], str],
    credentials: Credentials | None,
    *,
    body: Any = None,
    extra_headers: dict[str, str] | None = None,
    extra_query: dict[str, str] | None = None,
    override: dict[str, str] | None = None,
) -> tuple[httpx.Response, str]:
    """The response, and everything the request itself carried (so echoes are not taken for leaks)."""
    path = fill_path(op, path_values, override)
    kwargs = credentials.httpx_kwargs() if credentials else {"headers": {}, "params": {}}
    kwargs["headers"].update(extra_headers or {})
    kwargs["params"].update(extra_query or {})
    if op.has_body:
        payload = VALID_BODIES.get(str(op), {}) if body is None else body
        if op.form_body:
            kwargs["content"] = urlencode(payload).encode()
            kwargs["headers"]["Content-Type"] = "application/x-www-form-urlencoded"
        else:
            kwargs["content"] = orjson.dumps(payload)
            kwargs["headers"]["Content-Type"] = "application/json"
    response = client.request(op.method, path, **kwargs)
    body_text = kwargs.get("content", b"").decode()
    sent = unquote(path) + " " + orjson.dumps(kwargs.get("params", {})).decode() + " " + (
        unquote_plus(body_text) if op.form_body else body_text)
    return response, sent


def leaked(markers: set[str], response: httpx.Response, sent: str) -> list[str]:
    """The other tenant's identifiers in the response (headers or body) that the request did not carry."""
    text = response.text + " " + " ".join(f"{k}: {v}" for k, v in response.headers.items())
    return sorted(m for m in markers if m in text and m not in sent)
