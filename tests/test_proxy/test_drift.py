"""`telemock drift DIR`: the recorded provider against its documented contract and against
telemock's own profiles, per operation and field."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
import yaml
from click.testing import CliRunner

from telemock.cli import main
from telemock.emulator.proxy.drift import drift_report

from .support import DEMO, VOIPBIN_SECRET, run_on_own_loop


def record(upstream, start_proxy, folder: Path, **options) -> None:
    proxy = start_proxy(upstream, record=folder, **options)
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    assert voipbin.get("/v1.0/numbers").status_code == 200
    created = voipbin.post("/v1.0/numbers", json={"number": "+899123000444", "type": "virtual"}).json()
    assert voipbin.get(f"/v1.0/numbers/{created['id']}").status_code == 200
    assert proxy.client("/signalwire", **DEMO["signalwire"][0]).get("/api/relay/rest/phone_numbers").status_code == 200
    assert proxy.client("/gigs", **DEMO["gigs"][0]).get("/projects/demo/virtualNumbers").status_code == 200


@pytest.fixture
def observed_recordings(observed_upstream, start_proxy, tmp_path) -> Path:
    folder = tmp_path / "observed"
    record(observed_upstream, start_proxy, folder)
    return folder


@pytest.fixture
def documented_recordings(upstream, start_proxy, tmp_path) -> Path:
    folder = tmp_path / "documented"
    record(upstream, start_proxy, folder)
    return folder


def test_an_observed_provider_departs_from_the_documented_contract_per_field(observed_recordings):
    report = drift_report(observed_recordings, profiles=False)
    assert report.drifted and report.recordings == 5
    verdicts = {(v.provider, v.operation): v for v in report.contract}
    listed = verdicts[("voipbin", "numbers_list")]
    assert (listed.judged, listed.departing) == (1, 1)
    purchase = listed.fields["body/result/*/tm_purchase"]
    assert purchase.expected == "type" and purchase.example == "null" and purchase.count >= 1
    assert verdicts[("voipbin", "numbers_create")].departing == 1
    assert "body/data/*/call_video_room_id" in verdicts[("signalwire", "phone_numbers_list")].fields
    assert verdicts[("gigs", "virtual_numbers_list")].departing == 0


def test_the_observed_profile_is_the_closest_to_an_observed_provider(observed_recordings):
    report = drift_report(observed_recordings, providers=["voipbin"])
    rows = {(r.operation, r.profile): r for r in report.profiles}
    assert {op for op, _ in rows} == {"numbers_list", "numbers_create", "numbers_get"}  # ids learnt: the get compares
    assert report.not_compared == []
    for operation in ("numbers_list", "numbers_create", "numbers_get"):
        assert rows[(operation, "observed")].differences == []
        assert report.closest_profiles()[("voipbin", operation, 200)] == ["observed"]
    documented = {d.pointer: d for d in rows[("numbers_get", "documented")].differences}
    assert documented["/tm_create"].provider == ["string(date-time)"]
    assert documented["/tm_create"].telemock == ["string(date-time, space)"]
    assert documented["/tm_delete"].provider == ["null"]


def test_a_documented_provider_shows_no_drift_and_matches_documented(documented_recordings):
    report = drift_report(documented_recordings)
    assert not report.drifted and all(v.departing == 0 for v in report.contract)
    closest = report.closest_profiles()
    assert closest[("voipbin", "numbers_list", 200)] == ["documented"]
    assert all("documented" in profiles for profiles in closest.values())
    assert "no drift: every recorded answer and webhook conforms" in report.render()


def test_path_parameters_the_fixtures_name_differently_can_be_pinned(documented_recordings):
    recording = next(documented_recordings.glob("*-gigs-virtual_numbers_list.yaml"))
    document = yaml.safe_load(recording.read_text())
    document["request"]["path"] = "/projects/acme-prod/virtualNumbers"  # a real account's project
    recording.write_text(yaml.safe_dump(document))
    unpinned = drift_report(documented_recordings, providers=["gigs"])
    assert [n.file for n in unpinned.not_compared] == [recording.name, recording.name]  # both profiles
    assert "telemock answered 403 where the provider answered 200" in unpinned.not_compared[0].reason
    pinned = drift_report(documented_recordings, providers=["gigs"], path_params={"project": "demo"})
    assert pinned.not_compared == [] and {r.profile for r in pinned.profiles} == {"documented", "observed"}


def test_webhook_recordings_are_judged_against_the_documented_events(observed_upstream, start_proxy, tmp_path):
    folder = tmp_path / "events"
    proxy = start_proxy(observed_upstream, ("voipbin",), record=folder, webhook_secrets={"voipbin": VOIPBIN_SECRET})
    voipbin = proxy.client("/voipbin", params={"accesskey": "voipbin_demo_accesskey"})
    voipbin.put("/v1.0/customer", json={"webhook_uri": f"{proxy.url}/_webhooks/voipbin", "webhook_method": "POST"})
    voipbin.post("/v1.0/numbers", json={"number": "+899123000445", "type": "virtual"})
    observed_upstream.admin().get("/deliveries", params={"status": "succeeded", "wait_for": 1, "timeout": 5})
    report = drift_report(folder, profiles=False)
    [events] = [v for v in report.contract if v.kind == "events"]
    assert events.operation == "webhook_number_created" and events.departing == 1
    assert any(location.startswith("body/data/tm_") for location in events.fields)


def test_the_command_prints_the_report_and_fails_on_drift_when_asked(observed_recordings, documented_recordings):
    runner = CliRunner()
    drifted = runner.invoke(main, ["drift", str(observed_recordings), "--provider", "voipbin", "--fail-on-drift"])
    assert drifted.exit_code == 1, drifted.output
    assert "voipbin numbers_list: 1 answers, 1 depart" in drifted.output
    assert "- body/result/*/tm_purchase: null is not of type \"string\"" in drifted.output
    assert "voipbin numbers_list (200, 1 compared): documented 6 field(s) differ, openapi 4 field(s) differ, observed matches; closest: observed" in drifted.output
    clean = runner.invoke(main, ["drift", str(documented_recordings), "--fail-on-drift", "--contract-only"])
    assert clean.exit_code == 0, clean.output
    assert "nothing compared" in clean.output
    as_json = runner.invoke(main, ["drift", str(observed_recordings), "--format", "json", "--provider", "signalwire"])
    data = orjson.loads(as_json.output)
    assert data["drifted"] is True and {row["profile"] for row in data["profiles"] if row["closest"]} == {"observed"}


def test_a_folder_that_is_not_recordings_is_refused(tmp_path):
    (tmp_path / "0001-voipbin-x.yaml").write_text("[1, 2]")
    result = CliRunner().invoke(main, ["drift", str(tmp_path)])
    assert result.exit_code == 1 and "0001-voipbin-x.yaml: not a telemock recording" in result.output


def test_drift_can_be_asked_from_inside_a_running_event_loop(observed_recordings):
    """An async test or a notebook has a loop running where the report wants one of its own."""

    async def from_async_code():
        return drift_report(observed_recordings, providers=["voipbin"])

    report = run_on_own_loop(from_async_code())
    assert report.closest_profiles()[("voipbin", "numbers_list", 200)] == ["observed"]
