"""`telemock serve` (or any launcher printing its ready line) as a child process, logs kept in a file.

stderr goes to a file rather than a pipe, so a chatty server never blocks on a full pipe and a
test can read every log line after the fact.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"telemock ready on (http://[^\s]+?:(\d+))\s")


def clean_env(**variables: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEMOCK_")}
    env.update(variables)
    return env


class ServerProcess:
    """A started server: its URL and pid, its stdout lines and its stderr file."""

    def __init__(self, argv: list[str], log_dir: Path, env: dict[str, str] | None = None, timeout: float = 30) -> None:
        self.stderr_path = log_dir / f"telemock-{os.getpid()}-{time.monotonic_ns()}.stderr"
        self._stderr = self.stderr_path.open("wb")
        self.process = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=self._stderr, text=True, cwd=ROOT, env=env or clean_env(),
        )
        self.stdout_lines: list[str] = []
        self.url = self._wait_ready(timeout)
        self.port = int(self.url.rsplit(":", 1)[1])
        threading.Thread(target=self._drain, daemon=True).start()

    @classmethod
    def serve(cls, *args: str, log_dir: Path, env: dict[str, str] | None = None) -> ServerProcess:
        return cls([sys.executable, "-m", "telemock", "serve", "--port", "0", *args], log_dir, env)

    @property
    def pid(self) -> int:
        return self.process.pid

    def _wait_ready(self, timeout: float) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.process.stdout.readline()  # type: ignore[union-attr]
            if not line and self.process.poll() is not None:
                break
            self.stdout_lines.append(line)
            match = READY.search(line + " ")
            if match:
                return match.group(1)
        self.process.kill()
        self.process.wait(5)
        raise AssertionError(f"no ready line; stderr: {self.stderr()[-2000:]}")

    def _drain(self) -> None:
        for line in self.process.stdout:  # type: ignore[union-attr]
            self.stdout_lines.append(line)

    def stderr(self) -> str:
        self._stderr.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def rss_kb(self) -> int:
        """Resident memory of the server process (VmRSS in /proc/PID/status), in KiB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError("no VmRSS line")

    def stop(self) -> str:
        """SIGTERM (as a container engine stops it), then everything it logged."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._stderr.close()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")
