"""Webhook deliveries alone, against plain async HTTP clients posting the same bodies in the same run.

    python bench/deliveries.py [--numbers 300] [--rounds 3] [--json out.json]

`telemock serve` (its defaults: request log, journal, verdicts) runs pinned to core 0, the
receiver (bench/receiver.py, uvicorn + uvloop, 204 to every POST) on core 1. A round:
freeze the clock, create `--numbers` Gigs virtual numbers, register the receiver for every
Gigs event, then advance the clock an hour: every number goes processing → active at once and
its lifecycle events are delivered.
The bodies and headers that arrived are then posted again to the same receiver by plain
clients, 16 at once like the delivery worker, from a process on core 0: httpx.AsyncClient and
aiohttp.ClientSession. The ratio is telemock's rate over the best client's, per round.

Rates run from the first arrival at the receiver to the last, for telemock and the clients alike: the
advance makes every event before the first leaves (the control API runs the due timers in its
handler), so that is the deliveries alone; the rate from the advance is kept besides.

Each round also checks what the deliveries promise: every delivery arrived exactly once
(unique webhook-id, as many as the outbox holds), signed, and each number's events arrived in
the order they happened.

`--api` adds the API's throughput while deliveries flow: wrk GETs a VoIPBIN number for 2 s
alone, then for 2 s while a clock advance delivers the events of `--numbers` × 4 numbers;
the ratio is the second over the first (interleaved, `--rounds` times).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, CACHE, HOST, LOAD_CPU, PY, SERVER_CPU, Server, free_port, log, pinned, run_wrk, wrk_available  # noqa: E402

GIGS = {"Authorization": "Bearer gigs_demo_key"}
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
CONCURRENCY = 16
SETTLE_S = 1.0  # no new arrival for this long: the deliveries are over


def start_servers() -> tuple[Server, Server]:
    receiver_port = free_port()
    receiver = Server("receiver", [PY, str(BENCH / "receiver.py"), "--port", str(receiver_port)])
    receiver.port = receiver_port
    receiver.pin = False
    receiver.start()
    telemock = Server("telemock serve", [PY, "-m", "telemock", "serve", "--port", "0"])
    telemock.pin = False
    telemock.start()
    receiver.wait_for_line(r"RECEIVER_READY", 60)
    telemock.port = int(telemock.wait_for_line(r"port (\d+)\)", 60).group(1))
    receiver.pin_now(LOAD_CPU)
    telemock.pin_now(SERVER_CPU)
    return telemock, receiver


def prepare(client: Any, base: str, receiver_url: str, numbers: int) -> None:
    """Fixtures as shipped, the clock frozen, `numbers` numbers waiting to move, the receiver registered."""
    client.post(f"{base}/_telemock/reset").raise_for_status()
    client.post(f"{base}/_telemock/clock/freeze").raise_for_status()
    for _ in range(numbers):
        client.post(f"{base}/gigs/projects/demo/virtualNumbers", headers=GIGS,
                    json={"subscription": SUBSCRIPTION}).raise_for_status()
    client.post(f"{base}/_telemock/webhook-endpoints", json={
        "provider": "gigs", "tenant": "demo", "url": f"{receiver_url}/hook",
    }).raise_for_status()
    client.post(f"{receiver_url}/reset").raise_for_status()


def wait_settled(client: Any, receiver_url: str, timeout: float = 300) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    last_count, last_change = -1, time.monotonic()
    while time.monotonic() < deadline:
        stats = client.get(f"{receiver_url}/stats").json()
        if stats["count"] != last_count:
            last_count, last_change = stats["count"], time.monotonic()
        elif stats["count"] and time.monotonic() - last_change > SETTLE_S:
            return stats
        time.sleep(0.05)
    raise TimeoutError("deliveries did not settle")


def check_promises(arrivals: list[dict[str, Any]], outbox_count: int) -> list[str]:
    """Exactly once, signed, and in order per number; the problems found (none: all kept)."""
    problems = []
    ids = [a["headers"].get("webhook-id") for a in arrivals]
    if len(arrivals) != outbox_count:
        problems.append(f"{len(arrivals)} arrivals for {outbox_count} deliveries in the outbox")
    if len(set(ids)) != len(ids):
        problems.append(f"{len(ids) - len(set(ids))} deliveries arrived more than once")
    if any(not a["headers"].get("webhook-signature") for a in arrivals):
        problems.append("unsigned deliveries")
    last: dict[str, str] = {}
    for arrival in arrivals:
        event = json.loads(arrival["body"])
        subject = event["data"]["id"]
        if event["time"] < last.get(subject, ""):
            problems.append(f"{subject}: {event['type']} arrived after a later event")
        last[subject] = event["time"]
    return problems


def telemock_round(client: Any, base: str, receiver_url: str, numbers: int) -> dict[str, Any]:
    prepare(client, base, receiver_url, numbers)
    began = time.monotonic()
    client.post(f"{base}/_telemock/clock/advance", json={"seconds": 3600}).raise_for_status()
    stats = wait_settled(client, receiver_url)
    outbox = client.get(f"{base}/_telemock/deliveries", params={"provider": "gigs"}).json()["count"]
    arrivals = client.get(f"{receiver_url}/stats", params={"bodies": "1"}).json()["arrivals"]
    problems = check_promises(arrivals, outbox)
    # The advance makes every event before the first leaves (the handler runs the due timers), so the
    # deliveries alone run from the first arrival to the last; from the advance is shown besides.
    flowing = stats["last"] - stats["first"]
    return {"events": stats["count"], "seconds": flowing, "rate": (stats["count"] - 1) / flowing,
            "from_advance_s": stats["last"] - began, "rate_from_advance": stats["count"] / (stats["last"] - began),
            "problems": problems, "arrivals": arrivals}


def plain_round(client: Any, receiver_url: str, kind: str, arrivals: list[dict[str, Any]]) -> dict[str, Any]:
    """The same posts from a plain client in its own process on the server's core."""
    posts = CACHE / "delivery-posts.json"
    posts.write_text(json.dumps([{"headers": {k: v for k, v in a["headers"].items()
                                              if k.startswith("webhook-") or k == "content-type"},
                                  "body": a["body"]} for a in arrivals]))
    client.post(f"{receiver_url}/reset").raise_for_status()
    done = subprocess.run(pinned([PY, __file__, "--plain", kind, "--url", f"{receiver_url}/hook", "--posts", str(posts)],
                                 SERVER_CPU), capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"{kind} client failed: {done.stderr.strip()[-500:]}")
    client_seconds = float(done.stdout.strip().splitlines()[-1])
    stats = client.get(f"{receiver_url}/stats").json()
    flowing = stats["last"] - stats["first"]  # measured as telemock's: first arrival to last
    return {"events": stats["count"], "seconds": flowing, "rate": (stats["count"] - 1) / flowing,
            "client_seconds": client_seconds}


