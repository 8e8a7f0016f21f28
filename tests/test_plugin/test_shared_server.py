"""Several pytest-xdist workers against one `telemock serve`, as a CI job runs them: tests that
create, list and delete state never see each other's, run after run."""

from __future__ import annotations

import time

import httpx
import pytest
from test_security.process import ServerProcess

USER_TESTS = '''
import pytest


@pytest.mark.telemock(strict=True)
@pytest.mark.parametrize("n", range(4))
def test_voipbin_numbers_are_my_own(telemock, n):
    client = telemock.voipbin.client()
    assert client.get("/v1.0/numbers").json()["result"] == []
    number = f"+89912300{n:04d}"
    created = client.post("/v1.0/numbers", json={"number": number, "type": "virtual"}).raise_for_status().json()
    assert [x["number"] for x in client.get("/v1.0/numbers").json()["result"]] == [number]
    client.delete(f"/v1.0/numbers/{created['id']}").raise_for_status()
    assert client.get("/v1.0/numbers").json()["result"] == []
    assert list(telemock.voipbin.state()) == [telemock.voipbin.tenant]
    assert {e["tenant"] for e in telemock.journal()} == {telemock.voipbin.tenant}


@pytest.mark.telemock(strict=True)
@pytest.mark.parametrize("n", range(4))
def test_voiceos_agents_are_my_own(telemock, n):
    client = telemock.voiceos.client()
    assert client.get("/agents").json()["items"] == []
    agent = client.post("/agents", json={"prompt": f"agent {n}"}).raise_for_status().json()
    assert [a["id"] for a in client.get("/agents").json()["items"]] == [agent["id"]]
    client.delete(f"/agents/{agent['id']}").raise_for_status()
    assert client.get("/agents").json()["items"] == []


@pytest.mark.telemock(strict=True)
@pytest.mark.parametrize("n", range(4))
def test_gigs_virtual_numbers_are_my_own(telemock, n):
    client = telemock.gigs.client()
    project = f"/projects/{telemock.gigs.tenant}"
    subscription = client.get(f"{project}/subscriptions").json()["items"][0]["id"]
    assert client.get(f"{project}/virtualNumbers").json()["items"] == []
    created = client.post(f"{project}/virtualNumbers", json={"subscription": subscription})
    assert created.status_code == 201, created.text
    listed = client.get(f"{project}/virtualNumbers").json()["items"]
    assert [v["id"] for v in listed] == [created.json()["id"]]
    assert client.post(f"{project}/virtualNumbers/{listed[0]['id']}/cancel").status_code == 200


@pytest.mark.parametrize("n", range(2))
def test_a_sloppy_client_elsewhere(telemock, n):
    """Not strict: its contract violations must not fail the strict tests running beside it."""
    client = telemock.voipbin.client()
    for _ in range(3):
        assert client.get("/v1.0/numbers", params={"page_size": "ten"}).status_code == 400
'''

RUNS = 5


@pytest.fixture
def shared_server(tmp_path):
    server = ServerProcess.serve("--auto-tenants", "--log-level", "warning", log_dir=tmp_path)
    yield server
    server.stop()


@pytest.mark.timeout(900)  # five pytest sessions of four workers each
def test_xdist_workers_share_one_server_without_interfering(pytester, shared_server):
    pytester.makepyfile(test_user=USER_TESTS)
    figures = []
    for run in range(RUNS):
        started = time.monotonic()
        result = pytester.runpytest_subprocess(
            "-p", "no:cacheprovider", "-n", "4", f"--telemock-url={shared_server.url}", timeout=300,
        )
        figures.append((result.parseoutcomes(), round(time.monotonic() - started, 1)))
        result.assert_outcomes(passed=14)
    print(f"{RUNS} runs of 14 tests, -n 4, one server:", figures)
    assert "Traceback" not in shared_server.stderr()
    # Every test dropped its tenants when it ended: only the demo tenants are left.
    tenants = httpx.get(f"{shared_server.url}/_telemock/health", timeout=10).json()["providers"]
    assert {name: p["tenants"] for name, p in tenants.items()} == {"gigs": 1, "signalwire": 1, "voiceos": 1, "voipbin": 1}


def test_a_server_that_cannot_isolate_parallel_tests_is_refused_in_one_line(pytester, tmp_path):
    server = ServerProcess.serve("--log-level", "warning", log_dir=tmp_path)  # no --auto-tenants
    try:
        pytester.makepyfile(test_user="def test_one(telemock):\n    pass\n")
        result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "2", f"--telemock-url={server.url}", timeout=120)
    finally:
        server.stop()
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    errors = [line for line in result.stderr.lines if line.startswith("ERROR:")]
    assert errors == [f"ERROR: --telemock-url {server.url}: this server cannot isolate parallel tests: start it with "
                      "--auto-tenants (TELEMOCK_AUTO_TENANTS=true) so each test gets tenants of its own, or run without -n"]
    assert "Traceback" not in result.stdout.str() + result.stderr.str()
