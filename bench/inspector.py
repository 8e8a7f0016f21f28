"""The inspector with a full journal: how long the page takes to show it, to re-filter it and to
pick up a new request, in Debian's headless Chromium (the browser of the inspector's tests).

Run from the repository root:  python bench/inspector.py [--runs 5] [--entries 1000]

A real server on a loopback port gets `--entries` requests (VoIPBIN lists, one create in 50 with a
contract violation, Gigs and SignalWire lists), then each run opens the page in a fresh tab and
waits until every entry is a row. Figures are medians over the runs; times in the page come from
its own clock (performance.now(), navigation start = 0).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from live_server import start_server  # noqa: E402
from test_inspector.browser import chromium, missing  # noqa: E402

from telemock.emulator import Config  # noqa: E402

ROWS = "document.querySelectorAll('#requests-body .list-row').length"


def fill(live: Any, entries: int) -> None:
    voipbin = live.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"})
    gigs = live.client("/gigs/projects/demo", headers={"Authorization": "Bearer gigs_demo_key"})
    signalwire = live.client("/signalwire/api/relay/rest", auth=("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"))
    for index in range(entries):
        if index % 50 == 0:
            voipbin.post("/numbers", json={"number": f"+1555{index:07d}", "type": "virtul"})
        elif index % 3 == 1:
            gigs.get("/virtualNumbers")
        elif index % 3 == 2:
            signalwire.get("/phone_numbers")
        else:
            voipbin.get("/numbers")


def feed_cost(live: Any, runs: int = 20) -> dict[str, float]:
    """Server side: the feed the page polls against the full journal it would otherwise read."""
    admin = live.admin()
    figures: dict[str, float] = {}
    for name, path, params in (("feed", "/journal/feed", {"limit": 5000}), ("journal", "/journal", {})):
        times, size = [], 0
        for _ in range(runs):
            started = time.perf_counter()
            size = len(admin.get(path, params=params).content)
            times.append(time.perf_counter() - started)
        figures[f"{name}_ms"] = statistics.median(times) * 1000
        figures[f"{name}_kb"] = size / 1024
    empty_poll = []
    latest = admin.get("/journal/feed", params={"limit": 1}).json()["latest"]
    for _ in range(runs):
        started = time.perf_counter()
        admin.get("/journal/feed", params={"after": latest})
        empty_poll.append(time.perf_counter() - started)
    figures["poll_ms"] = statistics.median(empty_poll) * 1000
    return figures


def page_run(context: Any, live: Any, entries: int) -> dict[str, float]:
    page = context.new_page()
    started = time.perf_counter()
    page.goto(f"{live.url}/_telemock/ui/")
    page.wait_for_function(f"(n) => {ROWS} === n && (window.shownAt = performance.now())", arg=entries,
                           polling="raf", timeout=60_000)  # a function: the page's CSP forbids eval
    wall = time.perf_counter() - started
    timing = page.evaluate("""() => {
        const feed = performance.getEntriesByType('resource').find((e) => e.name.includes('/journal/feed'));
        const nav = performance.getEntriesByType('navigation')[0];
        return { shown: window.shownAt, feed_end: feed ? feed.responseEnd : null, dom_ready: nav.domContentLoadedEventEnd };
    }""")
    refilter = page.evaluate(f"""() => {{
        const box = document.getElementById('filter-violations');
        const started = performance.now();
        box.click(); document.body.offsetHeight;   // violations only: re-render and lay out
        const narrowed = performance.now() - started;
        const again = performance.now();
        box.click(); document.body.offsetHeight;   // back to all {entries}
        return {{ narrowed, widened: performance.now() - again, rows: {ROWS} }};
    }}""")
    assert refilter["rows"] == entries, refilter
    live.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"}).get("/flows")
    latest = live.admin().get("/journal/feed", params={"limit": 1}).json()["latest"]
    asked = time.perf_counter()
    page.wait_for_selector(f'#requests-body .list-row[data-seq="{latest}"]', timeout=10_000)
    picked_up = time.perf_counter() - asked
    page.close()
    return {"wall_ms": wall * 1000, "shown_ms": timing["shown"], "dom_ready_ms": timing["dom_ready"],
            "feed_end_ms": timing["feed_end"], "filter_narrow_ms": refilter["narrowed"],
            "filter_widen_ms": refilter["widened"], "new_request_ms": picked_up * 1000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--entries", type=int, default=1000, help="journal size, filled to the brim")
    args = parser.parse_args()
    reason = missing()
    if reason:
        sys.exit(reason)
    live = start_server(Config(journal_size=args.entries))
    try:
        fill(live, args.entries)
        server = feed_cost(live)
        with chromium() as context:
            page_run(context, live, args.entries)  # warm-up: the browser's first start is not the page's cost
            runs = [page_run(context, live, args.entries) for _ in range(args.runs)]
    finally:
        live.stop()
    print(f"{args.entries} journal entries, {args.runs} runs, medians:")
    for key in runs[0]:
        values = [run[key] for run in runs if run[key] is not None]
        print(f"  {key:<18} {statistics.median(values):8.1f} ms   (min {min(values):.1f}, max {max(values):.1f})")
    print(f"  server: feed of {args.entries} lines {server['feed_ms']:.1f} ms, {server['feed_kb']:.0f} KiB; "
          f"full journal {server['journal_ms']:.1f} ms, {server['journal_kb']:.0f} KiB; empty poll {server['poll_ms']:.2f} ms")


if __name__ == "__main__":
    main()
