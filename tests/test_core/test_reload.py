"""--reload-fixtures: edits to fixture files take effect; a broken edit changes nothing."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import httpx

FIRST = "voipbin:\n  customers:\n    - {tenant: t, accesskeys: [{key: k1}]}\n"
SECOND = "voipbin:\n  customers:\n    - {tenant: t, accesskeys: [{key: k2}]}\n"
BROKEN = "voipbin:\n  customers:\n    - {tenant: t, plan: gold}\n"


def wait_until(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_edits_are_reloaded_and_broken_edits_ignored(tmp_path):
    fixture = tmp_path / "live.yaml"
    fixture.write_text(FIRST)
    process = subprocess.Popen(
        [sys.executable, "-m", "telemock", "serve", "--port", "0", "--provider", "voipbin",
         "--fixtures", str(fixture), "--reload-fixtures", "--log-level", "info"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    try:
        base = re.search(r"ready on (http://\S+)", process.stdout.readline()).group(1)
        numbers = f"{base}/voipbin/v1.0/numbers"
        assert httpx.get(numbers, params={"accesskey": "k1"}).status_code == 200
        time.sleep(1.1)  # a coarse filesystem clock must see a new modification time
        fixture.write_text(SECOND)
        assert wait_until(lambda: httpx.get(numbers, params={"accesskey": "k2"}).status_code == 200)
        assert httpx.get(numbers, params={"accesskey": "k1"}).status_code == 401
        time.sleep(1.1)
        fixture.write_text(BROKEN)
        time.sleep(1.5)
        assert httpx.get(numbers, params={"accesskey": "k2"}).status_code == 200
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    log = process.stderr.read()
    assert "fixtures reloaded" in log
    assert "fixtures not reloaded" in log and "customers[0].plan" in log