async def post_all(kind: str, url: str, posts: list[dict[str, Any]]) -> float:
    queue = list(reversed(posts))

    if kind == "httpx":
        import httpx

        async with httpx.AsyncClient(trust_env=False, follow_redirects=False) as http:
            async def worker() -> None:
                while queue:
                    post = queue.pop()
                    (await http.post(url, content=post["body"].encode(), headers=post["headers"])).raise_for_status()

            began = time.monotonic()
            await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
            return time.monotonic() - began

    import aiohttp

    async with aiohttp.ClientSession() as http:
        async def aio_worker() -> None:
            while queue:
                post = queue.pop()
                async with http.post(url, data=post["body"].encode(), headers=post["headers"], allow_redirects=False) as answer:
                    answer.raise_for_status()
                    await answer.read()

        began = time.monotonic()
        await asyncio.gather(*(aio_worker() for _ in range(CONCURRENCY)))
        return time.monotonic() - began


def api_while_delivering(client: Any, base: str, receiver_url: str, numbers: int, rounds: int) -> dict[str, Any]:
    """wrk on the API alone, then while a clock advance's deliveries flow, interleaved."""
    sys.path.insert(0, str(BENCH))
    from ops import OPS

    op = next(o for o in OPS if o.key == "voipbin get")
    alone, during, delivered = [], [], []
    for _ in range(rounds):
        prepare(client, base, receiver_url, numbers)
        alone.append(run_wrk(f"http://{HOST}:{wrk_port(base)}{op.path}", 32, 2, op.script, op.wrk_env())["rps"])
        client.post(f"{base}/_telemock/clock/advance", json={"seconds": 3600}).raise_for_status()
        during.append(run_wrk(f"http://{HOST}:{wrk_port(base)}{op.path}", 32, 2, op.script, op.wrk_env())["rps"])
        delivered.append(client.get(f"{receiver_url}/stats").json()["count"])
        wait_settled(client, receiver_url)
    ratios = [d / a for a, d in zip(alone, during)]
    return {"alone_rps": alone, "during_rps": during, "delivered_during": delivered,
            "ratio": statistics.median(ratios), "ratios": ratios}


