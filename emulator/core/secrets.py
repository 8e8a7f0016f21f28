"""Masking of credentials before anything is journaled or logged."""

from __future__ import annotations

import re
from typing import Iterable

SECRET_HEADERS = {"authorization", "cookie", "x-api-key", "proxy-authorization"}
SECRET_QUERY_KEYS = {"token", "accesskey", "access_key", "api_key", "apikey", "key", "password", "secret"}
SECRET_BODY_KEYS = ("password", "secret", "token", "auth_token", "api_key", "accesskey", "webhook_secret")
SECRET_JSON_KEYS = re.compile(
    rb'("(?:' + "|".join(SECRET_BODY_KEYS).encode() + rb')"\s*:\s*)'
    # a string, or any other scalar or flat array a client may wrongly send in its place
    rb'(?:"(?:[^"\\]|\\.)*"|\[[^\]]*\]|-?[0-9][0-9.eE+-]*|true|false|null)'
)
MASK = "****"


def mask_value(value: str) -> str:
    """Keep the scheme word (Bearer, Basic) so the journal still shows how a client authenticated."""
    scheme, sep, _ = value.partition(" ")
    if sep and scheme.isalpha() and len(scheme) <= 10:
        return f"{scheme} {MASK}"
    return MASK


def mask_cookie(value: str) -> str:
    parts = []
    for item in value.split(";"):
        name, sep, _ = item.strip().partition("=")
        parts.append(f"{name}={MASK}" if sep else item.strip())
    return "; ".join(parts)


def mask_headers(headers: Iterable[tuple[str, str]]) -> dict[str, str]:
    masked: dict[str, str] = {}
    for name, value in headers:
        lname = name.lower()
        if lname == "cookie":
            masked[lname] = mask_cookie(value)
        elif lname in SECRET_HEADERS:
            masked[lname] = mask_value(value)
        else:
            masked[lname] = value
    return masked


def mask_query(query: dict[str, list[str]]) -> dict[str, list[str]]:
    return {k: ([MASK] * len(v) if k.lower() in SECRET_QUERY_KEYS else v) for k, v in query.items()}


def mask_json_body(raw: bytes) -> bytes:
    """Blank string values of secret-looking keys in a JSON body without parsing it."""
    if b'"' not in raw:
        return raw
    return SECRET_JSON_KEYS.sub(rb'\1"' + MASK.encode() + rb'"', raw)
