"""The observed profile: null and RFC 3339 timestamps, ISO page tokens, 500 INTERNAL quirks."""

from __future__ import annotations

import re

from .support import ACCESSKEY, TALK_NUMBER, error_of

GO_RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z$")
ISO_TOKEN = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")


def test_observed_timestamps_and_tokens(observed_server):
    client = observed_server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    number = client.get(f"/numbers/{TALK_NUMBER}").json()
    assert GO_RFC3339.match(number["tm_create"])
    assert not number["tm_create"].endswith("0Z")
    assert number["tm_update"] is None and number["tm_delete"] is None
    page = client.get("/numbers", params={"page_size": 1}).json()
    assert ISO_TOKEN.match(page["next_page_token"])
    second = client.get("/numbers", params={"page_size": 1, "page_token": page["next_page_token"]}).json()
    assert second["result"] and second["result"][0]["id"] != page["result"][0]["id"]


def test_observed_untyped_errors_are_500_internal(observed_server):
    client = observed_server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    for body in (
        {"number": "+821100000001"},
        {"number": "+898123456789", "type": "virtual"},
        {"number": "+899000123456"},
    ):
        response = client.post("/numbers", json=body)
        assert response.status_code == 500, body
        error = error_of(response)
        assert error["status"] == "INTERNAL" and error["message"] == "An internal error occurred."
    put = client.put(f"/numbers/{TALK_NUMBER}", json={"call_flow_id": "11111111-2222-4333-8444-555555555555"})
    assert put.status_code == 500


def test_profile_switch_at_runtime_and_back_on_reset(server):
    admin = server.admin()
    client = server.client("/voipbin/v1.0", params={"accesskey": ACCESSKEY})
    assert admin.put("/profiles", json={"provider": "voipbin", "profile": "observed"}).status_code == 200
    assert client.get(f"/numbers/{TALK_NUMBER}").json()["tm_update"] is None
    admin.post("/reset").raise_for_status()
    assert client.get(f"/numbers/{TALK_NUMBER}").json()["tm_update"] == "9999-01-01 00:00:00.000000"
    assert admin.put("/profiles", json={"provider": "voipbin", "profile": "imaginary"}).status_code == 400
