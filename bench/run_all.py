"""Runs every telemock benchmark and writes bench/README.md.

    python bench/run_all.py            # full: ~12 minutes on 2 cores
    python bench/run_all.py --quick    # ~2 minutes: one repetition, GET and update only, smaller scale

Run it from the repository root with the Python that has the project importable. Sections, in
order: cold start (nothing else running), in-process costs, HTTP throughput and latency with
baselines and profiles, webhook deliveries and contract checks, scale. A section that fails is reported in the README and the others go
on. The raw results go to bench/.cache/last-run.json.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
import deliveries  # noqa: E402
import http_bench  # noqa: E402
import report  # noqa: E402
import scale  # noqa: E402
import startup  # noqa: E402
from common import BENCH, CACHE, PY, ROOT, SERVER_CPU, log, machine, pinned  # noqa: E402
from ops import OPS  # noqa: E402

SECTIONS = ("startup", "inprocess", "http", "deliveries", "scale")
QUICK_OPS = ("get", "update")


def run_inprocess(quick: bool) -> dict:
    done = subprocess.run(
        pinned([PY, str(BENCH / "inprocess.py"), "--resets", "1000", "--requests", "300" if quick else "1000"], SERVER_CPU),
        cwd=ROOT, capture_output=True, text=True, timeout=600,
    )
    if done.returncode != 0:
        raise RuntimeError((done.stderr.strip().splitlines() or ["inprocess.py failed"])[-1])
    return json.loads(done.stdout)


def run_deliveries(quick: bool) -> dict:
    """Deliveries alone and the API while they flow, then the kit's response-handling and receiver checks."""
    import deliveries_and_checks as checks

    found = {"deliveries": deliveries.run(numbers=150 if quick else 300, rounds=1 if quick else 3)}
    found["response_check"] = checks.bench_response_check(20 if quick else 60)
    found["receiver_check"] = checks.bench_receiver_check(20 if quick else 60)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="one repetition, GET and update only, smaller scale")
    parser.add_argument("--only", action="append", choices=SECTIONS,
                        help="run only these sections (repeatable); the others keep the figures of bench/.cache/last-run.json")
    parser.add_argument("--readme", type=Path, default=BENCH / "README.md")
    parser.add_argument("--scale-fixture-budget", type=float, default=None, metavar="SECONDS",
                        help="longest projected fixture load the scale section attempts (default 60 s, which leaves out the 1 M file; 0 loads every size)")
    parser.add_argument("--render-only", type=Path, metavar="RESULTS_JSON",
                        help="measure nothing: rewrite the README from a saved results file (e.g. bench/.cache/last-run.json)")
    args = parser.parse_args()
    if args.render_only:
        results = json.loads(args.render_only.read_text())
        previous = args.readme.read_text() if args.readme.exists() else None
        args.readme.write_text(report.render(results, previous))
        log(f"rewrote {args.readme} from {args.render_only}")
        return
    os.chdir(ROOT)
    CACHE.mkdir(parents=True, exist_ok=True)
    sections = args.only or list(SECTIONS)
    started = time.perf_counter()
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    last = CACHE / "last-run.json"
    if args.only and last.exists():
        # Re-running some sections: the others keep their figures from the last run.
        results = json.loads(last.read_text())
        for name in sections:
            results.get("failures", {}).pop(name, None)
    else:
        results = {"date": now, "quick": args.quick, "machine": machine(), "loadavg_start": os.getloadavg()[0]}
    results.setdefault("failures", {})
    results.setdefault("section_dates", {})
    results.setdefault("section_seconds", {})
    tools = baselines.ensure_node_tools()

    def section(name: str, work) -> None:
        if name not in sections:
            return
        log(f"== {name}")
        began = time.perf_counter()
        try:
            results[name] = work()
        except Exception as exc:  # one broken section must not hide the others
            traceback.print_exc()
            results["failures"][name] = f"{type(exc).__name__}: {exc}"
        results["section_dates"][name] = now
        results["section_seconds"][name] = time.perf_counter() - began
        log(f"== {name} took {time.perf_counter() - began:.0f} s")

    def cold_start() -> dict:
        found = startup.measure(runs=1 if args.quick else 5, tools=tools)
        if not args.quick:
            try:
                found["explain"] = startup.explain()
            except Exception as exc:
                found["explain_error"] = str(exc)
        return found

    section("startup", cold_start)
    section("inprocess", lambda: run_inprocess(args.quick))
    http_ops = [op for op in OPS if op.kind in QUICK_OPS] if args.quick else list(OPS)
    section("http", lambda: http_bench.run(quick=args.quick, ops=http_ops))
    section("deliveries", lambda: run_deliveries(args.quick))
    section("scale", lambda: scale.run(quick=args.quick, fixture_budget=args.scale_fixture_budget))

    results["loadavg_end"] = os.getloadavg()[0]
    if not args.only:
        results["elapsed_s"] = time.perf_counter() - started
    last.write_text(json.dumps(results, indent=1, default=str))
    previous = args.readme.read_text() if args.readme.exists() else None
    args.readme.write_text(report.render(results, previous))
    log(f"wrote {args.readme} ({results['elapsed_s'] / 60:.1f} min)")
    for target in report.targets(results):
        print(f"{report.mark(target['met']).strip('*'):<12} {target['target']}: {target['figure']}")


if __name__ == "__main__":
    main()
