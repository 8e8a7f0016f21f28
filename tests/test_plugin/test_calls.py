"""`telemock.calls(...)` and `telemock.assert_called(...)` as a user meets them: real pytest sessions
against the in-process emulator and against a shared server, where a test sees only its own calls."""

from __future__ import annotations

import httpx
import pytest

from telemock.emulator import Config

PLUGIN = ["-p", "no:cacheprovider", "-p", "no:xdist"]

CALLS = '''
import pytest


def test_calls_are_objects_with_parsed_bodies(telemock):
    client = telemock.voipbin.client()
    client.get("/v1.0/numbers")
    client.post("/v1.0/numbers", json={"number": "+899100000701", "type": "virtual"}).raise_for_status()
    [call] = telemock.voipbin.calls("numbers_create")
    assert (call.method, call.path, call.status) == ("POST", "/voipbin/v1.0/numbers", 200)
    assert call.body == {"number": "+899100000701", "type": "virtual"}
    assert call.response.body["number"] == "+899100000701"
    assert call.tenant == telemock.voipbin.tenant and call.violations == []
    assert call.query["accesskey"] == ["****"]
    assert [c.operation for c in telemock.calls()] == ["numbers_list", "numbers_create"]
    matched = telemock.assert_called("numbers_create", times=1, tenant=telemock.voipbin.tenant,
                                     body_contains={"type": "virtual"})
    assert matched == [call]
    telemock.voipbin.assert_called("numbers_list", times=1)
    telemock.voipbin.assert_called("numbers_create", body_contains="+899100000701")
    telemock.voipbin.assert_called("numbers_delete", times=0)


def test_other_body(telemock):
    telemock.voipbin.client().post("/v1.0/numbers", json={"number": "+899100000702", "type": "normal"})
    telemock.voipbin.assert_called("numbers_create", body_contains={"type": "virtual"})


def test_other_method(telemock):
    telemock.voipbin.client().get("/v1.0/numbers")
    telemock.voipbin.assert_called("numbers_create")


def test_other_tenant(telemock):
    telemock.seed({"voipbin": {"customers": [{"tenant": "other", "accesskeys": [{"key": "k-other"}]}]}})
    client = telemock.voipbin.client(params={"accesskey": "k-other"})
    client.post("/v1.0/numbers", json={"number": "+899100000703", "type": "virtual"}).raise_for_status()
    telemock.assert_called("numbers_create", tenant=telemock.voipbin.tenant)


def test_too_often(telemock):
    client = telemock.voipbin.client()
    client.get("/v1.0/numbers")
    client.get("/v1.0/numbers")
    telemock.voipbin.assert_called("numbers_list", times=1)


def test_nothing_called(telemock):
    telemock.voipbin.assert_called("numbers_create")


def test_unknown_operation(telemock):
    with pytest.raises(LookupError, match="documents no operation 'numbers_buy'"):
        telemock.voipbin.assert_called("numbers_buy")
'''


def sections(result: pytest.RunResult) -> dict[str, str]:
    """Each failed test's section of the report, by test name."""
    text = result.stdout.str()
    found = {}
    for name in ("test_other_body", "test_other_method", "test_other_tenant", "test_too_often", "test_nothing_called"):
        start = text.index(f"_ {name} _")
        end = text.find("\n___", start + 1)
        found[name] = text[start:end if end != -1 else len(text)]
    return found


def test_calls_and_readable_failures_in_process(pytester):
    pytester.makepyfile(test_user=CALLS)
    result = pytester.runpytest_subprocess(*PLUGIN, "--telemock-provider", "voipbin", timeout=120)
    result.assert_outcomes(passed=2, failed=5)
    failed = sections(result)
    body = failed["test_other_body"]
    assert "expected numbers_create to be called with a body containing {\"type\": \"virtual\"}" in body
    assert "it was called once, never like that" in body
    assert "near misses" in body and "body/type is \"normal\", expected \"virtual\"" in body
    method = failed["test_other_method"]
    assert "it was never called" in method
    assert "same path, other method (the operation is POST)" in method
    assert "GET /voipbin/v1.0/numbers" in method and "numbers_list" in method
    tenant = failed["test_other_tenant"]
    assert "tenant 'other', not" in tenant
    too_often = failed["test_too_often"]
    assert "expected numbers_list to be called once; it was called twice" in too_often
    assert too_often.count("GET /voipbin/v1.0/numbers") >= 2
    assert "the test made no request to telemock" in failed["test_nothing_called"]


SHARED = '''
def test_only_my_calls(telemock):
    client = telemock.voipbin.client()
    client.post("/v1.0/numbers", json={"number": "+899100000801", "type": "virtual"}).raise_for_status()
    calls = telemock.calls()
    assert [(c.operation, c.tenant) for c in calls] == [("numbers_create", telemock.voipbin.tenant)]
    telemock.voipbin.assert_called("numbers_create", times=1, tenant=telemock.voipbin.tenant)


def test_a_miss_lists_only_my_calls(telemock):
    telemock.voipbin.client().get("/v1.0/numbers")
    telemock.voipbin.assert_called("numbers_create")
'''


def test_against_a_shared_server_a_test_sees_only_its_own_calls(pytester, server_factory):
    shared = server_factory(Config(auto_tenants=True, providers=["voipbin"]))
    stranger = httpx.Client(base_url=f"{shared.url}/voipbin", params={"accesskey": "someone-else"})
    with stranger:
        # Another job's requests on the same server, before and while these tests run.
        stranger.post("/v1.0/numbers", json={"number": "+899100000900", "type": "virtual"}).raise_for_status()
        pytester.makepyfile(test_user=SHARED)
        result = pytester.runpytest_subprocess(*PLUGIN, f"--telemock-url={shared.url}", timeout=120)
    result.assert_outcomes(passed=1, failed=1)
    text = result.stdout.str()
    assert "same path, other method" in text and "GET /voipbin/v1.0/numbers" in text
    assert "someone-else" not in text and "+899100000900" not in text and "POST /voipbin" not in text
