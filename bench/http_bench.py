"""HTTP throughput and latency of each provider's hot operations, against baselines in the same run.

    python bench/http_bench.py [--quick] [--json out.json]

Every server runs one process (one uvicorn worker) pinned to core 0 (`taskset -c 0`); wrk runs
with one thread on core 1. For each repetition, operation and concurrency (1 and 32
connections), every server gets one wrk run in a rotating order, so each figure is the median
of runs spread over the whole benchmark and every ratio compares runs made side by side.

Servers (roles):
  ceiling         bare Starlette returning telemock's captured bytes, under the uvicorn command
  serve           `python -m telemock serve` (the CLI as shipped, its defaults: request log, verdicts)
  app             create_app(Config()) under uvicorn.Server.run(): uvloop + httptools, verdicts on
  app_noverdicts  the same with Config(verdicts=False)
  prism           Prism mocking contracts/specs/<provider>.yaml (static examples), c=32 only
  wiremock        WireMock standalone with one stub per operation answering telemock's bytes, c=32 only
  bare_cli        the ceiling app served by telemock's own run_server (diagnosis; one operation)

Telemock is reset (POST /_telemock/reset) before each of its runs, so every run starts from the
default fixtures; creates then grow the state during their run (thousands of new numbers).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import httpx  # noqa: E402

import baselines  # noqa: E402
from common import BENCH, CACHE, HOST, PY, ROOT, Server, ServerError, free_port, log, median, run_wrk, wrk_available  # noqa: E402
from ops import OPS, PROVIDERS, Op, bench_settings_fixture  # noqa: E402

TELEMOCK_ROLES = ("serve", "app", "app_noverdicts")
ROLE_NAMES = {
    "ceiling": "bare Starlette (ceiling)",
    "serve": "telemock serve (CLI)",
    "app": "telemock app (uvicorn.Server.run)",
    "app_noverdicts": "telemock app, verdicts off",
    "prism": "Prism",
    "wiremock": "WireMock",
    "bare_cli": "bare Starlette via telemock run_server",
}
DIAG_OP = "voipbin get"


def fixture_args() -> list[str]:
    return ["--fixtures", str(ROOT / "fixtures" / "default.yaml"), "--fixtures", str(bench_settings_fixture())]


def telemock_cli_server() -> Server:
    # As shipped: its defaults, the request log included (read by the benchmark as a terminal would show it).
    return Server(ROLE_NAMES["serve"], [PY, "-m", "telemock", "serve", "--port", "0", *fixture_args()])


def telemock_app_server(verdicts: bool = True) -> Server:
    port = free_port()
    command = [PY, str(BENCH / "serve_app.py"), "--port", str(port), *fixture_args()]
    if not verdicts:
        command.append("--no-verdicts")
    server = Server(ROLE_NAMES["app" if verdicts else "app_noverdicts"], command)
    server.port = port
    return server


_control = httpx.Client(trust_env=False, timeout=10)


def reset(port: int) -> None:
    _control.post(f"http://{HOST}:{port}/_telemock/reset").raise_for_status()


def send(client: httpx.Client, base: str, op: Op, path: str) -> httpx.Response:
    body = op.sample_body()
    return client.request(op.method, base + path, headers=op.headers, content=body.encode() if body else None)


def capture(port: int, ops: list[Op]) -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    """telemock's answer to each operation (for the ceiling and WireMock), and the operations that fail."""
    captured: dict[str, dict[str, Any]] = {}
    problems: dict[str, str] = {}
    base = f"http://{HOST}:{port}"
    with httpx.Client(trust_env=False, timeout=10) as client:
        for op in ops:
            reset(port)
            try:
                answer = send(client, base, op, op.path)
            except httpx.HTTPError as exc:
                problems[op.key] = f"{type(exc).__name__}: {exc}"
                continue
            if not 200 <= answer.status_code < 300:
                problems[op.key] = f"HTTP {answer.status_code}: {answer.text[:300]}"
            captured[op.route_key] = {"status": answer.status_code, "body": answer.text}
    reset(port)
    return captured, problems


