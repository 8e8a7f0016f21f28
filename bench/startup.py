"""Cold start: process spawn to the first 200 on a health URL, for telemock, bare uvicorn, Prism and WireMock.

Run from the repository root:  python bench/startup.py [--runs 5]
All are measured in the same run, interleaved (one of each per round), so the ratios hold on a
noisy shared machine. Processes are not pinned: a cold start is measured as a user sees it.
`explain()` says where telemock's time goes: interpreter, imports and create_app phases, the
slowest imports (python -X importtime) and the first create_app call's costliest calls (cProfile).

  telemock serve        python -m telemock serve --port 0 (bundled default fixtures) → /_telemock/health
  bare uvicorn          python -m uvicorn bare_app:app (bench/bare_app.py)           → /health
  Prism                 prism mock contracts/specs/voiceos.yaml (one spec)          → GET / (health_get)
  WireMock              java -jar wiremock-standalone.jar (no stubs)                → /__admin/health
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baselines  # noqa: E402
from common import BENCH, CACHE, HOST, PY, ROOT, Server, ServerError, free_port, log, median  # noqa: E402


def candidates(tools: dict[str, Any]) -> dict[str, tuple[list[str], str]]:
    """name → (command with {port}, health path)."""
    found = {
        "telemock serve": ([PY, "-m", "telemock", "serve", "--port", "{port}", "--log-level", "warning"], "/_telemock/health"),
        "bare uvicorn": ([PY, "-m", "uvicorn", "bare_app:app", "--app-dir", str(BENCH), "--port", "{port}",
                          "--log-level", "warning", "--no-access-log"], "/health"),
    }
    if tools.get("prism"):
        spec = ROOT / "contracts" / "specs" / "voiceos.yaml"
        found["Prism"] = ([str(tools["prism"]), "mock", "-h", HOST, "-p", "{port}", "-v", "warn", str(spec)], "/")
    if tools.get("wiremock_jar"):
        root = CACHE / "wiremock-empty"
        (root / "mappings").mkdir(parents=True, exist_ok=True)
        found["WireMock"] = (["java", "-jar", str(tools["wiremock_jar"]), "--port", "{port}", "--bind-address", HOST,
                              "--root-dir", str(root), "--disable-banner"], "/__admin/health")
    return found


def time_to_first_200(name: str, command: list[str], path: str) -> float:
    port = free_port()
    server = Server(name, [part.replace("{port}", str(port)) for part in command], pin=False)
    server.start()
    try:
        return server.wait_http(f"http://{HOST}:{port}{path}", 60)
    finally:
        server.stop()


def byte_compile() -> None:
    """Compile the sources to .pyc as `pip install` does, so no run pays for compiling them.

    From a checkout, Python compiles each module on first import and caches the result, unless
    PYTHONDONTWRITEBYTECODE is set (as on some CI machines); then every start would pay it.
    """
    import compileall

    for package in ("telemock", "emulator", "contracts"):
        compileall.compile_dir(str(ROOT / package), quiet=1)
    compileall.compile_dir(str(BENCH), quiet=1, maxlevels=0)


def measure(runs: int = 5, tools: dict[str, Any] | None = None) -> dict[str, Any]:
    tools = tools if tools is not None else baselines.ensure_node_tools()
    byte_compile()
    found = candidates(tools)
    results: dict[str, list[float]] = {name: [] for name in found}
    problems: dict[str, str] = {}
    for round_ in range(runs):
        log(f"cold start round {round_ + 1}/{runs}")
        for name, (command, path) in found.items():
            if name in problems:
                continue
            try:
                results[name].append(time_to_first_200(name, command, path))
            except ServerError as exc:
                problems[name] = str(exc)
    for name in ("Prism", "WireMock"):
        key = "prism_problem" if name == "Prism" else "wiremock_problem"
        if name not in found and tools.get(key):
            problems[name] = tools[key]
    return {
        "runs": results,
        "median_s": {name: median(values) for name, values in results.items() if values},
        "problems": problems,
    }


PHASES = (
    "import time, sys; t0 = time.time()\n"
    "import telemock.emulator.app, telemock.cli, uvicorn\n"
    "t1 = time.time()\n"
    "from telemock.emulator.config import Config\n"
    "app = telemock.emulator.app.create_app(Config())\n"
    "t2 = time.time()\n"
    "print('PHASES', t0, t1, t2)\n"
)

CREATE_APP_PROFILE = (
    "import cProfile, pstats, io, time\n"
    "import telemock.emulator.app, telemock.cli, uvicorn\n"
    "from telemock.emulator.config import Config\n"
    "p = cProfile.Profile(); t = time.perf_counter(); p.enable(); telemock.emulator.app.create_app(Config()); p.disable()\n"
    "print('TOTAL', time.perf_counter() - t)\n"
    "s = io.StringIO(); pstats.Stats(p, stream=s).sort_stats('cumulative').print_stats(60); print(s.getvalue())\n"
)


def explain(top: int = 15) -> dict[str, Any]:
    """Where telemock's start goes: phases, slowest imports, and the costliest calls of the first create_app."""
    import time

    phases: list[dict[str, float]] = []
    for _ in range(3):
        spawned = time.time()
        done = subprocess.run([PY, "-c", PHASES], cwd=ROOT, capture_output=True, text=True, timeout=120)
        for line in done.stdout.splitlines():
            if line.startswith("PHASES "):
                t0, t1, t2 = (float(v) for v in line.split()[1:])
                phases.append({"interpreter_ms": (t0 - spawned) * 1000, "imports_ms": (t1 - t0) * 1000,
                               "create_app_ms": (t2 - t1) * 1000})
    phase_medians = {key: round(median([p[key] for p in phases]) or 0, 1) for key in (phases[0] if phases else {})}

    done = subprocess.run(
        [PY, "-X", "importtime", "-c", "import telemock.emulator.app, telemock.cli, uvicorn"],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    imports: list[tuple[float, str]] = []
    for line in done.stderr.splitlines():
        match = re.match(r"import time:\s+(\d+) \|\s+(\d+) \|( *)(\S+)", line)
        if match:
            depth = (len(match.group(3)) - 1) // 2
            imports.append((int(match.group(2)) / 1000, f"{'  ' * depth}{match.group(4)}"))
    heaviest = sorted(imports, reverse=True)[:top]

    profiled = subprocess.run([PY, "-c", CREATE_APP_PROFILE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    functions: list[tuple[float, str]] = []
    total = None
    for line in profiled.stdout.splitlines():
        if line.startswith("TOTAL "):
            total = float(line.split()[1])
        match = re.match(r"\s*\d+(?:/\d+)?\s+[\d.]+\s+[\d.]+\s+([\d.]+)\s+[\d.]+\s+(.*)$", line)
        if match:
            where = re.sub(r".*?/(emulator|contracts)/", r"\1/", match.group(2))
            where = re.sub(r".*/site-packages/", "", where)
            where = re.sub(r".*/lib/python3\.\d+/", "", where)
            functions.append((float(match.group(1)) * 1000, where))
    return {
        "phases_ms": phase_medians,
        "imports_ms": [[round(ms, 1), module] for ms, module in heaviest],
        "create_app_first_call_ms": round(total * 1000, 1) if total is not None else None,
        "create_app_cumulative_ms": [[round(ms, 1), fn] for ms, fn in functions[:top]],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--explain", action="store_true", help="also show where telemock's start goes")
    args = parser.parse_args()
    result = measure(args.runs)
    medians = result["median_s"]
    for name, values in result["runs"].items():
        if values:
            print(f"{name:<16} median {medians[name]:.3f} s  (runs: {', '.join(f'{v:.3f}' for v in values)})")
    for name, why in result["problems"].items():
        print(f"{name:<16} not measured: {why}")
    if "telemock serve" in medians and "bare uvicorn" in medians:
        print(f"ratio telemock / bare uvicorn: {medians['telemock serve'] / medians['bare uvicorn']:.2f}")
    if args.explain:
        import json

        print(json.dumps(explain(), indent=1))


if __name__ == "__main__":
    main()
