"""`telemock serve --state-file` as a separate process, so it can be killed with SIGKILL mid-write."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx

READY = re.compile(r"telemock ready on (http://127\.0\.0\.1:\d+)")
REPO = Path(__file__).resolve().parents[2]
VOIPBIN_KEY = {"accesskey": "voipbin_demo_accesskey"}
GIGS_AUTH = {"Authorization": "Bearer gigs_demo_key"}
FLOW = {"detail": "persisted", "actions": [{"type": "answer"}]}


class ServerProcess:
    """One `python -m telemock serve` with a state file; stderr goes to a file so a chatty log never blocks it."""

    def __init__(self, state_file: Path, *args: str, log_dir: Path | None = None) -> None:
        self.state_file = state_file
        self.log_path = (log_dir or state_file.parent) / f"server-{time.monotonic_ns()}.log"
        self._log = self.log_path.open("w")
        command = [sys.executable, "-m", "telemock", "serve", "--port", "0", "--log-level", "warning"]
        if state_file is not None:
            command += ["--state-file", str(state_file)]
        self.process = subprocess.Popen(
            [*command, *args], cwd=REPO, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        self.url = self._wait_ready()
        self.client = httpx.Client(base_url=self.url, timeout=10, trust_env=False)

    def _wait_ready(self) -> str:
        deadline = time.monotonic() + 30
        assert self.process.stdout is not None
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()
            match = READY.search(line)
            if match:
                return match.group(1)
            if self.process.poll() is not None:
                break
        self.process.kill()
        raise AssertionError(f"no ready line; log: {self.log()}")

    def log(self) -> str:
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def admin(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        return self.client.request(method, f"/_telemock{path}", **kwargs)

    def state(self) -> dict[str, Any]:
        response = self.admin("GET", "/state")
        response.raise_for_status()
        return response.json()

    def kill9(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)
        self.close()

    def terminate(self) -> int:
        self.process.send_signal(signal.SIGTERM)
        code = self.process.wait(timeout=20)
        self.close()
        return code

    def close(self) -> None:
        self.client.close()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._log.close()

    def __enter__(self) -> ServerProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.process.poll() is None:
            self.kill9()


def voipbin_flows(state: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every VoIPBIN flow of every tenant in a state snapshot, by id."""
    tenants = state["providers"]["voipbin"]["tenants"]
    return {fid: flow for tenant in tenants.values() for fid, flow in tenant["flows"].items()}
