"""Shared plumbing for the benchmarks: processes pinned to a core, wrk runs, memory, machine facts.

Nothing here knows a provider; `ops.py` names the requests. Every wait and every load is
bounded in time, and every load goes to 127.0.0.1 only.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
CACHE = BENCH / ".cache"
LUA = BENCH / "lua"
PY = sys.executable
SERVER_CPU = "0"  # the server under test: one uvicorn worker on one core
LOAD_CPU = "1"  # wrk (and py-spy) on the other
HOST = "127.0.0.1"


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def median(values: list[float]) -> float | None:
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def can_pin() -> bool:
    return shutil.which("taskset") is not None and (os.cpu_count() or 1) >= 2


def pinned(command: list[str], cpu: str) -> list[str]:
    return ["taskset", "-c", cpu, *command] if can_pin() else command


# --- memory -------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # the command may contain spaces and parentheses: the ppid follows the last ')'
        fields = stat[stat.rfind(")") + 2 :].split()
        if len(fields) > 1 and int(fields[1]) == pid:
            found.append(int(entry.name))
    return found


def rss_bytes(pid: int, tree: bool = True) -> int | None:
    """Resident memory of a process (and, by default, of its descendants), from /proc."""
    pids = [pid]
    if tree:
        pending = [pid]
        while pending:
            kids = _children(pending.pop())
            pids.extend(kids)
            pending.extend(kids)
    total = 0
    seen = False
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
                    seen = True
        except OSError:
            continue
    return total if seen else None


# --- servers ------------------------------------------------------------------------------


class ServerError(RuntimeError):
    pass


@dataclass
class Server:
    """A server process under test, pinned to SERVER_CPU, with its output kept for diagnosis."""

    name: str
    command: list[str]
    cwd: Path = ROOT
    env: dict[str, str] | None = None
    pin: bool = True
    process: subprocess.Popen | None = None
    port: int | None = None
    output: list[str] = field(default_factory=list)
    started_at: float = 0.0
    _reader: threading.Thread | None = None

    def start(self) -> "Server":
        env = dict(os.environ)
        env.update(self.env or {})
        env.setdefault("PYTHONUNBUFFERED", "1")
        command = pinned(self.command, SERVER_CPU) if self.pin else self.command
        self.started_at = time.perf_counter()
        self.process = subprocess.Popen(
            command,
            cwd=self.cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        return self

    def _read(self) -> None:
        assert self.process and self.process.stdout
        for line in self.process.stdout:
            if len(self.output) < 2000:
                self.output.append(line.rstrip("\n"))

    def wait_for_line(self, pattern: str, timeout: float) -> re.Match[str]:
        """Waits until a line of the server's output matches `pattern` (a regex)."""
        regex = re.compile(pattern)
        deadline = time.monotonic() + timeout
        checked = 0
        while time.monotonic() < deadline:
            while checked < len(self.output):
                match = regex.search(self.output[checked])
                checked += 1
                if match:
                    return match
            if self.process and self.process.poll() is not None:
                time.sleep(0.1)
                if checked >= len(self.output):
                    raise ServerError(f"{self.name} exited ({self.process.returncode}): {self.tail()}")
            time.sleep(0.01)
        raise ServerError(f"{self.name}: no line matching {pattern!r} within {timeout:.0f} s: {self.tail()}")

    def wait_http(self, url: str, timeout: float, statuses: tuple[int, ...] = (200,)) -> float:
        """Polls `url` until it answers one of `statuses`; returns seconds since the spawn."""
        import httpx

        deadline = time.monotonic() + timeout
        last = "no answer"
        with httpx.Client(timeout=1.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.process and self.process.poll() is not None:
                    raise ServerError(f"{self.name} exited ({self.process.returncode}): {self.tail()}")
                try:
                    status = client.get(url).status_code
                    if status in statuses:
                        return time.perf_counter() - self.started_at
                    last = f"HTTP {status}"
                except httpx.HTTPError as exc:
                    last = type(exc).__name__
                time.sleep(0.003)
        raise ServerError(f"{self.name}: {url} did not answer {statuses} within {timeout:.0f} s ({last}): {self.tail()}")

    def pin_now(self, cpu: str = SERVER_CPU) -> None:
        """Pins a running server, every thread of it and of its children, to `cpu` (after a fast unpinned start)."""
        if not can_pin() or not self.alive():
            return
        pending, pids = [self.pid], []
        while pending:
            pid = pending.pop()
            pids.append(pid)
            pending.extend(_children(pid))
        for pid in pids:
            subprocess.run(["taskset", "-a", "-p", "-c", cpu, str(pid)], capture_output=True, timeout=10)

    def tail(self, lines: int = 8) -> str:
        return " | ".join(self.output[-lines:]) or "(no output)"

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def rss(self) -> int | None:
        return rss_bytes(self.pid) if self.process and self.process.poll() is None else None

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)  # its own session: the server and its children
        except ProcessLookupError:
            return
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


