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


def test_deliveries_and_webhook_endpoints_through_the_fixture(pytester):
    source = '''
import threading

from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route


def test_gigs_event_reaches_a_registered_receiver(telemock):
    received = []

    async def hook(request):
        received.append(await request.body())
        return Response(status_code=204)

    import socket, time, uvicorn
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(Starlette(routes=[Route("/hook", hook, methods=["POST"])]), log_config=None))
    threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
    while not server.started:
        time.sleep(0.01)
    endpoint = telemock.gigs.add_webhook_endpoint(f"http://127.0.0.1:{sock.getsockname()[1]}/hook")
    assert endpoint["secret"].startswith("whsec_")
    gigs = telemock.gigs.client()
    assert gigs.post("/projects/demo/virtualNumbers", json={"subscription": "sub_0SNlurA049MEWV2gSfSxi00xlPIi"}).status_code == 201
    delivered = telemock.gigs.deliveries(wait_for=1, timeout=10, status="succeeded")
    assert delivered and delivered[0]["type"] == "com.gigs.virtualNumber.created"
    assert received
    server.should_exit = True
'''
    pytester.makepyfile(test_hooks=source)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--telemock-provider", "gigs", timeout=120)
    result.assert_outcomes(passed=1)


def test_each_xdist_worker_has_its_own_emulator(pytester):
    source = '''
import pytest


@pytest.mark.parametrize("n", range(6))
def test_buy_the_same_number(telemock, n):
    client = telemock.voipbin.client()
    response = client.post("/v1.0/numbers", json={"number": "+899100000777", "type": "virtual"})
    assert response.status_code == 200, response.text  # no worker sees another's purchase
'''
    pytester.makepyfile(test_parallel=source)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--telemock-provider", "voipbin", "-n", "2", timeout=180)
    result.assert_outcomes(passed=6)


def test_a_client_omitting_a_required_field_fails_strict_mode(pytester):
    source = '''
import pytest


@pytest.mark.telemock(strict=True)
def test_flow_without_actions(telemock):
    client = telemock.voipbin.client()
    assert client.post("/v1.0/flows", json={"name": "n", "detail": "d"}).status_code == 200
'''
    pytester.makepyfile(test_required=source)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--telemock-provider", "voipbin", timeout=120)
    result.assert_outcomes(failed=1)
    assert "'actions' is a required property" in result.stdout.str() or '"actions" is a required property' in result.stdout.str()
