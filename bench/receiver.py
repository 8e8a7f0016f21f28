"""A fast webhook receiver for the delivery benchmark: answers every POST 204 and keeps what came.

    python bench/receiver.py --port P

Plain ASGI under uvicorn (uvloop, httptools), no access log. `GET /stats` answers the arrivals
so far: their count, the monotonic time of the first and last (CLOCK_MONOTONIC is system-wide
on Linux, so the benchmark compares it with its own clock), and with `?bodies=1` every body
with its headers. `POST /reset` forgets them. The line `RECEIVER_READY port=P` says it listens.
"""

from __future__ import annotations

import argparse
import time

import orjson

arrivals: list[tuple[float, list[tuple[bytes, bytes]], bytes]] = []

NO_CONTENT = {"type": "http.response.start", "status": 204, "headers": []}
EMPTY = {"type": "http.response.body", "body": b""}


async def app(scope, receive, send) -> None:
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["method"] == "POST" and scope["path"] == "/hook":
        arrivals.append((time.monotonic(), scope["headers"], body))
        await send(NO_CONTENT)
        await send(EMPTY)
        return
    if scope["path"] == "/reset":
        arrivals.clear()
        answer = b"{}"
    else:
        stats: dict = {"count": len(arrivals)}
        if arrivals:
            stats["first"] = arrivals[0][0]
            stats["last"] = arrivals[-1][0]
        if b"bodies=1" in scope["query_string"]:
            stats["arrivals"] = [
                {"headers": {k.decode(): v.decode() for k, v in headers}, "body": body.decode()}
                for _, headers, body in arrivals
            ]
        answer = orjson.dumps(stats)
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": answer})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    import uvicorn

    class Announcing(uvicorn.Server):
        async def startup(self, sockets=None) -> None:
            await super().startup(sockets=sockets)
            print(f"RECEIVER_READY port={args.port}", flush=True)

    Announcing(uvicorn.Config(app, host="127.0.0.1", port=args.port, access_log=False, log_config=None,
                              log_level="warning", server_header=False, backlog=4096)).run()


if __name__ == "__main__":
    main()
