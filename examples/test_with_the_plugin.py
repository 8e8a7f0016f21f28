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


def all_numbers(client: httpx.Client) -> list[dict]:
    """The code under test: every VoIPBIN number, page by page (the list ends with an empty page)."""
    numbers, token = [], None
    while True:
        response = client.get("/v1.0/numbers", params={"page_token": token} if token else {})
        response.raise_for_status()
        page = response.json()
        if not page["result"]:
            return numbers
        numbers += page["result"]
        token = page["next_page_token"]


def test_my_pager_survives_every_documented_list_response(telemock):
    """Hypothesis serves generated, documented-valid responses (a list as a walk of pages that ends);
    a crash is shrunk and reported, a pager that never stops is reported after --telemock-timeout."""
    client = telemock.voipbin.client()

    def list_everything(generated):
        if generated.status != 200:
            with pytest.raises(httpx.HTTPStatusError):
                all_numbers(client)
            return
        assert len(all_numbers(client)) == sum(len(page.body["result"]) for page in generated.pages)

    telemock.voipbin.check_responses("numbers_list", list_everything, max_examples=25)
