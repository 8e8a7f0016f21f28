"""`telemock replay DIR`: the recordings answer as the provider did; an unmatched request is told
which recordings come closest."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
import yaml
from click.testing import CliRunner

from live_server import LiveServer, start_app
from telemock.cli import main
from telemock.emulator import Config
from telemock.emulator.proxy.app import create_replay_app
from telemock.emulator.proxy.recordings import RecordingError

from .support import DEMO, journal

NEW_NUMBER = "+899123000555"


@pytest.fixture
def recorded(upstream, start_proxy, tmp_path) -> tuple[Path, dict]:
    """A session recorded through the proxy: list, buy, list again, fetch; and what the client saw."""
    folder = tmp_path / "recordings"
    proxy = start_proxy(upstream, record=folder)
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    seen = {"before": voipbin.get("/v1.0/numbers").json()}
    seen["created"] = voipbin.post("/v1.0/numbers", json={"number": NEW_NUMBER, "type": "virtual"}).json()
    seen["after"] = voipbin.get("/v1.0/numbers").json()
    seen["fetched"] = voipbin.get(f"/v1.0/numbers/{seen['created']['id']}").json()
    seen["gigs"] = proxy.client("/gigs", **DEMO["gigs"][0]).get("/projects/demo/virtualNumbers").json()
    return folder, seen


@pytest.fixture
def replay(recorded) -> Iterator[LiveServer]:
    live = start_app(create_replay_app(recorded[0], Config(log_requests=False)))
    yield live
    live.stop()


def masked(folder: Path, name: str) -> dict:
    return yaml.safe_load((folder / name).read_text())["response"]["body"]


def test_the_recordings_answer_as_the_provider_did(recorded, replay):
    folder, seen = recorded
    voipbin = replay.client("/voipbin", params={"accesskey": "anything"})  # credentials are not compared
    first = voipbin.get("/v1.0/numbers")
    assert first.status_code == 200 and first.json() == masked(folder, "0001-voipbin-numbers_list.yaml")
    assert first.headers["x-telemock-replay"] == "0001-voipbin-numbers_list.yaml"
    assert first.headers["x-request-id"]  # the provider's own headers come back too
    assert [n["id"] for n in first.json()["result"]] == [n["id"] for n in seen["before"]["result"]]
    gigs = replay.client("/gigs", **DEMO["gigs"][0]).get("/projects/demo/virtualNumbers")
    assert gigs.status_code == 200 and gigs.json() == masked(folder, "0005-gigs-virtual_numbers_list.yaml")


def test_a_request_recorded_twice_gets_each_answer_in_turn_then_the_last(recorded, replay):
    folder, seen = recorded
    voipbin = replay.client("/voipbin")
    answers = [voipbin.get("/v1.0/numbers").headers["x-telemock-replay"] for _ in range(3)]
    assert answers == ["0001-voipbin-numbers_list.yaml", "0003-voipbin-numbers_list.yaml", "0003-voipbin-numbers_list.yaml"]
    assert len(masked(folder, "0003-voipbin-numbers_list.yaml")["result"]) == len(seen["before"]["result"]) + 1


def test_a_live_request_with_the_real_phone_number_finds_its_pseudonymized_recording(recorded, replay):
    folder, seen = recorded
    bought = replay.client("/voipbin").post("/v1.0/numbers", json={"number": NEW_NUMBER, "type": "virtual"})
    assert bought.status_code == 200
    assert bought.headers["x-telemock-replay"] == "0002-voipbin-numbers_create.yaml"
    assert bought.json()["id"] == seen["created"]["id"] and bought.json()["number"] != NEW_NUMBER
    fetched = replay.client("/voipbin").get(f"/v1.0/numbers/{seen['created']['id']}")
    assert fetched.status_code == 200 and fetched.json() == masked(folder, "0004-voipbin-numbers_get.yaml")


def test_the_journal_names_the_recording_that_answered(recorded, replay):
    replay.client("/voipbin").get("/v1.0/numbers")
    [entry] = journal(replay)
    assert entry["operation"] == "numbers_list" and entry["marks"] == ["replay:0001-voipbin-numbers_list.yaml"]


def test_an_unmatched_request_gets_the_providers_not_found_naming_the_closest(recorded, replay):
    folder, seen = recorded
    response = replay.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"}).get(
        "/v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["status"] == "NOT_FOUND" and error["reason"] == "ROUTE_NOT_FOUND"  # VoIPBIN's own unknown-route 404
    header = response.headers["x-telemock-replay"]
    assert header.startswith("unmatched; no recording matches GET /v1.0/numbers/0b266038-844b-11ec-97d8-63ba531361ce"
                             "?accesskey=****; closest: 0004-voipbin-numbers_get.yaml (path ")
    assert error["message"] == header.removeprefix("unmatched; ")  # where the envelope has a message, it says the same
    assert "voipbin_demo_accesskey" not in header
    assert journal(replay)[-1]["marks"] == ["replay:unmatched"]


def test_an_unmatched_body_is_told_the_body_differs(recorded, replay):
    response = replay.client("/voipbin").post("/v1.0/numbers", json={"number": "+899123000556", "type": "virtual"})
    assert response.status_code == 404
    assert "closest: 0002-voipbin-numbers_create.yaml (body)" in response.headers["x-telemock-replay"]


def test_unmatched_answers_come_in_each_providers_format(recorded, replay):
    gigs = replay.client("/gigs", **DEMO["gigs"][0]).get("/projects/demo/virtualNumbers/vnum_unknown")
    assert gigs.status_code == 404 and gigs.json()["object"] == "error" and gigs.json()["type"] == "notFound"
    assert gigs.headers["x-telemock-replay"].startswith("unmatched; ")


def test_a_folder_without_the_key_still_replays_what_clients_send_as_recorded(recorded):
    folder, seen = recorded
    (folder / ".mask-key").unlink()
    live = start_app(create_replay_app(folder, Config(log_requests=False)))
    try:
        pseudonym = yaml.safe_load((folder / "0002-voipbin-numbers_create.yaml").read_text())["request"]["body"]["number"]
        voipbin = live.client("/voipbin")
        assert voipbin.post("/v1.0/numbers", json={"number": pseudonym, "type": "virtual"}).status_code == 200
        assert voipbin.post("/v1.0/numbers", json={"number": NEW_NUMBER, "type": "virtual"}).status_code == 404
    finally:
        live.stop()


def test_a_folder_with_nothing_to_replay_is_refused(tmp_path):
    with pytest.raises(RecordingError, match="no recorded requests to replay"):
        create_replay_app(tmp_path)
    result = CliRunner().invoke(main, ["replay", str(tmp_path)])
    assert result.exit_code == 1 and "no recorded requests to replay" in result.output


def test_a_broken_recording_is_named(tmp_path):
    (tmp_path / "0001-voipbin-numbers_list.yaml").write_text("provider: voipbin\n")
    with pytest.raises(RecordingError, match="0001-voipbin-numbers_list.yaml: not a telemock recording"):
        create_replay_app(tmp_path)
