"""Scale: 1 k, 100 k and 1 M numbers in one VoIPBIN tenant.

    python bench/scale.py [--quick] [--sizes 1000,100000,1000000]

Two ways in, both reported:
- fixture path: a generated fixture file (bench/.cache/scale-N.yaml) loaded by create_app in a
  fresh process (YAML parse, pydantic validation, state build, baseline, indexes). Sizes whose
  projected load time exceeds the budget are skipped and the projection is reported instead.
- seeded: N copies of a demo number put straight into the demo tenant's plain-data state
  (bench/serve_app.py --seed-voipbin N), committed as the baseline, indexes rebuilt.
The seeded servers (one per size, one core each, pinned to core 0 in turn) then serve, with
runs interleaved across sizes: GET of one number (ids spread over the whole tenant, 1,000 of
them in turn) and the first page of the list (100 numbers, newest first via the creation index),
at 1 and 32 connections: five 2-second runs of each (one 1-second run with --quick). Memory per number is the RSS growth divided by N (state + baseline
bytes + indexes).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BENCH, CACHE, HOST, PY, ROOT, Server, ServerError, free_port, log, median, run_wrk, wrk_available  # noqa: E402
from ops import VOIPBIN_KEY  # noqa: E402

FULL_SIZES = (1_000, 100_000, 1_000_000)
QUICK_SIZES = (1_000, 100_000)
FIXTURE_BUDGET_S = 60  # the longest projected fixture load attempted (1 M takes ~2 min here: run_all --scale-fixture-budget 0)
QUICK_FIXTURE_BUDGET_S = 5

LOAD_FIXTURE = r"""
import gc, json, os, sys, time
sys.path.insert(0, {bench!r})
from common import rss_bytes
from pathlib import Path
from telemock.emulator.app import create_app
from telemock.emulator.config import Config
from telemock.emulator.core.fixtures import read_fixture_file
create_app(Config(providers=["voipbin"]))  # imports and lazy set-up out of the way
gc.collect()
before = rss_bytes(os.getpid(), tree=False)
t0 = time.perf_counter()
read_fixture_file(Path({path!r}))
t1 = time.perf_counter()
gc.collect()
app = create_app(Config(providers=["voipbin"], fixtures=[Path({path!r})]))
t2 = time.perf_counter()
gc.collect()
after = rss_bytes(os.getpid(), tree=False)
numbers = sum(len(s["numbers"]) for s in app.state.runtime.providers["voipbin"].store.tenants.values())
print("BENCH_FIXTURE " + json.dumps({{"yaml_parse_s": t1 - t0, "load_s": t2 - t1, "rss_before": before,
      "rss_after": after, "numbers": numbers}}))
