"""Pinned answers to the requests that once crashed a provider or the core, found by the hostile tests."""

from __future__ import annotations

import asyncio

import orjson
import pytest

from telemock.emulator import Config, create_app

from .asgi_driver import Lifespan, http_scope, run_exchange

SW_AUTH = ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")


@pytest.mark.parametrize("number_type", [["longcode"], {"a": 1}])
def test_signalwire_import_with_a_number_type_that_is_no_string_is_a_422(server, number_type) -> None:
    """`number_type not in IMPORT_TYPES` raised TypeError (unhashable) for a list or object: a 500."""
    client = server.client("/signalwire/api/relay/rest", auth=SW_AUTH)
    response = client.post("/imported_phone_numbers", json={"number": "+15555550123", "number_type": number_type})
    assert response.status_code == 422
    assert response.json()["errors"][0]["detail"].startswith("number_type")


@pytest.mark.parametrize("body", [b"[" * 10_000 + b"]" * 10_000, b'{"a":' * 10_000 + b"1" + b"}" * 10_000])
def test_voiceos_json_nested_past_the_recursion_limit_is_fastapis_400(server, body) -> None:
    """json.loads raised RecursionError, which nothing caught: a 500."""
    client = server.client("/voiceos", headers={"Authorization": "Bearer voiceos_demo_key"})
    response = client.post("/agents", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"detail": "There was an error parsing the body"}


def test_voiceos_integers_beyond_64_bits_are_refused_so_state_stays_dumpable(server) -> None:
    """An agent with max_duration_seconds 2**70 was stored; every state dump afterwards was a 500."""
    client = server.client("/voiceos", headers={"Authorization": "Bearer voiceos_demo_key"})
    for path, method in (("/agents", "POST"), ("/agents/agt_62f9a507d6373d81b927a3dc", "PATCH")):
        body = b'{"max_duration_seconds": %d, "voice": {"provider": "playht", "extra": %d}}' % (2**70, 2**64)
        response = client.request(method, path, content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400
    assert server.admin().get("/state").status_code == 200


@pytest.mark.parametrize("declared", [b"\xb2", b"\xd9\xa3", "١٢".encode()])
def test_a_content_length_of_non_ascii_digits_is_no_crash(declared) -> None:
    """str.isdigit() accepts '²' and Arabic-Indic digits, int() does not: the ProviderApp raised ValueError.

    uvicorn refuses such a header itself, so this is driven at the ASGI level (other servers may pass it).
    """
    async def run() -> tuple[int | None, bytes]:
        app = create_app(Config(providers=["voipbin"], log_requests=False))
        lifespan = Lifespan(app)
        await lifespan.start()
        try:
            scope = http_scope("POST", "/voipbin/v1.0/numbers", b"/voipbin/v1.0/numbers",
                               b"accesskey=voipbin_demo_accesskey", [(b"content-length", declared)], lifespan.state)
            result = await run_exchange(app, scope, [b'{"number": "+899123000999", "type": "virtual"}'])
            return result.status, result.body
        finally:
            await lifespan.stop()

    status, body = asyncio.run(run())
    assert status == 200, body
    assert orjson.loads(body)["number"] == "+899123000999"
