"""`telemock state export|import` against a running server: a JSON round trip, and imports that are all or nothing."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from live_server import LiveServer, start_server

from telemock.emulator import Config
from telemock.cli import main

from .support import FLOW, REPO, VOIPBIN_KEY, voipbin_flows


def telemock(*args: str) -> subprocess.CompletedProcess[str]:
    """The real command, as its own process."""
    return subprocess.run([sys.executable, "-m", "telemock", *args], check=False, cwd=REPO, capture_output=True, text=True, timeout=60)


def telemock_here(*args: str) -> subprocess.CompletedProcess[str]:
    """The same command run in this process (no interpreter start-up), with the same result shape."""
    result = CliRunner().invoke(main, list(args))
    return subprocess.CompletedProcess(list(args), result.exit_code, result.stdout, result.stderr)


def test_export_then_import_restores_the_exported_state(tmp_path: Path) -> None:
    live: LiveServer = start_server(Config(providers=["voipbin", "gigs"], log_requests=False))
    try:
        client = live.client("/voipbin/v1.0", params=VOIPBIN_KEY)
        flow = client.post("/flows", json={"name": "exported", **FLOW}).json()
        exported_state = live.admin().get("/state").json()
        snapshot = tmp_path / "snapshot.json"

        done = telemock("state", "export", str(snapshot), "--url", live.url)
        assert done.returncode == 0, done.stderr
        written = json.loads(snapshot.read_text())
        assert set(written) >= {"clock", "providers", "webhook_endpoints"}
        assert flow["id"] in voipbin_flows(written)

        live.admin().post("/reset").raise_for_status()
        assert client.get(f"/flows/{flow['id']}").status_code == 404

        done = telemock_here("state", "import", str(snapshot), "--url", live.url)
        assert done.returncode == 0, done.stderr
        assert "imported gigs, voipbin" in done.stderr
        assert client.get(f"/flows/{flow['id']}").json()["name"] == "exported"
        now = live.admin().get("/state").json()
        assert now["providers"] == exported_state["providers"]
        assert now["webhook_endpoints"] == exported_state["webhook_endpoints"]
    finally:
        live.stop()


def test_a_refused_import_changes_nothing(tmp_path: Path) -> None:
    live: LiveServer = start_server(Config(providers=["voipbin", "gigs"], log_requests=False))
    try:
        before = live.admin().get("/state").json()
        bad = json.loads(json.dumps(before))
        for tenant in bad["providers"]["voipbin"]["tenants"].values():
            tenant["flows"] = {}  # this part alone would load…
        bad["providers"] = {"voipbin": bad["providers"]["voipbin"], "gigs": {"tenants": {"demo": {"api_keys": 5}}}}
        snapshot = tmp_path / "bad.json"
        snapshot.write_text(json.dumps(bad))  # …but the gigs part cannot, so nothing may change

        done = telemock_here("state", "import", str(snapshot), "--url", live.url)
        assert done.returncode == 1
        assert "HTTP 400" in done.stderr and "cannot be loaded" in done.stderr
        assert live.admin().get("/state").json()["providers"] == before["providers"]

        not_json = tmp_path / "not.json"
        not_json.write_text("{ not json")
        done = telemock_here("state", "import", str(not_json), "--url", live.url)
        assert done.returncode == 1 and "not JSON" in done.stderr
        assert live.admin().get("/state").json()["providers"] == before["providers"]
    finally:
        live.stop()


def test_export_to_an_unreachable_server_fails_without_leaving_a_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    done = telemock_here("state", "export", str(target), "--url", "http://127.0.0.1:9")
    assert done.returncode == 1 and "127.0.0.1:9" in done.stderr
    assert not target.exists()
