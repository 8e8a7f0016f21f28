"""VoiceOS answers for what no handler decides, the real host, and the served spec."""

from __future__ import annotations

from test_voiceos.demo import DEMO_KEY, WITH_WEBHOOK, voiceos_client


def test_unknown_route_and_wrong_method_are_fastapi_bodies(api) -> None:
    unknown = api.get("/numbers")
    assert (unknown.status_code, unknown.json()) == (404, {"detail": "Not Found"})
    wrong = api.put("/agents", json={})
    assert (wrong.status_code, wrong.json()) == (405, {"detail": "Method Not Allowed"})
    trailing = api.get("/phone_numbers/")
    assert trailing.status_code == 404


def test_oversized_body_is_refused_without_a_change(api, voiceos_state) -> None:
    before = voiceos_state()
    response = api.post(
        "/agents",
        content=b'{"prompt": "' + b"x" * (1024 * 1024 + 10) + b'"}',
        headers={"content-type": "application/json"},
    )
    assert (response.status_code, response.json()) == (413, {"detail": "Request Entity Too Large"})
    assert voiceos_state() == before


def test_real_host_reaches_voiceos_without_the_prefix(server) -> None:
    client = server.client("", headers={"Host": "api.voiceos.io", "Authorization": f"Bearer {DEMO_KEY}"}, verify=False)
    assert client.get(f"/phone_numbers/{WITH_WEBHOOK}").json()["phone_number"] == WITH_WEBHOOK
    assert client.get("/").json() == {"status": "ok"}


def test_the_spec_is_served_with_the_emulator_as_server(server) -> None:
    spec = voiceos_client(server, None).get("/openapi.json").json()
    assert spec["servers"][0]["url"].endswith("/voiceos")
    operation_ids = {
        op["operationId"]
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict) and "operationId" in op
    }
    assert {
        "phone_numbers_update",
        "phone_numbers_buy",
        "agents_create",
        "conversations_get",
        "health_get",
    } <= operation_ids


def test_integers_beyond_64_bits_are_refused_not_stored(api) -> None:
    """Stored state is plain JSON: a 2**70 kept in an agent would break every later state dump."""
    response = api.post("/agents", json={"max_duration_seconds": 2**70})
    assert response.status_code == 400
    assert response.json() == {"detail": "There was an error parsing the body"}
    body = api.post("/agents", json={"max_duration_seconds": 2**63 - 1}).json()
    assert body["max_duration_seconds"] == 2**63 - 1
