"""`telemock serve` as a user runs it: a free port, the ready banner, health, clean stop on signals."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

READY = re.compile(r"telemock ready on (http://127\.0\.0\.1:(\d+))")


def start(*args: str) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "telemock", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        match = READY.search(line)
        if match:
            return process, match.group(1)
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"no ready line; stderr: {process.stderr.read()}")


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_serve_prints_urls_answers_health_and_stops_cleanly(stop_signal):
    process, base = start("--provider", "voipbin", "--log-level", "warning")
    try:
        banner = process.stdout.readline()
        assert f"{base}/voipbin" in banner
        health = httpx.get(f"{base}/_telemock/health", timeout=5)
        assert health.status_code == 200 and health.json()["status"] == "ok"
        numbers = httpx.get(f"{base}/voipbin/v1.0/numbers", params={"accesskey": "voipbin_demo_accesskey"}, timeout=5)
        assert numbers.status_code == 200
    finally:
        process.send_signal(stop_signal)
        code = process.wait(timeout=15)
    assert code == 0
    assert "Traceback" not in process.stderr.read()


def test_json_logs_one_object_per_request():
    import json

    process, base = start("--provider", "voipbin", "--log-format", "json")
    try:
        httpx.get(f"{base}/voipbin/v1.0/numbers", params={"accesskey": "voipbin_demo_accesskey"}, timeout=5)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=15)
    records = [json.loads(line) for line in process.stderr.read().splitlines() if line.startswith("{")]
    requests = [r for r in records if r.get("operation") == "numbers_list"]
    assert requests and requests[0]["status"] == 200 and requests[0]["tenant"] == "demo"
    assert "voipbin_demo_accesskey" not in json.dumps(records)


def test_port_in_use_is_one_clear_line():
    import socket

    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    holder.listen()
    port = holder.getsockname()[1]
    try:
        result = subprocess.run(
            [sys.executable, "-m", "telemock", "serve", "--provider", "voipbin", "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )
    finally:
        holder.close()
    assert result.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_flag_values_are_refused():
    result = subprocess.run(
        [sys.executable, "-m", "telemock", "serve", "--profile", "imaginary"], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 2 and "imaginary" in result.stderr


def test_spec_command_prints_a_provider_spec():
    result = subprocess.run([sys.executable, "-m", "telemock", "spec", "voipbin", "--format", "json"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0 and '"openapi": "3.1.0"' in result.stdout
