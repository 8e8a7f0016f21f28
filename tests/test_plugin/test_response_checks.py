"""Property-based response checks: faulty clients are caught and shrunk, correct ones pass."""

from __future__ import annotations

import httpx
import pytest

from telemock.contracts.kit.checks import ResponseHandlingError, check_response_handling
from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.strategies import events, request_bodies, responses
from telemock.contracts.validate import contract_for
from telemock.emulator import Config, create_app

KEY = {"accesskey": "voipbin_demo_accesskey"}
NUMBER = "0b266038-844b-11ec-97d8-63ba531361ce"
STATUS_LABELS = {"active": "Active", "deleted": "Gone"}  # forgets purchase-pending and suspended
# A fresh connection per call: this module's tests share one server, and between them (other modules' tests run
# in between on a worker) a pooled connection can sit idle up to the server's keep-alive timeout and be closed
# just as it is reused, which the check rightly reports as the client failing ("Server disconnected").
http = httpx.Client(timeout=10, limits=httpx.Limits(max_keepalive_connections=0))


@pytest.fixture(scope="module")
def control():
    control = LocalControl(create_app(Config(providers=["voipbin"])))
    yield control
    control.close()


def first_number_name(base_url: str) -> str:
    """A client that assumes a page always has an item."""
    page = http.get(f"{base_url}/voipbin/v1.0/numbers", params=KEY).json()
    return page["result"][0]["name"]


def careful_first_number_name(base_url: str) -> str | None:
    response = http.get(f"{base_url}/voipbin/v1.0/numbers", params=KEY)
    if response.status_code != 200:
        return None
    result = response.json()["result"]
    return result[0]["name"] if result else None


def status_label(base_url: str) -> str:
    """A client that maps only the statuses it has seen in practice."""
    number = http.get(f"{base_url}/voipbin/v1.0/numbers/{NUMBER}", params=KEY).json()
    return STATUS_LABELS[number["status"]]


def test_a_client_that_assumes_a_non_empty_page_is_caught_and_shrunk(control):
    with pytest.raises(ResponseHandlingError) as caught:
        check_response_handling(
            control, "voipbin", "numbers_list", lambda r: first_number_name(control.base_url),
            statuses=[200], max_examples=40, seed=3,
        )
    failure = caught.value
    assert failure.response.status == 200
    assert failure.response.body["result"] == []
    assert "IndexError" in str(failure) and '"result": []' in str(failure)


def test_a_client_that_forgets_an_enum_value_is_caught(control):
    with pytest.raises(ResponseHandlingError) as caught:
        check_response_handling(
            control, "voipbin", "numbers_get", lambda r: status_label(control.base_url),
            statuses=[200], max_examples=60, seed=5,
        )
    assert caught.value.response.body["status"] in ("purchase-pending", "suspended")
    assert "KeyError" in str(caught.value)


def test_a_client_that_does_not_check_errors_is_caught(control):
    with pytest.raises(ResponseHandlingError) as caught:
        check_response_handling(
            control, "voipbin", "numbers_list", lambda r: first_number_name(control.base_url),
            max_examples=60, seed=11,
        )
    assert caught.value.response.status in (200, 400, 401, 403)


def test_a_careful_client_passes_every_documented_response(control):
    seen: set[int] = set()

    def scenario(generated):
        seen.add(generated.status)
        careful_first_number_name(control.base_url)

    check_response_handling(control, "voipbin", "numbers_list", scenario, max_examples=80, seed=1)
    assert {200, 400, 401} <= seen


def test_the_stateful_answer_returns_after_the_check(control):
    check_response_handling(control, "voipbin", "numbers_list", lambda r: None, max_examples=5, seed=1)
    page = http.get(f"{control.base_url}/voipbin/v1.0/numbers", params=KEY).json()
    assert len(page["result"]) == 3


@pytest.mark.parametrize("provider", ["voipbin", "gigs", "signalwire", "voiceos"])
def test_generated_values_validate_against_the_spec(provider):
    from hypothesis import HealthCheck, given, settings

    contract = contract_for(provider)
    operation = next(op for op in contract.operations if op.method == "GET")

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(responses(provider, operation.operation_id))
    def check(generated):
        body = b"" if generated.content_type is None else httpx.Response(200, json=generated.body).content
        assert contract.check_response(operation.operation_id, generated.status, generated.content_type or "", body) == []

    check()


def test_request_and_event_strategies():
    from hypothesis import HealthCheck, given, settings

    contract = contract_for("voipbin")

    @settings(max_examples=20, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(request_bodies("voipbin", "numbers_create"), events("voipbin", "number_updated"))
    def check(body, event):
        import orjson

        _, violations = contract.check_request(
            "POST", "/v1.0/numbers", {"accesskey": ["k"]}, {"content-type": "application/json"}, orjson.dumps(body)
        )
        assert violations == []
        assert contract.check_event("number_updated", event) == []

    check()
    with pytest.raises(LookupError):
        responses("voipbin", "no_such_operation")


def test_a_client_that_crashes_on_a_null_is_caught():
    control = LocalControl(create_app(Config(providers=["voiceos"])))
    headers = {"Authorization": "Bearer voiceos_demo_key"}

    def agent_label() -> str:
        number = http.get(f"{control.base_url}/voiceos/phone_numbers/%2B14155550100", headers=headers).json()
        return number.get("inbound_agent_id", "none").upper()  # copes with absence, forgets null

    try:
        with pytest.raises(ResponseHandlingError) as caught:
            check_response_handling(control, "voiceos", "phone_numbers_get", lambda r: agent_label(),
                                    statuses=[200], max_examples=40, seed=2)
    finally:
        control.close()
    assert "inbound_agent_id" in caught.value.response.body
    assert caught.value.response.body["inbound_agent_id"] is None
    assert "AttributeError" in str(caught.value)
