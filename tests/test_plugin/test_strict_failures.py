"""A strict test whose own code fails first still shows the contract diff in its failure."""

from __future__ import annotations

USER_TESTS = '''
import pytest


def buy(client, number, kind):
    response = client.post("/v1.0/numbers", json={"number": number, "type": kind})
    response.raise_for_status()
    return response.json()


@pytest.mark.telemock(strict=True)
def test_the_client_fails_after_breaking_the_contract(telemock):
    client = telemock.voipbin.client()
    buy(client, "+15550101010", "virtul")  # lenient provider: 200, but the contract says no
    client.get("/v1.0/numbers/not-a-uuid").raise_for_status()  # the client's own error ends the test


@pytest.mark.telemock(strict=True)
def test_an_assertion_fails_after_breaking_the_contract(telemock):
    client = telemock.voipbin.client()
    buy(client, "+15550101011", "virtul")
    assert client.get("/v1.0/numbers").json()["result"] == []


def test_not_strict(telemock):
    client = telemock.voipbin.client()
    buy(client, "+15550101012", "virtul")
    assert False, "the test's own failure"
'''


def test_the_diff_is_in_the_failure_when_the_test_body_fails_first(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin",
                                           timeout=120)
    result.assert_outcomes(failed=3)
    output = result.stdout.str().split("short test summary info")[0]  # on CI pytest prints whole messages there
    sections = output.split("_ test_")
    client_error = next(s for s in sections if s.startswith("the_client_fails"))
    assertion = next(s for s in sections if s.startswith("an_assertion_fails"))
    not_strict = next(s for s in sections if s.startswith("not_strict"))
    for failed_first in (client_error, assertion):
        assert "the client broke the documented contract" in failed_first
        assert "POST /voipbin/v1.0/numbers → 200  [voipbin numbers_create]" in failed_first
        assert '- body/type: "virtul" is not one of' in failed_first
    assert "HTTPStatusError" in client_error and "AssertionError" in assertion  # the test's own error stays first
    assert "the client broke the documented contract" not in not_strict
