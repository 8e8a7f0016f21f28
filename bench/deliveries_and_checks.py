"""Webhook delivery and contract-check throughput, each against a baseline measured in the same run.

- Deliveries: Gigs events to a local receiver. Throughput (deliveries/s) against plain httpx
  posting the same number of bodies to the same receiver (the ceiling of the transport), and the
  delay from the API answer that caused an event to its arrival at the receiver.
- Response-handling check: examples/s of `check_response_handling` (serve, call, assert) against
  the bare generation rate of the same hypothesis strategy.
- Receiver check: events/s of `check_receiver` against an in-process receiver.

Run from the repository root:  python bench/deliveries_and_checks.py [--events 300] [--examples 60]
"""

from __future__ import annotations

import argparse
import asyncio
import socket
import statistics
import sys
import threading
import time
from pathlib import Path

import httpx
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GIGS_AUTH = {"Authorization": "Bearer gigs_demo_key"}


class Receiver:
    """Counts arrivals with their monotonic time."""

    def __init__(self) -> None:
        self.arrivals: list[tuple[float, bytes]] = []
        self.app = Starlette(routes=[Route("/hook", self.handle, methods=["POST"])])

    async def handle(self, request: Request) -> Response:
        self.arrivals.append((time.monotonic(), await request.body()))
        return Response(status_code=204)


def serve(app: object) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_config=None, access_log=False, lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.005)
    return f"http://127.0.0.1:{port}", server, thread


def wait_for(predicate, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError("benchmark condition not reached")
        time.sleep(0.002)


def bench_deliveries(events: int) -> dict[str, float]:
    from telemock.emulator import Config, create_app

    receiver = Receiver()
    receiver_url, receiver_server, receiver_thread = serve(receiver.app)
    emulator_url, emulator_server, emulator_thread = serve(
        create_app(Config(providers=["gigs"], log_requests=False, settings={"gigs": {"send_updated_events": False}}))
    )
    try:
        with httpx.Client(base_url=emulator_url, timeout=30) as client:
            client.post("/_telemock/webhook-endpoints", json={
                "provider": "gigs", "tenant": "demo", "url": f"{receiver_url}/hook",
                "events": ["com.gigs.virtualNumber.created"],
            }).raise_for_status()
            answered: list[float] = []
            started = time.monotonic()
            for _ in range(events):
                response = client.post(
                    "/gigs/projects/demo/virtualNumbers", headers=GIGS_AUTH,
                    json={"subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi"},
                )
                response.raise_for_status()
                answered.append(time.monotonic())
            wait_for(lambda: len(receiver.arrivals) >= events)
            elapsed = receiver.arrivals[events - 1][0] - started
        delays = sorted(arrival - answer for (arrival, _), answer in zip(receiver.arrivals[:events], answered))
        bodies = [body for _, body in receiver.arrivals[:events]]
        receiver.arrivals.clear()

        async def ceiling() -> float:
            async with httpx.AsyncClient(timeout=30) as raw:
                begin = time.monotonic()
                for body in bodies:
                    await raw.post(f"{receiver_url}/hook", content=body, headers={"content-type": "application/json"})
                return time.monotonic() - begin

        raw_elapsed = asyncio.run(ceiling())
    finally:
        for server, thread in ((emulator_server, emulator_thread), (receiver_server, receiver_thread)):
            server.should_exit = True
            thread.join(10)
    return {
        "events": events,
        "deliveries_per_s": events / elapsed,
        "raw_posts_per_s": events / raw_elapsed,
        "delay_p50_ms": statistics.median(delays) * 1000,
        "delay_p99_ms": delays[min(len(delays) - 1, int(len(delays) * 0.99))] * 1000,
    }


def bench_response_check(examples: int) -> dict[str, float]:
    from hypothesis import HealthCheck, Phase, given, settings

    from telemock.contracts.kit.checks import check_response_handling
    from telemock.contracts.kit.control import LocalControl
    from telemock.contracts.kit.strategies import responses
    from telemock.emulator import Config, create_app

    strategy = responses("voipbin", "numbers_list")

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def generate_only(_: object) -> None:
        pass

    generate_only()  # warm-up: the first run compiles the schemas into strategies
    begin = time.monotonic()
    generate_only()
    generation = time.monotonic() - begin

    control = LocalControl(create_app(Config(providers=["voipbin"], log_requests=False)))
    client = httpx.Client(base_url=control.base_url, timeout=10)

    def scenario(_: object) -> None:
        client.get("/voipbin/v1.0/numbers", params={"accesskey": "voipbin_demo_accesskey"})

    begin = time.monotonic()
    check_response_handling(control, "voipbin", "numbers_list", scenario, max_examples=examples, seed=1)
    checked = time.monotonic() - begin
    client.close()
    control.close()
    return {"examples": examples, "check_examples_per_s": examples / checked, "generation_per_s": examples / generation}


def bench_receiver_check(examples: int) -> dict[str, float]:
    """Events/s of the receiver check against an in-process receiver, after a short warm-up (the
    first call builds the provider plugin and compiles the event schemas), and the rate of
    generating the same kind of events alone."""
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import strategies as st

    from telemock.contracts.kit.receivers import check_receiver, webhook_names
    from telemock.contracts.kit.strategies import events

    async def accept(request: Request) -> Response:
        return Response(status_code=204)

    app = Starlette(routes=[Route("/hook", accept, methods=["POST"])])  # async: no thread per delivery
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    check_receiver("gigs", app, secret=secret, url="http://r/hook", examples=3, seed=2)
    begin = time.monotonic()
    report = check_receiver("gigs", app, secret=secret, url="http://r/hook", examples=examples, seed=1)
    elapsed = time.monotonic() - begin

    strategy = st.one_of([events("gigs", name) for name in webhook_names("gigs")])

    @settings(max_examples=examples, database=None, deadline=None, phases=[Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(strategy)
    def generate_only(_: object) -> None:
        pass

    begin = time.monotonic()
    generate_only()
    generation = time.monotonic() - begin
    return {"events": report.examples, "deliveries": report.deliveries, "events_per_s": report.examples / elapsed,
            "deliveries_per_s": report.deliveries / elapsed, "generation_per_s": examples / generation}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--examples", type=int, default=60)
    args = parser.parse_args()
    deliveries = bench_deliveries(args.events)
    print(f"deliveries: {deliveries['deliveries_per_s']:.0f}/s for {args.events} Gigs events "
          f"(plain httpx posts to the same receiver: {deliveries['raw_posts_per_s']:.0f}/s, "
          f"ratio {deliveries['deliveries_per_s'] / deliveries['raw_posts_per_s']:.2f}); "
          f"state change → arrival p50 {deliveries['delay_p50_ms']:.1f} ms, p99 {deliveries['delay_p99_ms']:.1f} ms")
    response = bench_response_check(args.examples)
    print(f"response-handling check: {response['check_examples_per_s']:.1f} examples/s "
          f"(generation alone: {response['generation_per_s']:.1f}/s, ratio "
          f"{response['check_examples_per_s'] / response['generation_per_s']:.2f})")
    receiver = bench_receiver_check(max(10, args.examples // 3))
    print(f"receiver check: {receiver['events_per_s']:.1f} events/s, {receiver['deliveries_per_s']:.0f} deliveries/s "
          f"({receiver['deliveries'] // max(receiver['events'], 1)} deliveries per event: genuine, duplicate, reordered, forgeries)")


if __name__ == "__main__":
    main()
