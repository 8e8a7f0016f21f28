"""The ceiling: a bare Starlette app that answers a constant JSON body, served by the uvicorn command.

    python -m uvicorn bare_app:app --app-dir bench --port P --no-access-log --log-level warning

With TELEMOCK_BENCH_BODIES naming a JSON file of {"METHOD /path": {"status": …, "body": "…"}},
each benchmarked path answers the very bytes telemock answered for it (captured at the start of
the run), so the ceiling and telemock send responses of the same size; any other path answers
{"status":"ok"}. The request body is not read: it is the least a Starlette app can do.
"""

from __future__ import annotations

import json
import os

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

DEFAULT = (200, b'{"status":"ok"}')
BODIES: dict[str, tuple[int, bytes]] = {}
if os.environ.get("TELEMOCK_BENCH_BODIES"):
    with open(os.environ["TELEMOCK_BENCH_BODIES"], encoding="utf-8") as handle:
        for key, value in json.load(handle).items():
            BODIES[key] = (value["status"], value["body"].encode())


async def constant(request: Request) -> Response:
    status, body = BODIES.get(f"{request.method} {request.scope['path']}", DEFAULT)
    return Response(body, status, media_type="application/json")


async def health(request: Request) -> Response:
    return Response(DEFAULT[1], media_type="application/json")


app = Starlette(
    routes=[
        Route("/health", health),
        Route("/{path:path}", constant, methods=["GET", "POST", "PUT", "PATCH", "DELETE"]),
    ]
)
