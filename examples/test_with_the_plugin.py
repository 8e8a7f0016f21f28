"""A user's tests with telemock's pytest plugin (active once telemock is installed)."""

import httpx
import pytest


def release_number(client: httpx.Client, number_id: str) -> None:
    """The code under test: release a SignalWire number, treating 404 as already released."""
    response = client.delete(f"/api/relay/rest/phone_numbers/{number_id}")
    if response.status_code not in (204, 404):
        response.raise_for_status()


@pytest.mark.telemock(strict=True)  # fails the test if the client breaks the documented contract
def test_buy_then_release_after_the_window(telemock):
    signalwire = telemock.signalwire.client()  # a real socket, demo credentials preset
    offered = signalwire.get("/api/relay/rest/phone_numbers/search", params={"areacode": "503"}).json()["data"]
    number = signalwire.post("/api/relay/rest/phone_numbers", json={"number": offered[0]["number"]}).json()

    too_soon = signalwire.delete(f"/api/relay/rest/phone_numbers/{number['id']}")
    assert too_soon.status_code == 422  # SignalWire refuses releases within 14 days of purchase

    telemock.clock.advance(15 * 24 * 3600)  # fifteen days of virtual time, instantly
    release_number(signalwire, number["id"])
    assert signalwire.get(f"/api/relay/rest/phone_numbers/{number['id']}").status_code == 404


def test_my_client_survives_every_documented_list_response(telemock):
    """Hypothesis serves generated, documented-valid responses; a crash is shrunk and reported."""
    client = telemock.voipbin.client()

    def count_numbers(generated):
        response = client.get("/v1.0/numbers")
        if response.status_code == 200:
            assert len(response.json()["result"]) >= 0

    telemock.voipbin.check_responses("numbers_list", count_numbers, max_examples=25)
