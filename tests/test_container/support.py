"""Running `telemock` as a separate process, as a container's entrypoint or HEALTHCHECK runs it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
READY = re.compile(r"telemock ready on (http://127\.0\.0\.1:(\d+))")


def clean_env(**variables: str) -> dict[str, str]:
    """The current environment without any TELEMOCK_* setting, plus `variables`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEMOCK_")}
    env.update(variables)
    return env


def telemock(*args: str, env: dict[str, str] | None = None, timeout: float = 30) -> subprocess.CompletedProcess[str]:
    """Run a `telemock` command to completion."""
    return subprocess.run(
        [sys.executable, "-m", "telemock", *args],
        capture_output=True, text=True, timeout=timeout, cwd=ROOT, env=env or clean_env(),
    )


def start_serve(*args: str, env: dict[str, str]) -> tuple[subprocess.Popen[str], str]:
    """Start `telemock serve` and return it with its base URL, read from the ready line."""
    process = subprocess.Popen(
        [sys.executable, "-m", "telemock", "serve", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()  # type: ignore[union-attr]
        match = READY.search(line)
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"no ready line; stderr: {process.communicate()[1]}")


def stop(process: subprocess.Popen[str]) -> str:
    """Stop a started server (SIGTERM, as a container engine does) and return its stderr."""
    process.terminate()
    _, stderr = process.communicate(timeout=15)
    return stderr
