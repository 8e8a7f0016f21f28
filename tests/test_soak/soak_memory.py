"""Soak: N mixed requests over keep-alive connections, with the server's resident memory along the way.

    python tests/test_soak/soak_memory.py                      # 1,000,000 requests
    python tests/test_soak/soak_memory.py --requests 200000 --connections 4

Starts its own server process (journal and delivery history at their defaults unless told
otherwise) and a local webhook receiver, sends the workload of workload.py, and prints VmRSS
(from /proc/PID/status) before, every --every requests and after, then the journal and delivery
counts, which must sit at their bounds. Not collected by pytest; tests/test_soak/test_bounded_memory.py
is the quick version that runs with the suite.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parents[2])]

from test_soak.workload import Receiver, bounds, drive, dumps, prepare, start_server


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", type=int, default=1_000_000)
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--every", type=int, default=0, help="Report every N requests (default: requests/10).")
    parser.add_argument("--journal-size", type=int, default=1000)
    parser.add_argument("--delivery-history", type=int, default=1000)
    parser.add_argument("--no-webhooks", action="store_true", help="Leave out the requests that send webhooks.")
    parser.add_argument("--max-growth-mb", type=float, default=0, help="Exit 1 if RSS grows more than this after warm-up.")
    args = parser.parse_args()
    every = args.every or max(1, args.requests // 10)

    receiver = Receiver()
    with tempfile.TemporaryDirectory() as logs:
        server = start_server(Path(logs), args.journal_size, args.delivery_history)
        try:
            prepare(server, receiver)
            started = time.monotonic()
            samples: list[tuple[int, int]] = [(0, server.rss_kb())]
            print(f"server pid {server.pid} on {server.url}; RSS before: {samples[0][1] / 1024:.1f} MiB", flush=True)

            def checkpoint(done: int) -> None:
                rss = server.rss_kb()
                samples.append((done, rss))
                rate = done / (time.monotonic() - started)
                print(f"{done:>10,} requests  RSS {rss / 1024:7.1f} MiB  ({rate:,.0f} req/s)", flush=True)

            progress = drive(server.port, args.requests, args.connections, checkpoint, every, webhooks=not args.no_webhooks)
            elapsed = time.monotonic() - started
            time.sleep(1.0)  # the last deliveries finish
            after = server.rss_kb()
            held = bounds(server)
        finally:
            server.stop()
            receiver.close()

    warm = samples[1][1] if len(samples) > 1 else samples[0][1]
    summary = {
        "requests": progress.sent, "seconds": round(elapsed, 1), "req_per_s": round(progress.sent / elapsed),
        "statuses": progress.statuses, "rss_before_mib": round(samples[0][1] / 1024, 1),
        "rss_after_first_interval_mib": round(warm / 1024, 1), "rss_after_mib": round(after / 1024, 1),
        "growth_after_first_interval_mib": round((after - warm) / 1024, 1), "webhooks_received": receiver.count,
        **held,
    }
    print(dumps(summary))
    if held["journal_entries"] > args.journal_size:
        print("journal above its bound", file=sys.stderr)
        return 1
    if held.get("deliveries_succeeded", 0) + held.get("deliveries_failed", 0) > args.delivery_history:
        print("delivery history above its bound", file=sys.stderr)
        return 1
    if args.max_growth_mb and (after - warm) / 1024 > args.max_growth_mb:
        print("memory grew past the limit", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
