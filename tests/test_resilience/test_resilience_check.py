"""check_resilience against careful and careless clients, on an emulator in this process."""

from __future__ import annotations

from typing import Any, Iterator

import pytest

from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.resilience import ResilienceReport, check_resilience
from telemock.emulator import Config, create_app

from . import clients

VOIPBIN_AUTH = {"params": {"accesskey": "voipbin_demo_accesskey"}}
GIGS_AUTH = {"headers": {"Authorization": "Bearer gigs_demo_key"}}


@pytest.fixture(scope="module")
def control() -> Iterator[LocalControl]:
    local = LocalControl(create_app(Config(providers=["voipbin", "gigs"])))
    yield local
    local.close()


def check(control: LocalControl, provider: str, scenario: Any, **options: Any) -> ResilienceReport:
    auth = VOIPBIN_AUTH if provider == "voipbin" else GIGS_AUTH
    options.setdefault("timeout", 2)
    return check_resilience(control, provider, scenario, base_url=f"{control.base_url}/{provider}", credentials=auth, **options)


def test_a_careful_client_handles_every_fault(control):
    before = control.state()["providers"]["voipbin"]["tenants"]
    report = check(control, "voipbin", clients.voipbin_careful)
    assert report.ok, report.render()
    assert [s.operation for s in report.steps] == ["numbers_list", "numbers_create", "numbers_list"]
    assert report.runs >= 10 and report.not_checked == []
    assert "every fault was handled" in report.render()
    assert control.state()["providers"]["voipbin"]["tenants"] == before  # the check leaves the state as it found it
    assert control.call("GET", "/faults")["faults"] == []


def test_a_retry_before_retry_after_passed_is_reported_with_the_timing(control):
    report = check(control, "voipbin", clients.retries_at_once, faults=["429 Retry-After"], retry_after=1)
    [failure] = report.failures
    assert failure.fault == "429 Retry-After" and failure.step is not None and failure.step.number == 1
    text = failure.render()
    assert "after a 429 that said Retry-After: 1; it should wait at least 1 s" in text
    assert "#1 GET /voipbin/v1.0/numbers?accesskey=**** → 429   ← the fault" in text
    assert "#2 GET /voipbin/v1.0/numbers?accesskey=**** → 200" in text


def test_a_client_that_gives_up_on_the_first_failure_is_reported_unless_it_says_it_does_not_retry(control):
    report = check(control, "voipbin", clients.never_retries,
                   faults=["429 Retry-After", "503 on a read", "dropped connection on a read"])
    assert [f.fault for f in report.failures] == ["429 Retry-After", "503 on a read", "dropped connection on a read"]
    assert "gave up on the first 429 (it raised HTTPStatusError" in report.failures[0].problem
    assert "did not retry (it raised RemoteProtocolError" in report.failures[2].problem
    quiet = check(control, "voipbin", clients.never_retries, retries=False,
                  faults=["429 Retry-After", "503 on a read", "dropped connection on a read"])
    assert quiet.ok, quiet.render()


def test_unbounded_retries_and_retried_4xx_are_reported(control):
    report = check(control, "voipbin", clients.retries_forever, retries=False,
                   faults=["503 that does not pass", "422 not retried", "401 not retried"])
    assert [f.fault for f in report.failures] == ["503 that does not pass", "422 not retried", "401 not retried"]
    assert "it did not return within 2 s while every answer failed" in report.failures[0].problem
    assert "retries must be bounded (at most 10 attempts)" in report.failures[0].problem
    assert "the client repeated a request answered 422" in report.failures[1].problem
    assert "… " in report.failures[1].render() and "more" in report.failures[1].render()


def test_a_double_purchase_after_a_lost_answer_is_reported_with_its_requests(control):
    report = check(control, "voipbin", clients.voipbin_buys_again, faults=["lost answer to a create"])
    [failure] = report.failures
    assert "created the resource twice after the answer was lost: numbers: 5 (4 without it)" in failure.problem
    assert "numbers_create takes no idempotency key: after a lost answer, look (list or get)" in failure.problem
    text = failure.render()
    assert "#2 POST /voipbin/v1.0/numbers?accesskey=**** → 0   ← the fault" in text
    assert "#3 POST /voipbin/v1.0/numbers?accesskey=**** → 200" in text


def test_gigs_retries_must_reuse_the_idempotency_key(control):
    assert check(control, "gigs", clients.gigs_reuses_key, faults=["lost answer to a create"]).ok
    report = check(control, "gigs", clients.gigs_new_key, faults=["lost answer to a create"])
    [failure] = report.failures
    assert "virtual_numbers: 4 (3 without it)" in failure.problem
    assert "the retry must reuse the Idempotency-Key of the lost request" in failure.problem


def test_a_client_without_a_timeout_is_reported_not_awaited(control):
    report = check(control, "voipbin", clients.no_timeout, faults=["slow answer"], timeout=1, slow=1.5)
    [failure] = report.failures
    assert "it did not return within 1 s on an answer that took 1.5 s; set a timeout" in failure.problem
    assert check(control, "voipbin", clients.voipbin_careful, faults=["slow answer"], timeout=3).ok


def test_a_check_that_exercised_nothing_fails_and_says_why(control):
    nothing = check(control, "voipbin", clients.makes_no_request)
    assert not nothing.ok and "made no request to the provider: nothing was exercised" in nothing.render()
    refused = check(control, "voipbin", clients.wrong_credentials)
    assert "no request of the scenario succeeded (answers: 401)" in refused.render() and refused.runs == 1


def test_faults_that_do_not_apply_are_listed_not_checked(control):
    report = check(control, "voipbin", clients.never_retries, retries=False, faults=["lost answer to a create"])
    assert report.ok and report.not_checked == ["lost answer to a create: no step of the scenario it applies to"]
    with pytest.raises(LookupError, match="no fault called 'nope'"):
        check(control, "voipbin", clients.never_retries, faults=["nope"])


def test_on_a_shared_server_the_faults_reach_only_the_tests_own_tenant(server_factory):
    import uuid

    from telemock.contracts.kit.control import RemoteControl

    live = server_factory(Config(auto_tenants=True, providers=["voipbin"]))
    remote = RemoteControl(live.url)
    tenant = str(uuid.uuid4())
    neighbour = live.client("/voipbin", params={"accesskey": str(uuid.uuid4())})
    report = check_resilience(remote, "voipbin", clients.voipbin_buys_again, base_url=f"{live.url}/voipbin",
                              credentials={"params": {"accesskey": tenant}}, tenant=tenant, timeout=3,
                              faults=["503 on a read", "lost answer to a create"])
    assert [f.fault for f in report.failures] == ["lost answer to a create"]
    assert "numbers: 2 (1 without it)" in report.failures[0].problem  # the fresh tenant's own numbers only
    assert all(e["tenant"] == tenant for e in remote.journal(provider="voipbin") if "fault" in str(e["marks"]))
    assert neighbour.get("/v1.0/numbers").status_code == 200 and remote.call("GET", "/faults")["faults"] == []
    remote.close()
