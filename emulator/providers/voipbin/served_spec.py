"""The spec VoIPBIN serves at `/voipbin/openapi.json`, adjusted to the active profile's times.

The documented spec types every `tm_*` as the docs pages' `YYYY-MM-DD HH:MM:SS.ffffff` with the
`9999-01-01` sentinel, always present. The `openapi` and `observed` profiles render RFC 3339 times,
and leave an unset one out (`openapi`, as the published OpenAPI allows: it requires none of them)
or send null (`observed`, the running service). A client generated from the served spec must
read every answer of the profile it runs against, so the served copy says so.
"""

from __future__ import annotations

import copy
from typing import Any

from .profiles import VoipbinProfile

ALWAYS_SET = "tm_create"


def profile_spec(spec: dict[str, Any], profile: VoipbinProfile) -> dict[str, Any]:
    if profile.timestamp_style == "legacy" and profile.unset_timestamp == "sentinel":
        return spec
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    timestamp: dict[str, Any] = {"type": "string", "format": "date-time",
                                 "description": f"RFC 3339 time (the `{profile.timestamp_style}` rendering of this profile)."}
    if profile.unset_timestamp == "null":
        timestamp["type"] = ["string", "null"]
        timestamp["description"] += " Null while unset."
    elif profile.unset_timestamp == "omit":
        timestamp["description"] += " Left out while unset."
    schemas["Timestamp"] = timestamp
    if profile.unset_timestamp == "omit":
        for schema in schemas.values():
            required = schema.get("required")
            if required:
                schema["required"] = [key for key in required if not key.startswith("tm_") or key == ALWAYS_SET]
    return spec
