"""`telemock.running()`: the emulator on a free port for a block or each call of a function, outside
pytest's fixtures, stopped when the block or call ends."""

from __future__ import annotations

import asyncio
import inspect
import subprocess
import sys

import httpx
import pytest

import telemock


def answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_telemock/health", timeout=5).status_code == 200
    except httpx.TransportError:
        return False


def test_a_block_serves_on_a_free_port_and_stops_at_its_end():
    with telemock.running(providers=["voipbin", "gigs"]) as tm:
        url = tm.url
        assert url.startswith("http://127.0.0.1:") and answers(url)
        assert tm.voipbin.base_url == f"{url}/voipbin"
        assert tm.gigs.credentials == {"headers": {"Authorization": "Bearer gigs_demo_key"}}
        with pytest.raises(LookupError, match="runs no provider 'voiceos'"):
            tm.voiceos  # noqa: B018
        created = tm.voipbin.client().post("/v1.0/numbers", json={"number": "+899100000121", "type": "virtual"})
        assert created.status_code == 200
        assert [c.operation for c in tm.calls()] == ["numbers_create"]
        assert tm.journal()[0]["tenant"] == "demo"
    assert not answers(url)


def test_two_emulators_at_once_keep_their_own_state():
    with telemock.running(providers=["voipbin"]) as first, telemock.running(providers=["voipbin"]) as second:
        assert first.url != second.url
        first.voipbin.client().post("/v1.0/numbers", json={"number": "+899100000122", "type": "virtual"})
        assert len(first.voipbin.client().get("/v1.0/numbers").json()["result"]) == 4
        assert len(second.voipbin.client().get("/v1.0/numbers").json()["result"]) == 3


def test_one_running_cannot_be_entered_twice():
    emulator = telemock.running(providers=["voipbin"])
    with emulator:
        with pytest.raises(RuntimeError, match="already running"):
            emulator.start()
    with emulator as again:  # once stopped, it may start afresh
        assert answers(again.url)


def test_a_decorated_function_gets_a_fresh_emulator_per_call():
    seen: list[str] = []

    @telemock.running(providers=["voipbin"])
    def buy(number: str, tm) -> int:
        seen.append(tm.url)
        client = tm.voipbin.client()
        client.post("/v1.0/numbers", json={"number": number, "type": "virtual"}).raise_for_status()
        return len(client.get("/v1.0/numbers").json()["result"])

    assert list(inspect.signature(buy).parameters) == ["number"]  # `tm` is filled in, never passed
    assert buy("+899100000123") == 4
    assert buy("+899100000124") == 4  # not 5: the first call's number went with its emulator
    assert len(set(seen)) == 2 and not any(answers(url) for url in seen)


def test_a_decorated_function_without_tm_still_runs_inside_an_emulator():
    calls = []

    @telemock.running(providers=["voipbin"])
    def plain() -> str:
        calls.append(1)
        return "done"

    assert plain() == "done" and calls == [1]


def test_a_failure_inside_still_stops_the_emulator():
    urls: list[str] = []

    @telemock.running(providers=["voipbin"])
    def failing(tm) -> None:
        urls.append(tm.url)
        raise ValueError("the code under test failed")

    with pytest.raises(ValueError, match="the code under test failed"):
        failing()
    assert not answers(urls[0])


def test_async_block_and_async_decorated_function():
    @telemock.running(providers=["voiceos"], profile="observed")
    async def agents(tm) -> int:
        async with tm.voiceos.async_client() as client:
            return len((await client.get("/agents")).json()["items"])

    async def main() -> tuple[int, int, str]:
        async with telemock.running(providers=["voiceos"]) as tm:
            async with tm.voiceos.async_client() as client:
                listed = len((await client.get("/agents")).json()["items"])
            url = tm.url
        return listed, await agents(), url

    listed, decorated, url = asyncio.run(main())
    assert listed == decorated > 0
    assert not answers(url)


def test_options_reach_the_emulator(tmp_path):
    fixtures = tmp_path / "mine.yaml"
    fixtures.write_text("voipbin:\n  customers:\n    - tenant: mine\n      accesskeys: [{key: my-key}]\n")
    with telemock.running(providers=["voipbin"], fixtures=[fixtures], profile="observed") as tm:
        mine = httpx.get(f"{tm.voipbin.base_url}/v1.0/numbers", params={"accesskey": "my-key"})
        assert mine.status_code == 200 and mine.json()["result"] == []
        assert tm.voipbin.tenant == "mine"
        assert tm.control.runtime.provider("voipbin").profile_name == "observed"


def test_the_clock_and_deliveries_work_through_the_handle():
    with telemock.running(providers=["gigs"]) as tm:
        frozen = tm.clock.freeze()
        assert frozen["frozen"] is True
        tm.clock.advance(86400)
        assert tm.deliveries() == []


def test_a_plain_script_uses_it_without_pytest(tmp_path):
    script = tmp_path / "script.py"
    script.write_text(
        "import telemock\n"
        "with telemock.running(providers=['voipbin']) as tm:\n"
        "    answer = tm.voipbin.client().get('/v1.0/numbers')\n"
        "    print(answer.status_code, len(tm.voipbin.calls('numbers_list')))\n"
    )
    completed = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.splitlines()[0] == "200 1"
