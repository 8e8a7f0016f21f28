"""A user's tests: their VoIPBIN client code against telemock, in-process (no port, no network)."""

import httpx
import pytest

from telemock import Config, create_app


async def buy_virtual_number(client: httpx.AsyncClient, number: str) -> dict:
    """The code under test: what an application does with VoIPBIN."""
    response = await client.post("/v1.0/numbers", json={"number": number, "type": "virtual"})
    response.raise_for_status()
    return response.json()


@pytest.fixture
def anyio_backend():
    return "asyncio"


@pytest.fixture
async def voipbin():
    app = create_app(Config(providers=["voipbin"]))
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://telemock/voipbin",
        params={"accesskey": "voipbin_demo_accesskey"},
    ) as client:
        yield client


@pytest.mark.anyio
async def test_buying_a_virtual_number(voipbin):
    number = await buy_virtual_number(voipbin, "+899123000456")
    assert number["status"] == "active"
    listed = (await voipbin.get("/v1.0/numbers")).json()["result"]
    assert number["id"] in [n["id"] for n in listed]


@pytest.mark.anyio
async def test_a_duplicate_is_refused_as_the_provider_refuses_it(voipbin):
    await buy_virtual_number(voipbin, "+899123000457")
    with pytest.raises(httpx.HTTPStatusError) as caught:
        await buy_virtual_number(voipbin, "+899123000457")
    assert caught.value.response.json()["error"]["reason"] == "NUMBER_ALREADY_EXISTS"
