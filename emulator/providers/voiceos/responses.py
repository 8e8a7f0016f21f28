"""JSON answers written as the service's FastAPI app writes them."""

from __future__ import annotations

import json
from typing import Any

import orjson
from starlette.responses import Response


def respond(content: Any, status: int = 200) -> Response:
    """JSON like Starlette's JSONResponse; falls back to the json module for ints over 64 bits."""
    try:
        body = orjson.dumps(content)
    except TypeError:
        body = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
    return Response(body, status_code=status, media_type="application/json")
