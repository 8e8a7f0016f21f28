"""The pytest plugin as a user meets it: run real pytest sessions (pytester) against user test files."""

from __future__ import annotations

import pytest

PLUGIN = ["-p", "no:cacheprovider", "--telemock-provider", "voipbin"]

STRICT_TESTS = '''
import httpx
import pytest


@pytest.mark.telemock(strict=True)
def test_misspelled_enum(telemock):
    client = telemock.voipbin.client()
    response = client.post("/v1.0/numbers", json={"number": "+15550101010", "type": "virtul"})
    assert response.status_code == 200  # the provider is lenient; the contract is not


@pytest.mark.telemock(strict=True)
def test_conforming_client(telemock):
    client = telemock.voipbin.client()
    response = client.post("/v1.0/numbers", json={"number": "+899100000555", "type": "virtual"})
    assert response.status_code == 200


def test_not_strict(telemock):
    client = telemock.voipbin.client()
    assert client.get("/v1.0/numbers", params={"page_size": "ten"}).status_code == 400
'''


def run(pytester: pytest.Pytester, source: str, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    return pytester.runpytest_subprocess(*PLUGIN, "-p", "no:xdist", *args, timeout=120)


def test_strict_marker_fails_with_a_readable_diff_and_spares_correct_clients(pytester):
    result = run(pytester, STRICT_TESTS, "--telemock-profile", "voipbin=documented")
    result.assert_outcomes(passed=2, failed=1)
    output = result.stdout.str()
    assert "test_misspelled_enum" in output
    assert "the client broke the documented contract" in output
    assert "body/type" in output and '"virtul"' in output
    assert "numbers_create" in output


def test_strict_option_applies_to_every_test(pytester):
    result = run(pytester, STRICT_TESTS, "--telemock-strict")
    result.assert_outcomes(passed=1, failed=2)
    assert "query.page_size" in result.stdout.str()


def test_state_is_reset_between_tests_and_seeding_is_per_test(pytester):
    source = '''
def test_first_buys(telemock):
    client = telemock.voipbin.client()
    client.post("/v1.0/numbers", json={"number": "+899100000600", "type": "virtual"}).raise_for_status()
    telemock.seed({"voipbin": {"customers": [{"tenant": "extra", "accesskeys": [{"key": "k-extra"}]}]}})
    assert client.get("/v1.0/numbers", params={"accesskey": "k-extra"}).json()["result"] == []


def test_second_sees_the_fixtures_only(telemock):
    client = telemock.voipbin.client()
    numbers = [n["number"] for n in client.get("/v1.0/numbers").json()["result"]]
    assert "+899100000600" not in numbers and len(numbers) == 3
    assert "extra" not in telemock.voipbin.state()
    assert len(telemock.journal()) == 1
'''
    run(pytester, source).assert_outcomes(passed=2)


def test_clock_and_in_process_async_client(pytester):
    source = '''
import pytest


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.mark.anyio
async def test_async_in_process(telemock):
    telemock.clock.freeze()
    before = telemock.clock.now()
    telemock.clock.advance(3600)
    async with telemock.voipbin.async_client() as client:
        response = await client.get("/v1.0/numbers")
    assert response.status_code == 200
    assert telemock.clock.now() > before
    assert telemock.app is not None
'''
    run(pytester, source).assert_outcomes(passed=1)


def test_against_an_external_server(pytester, server):
    source = '''
def test_remote(telemock):
    assert telemock.app is None
    client = telemock.voipbin.client()
    assert client.get("/v1.0/numbers").status_code == 200
    assert telemock.voipbin.journal()[-1]["operation"] == "numbers_list"
'''
    result = run(pytester, source, f"--telemock-url={server.url}")
    result.assert_outcomes(passed=1)
    assert server.admin().get("/journal").json()["entries"][-1]["operation"] == "numbers_list"
