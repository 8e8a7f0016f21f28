"""check_resilience from a user's own project: the plugin's handle under pytest, and the command line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

CLIENTS = Path(__file__).with_name("clients.py")

USER_TESTS = '''
from telemock.contracts.kit.resilience import ResilienceError
import pytest

import clients


def test_careful(telemock):
    report = telemock.voipbin.check_resilience(clients.voipbin_careful, faults=["429 Retry-After", "lost answer to a create"])
    assert report.runs == 4  # without faults, 429 on each of the two operations, the lost answer


def test_careless(telemock):
    with pytest.raises(ResilienceError) as caught:
        telemock.voipbin.check_resilience(clients.voipbin_buys_again, faults=["lost answer to a create"])
    assert "created the resource twice" in str(caught.value)


def test_careless_without_catching(telemock):
    telemock.voipbin.check_resilience(clients.never_retries, faults=["503 on a read"])
'''


@pytest.mark.timeout(300)
def test_the_plugin_handle_runs_the_check_in_a_user_project(pytester):
    shutil.copy(CLIENTS, pytester.path / "clients.py")
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin",
                                           "--telemock-timeout", "3", timeout=240)
    result.assert_outcomes(passed=2, failed=1)
    result.stdout.fnmatch_lines(["*[[]503 on a read[]] at step 1 (GET /voipbin/v1.0/numbers, numbers_list): the client did not retry*",
                                 "*should: retry a failed read a bounded number of times*"])


def run_cli(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "telemock", "check", "resilience", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=240, check=False)


@pytest.mark.timeout(300)
def test_the_command_line_exit_codes(tmp_path):
    shutil.copy(CLIENTS, tmp_path / "clients.py")
    clean = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:voipbin_careful",
                    "--fault", "lost answer to a create", "--timeout", "3")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "voipbin resilience: 3 steps, 2 runs" in clean.stdout and "every fault was handled" in clean.stdout
    failing = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:voipbin_buys_again",
                      "--fault", "lost answer to a create")
    assert failing.returncode == 1 and "[lost answer to a create] at step 2" in failing.stdout
    missing = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:nope")
    assert missing.returncode == 2 and "Error: --scenario: 'clients' has no 'nope'" in missing.stderr
    unknown = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:never_retries", "--fault", "x")
    assert unknown.returncode == 2 and "Error: --fault: no fault called 'x'" in unknown.stderr


@pytest.mark.timeout(300)
def test_the_command_line_against_a_running_telemock(tmp_path, server):
    shutil.copy(CLIENTS, tmp_path / "clients.py")
    remote = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:voipbin_buys_again", "--url", server.url,
                     "--fault", "lost answer to a create")
    assert remote.returncode == 1 and "[lost answer to a create] at step 2" in remote.stdout
    assert server.admin().get("/faults").json()["faults"] == []  # the check removed its rules
    numbers = server.admin().get("/state").json()["providers"]["voipbin"]["tenants"]["demo"]["numbers"]
    assert len(numbers) == 3  # and put the state back
    nobody = run_cli(tmp_path, "--provider", "voipbin", "--scenario", "clients:voipbin_careful", "--url", "http://127.0.0.1:9")
    assert nobody.returncode == 2 and nobody.stderr.startswith("Error: --url:")
