"""VoIPBIN clients whose expectations match one source each (used by the profile-check tests)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import httpx


def numbers(target: Any) -> list[dict[str, Any]]:
    with httpx.Client(base_url=target.base_url, params=target.credentials.get("params"), trust_env=False) as http:
        return http.get("/v1.0/numbers").raise_for_status().json()["result"]


def reads_the_docs_timestamps(target: Any) -> None:
    """Parses `tm_create` as the docs pages print it: `2024-01-01 00:00:00.000000`."""
    for number in numbers(target):
        datetime.strptime(number["tm_create"], "%Y-%m-%d %H:%M:%S.%f")


def expects_tm_delete(target: Any) -> None:
    """Reads `tm_delete`, which the docs and the service send but the published OpenAPI leaves out."""
    for number in numbers(target):
        number["tm_delete"]


def tolerant(target: Any) -> None:
    for number in numbers(target):
        datetime.fromisoformat(str(number["tm_create"]).replace("Z", "+00:00"))
        number.get("tm_delete")


def silent(target: Any) -> None:
    return None
