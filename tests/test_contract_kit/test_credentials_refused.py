"""`telemock check server` never passes a run that got nowhere: against a real `telemock serve`,
missing or wrong credentials fail with one line and exit 2, and the summary shows per operation
how many cases reached a 2xx."""

from __future__ import annotations

import subprocess
import sys

import pytest
from test_security.process import ServerProcess

from telemock.contracts.kit.server_check import check_server

OPERATIONS = ["--operation", "numbers_list", "--operation", "numbers_get", "--examples", "4"]


@pytest.fixture(scope="module")
def voipbin(tmp_path_factory):
    server = ServerProcess.serve("--provider", "voipbin", "--log-level", "warning", log_dir=tmp_path_factory.mktemp("serve"))
    yield f"{server.url}/voipbin"
    server.stop()


def check(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "telemock", "check", "server", "--provider", "voipbin", "--url", url, *OPERATIONS, *args],
        capture_output=True, text=True, timeout=300,
    )


@pytest.mark.parametrize("credentials", [[], ["--query", "accesskey=not-a-key"]], ids=["none", "wrong"])
def test_refused_credentials_fail_the_run_with_one_line(voipbin, credentials):
    result = check(voipbin, *credentials)
    assert result.returncode == 2, result.stdout + result.stderr
    *progress, error = result.stderr.strip().splitlines()
    assert error == (
        "Error: credentials were refused on 8 of 8 cases: pass --basic/--header/--query "
        "(and --path-param where the path names the tenant)"
    )
    assert len(progress) == 4 and all(line.startswith("check server voipbin [") for line in progress)  # a line per run
    assert "numbers_list  positive    4 cases,    0 2xx  (never reached a 2xx)" in result.stdout
    assert "never reached a 2xx with valid data: numbers_list, numbers_get" in result.stdout
    assert "Traceback" not in result.stderr


def test_working_credentials_show_the_2xx_reached_per_operation(voipbin):
    result = check(voipbin, "--query", "accesskey=voipbin_demo_accesskey")
    assert result.returncode == 0, result.stdout + result.stderr
    rows = {tuple(line.split()[1:3]): line for line in result.stdout.splitlines() if line.startswith("  ok")}
    reached = int(rows[("numbers_list", "positive")].split("cases,")[1].split()[0])
    assert reached > 0  # valid cases got past authentication and were answered 200
    assert "credentials were refused" not in result.stdout + result.stderr


def test_the_python_api_does_not_call_a_refused_run_ok(voipbin):
    report = check_server(voipbin, "voipbin", operations=["numbers_list"], max_examples=3, modes=["positive"])
    assert all(r.outcome == "passed" for r in report.results)  # every answer was a documented 401 ...
    assert not report.ok  # ... but nothing was checked past authentication
    assert report.credentials_refused == (3, 3)
    assert report.never_reached == ["numbers_list"]