# --- wrk ----------------------------------------------------------------------------------


def wrk_available() -> str | None:
    """None when wrk can run, else why not."""
    if shutil.which("wrk") is None:
        return "wrk is not installed (Debian: apt-get install -y wrk)"
    return None


def run_wrk(
    url: str,
    connections: int,
    seconds: float,
    script: str = "static.lua",
    env: dict[str, str] | None = None,
    timeout_s: int = 5,
) -> dict[str, Any]:
    """One wrk run (one thread, on LOAD_CPU); the summary the Lua `done` hook prints, plus rps."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"loads go to {HOST} only, not {url}")
    duration = f"{max(1, round(seconds))}s"  # wrk takes whole seconds
    command = pinned(
        ["wrk", "-t1", f"-c{connections}", f"-d{duration}", f"--timeout={timeout_s}s", "-s", str(LUA / script), url],
        LOAD_CPU,
    )
    full_env = dict(os.environ)
    full_env["WRK_LUA_DIR"] = str(LUA)
    full_env.update(env or {})
    done = subprocess.run(
        command, env=full_env, capture_output=True, text=True, timeout=seconds + timeout_s + 30
    )
    for line in done.stdout.splitlines():
        if line.startswith("WRK_JSON "):
            result = json.loads(line[len("WRK_JSON ") :])
            secs = result["duration_us"] / 1e6
            result["rps"] = result["requests"] / secs if secs > 0 else 0.0
            result["errors"] = (
                result["connect_errors"] + result["read_errors"] + result["write_errors"]
                + result["status_errors"] + result["timeouts"]
            )
            return result
    raise RuntimeError(f"wrk gave no summary (exit {done.returncode}): {done.stderr.strip() or done.stdout.strip()}")


# --- machine ------------------------------------------------------------------------------


def _first_line(command: list[str]) -> str | None:
    try:
        out = subprocess.run(command, capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired):
        return None
    text = (out.stdout or out.stderr).strip()
    return text.splitlines()[0] if text else None


def machine() -> dict[str, Any]:
    cpu_model = None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu_model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_total = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem_total = int(line.split()[1]) * 1024
    except OSError:
        pass
    versions: dict[str, str | None] = {}
    for module in ("uvicorn", "starlette", "httptools", "uvloop", "orjson", "httpx"):
        try:
            from importlib.metadata import version

            versions[module] = version(module)
        except Exception:
            versions[module] = None
    return {
        "cores": os.cpu_count(),
        "cpu_model": cpu_model,
        "memory_bytes": mem_total,
        "kernel": platform.release(),
        "python": platform.python_version(),
        "packages": versions,
        "wrk": _first_line(["wrk", "--version"]) if shutil.which("wrk") else None,
        "node": _first_line(["node", "--version"]) if shutil.which("node") else None,
        "java": _first_line(["java", "-version"]) if shutil.which("java") else None,
        "pinned": can_pin(),
    }
