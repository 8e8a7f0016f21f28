"""Where a telemock server spends its time under load: py-spy samples while wrk drives one operation.

    python bench/profile_ops.py [--op "voipbin get"] [--seconds 3]

py-spy (from PyPI; installed into this Python when missing) samples the server process, pinned
to core 0, from core 1 while wrk sends 32 connections' worth of one operation. The raw stacks
are kept in bench/.cache/profile-*.txt; the summary lists the functions with the most samples
on top of the stack (self), the deepest telemock function of each sample (the telemock code that
is running or that called the library code running: where a fix would go), the telemock
functions with the most samples under them (inclusive), and the share of each component.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import CACHE, HOST, LOAD_CPU, PY, Server, log, pinned, run_wrk  # noqa: E402
from ops import OPS, Op  # noqa: E402

PROFILE_OPS = (
    "voipbin get", "voipbin update", "signalwire get", "signalwire update",
    "voiceos get", "voiceos update", "gigs get", "gigs create",
)
QUICK_PROFILE_OPS = ("voipbin get",)


def py_spy() -> str | None:
    candidate = Path(PY).parent / "py-spy"
    if candidate.exists():
        return str(candidate)
    if shutil.which("py-spy"):
        return shutil.which("py-spy")
    log("installing py-spy from PyPI into this Python (once)")
    done = subprocess.run([PY, "-m", "pip", "install", "-q", "py-spy"], capture_output=True, text=True, timeout=300)
    if done.returncode == 0 and candidate.exists():
        return str(candidate)
    return None


_FRAME = re.compile(r"^(?P<fn>.*) \((?P<file>.*?)(?::\d+)?\)$")


THIRD_PARTY = ("uvicorn", "starlette", "httptools", "uvloop", "orjson", "pydantic", "pydantic_core", "anyio",
               "jsonschema_rs", "httpx", "yaml", "click")


def frame_name(frame: str) -> tuple[str, str]:
    """('function (short/file.py)', component) for one collapsed-stack frame."""
    match = _FRAME.match(frame)
    if not match:
        return frame, "other"
    fn, file = match.group("fn"), match.group("file")
    short = re.sub(r".*/site-packages/", "", file)
    short = re.sub(r".*?/(emulator|contracts)/", r"\1/", short)
    short = re.sub(r".*/lib/python3\.\d+/", "", short)
    head = short.split("/")[0]
    if short.startswith("emulator/providers/"):
        component = "telemock " + "/".join(short.split("/")[1:3])
    elif short.startswith("emulator/"):
        component = "telemock " + short.split("/")[1].removesuffix(".py")
    elif short.startswith("contracts/"):
        component = "telemock contracts (verdicts)"
    elif head in THIRD_PARTY:
        component = head
    elif short.startswith("<") or not short.startswith("/"):
        component = "python stdlib: " + head.removesuffix(".py")  # py-spy shortens stdlib paths
    else:
        component = "other"
    return f"{fn} ({short})", component


def summarize_raw(path: Path, top: int = 12) -> dict[str, Any]:
    """Shares of samples: by component, by function on top (self), by deepest telemock frame, inclusive."""
    self_counts: Counter[str] = Counter()
    deepest: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    components: Counter[str] = Counter()
    total = 0
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        samples = int(count)
        total += samples
        frames = [frame_name(f) for f in stack.split(";")]
        name, component = frames[-1]
        self_counts[name] += samples
        components[component] += samples
        ours = [n for n, c in frames if c.startswith("telemock")]
        deepest[ours[-1] if ours else "(outside telemock: uvicorn, event loop)"] += samples
        for name in set(ours):
            inclusive[name] += samples

    def share(counter: Counter[str]) -> list[list[Any]]:
        return [[name, round(100 * n / total, 1)] for name, n in counter.most_common(top)] if total else []

    return {"samples": total, "components": share(components), "self": share(self_counts),
            "deepest_telemock": share(deepest), "telemock_inclusive": share(inclusive), "raw": str(path)}


def profile_op(server: Server, op: Op, seconds: float = 3.0, rate: int = 200) -> dict[str, Any]:
    spy = py_spy()
    if spy is None:
        return {"error": "py-spy could not be installed"}
    import httpx

    with httpx.Client(trust_env=False, timeout=10) as client:
        client.post(f"http://{HOST}:{server.port}/_telemock/reset")
    out = CACHE / f"profile-{op.provider}-{op.kind}.txt"
    load: dict[str, Any] = {}

    def drive() -> None:
        try:
            load.update(run_wrk(f"http://{HOST}:{server.port}{op.path}", 32, seconds + 1.5, op.script, op.wrk_env()))
        except Exception as exc:  # reported with the profile
            load["error"] = str(exc)

    thread = threading.Thread(target=drive)
    thread.start()
    time.sleep(0.5)
    done = subprocess.run(
        pinned([spy, "record", "-p", str(server.pid), "-d", str(max(1, int(seconds))), "-r", str(rate), "-f", "raw",
                "-o", str(out)], LOAD_CPU),
        capture_output=True, text=True, timeout=seconds + 60,
    )
    thread.join(timeout=seconds + 60)
    if done.returncode != 0 or not out.exists():
        return {"error": f"py-spy failed: {(done.stderr or done.stdout).strip()[-300:]}"}
    summary = summarize_raw(out)
    summary["rps_while_sampled"] = load.get("rps")
    return summary


def profile_many(server: Server, ops: list[Op], quick: bool = False) -> dict[str, Any]:
    wanted = QUICK_PROFILE_OPS if quick else PROFILE_OPS
    found: dict[str, Any] = {}
    for op in ops:
        if op.key in wanted:
            log(f"profiling {op.key}")
            found[op.key] = profile_op(server, op, seconds=2.0 if quick else 3.0)
    return found


def main() -> None:
    import http_bench

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--op", action="append", help='e.g. "voipbin get" (repeatable; default: a set of hot ones)')
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--no-verdicts", action="store_true")
    args = parser.parse_args()
    wanted = args.op or list(PROFILE_OPS)
    server = http_bench.telemock_app_server(verdicts=not args.no_verdicts).start()
    try:
        server.wait_for_line(r"BENCH_READY", 60)
        for op in OPS:
            if op.key in wanted:
                summary = profile_op(server, op, args.seconds)
                print(f"\n== {op.key}: {summary.get('samples')} samples, {summary.get('rps_while_sampled') or 0:.0f} rps while sampled")
                for title in ("components", "self", "deepest_telemock", "telemock_inclusive"):
                    print(f"-- {title}")
                    for name, pct in summary.get(title, []):
                        print(f"  {pct:5.1f}%  {name}")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
