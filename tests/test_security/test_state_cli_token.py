"""`telemock state export` reaches a control API protected by an admin token (TELEMOCK_ADMIN_TOKEN)."""

from __future__ import annotations

import os
import subprocess
import sys

from telemock.emulator import Config


def test_state_export_sends_the_admin_token(server_factory, tmp_path):
    live = server_factory(Config(providers=["voipbin"], admin_token="s3cret-admin"))
    target = tmp_path / "snapshot.json"
    command = [sys.executable, "-m", "telemock", "state", "export", str(target), "--url", live.url]
    refused = subprocess.run(command, capture_output=True, text=True, timeout=60,
                             env={k: v for k, v in os.environ.items() if k != "TELEMOCK_ADMIN_TOKEN"})
    assert refused.returncode != 0 and "401" in refused.stderr
    allowed = subprocess.run(command, capture_output=True, text=True, timeout=60,
                             env=os.environ | {"TELEMOCK_ADMIN_TOKEN": "s3cret-admin"})
    assert allowed.returncode == 0, allowed.stderr
    assert '"voipbin"' in target.read_text()
