"""`telemock proxy` and `telemock replay` as a user runs them: the banner, a request through, a clean stop."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import click
import httpx
import pytest

from telemock.cli import parse_upstreams

READY = re.compile(r"telemock (?:proxy|replay) ready on (http://127\.0\.0\.1:\d+)")


def start(*args: str) -> tuple[subprocess.Popen, str, list[str]]:
    """The command on a free port, its base URL and its banner's lines."""
    process = subprocess.Popen([sys.executable, "-m", "telemock", *args, "--port", "0", "--log-level", "warning"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        found = READY.search(line)
        if found:
            banner = [line.rstrip()]
            while not banner[-1].lstrip().startswith("Inspector"):
                banner.append(process.stdout.readline().rstrip())
            return process, found.group(1), banner
        if process.poll() is not None:
            break
    process.kill()
    raise AssertionError(f"no ready line; stderr: {process.stderr.read()}")


def stop(process: subprocess.Popen) -> str:
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=15) == 0
    errors = process.stderr.read()
    assert "Traceback" not in errors
    return errors


def test_proxy_records_and_replay_serves_what_it_recorded(upstream, tmp_path):
    folder = tmp_path / "recordings"
    process, base, banner = start("proxy", "--upstream", f"voipbin={upstream.url}/voipbin", "--record", str(folder),
                                  "--forward-webhooks", "voipbin=http://127.0.0.1:9/hooks")
    try:
        assert f"  VoIPBIN     {base}/voipbin  ->  {upstream.url}/voipbin" in banner
        assert f"  webhooks    {base}/_webhooks/voipbin  ->  http://127.0.0.1:9/hooks" in banner
        assert f"  recording   every exchange to {folder}" in banner
        answer = httpx.get(f"{base}/voipbin/v1.0/numbers", params={"accesskey": "voipbin_demo_accesskey"}, timeout=5)
        assert answer.status_code == 200
    finally:
        stop(process)
    assert [p.name for p in folder.glob("*.yaml")] == ["0001-voipbin-numbers_list.yaml"]

    process, base, banner = start("replay", str(folder))
    try:
        assert f"  VoIPBIN     {base}/voipbin  <-  recordings in {folder}" in banner
        replayed = httpx.get(f"{base}/voipbin/v1.0/numbers", timeout=5)
        assert replayed.status_code == 200 and replayed.headers["x-telemock-replay"] == "0001-voipbin-numbers_list.yaml"
        assert [n["id"] for n in replayed.json()["result"]] == [n["id"] for n in answer.json()["result"]]
    finally:
        stop(process)


def test_one_upstream_with_provider_names_it(upstream):
    process, base, _ = start("proxy", "--provider", "signalwire", "--upstream", f"{upstream.url}/signalwire")
    try:
        numbers = httpx.get(f"{base}/signalwire/api/relay/rest/phone_numbers",
                            auth=("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"), timeout=5)
        assert numbers.status_code == 200 and numbers.json()["data"]
        assert httpx.get(f"{base}/voipbin/v1.0/numbers", timeout=5).status_code == 404  # only the named provider
    finally:
        stop(process)


def test_a_bad_upstream_is_one_clear_line():
    result = subprocess.run([sys.executable, "-m", "telemock", "proxy", "--upstream", "voipbin=ftp://example.com"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert result.stderr.strip() == "Error: 'ftp://example.com' is not an http(s) URL"


def test_webhook_settings_for_a_provider_without_upstream_are_refused():
    result = subprocess.run([sys.executable, "-m", "telemock", "proxy", "--upstream", "voipbin=https://api.voipbin.net",
                             "--webhook-secret", "gigs=whsec_x"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "webhook receivers or secrets for gigs, which has no upstream" in result.stderr


@pytest.mark.parametrize("values, providers, expected", [
    (("voipbin=https://api.voipbin.net",), (), {"voipbin": "https://api.voipbin.net"}),
    (("https://example.signalwire.com",), ("signalwire",), {"signalwire": "https://example.signalwire.com"}),
    (("voipbin=https://a", "gigs=https://b/base"), (), {"voipbin": "https://a", "gigs": "https://b/base"}),
    (("https://x.test/path?key=v",), ("voiceos",), {"voiceos": "https://x.test/path?key=v"}),
])
def test_upstreams_are_named_by_provider(values, providers, expected):
    assert parse_upstreams(values, providers) == expected


@pytest.mark.parametrize("values, providers, problem", [
    (("https://a",), (), "one URL with one --provider NAME"),
    (("https://a", "https://b"), ("voipbin",), "one URL with one --provider NAME"),
    (("voipbin=https://a",), ("gigs",), "no upstream for gigs"),
])
def test_ambiguous_upstreams_are_refused(values, providers, problem):
    with pytest.raises(click.BadParameter, match=problem):
        parse_upstreams(values, providers)


def test_the_help_names_the_three_commands():
    result = subprocess.run([sys.executable, "-m", "telemock", "--help"], capture_output=True, text=True, timeout=60)
    for command in ("proxy", "replay", "drift"):
        assert re.search(rf"^\s+{command}\s", result.stdout, re.MULTILINE), result.stdout
