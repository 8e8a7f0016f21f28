"""Bodies as a person reads them in a recording, and back to bytes for replay.

JSON is kept as data, a form as a mapping of its fields, other text as text, and anything else
as base64; the format is written next to the body so reading it back is never a guess.
"""

from __future__ import annotations

import base64
import json
import zlib
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson

from telemock.contracts.validate import FORM_TYPE
FORMATS = ("json", "form", "text", "base64")


def media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def is_json(media: str) -> bool:
    return media == "application/json" or media.endswith("+json")


def decode_body(content_type: str, raw: bytes) -> tuple[str | None, Any]:
    """(format, value) of a body; (None, None) when there is none."""
    if not raw:
        return None, None
    media = media_type(content_type)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "base64", base64.b64encode(raw).decode("ascii")
    if is_json(media):
        try:
            return "json", orjson.loads(raw)
        except orjson.JSONDecodeError:
            try:  # integers past 64 bits are JSON too
                return "json", json.loads(text)
            except ValueError:
                return "text", text
    if media == FORM_TYPE:
        return "form", form_fields(text)
    return "text", text


def form_fields(text: str) -> dict[str, Any]:
    """A form as name → value, or name → [values] for a repeated name, in sending order."""
    fields: dict[str, Any] = {}
    for name, value in parse_qsl(text, keep_blank_values=True):
        if name in fields:
            held = fields[name]
            fields[name] = [*held, value] if isinstance(held, list) else [held, value]
        else:
            fields[name] = value
    return fields


def encode_body(body_format: str | None, value: Any) -> bytes:
    if body_format is None or value is None and body_format != "json":
        return b""
    if body_format == "json":
        try:
            return orjson.dumps(value)
        except TypeError:  # integers past 64 bits
            return json.dumps(value, separators=(",", ":")).encode()
    if body_format == "form":
        return urlencode([(k, v) for k, values in value.items() for v in (values if isinstance(values, list) else [values])]).encode()
    if body_format == "base64":
        return base64.b64decode(value)
    return str(value).encode()


def decoded_content(encoding: str, body: bytes) -> bytes | None:
    """`body` without its Content-Encoding (gzip, deflate, or none); None when it cannot be undone here."""
    for coding in reversed([c.strip().lower() for c in encoding.split(",") if c.strip()]):
        try:
            if coding in ("gzip", "x-gzip"):
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
            elif coding == "deflate":
                try:
                    body = zlib.decompress(body)
                except zlib.error:  # some servers send deflate without its zlib wrapper
                    body = zlib.decompress(body, -zlib.MAX_WBITS)
            elif coding != "identity":
                return None
        except zlib.error:
            return None
    return body
