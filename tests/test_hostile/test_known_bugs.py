"""Regressions for bugs the hostile tests found in the contract kit and the journal's masking."""

from __future__ import annotations


def test_a_huge_integer_query_parameter_is_judged_not_unjudgeable(server) -> None:
    client = server.client("/signalwire/api/relay/rest")
    response = client.get("/phone_numbers", params={"page_size": str(2**70)},
                          auth=("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"))
    assert response.status_code == 400
    entry = server.admin().get("/journal", params={"provider": "signalwire", "limit": 1}).json()["entries"][-1]
    assert entry["violations"], "page_size beyond the documented maximum is a violation"
    assert all(v["location"] != "verdict" for v in entry["violations"]), entry["violations"]


def test_a_secret_sent_with_the_wrong_json_type_is_masked_too(server) -> None:
    server.client("/voipbin").post("/auth/login", json={"username": "demo", "password": ["hunter2-list-secret"]})
    journal = server.admin().get("/journal", params={"provider": "voipbin"}).text
    assert "hunter2-list-secret" not in journal
