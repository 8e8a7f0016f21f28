"""In-process costs, as the pytest plugin pays them: create_app, per-test reset, requests without a socket.

    python bench/inprocess.py [--resets 1000] [--requests 1000]

- create_app(Config()) with the bundled default fixtures: the first call (lazy imports included)
  and the median of later calls.
- runtime.reset(): median (and p99) over 1,000 resets; the state is dirtied by one update first,
  so there is something to undo.
- N requests through httpx.ASGITransport (in-process, no socket) versus a real loopback socket
  served by uvicorn in a thread of the same process (what the plugin does when a client needs a
  URL), for a GET and a PUT of one VoIPBIN number. Sequential, one client.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(BENCH.parent))

from ops import OPS  # noqa: E402


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(pct / 100 * (len(ordered) - 1))))]


def stats_us(samples_s: list[float]) -> dict[str, float]:
    us = [s * 1e6 for s in samples_s]
    return {"median_us": statistics.median(us), "mean_us": statistics.fmean(us), "p99_us": percentile(us, 99), "n": len(us)}


def serve_in_thread(app: Any) -> tuple[Any, str]:
    """uvicorn on a free loopback port in a daemon thread, as contracts/kit/control.py's LocalControl does."""
    import socket

    import uvicorn

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_config=None, lifespan="on", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.002)
    return server, f"http://127.0.0.1:{port}"


def run(resets: int = 1000, requests: int = 1000, create_calls: int = 20) -> dict[str, Any]:
    import httpx

    started = time.perf_counter()
    from telemock.emulator.app import create_app
    from telemock.emulator.config import Config

    imported = time.perf_counter()
    first = time.perf_counter()
    app = create_app(Config())
    first_s = time.perf_counter() - first
    later: list[float] = []
    for _ in range(create_calls):
        t = time.perf_counter()
        create_app(Config())
        later.append(time.perf_counter() - t)
    result: dict[str, Any] = {
        "import_s": imported - started,
        "create_app_first_s": first_s,
        "create_app": stats_us(later),
    }

    runtime = app.state.runtime
    ops = {op.key: op for op in OPS}
    get, put = ops["voipbin get"], ops["voipbin update"]
    transport = httpx.ASGITransport(app=app)

    async def dirty() -> None:
        async with httpx.AsyncClient(transport=transport, base_url="http://telemock") as client:
            await client.request(put.method, put.path, headers=put.headers, content=put.body.encode())

    asyncio.run(dirty())
    samples = []
    for _ in range(resets):
        t = time.perf_counter()
        runtime.reset()
        samples.append(time.perf_counter() - t)
    result["reset"] = stats_us(samples)
    result["reset_state"] = {name: sum(len(v) for v in state.values() if isinstance(v, dict))
                             for name, provider in runtime.providers.items() for state in provider.store.tenants.values()}

    async def in_process(op: Any) -> list[float]:
        timings = []
        body = op.body.encode() if op.body else None
        async with httpx.AsyncClient(transport=transport, base_url="http://telemock") as client:
            for _ in range(20):  # warm
                await client.request(op.method, op.path, headers=op.headers, content=body)
            for _ in range(requests):
                t = time.perf_counter()
                answer = await client.request(op.method, op.path, headers=op.headers, content=body)
                timings.append(time.perf_counter() - t)
                if answer.status_code >= 400:
                    raise RuntimeError(f"{op.key}: HTTP {answer.status_code}")
        return timings

    def over_socket(base: str, op: Any) -> list[float]:
        timings = []
        body = op.body.encode() if op.body else None
        with httpx.Client(base_url=base, trust_env=False) as client:
            for _ in range(20):
                client.request(op.method, op.path, headers=op.headers, content=body)
            for _ in range(requests):
                t = time.perf_counter()
                answer = client.request(op.method, op.path, headers=op.headers, content=body)
                timings.append(time.perf_counter() - t)
                if answer.status_code >= 400:
                    raise RuntimeError(f"{op.key}: HTTP {answer.status_code}")
        return timings

    server, base = serve_in_thread(app)
    try:
        result["requests"] = {}
        for op in (get, put):
            runtime.reset()
            asgi = stats_us(asyncio.run(in_process(op)))
            runtime.reset()
            sock = stats_us(over_socket(base, op))
            result["requests"][op.key] = {"asgi": asgi, "socket": sock}
    finally:
        server.should_exit = True
    result["elapsed_s"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--resets", type=int, default=1000)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args()
    print(json.dumps(run(args.resets, args.requests), indent=1))


if __name__ == "__main__":
    main()