"""


def write_fixture(count: int) -> Path:
    path = CACHE / f"scale-{count}.yaml"
    if path.exists() and path.stat().st_size > 0:
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as out:
        out.write("voipbin:\n  customers:\n    - tenant: scale\n      accesskeys: [{key: scale_accesskey}]\n      numbers:\n")
        for i in range(count):
            out.write(f'        - {{number: "+1{4_000_000_000 + i:010d}", name: "number {i}"}}\n')
    return path


def load_fixture(count: int, timeout: float) -> dict[str, Any]:
    path = write_fixture(count)
    code = LOAD_FIXTURE.format(bench=str(BENCH), path=str(path))
    started = time.perf_counter()
    try:
        done = subprocess.run([PY, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish within {timeout:.0f} s"}
    for line in done.stdout.splitlines():
        if line.startswith("BENCH_FIXTURE "):
            found = json.loads(line[len("BENCH_FIXTURE "):])
            found["per_number_bytes"] = (found["rss_after"] - found["rss_before"]) / count
            found["wall_s"] = time.perf_counter() - started
            found["file_bytes"] = path.stat().st_size
            return found
    return {"error": (done.stderr.strip().splitlines() or ["no output"])[-1]}


def seeded_server(count: int) -> tuple[Server, Path]:
    ids = CACHE / f"scale-ids-{count}.txt"
    port = free_port()
    server = Server(f"seeded {count}", [PY, str(BENCH / "serve_app.py"), "--port", str(port),
                                        "--seed-voipbin", str(count), "--ids-file", str(ids)])
    server.port = port
    return server, ids


def run(quick: bool = False, sizes: tuple[int, ...] | None = None, reps: int | None = None,
        fixture_budget: float | None = None) -> dict[str, Any]:
    sizes = sizes or (QUICK_SIZES if quick else FULL_SIZES)
    reps = reps or (1 if quick else 5)
    seconds = 1.0 if quick else 2.0
    result: dict[str, Any] = {"sizes": list(sizes), "reps": reps, "seconds": seconds, "fixture": {}, "seeded": {}, "http": {}}
    started = time.perf_counter()

    # Fixture path, smallest first; a size is tried only if the projection from the last fits.
    rate, last = None, ""
    budget = fixture_budget if fixture_budget is not None else (QUICK_FIXTURE_BUDGET_S if quick else FIXTURE_BUDGET_S)
    if budget <= 0:
        budget = float("inf")
    for count in sizes:
        projected = count / rate if rate else None
        if projected is not None and projected > budget:
            result["fixture"][str(count)] = {"skipped": f"not loaded: projected {projected:.0f} s from the {last} load, over the {budget} s budget"}
            continue
        log(f"scale: loading a {count}-number fixture file")
        found = load_fixture(count, min(max(budget * 1.5, 60), 900))
        result["fixture"][str(count)] = found
        if "load_s" in found and count >= 1000:
            rate = count / max(found["load_s"] + found["yaml_parse_s"], 1e-6)
            last = f"{count}-number"

    problem = wrk_available()
    servers: dict[int, tuple[Server, Path]] = {}
    try:
        for count in sizes:
            log(f"scale: seeding {count} numbers")
            server, ids = seeded_server(count)
            server.start()
            try:
                server.wait_for_line(r"BENCH_READY", 600)
            except ServerError as exc:
                result["seeded"][str(count)] = {"error": str(exc)}
                server.stop()
                continue
            for line in server.output:
                if line.startswith("BENCH_SEED "):
                    seed = json.loads(line[len("BENCH_SEED "):])
                    seed["per_number_bytes"] = (seed["rss_after"] - seed["rss_before"]) / count
                    if seed.get("baseline_bytes"):
                        seed["baseline_bytes_per_number"] = seed["baseline_bytes"] / count
                    result["seeded"][str(count)] = seed
            seed_rss = server.rss()
            result["seeded"].setdefault(str(count), {})["server_rss"] = seed_rss
            servers[count] = (server, ids)
        if problem:
            result["http_skipped"] = problem
        else:
            runs: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
            for rep in range(reps):
                log(f"scale: HTTP repetition {rep + 1}/{reps}")
                order = list(servers.items())
                order = order[rep % len(order):] + order[: rep % len(order)]
                for connections in (1, 32):
                    for count, (server, ids) in order:
                        base = f"http://{HOST}:{server.port}"
                        get = run_wrk(base + "/voipbin/v1.0/numbers", connections, seconds, "ids.lua", {
                            "WRK_IDS_FILE": str(ids),
                            "WRK_PATH_TEMPLATE": f"/voipbin/v1.0/numbers/{{id}}?{VOIPBIN_KEY}",
                        })
                        page = run_wrk(f"{base}/voipbin/v1.0/numbers?{VOIPBIN_KEY}&page_size=100", connections, seconds)
                        for name, outcome in (("get", get), ("list", page)):
                            runs.setdefault(str(count), {}).setdefault(name, {}).setdefault(str(connections), []).append(outcome)
            result["http"] = {
                count: {
                    name: {
                        c: {
                            "rps": median([r["rps"] for r in values]),
                            "p50_ms": median([r["p50_us"] / 1000 for r in values]),
                            "p99_ms": median([r["p99_us"] / 1000 for r in values]),
                            "errors": sum(r["errors"] for r in values),
                            "bytes_per_response": sum(r["bytes"] for r in values) / max(1, sum(r["requests"] for r in values)),
                        }
                        for c, values in per_c.items()
                    }
                    for name, per_c in per_op.items()
                }
                for count, per_op in runs.items()
            }
    finally:
        for server, _ in servers.values():
            server.stop()
    result["elapsed_s"] = time.perf_counter() - started
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--sizes", help="comma-separated, e.g. 1000,100000")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--fixture-budget", type=float, help="longest projected fixture load to attempt, s (0: all)")
    args = parser.parse_args()
    sizes = tuple(int(s) for s in args.sizes.split(",")) if args.sizes else None
    print(json.dumps(run(args.quick, sizes, args.reps, args.fixture_budget), indent=1))


if __name__ == "__main__":
    main()
