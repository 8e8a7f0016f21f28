"""telemock without the pytest fixture: `telemock.running()` serves the emulator on a free port, as moto's `mock_aws`."""

import asyncio
import os
from unittest import mock

import httpx
import pytest

import telemock


def count_numbers(base_url: str, accesskey: str) -> int:
    """The code under test: anything that takes a base URL."""
    response = httpx.get(f"{base_url}/v1.0/numbers", params={"accesskey": accesskey})
    response.raise_for_status()
    return len(response.json()["result"])


def test_in_a_block():
    with telemock.running(providers=["voipbin"]) as tm:  # a fresh emulator, stopped when the block ends
        accesskey = tm.voipbin.credentials["params"]["accesskey"]
        assert count_numbers(tm.voipbin.base_url, accesskey) == 3  # the bundled demo numbers
        tm.voipbin.assert_called("numbers_list", times=1)
        tm.clock.advance(3600)  # the same handle as the fixture: clock, journal, calls, deliveries, state


@telemock.running(providers=["voipbin"])  # each call gets a fresh emulator; a `tm` parameter gets its handle
def test_as_a_decorator(tm):
    client = tm.voipbin.client()  # httpx on the real socket, demo credentials set
    client.post("/v1.0/numbers", json={"number": "+899100000111", "type": "virtual"}).raise_for_status()
    assert tm.voipbin.calls("numbers_create")[0].body == {"number": "+899100000111", "type": "virtual"}


@telemock.running(providers=["voiceos"])
async def agent_ids(tm) -> list[str]:
    """Async code decorated the same way (a script's main, a job): `tm` is only filled in, never passed."""
    async with tm.voiceos.async_client() as client:  # in-process, no socket
        agents = (await client.get("/agents")).json()["items"]
    return [agent["id"] for agent in agents]


def test_async_code():
    ids = asyncio.run(agent_ids())
    assert ids and all(agent_id.startswith("agt_") for agent_id in ids)


def test_signalwire_sdk():
    from signalwire.rest import RestClient  # pip install signalwire-sdk

    with telemock.running(providers=["signalwire"]) as tm:
        project, token = tm.signalwire.credentials["basic"]
        host = tm.signalwire.base_url.removeprefix("http://")  # 127.0.0.1:PORT/signalwire: plain http on loopback
        client = RestClient(project=project, token=token, host=host)
        offered = client.phone_numbers.search(areacode="512", max_results=1)["data"]
        bought = client.phone_numbers.create(number=offered[0]["number"])
        assert client.phone_numbers.get(bought["id"])["number"] == offered[0]["number"]
        tm.signalwire.assert_called("phone_numbers_purchase", times=1, body_contains={"number": offered[0]["number"]})


def test_voiceos_sdk():
    from voiceos.client import VoiceOS  # pip install voiceos

    with telemock.running(providers=["voiceos"]) as tm:
        client = VoiceOS(tm.voiceos.credentials["headers"]["Authorization"].removeprefix("Bearer "))
        client.configuration.host = tm.voiceos.base_url
        numbers = client.phone_numbers.list_phone_numbers(limit=2)
        assert numbers and tm.voiceos.calls("phone_numbers_list")[0].query["limit"] == ["2"]


def test_voipbin_mcp_client():
    pytest.importorskip("voipbin_mcp", reason="pip install voipbin-mcp")
    from voipbin_mcp.client import VoIPbinClient

    with telemock.running(providers=["voipbin"]) as tm:
        settings = {
            "VOIPBIN_API_BASE_URL": f"{tm.voipbin.base_url}/v1.0",  # the SDK's base URL includes /v1.0
            "VOIPBIN_API_KEY": tm.voipbin.credentials["params"]["accesskey"],  # sent as the `accesskey` cookie
        }
        with mock.patch.dict(os.environ, settings):
            client = VoIPbinClient()

        async def list_numbers() -> dict:
            try:
                return await client.get("/numbers", params={"page_size": 10})
            finally:
                await client.close()

        assert len(asyncio.run(list_numbers())["result"]) == 3
        tm.voipbin.assert_called("numbers_list", times=1)
