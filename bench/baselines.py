"""The servers telemock is measured against: the bare-Starlette ceiling, Prism and WireMock.

Prism (`@stoplight/prism-cli`) and WireMock (the standalone jar of the npm package `wiremock`)
are installed with npm into bench/.cache/node, never committed. When either cannot be installed
or run, the reason is returned instead of a server, and the rest of the suite goes on.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from common import BENCH, CACHE, HOST, PY, ROOT, Server, free_port, log
from ops import OPS, Op

NODE_DIR = CACHE / "node"
NPM_PACKAGES = ("@stoplight/prism-cli@5", "wiremock@3")


def ensure_node_tools() -> dict[str, Any]:
    """Paths of the prism launcher and the WireMock jar, or why each is missing."""
    found: dict[str, Any] = {"prism": None, "wiremock_jar": None, "prism_problem": None, "wiremock_problem": None}
    prism = NODE_DIR / "node_modules" / ".bin" / "prism"
    jars = sorted((NODE_DIR / "node_modules" / "wiremock").glob("build/*.jar"))
    if not prism.exists() or not jars:
        if shutil.which("npm") is None:
            found["prism_problem"] = found["wiremock_problem"] = "npm is not installed"
            return found
        NODE_DIR.mkdir(parents=True, exist_ok=True)
        if not (NODE_DIR / "package.json").exists():
            (NODE_DIR / "package.json").write_text('{"name": "telemock-bench-tools", "private": true}\n')
        log(f"installing {', '.join(NPM_PACKAGES)} into {NODE_DIR} (once)")
        try:
            done = subprocess.run(
                ["npm", "install", "--no-audit", "--no-fund", "--loglevel=error", *NPM_PACKAGES],
                cwd=NODE_DIR, capture_output=True, text=True, timeout=600,
            )
            problem = None if done.returncode == 0 else (done.stderr.strip().splitlines() or ["npm failed"])[-1]
        except subprocess.TimeoutExpired:
            problem = "npm install took over 10 minutes"
        jars = sorted((NODE_DIR / "node_modules" / "wiremock").glob("build/*.jar"))
        if problem:
            found["prism_problem"] = found["wiremock_problem"] = f"npm install failed: {problem}"
    if prism.exists():
        found["prism"] = prism
        found["prism_version"] = _package_version("@stoplight/prism-cli")
    elif not found["prism_problem"]:
        found["prism_problem"] = "the prism launcher is missing after npm install"
    if shutil.which("java") is None:
        found["wiremock_problem"] = "java is not installed"
    elif jars:
        found["wiremock_jar"] = jars[-1]
        found["wiremock_version"] = _package_version("wiremock")
    elif not found["wiremock_problem"]:
        found["wiremock_problem"] = "the npm package wiremock has no standalone jar under build/"
    return found


def _package_version(name: str) -> str | None:
    try:
        return json.loads((NODE_DIR / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


# --- the ceiling --------------------------------------------------------------------------


def ceiling_server(bodies_file: Path | None) -> Server:
    port = free_port()
    server = Server(
        "bare Starlette (ceiling)",
        [PY, "-m", "uvicorn", "bare_app:app", "--app-dir", str(BENCH), "--host", HOST, "--port", str(port),
         "--no-access-log", "--log-level", "warning"],
        env={"TELEMOCK_BENCH_BODIES": str(bodies_file)} if bodies_file else {},
    )
    server.port = port
    return server


def bare_via_cli_server() -> Server:
    """The same bare app served by telemock's own `run_server`: isolates the CLI's serving path."""
    port = free_port()
    server = Server("bare Starlette via telemock run_server",
                    [PY, str(BENCH / "serve_app.py"), "--bare", "--serving", "cli", "--port", str(port)])
    server.port = port
    return server


# --- Prism --------------------------------------------------------------------------------


def prism_server(prism: Path, provider: str) -> Server:
    port = free_port()
    spec = ROOT / "contracts" / "specs" / f"{provider}.yaml"
    server = Server(
        f"Prism {provider}",
        [str(prism), "mock", "-h", HOST, "-p", str(port), "-v", "warn", str(spec)],
    )
    server.port = port
    return server


# --- WireMock -----------------------------------------------------------------------------


def wiremock_stub(op: Op, status: int, body: str) -> dict[str, Any]:
    """Matches what telemock checks cheaply (method, path, credential) and answers telemock's bytes."""
    parts = urlsplit(op.path)
    request: dict[str, Any] = {"method": op.method, "urlPath": parts.path}
    query = dict(parse_qsl(parts.query))
    if query:
        request["queryParameters"] = {k: {"equalTo": v} for k, v in query.items()}
    if "Authorization" in op.headers:
        request["headers"] = {"Authorization": {"equalTo": op.headers["Authorization"]}}
    return {
        "request": request,
        "response": {"status": status, "body": body, "headers": {"Content-Type": "application/json"}},
    }


def wiremock_server(jar: Path, captured: dict[str, dict[str, Any]]) -> Server:
    root = CACHE / "wiremock"
    mappings = root / "mappings"
    if mappings.exists():
        shutil.rmtree(mappings)
    mappings.mkdir(parents=True)
    (root / "__files").mkdir(exist_ok=True)
    for position, op in enumerate(OPS):
        answer = captured.get(op.route_key)
        if answer is None:
            continue
        stub = wiremock_stub(op, answer["status"], answer["body"])
        (mappings / f"{position:02d}-{op.provider}-{op.kind}.json").write_text(json.dumps(stub))
    port = free_port()
    server = Server(
        "WireMock",
        ["java", "-jar", str(jar), "--port", str(port), "--bind-address", HOST, "--root-dir", str(root),
         "--disable-banner", "--max-request-journal-entries", "1000"],
    )
    server.port = port
    return server
