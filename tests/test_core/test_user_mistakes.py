"""Mistakes a user makes with the command and the control API: one clear line each, naming the
option and what it takes, and the documented exit status; never a traceback."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest
from test_security.process import ServerProcess, clean_env

VOIPBIN_KEY = {"accesskey": "voipbin_demo_accesskey"}


def telemock(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "telemock", *args], capture_output=True, text=True, timeout=120,
                          env=env or clean_env())


def one_error_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "Traceback" not in result.stderr, result.stderr
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def receiver():
    """A webhook receiver that accepts everything, on a real socket."""

    class Accept(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            self.rfile.read(int(self.headers.get("content-length", 0)))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Accept)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hooks"
    server.shutdown()


# --- settings ---------------------------------------------------------------------------------


def test_an_unknown_setting_names_the_valid_ones():
    result = telemock("serve", "--port", "0", "--set", "voipbin.nope=3")
    assert result.returncode == 2
    assert one_error_line(result) == (
        "Error: --set: voipbin.nope: no such setting (valid: purchase_pending_seconds, normal_number_cost, "
        "virtual_without_type, token_lifetime_seconds, inventory)"
    )


def test_a_bad_setting_value_names_what_it_takes():
    result = telemock("serve", "--port", "0", "--set", "voipbin.purchase_pending_seconds=abc")
    assert result.returncode == 2
    line = one_error_line(result)
    assert line.startswith("Error: --set: voipbin.purchase_pending_seconds='abc': Input should be a valid number")
    assert line.endswith("(voipbin.purchase_pending_seconds takes float)")


def test_settings_come_from_telemock_set_too(tmp_path):
    env = clean_env(TELEMOCK_SET="voipbin.purchase_pending_seconds=30 voipbin.normal_number_cost=2.5")
    server = ServerProcess.serve("--provider", "voipbin", "--log-level", "warning", log_dir=tmp_path, env=env)
    try:
        settings = httpx.get(f"{server.url}/_telemock/state", timeout=10).json()["providers"]["voipbin"]["settings"]
    finally:
        server.stop()
    assert settings["purchase_pending_seconds"] == 30 and settings["normal_number_cost"] == 2.5
    assert one_error_line(telemock("serve", "--port", "0", env=clean_env(TELEMOCK_SET="gigs.nope=1"))).startswith(
        "Error: --set: gigs.nope: no such setting (valid: processing_after_seconds,"
    )


def test_the_settings_are_listed_per_provider():
    listing = telemock("settings", "voipbin")
    assert listing.returncode == 0
    assert "voipbin.purchase_pending_seconds  float = 0" in listing.stdout
    assert "Normal numbers start purchase-pending" in listing.stdout
    everything = telemock("settings").stdout
    assert all(f"{name}." in everything for name in ("gigs", "signalwire", "voiceos", "voipbin"))
    help_text = " ".join(telemock("serve", "--help").stdout.split())
    assert "telemock settings" in help_text and "TELEMOCK_SET" in help_text
    assert one_error_line(telemock("settings", "nope")) == (
        "Error: PROVIDER: no provider 'nope' (providers: gigs, signalwire, voiceos, voipbin)"
    )


def test_exit_codes_are_documented_in_the_help():
    text = " ".join(telemock("--help").stdout.split())
    assert "Exit status of every command: 0 done" in text
    assert "2 a usage error or a check that could not run" in text


# --- check receiver -----------------------------------------------------------------------------


def test_a_malformed_secret_is_one_line(receiver):
    result = telemock("check", "receiver", "--provider", "gigs", "--url", receiver, "--secret", "whsec_!!!not-base64")
    assert result.returncode == 2
    assert one_error_line(result) == (
        "Error: --secret: the secret cannot sign gigs webhooks: the part after 'whsec_' must be base64"
    )
    assert "Falsifying" not in result.stdout + result.stderr


def test_an_unreachable_receiver_could_not_run(receiver):
    url = f"http://127.0.0.1:{free_port()}/hooks"
    result = telemock("check", "receiver", "--provider", "voipbin", "--url", url, "--secret", "s3cr3t", "--examples", "2")
    assert result.returncode == 2
    assert one_error_line(result).startswith(f"Error: --url: nothing answers at {url}: ")
    working = telemock("check", "receiver", "--provider", "voipbin", "--url", receiver, "--secret", "s3cr3t", "--examples", "2")
    assert working.returncode == 1 and "[forged-signature]" in working.stdout  # a receiver that accepts forgeries fails


# --- the control API and state import -----------------------------------------------------------


def test_resetting_an_unknown_tenant_is_404_and_changes_nothing(tmp_path):
    server = ServerProcess.serve("--provider", "voipbin", "--log-level", "warning", log_dir=tmp_path)
    try:
        client = httpx.Client(base_url=server.url, timeout=10)
        client.post("/voipbin/v1.0/numbers", params=VOIPBIN_KEY, json={"number": "+899100000991", "type": "virtual"})
        before = client.get("/_telemock/state").json()["providers"]
        answer = client.post("/_telemock/reset", json={"provider": "voipbin", "tenant": "demo-typo"})
        after = client.get("/_telemock/state").json()["providers"]
        index = client.get("/_telemock/")
    finally:
        server.stop()
    assert answer.status_code == 404
    assert answer.json()["error"] == {"code": "unknown_tenant", "message": "voipbin has no tenant 'demo-typo' (known: demo)"}
    assert after == before
    assert index.status_code == 200 and {"method": "POST", "path": f"{server.url}/_telemock/reset"}.items() <= next(
        r for r in index.json()["routes"] if r["path"].endswith("/reset")).items()


def test_importing_a_file_without_providers_fails(tmp_path):
    server = ServerProcess.serve("--provider", "voipbin", "--log-level", "warning", log_dir=tmp_path)
    snapshot = tmp_path / "snapshot.json"
    snapshot.write_text(json.dumps({"clock": {"frozen": False}}))
    try:
        result = telemock("state", "import", str(snapshot), "--url", server.url)
    finally:
        server.stop()
    assert result.returncode == 1
    assert one_error_line(result) == (
        f'Error: {snapshot}: no provider section: a state snapshot has "providers": {{...}}, '
        "as `telemock state export` writes; nothing was imported"
    )


def test_the_ready_banner_points_at_an_answering_control_api(tmp_path):
    server = ServerProcess.serve("--provider", "voipbin", log_dir=tmp_path)
    try:
        banner = next(line for line in server.stdout_lines if "telemock ready on" in line)
        control = banner.split("control API: ")[1].split(",")[0]
        answer = httpx.get(control, timeout=10)
    finally:
        server.stop()
    assert answer.status_code == 200
    assert answer.json()["openapi"] == f"{server.url}/_telemock/openapi.json"
    assert os.path.basename(control.rstrip("/")) == "_telemock"
