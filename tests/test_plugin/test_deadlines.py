"""The deadline that guards response checks also guards stateful checks and receiver checks: a
client or a receiver that does not return is reported, in a user's own project, not awaited."""

from __future__ import annotations

import pytest

USER_TESTS = '''
import asyncio
import itertools

import httpx
import pytest
from starlette.applications import Starlette
from starlette.responses import Response
from starlette.routing import Route

from telemock.contracts.kit.stateful import ResourceAdapter, StatefulCheckError


class LoopingNumbers(ResourceAdapter):
    """A VoIPBIN client whose pager follows `next_page_token` forever (it ignores the empty page)."""

    def __init__(self, base_url):
        self.http = httpx.Client(base_url=base_url, params={"accesskey": "voipbin_demo_accesskey"})
        self.serial = itertools.count(1)

    def create(self, values):
        body = {"number": f"+899555{next(self.serial):06d}", "type": "virtual"}
        return self.http.post("/v1.0/numbers", json=body).raise_for_status().json()

    def list(self):
        found, token = [], None
        while True:
            page = self.http.get("/v1.0/numbers", params={"page_token": token} if token else {}).json()
            found += page["result"]
            token = page["next_page_token"] or None

    def records(self, tenant_state):
        return {i: n for i, n in tenant_state["numbers"].items() if n["status"] != "deleted"}

    def close(self):
        self.http.close()


def test_a_stateful_check_reports_a_client_that_never_returns(telemock):
    with pytest.raises(StatefulCheckError) as caught:
        telemock.voipbin.check_client_state(lambda: LoopingNumbers(telemock.voipbin.base_url), max_examples=5, seed=1)
    message = str(caught.value)
    assert "the client (list) did not return within 2 s" in message
    assert "list()" in message and "GET /voipbin/v1.0/numbers" in message


async def hang(request):
    await asyncio.sleep(3600)
    return Response(status_code=204)


def test_a_receiver_check_reports_a_receiver_that_never_answers(telemock):
    app = Starlette(routes=[Route("/hooks", hang, methods=["POST"])])
    with pytest.raises(AssertionError) as caught:
        telemock.voipbin.check_receiver(app, url="/hooks", secret="s3cr3t", examples=20)
    assert "[no-answer]" in str(caught.value)
    assert "the receiver did not return within 2 s; the check stopped there" in str(caught.value)
    assert "1 events, 1 deliveries" in str(caught.value)  # it stopped at the first silent delivery
'''


@pytest.mark.timeout(600)  # a user's session that waits out two deadlines, on a machine that may be busy
def test_stateful_and_receiver_checks_have_the_deadline(pytester):
    pytester.makepyfile(test_user=USER_TESTS)
    result = pytester.runpytest_subprocess(
        "-p", "no:cacheprovider", "-p", "no:xdist", "--telemock-provider", "voipbin", "--telemock-timeout", "2",
        timeout=300,
    )
    result.assert_outcomes(passed=2)