def check_prism(servers: dict[str, Server], ops: list[Op]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    with httpx.Client(trust_env=False, timeout=10) as client:
        for op in ops:
            server = servers.get(op.provider)
            if server is None:
                continue
            try:
                answer = send(client, f"http://{HOST}:{server.port}", op, op.unprefixed_path)
                found[op.key] = {"status": answer.status_code, "bytes": len(answer.content)}
            except httpx.HTTPError as exc:
                found[op.key] = {"status": None, "error": f"{type(exc).__name__}: {exc}"}
    return found


def summarize(runs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "rps": median([r["rps"] for r in runs]),
        "p50_ms": median([r["p50_us"] / 1000 for r in runs]),
        "p99_ms": median([r["p99_us"] / 1000 for r in runs]),
        "requests": sum(r["requests"] for r in runs),
        "errors": sum(r["errors"] for r in runs),
        "status_errors": sum(r["status_errors"] for r in runs),
        "bytes_per_response": (sum(r["bytes"] for r in runs) / max(1, sum(r["requests"] for r in runs))),
        "runs": len(runs),
    }


def run(quick: bool = False, reps: int | None = None, seconds: float | None = None, profile: bool = True,
        ops: list[Op] | None = None) -> dict[str, Any]:
    problem = wrk_available()
    if problem:
        return {"skipped": problem}
    reps = reps or (1 if quick else 5)
    seconds = seconds or 1.0  # wrk's shortest run
    warm = 1.0
    ops = list(ops or OPS)
    result: dict[str, Any] = {
        "reps": reps, "seconds": seconds, "roles": ROLE_NAMES, "problems": {}, "unavailable": {},
        "rss": {}, "summary": {}, "runs": {}, "prism_status": {}, "profiles": {},
    }
    servers: dict[str, Server] = {}
    prism: dict[str, Server] = {}
    started_all = time.perf_counter()
    try:
        # telemock first: its answers become the ceiling's and WireMock's bodies.
        servers["app"] = telemock_app_server().start()
        servers["app"].wait_for_line(r"BENCH_READY", 60)
        captured, result["problems"] = capture(servers["app"].port, ops)
        for key, why in result["problems"].items():
            log(f"telemock {key} fails, reported and left out: {why}")
        bodies = CACHE / "captured-bodies.json"
        bodies.write_text(json.dumps(captured))
        ops = [op for op in ops if op.key not in result["problems"]]

        # The rest start on both cores (a faster start-up) and are pinned to core 0 once they answer.
        def unpinned(server: Server) -> Server:
            server.pin = False
            return server.start()

        servers["ceiling"] = unpinned(baselines.ceiling_server(bodies))
        servers["serve"] = unpinned(telemock_cli_server())
        servers["app_noverdicts"] = unpinned(telemock_app_server(verdicts=False))
        servers["bare_cli"] = unpinned(baselines.bare_via_cli_server())
        tools = baselines.ensure_node_tools()
        result["tools"] = {k: str(v) if isinstance(v, Path) else v for k, v in tools.items()}
        if tools["prism"]:
            for provider in PROVIDERS:
                prism[provider] = unpinned(baselines.prism_server(tools["prism"], provider))
        else:
            result["unavailable"]["prism"] = tools["prism_problem"]
        if tools["wiremock_jar"]:
            servers["wiremock"] = unpinned(baselines.wiremock_server(tools["wiremock_jar"], captured))
        else:
            result["unavailable"]["wiremock"] = tools["wiremock_problem"]

        servers["ceiling"].wait_http(f"http://{HOST}:{servers['ceiling'].port}/health", 60)
        match = servers["serve"].wait_for_line(r"port (\d+)\)", 60)
        servers["serve"].port = int(match.group(1))
        servers["app_noverdicts"].wait_for_line(r"BENCH_READY", 60)
        try:
            servers["bare_cli"].wait_for_line(r"port (\d+)\)", 60)
        except ServerError as exc:
            result["unavailable"]["bare_cli"] = str(exc)
            servers.pop("bare_cli").stop()
        for provider, server in list(prism.items()):
            try:
                server.wait_http(f"http://{HOST}:{server.port}/", 90, statuses=tuple(range(200, 600)))
            except ServerError as exc:
                result["unavailable"].setdefault("prism", "")
                result["unavailable"]["prism"] += f"{provider}: {exc}. "
                prism.pop(provider).stop()
        if "wiremock" in servers:
            try:
                servers["wiremock"].wait_http(f"http://{HOST}:{servers['wiremock'].port}/__admin/health", 120)
            except ServerError as exc:
                result["unavailable"]["wiremock"] = str(exc)
                servers.pop("wiremock").stop()
        for server in list(servers.values()) + list(prism.values()):
            server.pin_now()
        result["prism_status"] = check_prism(prism, ops)
        result["startup_s"] = time.perf_counter() - started_all

        everyone = dict(servers)
        everyone.update({f"prism {p}": s for p, s in prism.items()})
        for role, server in everyone.items():
            result["rss"][role] = {"before": server.rss(), "peak": server.rss()}

        def target(role: str, op: Op) -> tuple[Server, str] | None:
            if role == "prism":
                server = prism.get(op.provider)
                return (server, op.unprefixed_path) if server else None
            server = servers.get(role)
            return (server, op.path) if server else None

        def roles_for(connections: int, op: Op) -> list[str]:
            roles = ["ceiling", "serve", "app"]
            if connections == 32:
                roles += ["app_noverdicts", "prism", "wiremock"]
            if op.key == DIAG_OP:
                roles.append("bare_cli")
            return [r for r in roles if target(r, op) is not None]

        def measure(role: str, op: Op, connections: int, secs: float) -> dict[str, Any] | None:
            server, path = target(role, op)  # type: ignore[misc]
            if role in TELEMOCK_ROLES:
                reset(server.port)
            try:
                outcome = run_wrk(f"http://{HOST}:{server.port}{path}", connections, secs, op.script, op.wrk_env())
            except (RuntimeError, OSError) as exc:
                log(f"{role} {op.key} c={connections}: {exc}")
                return None
            rss_role = f"prism {op.provider}" if role == "prism" else role
            rss = server.rss()
            if rss is not None and rss_role in result["rss"]:
                result["rss"][rss_role]["peak"] = max(rss, result["rss"][rss_role]["peak"] or 0)
            return outcome

        # JIT runtimes (Node, the JVM) are warmed on every operation before anything counts.
        log("warming up Prism and WireMock")
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=2) as pool:  # both at once: a warm-up needs no fair share
            for op in ops:
                jobs = [pool.submit(measure, role, op, 32, warm) for role in ("prism", "wiremock") if target(role, op)]
                for job in jobs:
                    job.result()

        runs: dict[str, dict[str, dict[str, list[dict[str, Any]]]]] = {}
        for rep in range(reps):
            log(f"HTTP repetition {rep + 1}/{reps}")
            for op in ops:
                for connections in (1, 32):
                    roles = roles_for(connections, op)
                    shift = rep % len(roles)
                    for role in roles[shift:] + roles[:shift]:
                        outcome = measure(role, op, connections, seconds)
                        if outcome is not None:
                            runs.setdefault(role, {}).setdefault(op.key, {}).setdefault(str(connections), []).append(outcome)
        result["runs"] = runs
        result["summary"] = {
            role: {key: {c: summarize(v) for c, v in per_c.items()} for key, per_c in per_op.items()}
            for role, per_op in runs.items()
        }
        for role, server in everyone.items():
            result["rss"][role]["after"] = server.rss()

        if profile:
            import profile_ops

            result["profiles"] = profile_ops.profile_many(servers["app"], ops, quick=quick)
    finally:
        for server in list(servers.values()) + list(prism.values()):
            server.stop()
    result["ops"] = [{"key": op.key, "label": op.label, "method": op.method, "path": op.path} for op in OPS]
    result["measured_ops"] = [op.key for op in ops]
    result["elapsed_s"] = time.perf_counter() - started_all
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--reps", type=int)
    parser.add_argument("--seconds", type=float)
    parser.add_argument("--no-profile", action="store_true")
    parser.add_argument("--json", type=Path, help="write the full result here")
    args = parser.parse_args()
    result = run(args.quick, args.reps, args.seconds, profile=not args.no_profile)
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    for role, per_op in result.get("summary", {}).items():
        for key, per_c in per_op.items():
            for c, s in per_c.items():
                print(f"{role:<15} {key:<18} c={c:<3} {s['rps']:>9.0f} rps  p50 {s['p50_ms']:.2f} ms  p99 {s['p99_ms']:.2f} ms  errors {s['errors']}")


if __name__ == "__main__":
    main()