def wrk_port(base: str) -> int:
    return int(base.rsplit(":", 1)[1])


def run(numbers: int = 300, rounds: int = 3, api: bool = True) -> dict[str, Any]:
    import httpx

    telemock, receiver = start_servers()
    base = f"http://{HOST}:{telemock.port}"
    receiver_url = f"http://{HOST}:{receiver.port}"
    result: dict[str, Any] = {"numbers": numbers, "rounds": [], "concurrency": CONCURRENCY}
    try:
        with httpx.Client(trust_env=False, timeout=60) as client:
            # A first, unmeasured round: the first delivery imports the HTTP client and builds its TLS context.
            telemock_round(client, base, receiver_url, 20)
            for number in range(rounds):
                log(f"deliveries round {number + 1}/{rounds}")
                found = telemock_round(client, base, receiver_url, numbers)
                arrivals = found.pop("arrivals")
                plain = {kind: plain_round(client, receiver_url, kind, arrivals) for kind in ("httpx", "aiohttp")}
                best = max(p["rate"] for p in plain.values())
                result["rounds"].append({"telemock": found, **plain, "ratio": found["rate"] / best})
            if api and wrk_available() is None:
                log("API throughput while deliveries flow")
                result["api"] = api_while_delivering(client, base, receiver_url, numbers * 4, rounds)
    finally:
        telemock.stop()
        receiver.stop()
    rows = result["rounds"]
    result["summary"] = {
        "telemock_rate": statistics.median(r["telemock"]["rate"] for r in rows),
        "telemock_rate_from_advance": statistics.median(r["telemock"]["rate_from_advance"] for r in rows),
        "httpx_rate": statistics.median(r["httpx"]["rate"] for r in rows),
        "aiohttp_rate": statistics.median(r["aiohttp"]["rate"] for r in rows),
        "ratio": statistics.median(r["ratio"] for r in rows),
        "events": statistics.median(r["telemock"]["events"] for r in rows),
        "problems": sorted({p for r in rows for p in r["telemock"]["problems"]}),
    }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--numbers", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--no-api", action="store_true")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--plain", choices=["httpx", "aiohttp"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    parser.add_argument("--posts", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.plain:
        import uvloop

        print(uvloop.run(post_all(args.plain, args.url, json.loads(args.posts.read_text()))))
        return
    result = run(args.numbers, args.rounds, api=not args.no_api)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1))
    s = result["summary"]
    print(f"deliveries: telemock {s['telemock_rate']:.0f}/s, httpx {s['httpx_rate']:.0f}/s, aiohttp {s['aiohttp_rate']:.0f}/s; "
          f"telemock ÷ best client {s['ratio']:.2f} ({s['events']:.0f} events a round); problems: {s['problems'] or 'none'}")
    if "api" in result:
        print(f"API while delivering: {result['api']['ratio']:.2f}× of the API alone ({result['api']})")


if __name__ == "__main__":
    main()
