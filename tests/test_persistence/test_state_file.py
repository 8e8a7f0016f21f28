"""The state file across orderly restarts: what comes back, what reset means, what the configuration decides."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from live_server import LiveServer, start_server
from test_webhooks.receiver import Receiver

from telemock.emulator import Config, create_app
from telemock.emulator.core.fixtures import FixtureError
from telemock.emulator.core.outbox import OutboxListener
from telemock.emulator.core.timers import TimersListener

from .support import FLOW, GIGS_AUTH, VOIPBIN_KEY, voipbin_flows

FROZEN_AT = "2031-03-04T05:06:07Z"
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"


def serve(state_file: Path | None, **options: Any) -> LiveServer:
    options.setdefault("providers", ["voipbin", "gigs"])
    options.setdefault("log_requests", False)
    return start_server(Config(state_file=state_file, **options))


def voipbin(live: LiveServer) -> httpx.Client:
    return live.client("/voipbin/v1.0", params=VOIPBIN_KEY)


def test_an_orderly_restart_brings_back_state_clock_endpoints_profiles_and_deliveries(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    receiver = Receiver().start()
    receiver.stop()  # deliveries fail and stay pending
    live = serve(state_file, settings={"gigs": {"webhook_attempt_delays_seconds": [0, 3600]}})
    admin = live.admin()
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": FROZEN_AT}).raise_for_status()
    created = voipbin(live).post("/flows", json={"name": "kept", **FLOW}).json()
    gone = voipbin(live).post("/flows", json={"name": "removed", **FLOW}).json()
    voipbin(live).delete(f"/flows/{gone['id']}").raise_for_status()
    admin.post("/webhook-endpoints", json={"provider": "gigs", "tenant": "demo", "url": receiver.url(), "id": "ep_kept"}).raise_for_status()
    gigs = live.client("/gigs/projects/demo", headers=GIGS_AUTH)
    assert gigs.post("/virtualNumbers", json={"subscription": SUBSCRIPTION}).status_code == 201
    admin.put("/profiles", json={"provider": "voipbin", "profile": "observed"}).raise_for_status()
    deadline = time.monotonic() + 5
    while True:  # until the first attempt has failed; the next one is an hour of virtual time away
        pending = admin.get("/deliveries").json()["deliveries"]
        if len(pending) == 1 and pending[0]["attempts"]:
            break
        assert time.monotonic() < deadline, pending
        time.sleep(0.02)
    before = admin.get("/state").json()
    live.stop()

    again = serve(state_file, settings={"gigs": {"webhook_attempt_delays_seconds": [0, 3600]}})
    try:
        admin = again.admin()
        assert admin.get("/state").json() == before  # the clock too: frozen at the same instant
        assert admin.get("/clock").json()["now"] == "2031-03-04T05:06:07.000000Z"
        assert admin.get("/profiles").json()["voipbin"]["profile"] == "observed"
        fetched = voipbin(again).get(f"/flows/{created['id']}")
        assert fetched.status_code == 200 and fetched.json()["name"] == "kept"
        assert voipbin(again).get(f"/flows/{gone['id']}").status_code == 404
        assert [e["id"] for e in admin.get("/webhook-endpoints").json()["endpoints"]] == ["ep_kept"]
        restored = admin.get("/deliveries").json()["deliveries"]
        assert [(d["id"], d["status"], d["attempts"]) for d in restored] == [
            (d["id"], "pending", d["attempts"]) for d in pending
        ]
        # New writes stamp after the restored ones, so newest-first order still holds.
        newer = voipbin(again).post("/flows", json={"name": "newer", **FLOW}).json()
        listed = voipbin(again).get("/flows", params={"page_size": 2}).json()["result"]
        assert [f["id"] for f in listed] == [newer["id"], created["id"]]
    finally:
        again.stop()


def test_reset_goes_back_to_the_fixtures_and_is_written_too(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    live = serve(state_file)
    fixtures_flows = set(voipbin_flows(live.admin().get("/state").json()))
    added = voipbin(live).post("/flows", json={"name": "temporary", **FLOW}).json()["id"]
    live.stop()

    live = serve(state_file)
    assert added in voipbin_flows(live.admin().get("/state").json())  # the file wins over the fixtures
    live.admin().post("/reset").raise_for_status()
    assert set(voipbin_flows(live.admin().get("/state").json())) == fixtures_flows
    live.stop()

    live = serve(state_file)
    try:
        assert set(voipbin_flows(live.admin().get("/state").json())) == fixtures_flows
    finally:
        live.stop()


def test_control_api_changes_are_written_seeds_state_loads_and_clock_moves(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    live = serve(state_file)
    admin = live.admin()
    snapshot = admin.get("/state").json()
    seeded = admin.post("/fixtures", json={"gigs": {"projects": [{"id": "seeded", "api_keys": [{"key": "seeded_key"}]}]}})
    assert seeded.status_code == 201, seeded.text
    admin.post("/clock/advance", json={"seconds": 86400}).raise_for_status()
    offset = admin.get("/clock").json()["offset_seconds"]
    voipbin_tenant = next(iter(snapshot["providers"]["voipbin"]["tenants"]))
    snapshot["providers"]["voipbin"]["tenants"][voipbin_tenant]["flows"] = {}
    loaded = admin.put("/state", json={"providers": {"voipbin": snapshot["providers"]["voipbin"]}})
    assert loaded.status_code == 200, loaded.text
    live.stop()

    live = serve(state_file)
    try:
        state = live.admin().get("/state").json()
        assert "seeded" in state["providers"]["gigs"]["tenants"]
        assert voipbin_flows(state) == {}
        # A running clock keeps its offset from real time across the restart.
        assert abs(live.admin().get("/clock").json()["offset_seconds"] - offset) < 5
        seeded_client = live.client("/gigs/projects/seeded", headers={"Authorization": "Bearer seeded_key"})
        assert seeded_client.get("/virtualNumbers").status_code == 200
    finally:
        live.stop()


def test_a_changed_configuration_wins_over_the_saved_profile_and_settings(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    live = serve(state_file, settings={"gigs": {"processing_after_seconds": 11.0}})
    live.admin().put("/profiles", json={"provider": "gigs", "profile": "observed"}).raise_for_status()
    live.stop()

    same = serve(state_file, settings={"gigs": {"processing_after_seconds": 11.0}})
    assert same.runtime.providers["gigs"].profile_name == "observed"  # same configuration: the run's changes stay
    same.stop()

    changed = serve(state_file, settings={"gigs": {"processing_after_seconds": 22.0}})
    try:
        gigs = changed.runtime.providers["gigs"]
        assert gigs.settings.processing_after_seconds == 22.0
        assert gigs.profile_name == "documented"
    finally:
        changed.stop()


def test_state_is_written_item_by_item(tmp_path: Path) -> None:
    """A write touches the rows of the items it changed, not the whole tenant."""
    state_file = tmp_path / "state.db"
    live = serve(state_file, providers=["voipbin"])
    client = voipbin(live)
    ids = [client.post("/flows", json={"name": f"f{i}", **FLOW}).json()["id"] for i in range(5)]
    before = live.runtime.persistence.writes
    client.get("/flows")  # a read stamps nothing: no write at all
    assert live.runtime.persistence.writes == before
    client.put(f"/flows/{ids[2]}", json={"name": "renamed", **FLOW}).raise_for_status()
    assert live.runtime.persistence.writes == before + 1
    live.stop()
    with sqlite3.connect(state_file) as db:
        rows = {part: value for part, value in db.execute("SELECT part, value FROM parts WHERE provider = 'voipbin'")}
    flow_rows = {part for part in rows if part.startswith('["flows",') and part != '["flows",null]'}
    assert {f'["flows","{i}"]' for i in ids} <= flow_rows
    assert b'"renamed"' in rows[f'["flows","{ids[2]}"]']


def test_without_a_state_file_nothing_is_tracked() -> None:
    app = create_app(Config(providers=["voipbin"]))
    runtime = app.state.runtime
    assert runtime.persistence is None
    assert type(runtime.outbox.listener) is OutboxListener and type(runtime.timers.listener) is TimersListener


def test_a_request_writes_the_touched_tenants_of_every_provider(tmp_path: Path) -> None:
    """What a backend marked is written after the next request, whichever provider or route it was."""
    state_file = tmp_path / "state.db"
    live = serve(state_file)
    persistence = live.runtime.persistence
    number_id = "vnr_0SNlurA049MEWV29mxRtSMDnKtUD"
    try:
        before = persistence.writes
        demo = live.runtime.providers["gigs"].store.changing("demo")  # as a backend marks before it changes
        demo["virtual_numbers"][number_id]["phoneNumber"] = "+447700900999"
        assert voipbin(live).get("/numbers").status_code == 200  # another provider's read
        assert persistence.writes == before + 1
        assert live.admin().get("/health").status_code == 200  # nothing touched since: nothing written
        assert persistence.writes == before + 1
    finally:
        live.stop()
    again = serve(state_file)
    try:
        number = again.runtime.providers["gigs"].store.tenants["demo"]["virtual_numbers"][number_id]
        assert number["phoneNumber"] == "+447700900999"
    finally:
        again.stop()


def test_a_second_server_on_the_same_file_is_refused(tmp_path: Path) -> None:
    state_file = tmp_path / "state.db"
    live = serve(state_file)
    try:
        with pytest.raises(FixtureError, match="in use by another telemock"):
            create_app(Config(providers=["voipbin", "gigs"], state_file=state_file))
    finally:
        live.stop()


def test_unusable_state_files_are_refused_with_their_path(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(FixtureError, match="garbage.db"):
        create_app(Config(providers=["voipbin"], state_file=garbage))
    with pytest.raises(FixtureError, match="does not exist"):
        create_app(Config(providers=["voipbin"], state_file=tmp_path / "missing" / "state.db"))


def test_a_providers_own_webhook_format_is_found_again_after_a_restart(tmp_path: Path) -> None:
    """VoIPBIN signs with its own format (not a registered endpoint's): restored deliveries are signed with it."""
    state_file = tmp_path / "state.db"
    receiver = Receiver().start()
    receiver.stop()
    live = serve(state_file, providers=["voipbin"])
    live.admin().post("/clock/freeze").raise_for_status()
    hook = {"name": "Demo customer", "detail": "", "email": "", "phone_number": "", "address": "",
            "webhook_method": "POST", "webhook_uri": receiver.url("/voipbin")}
    assert voipbin(live).put("/customer", json=hook).status_code == 200
    created = voipbin(live).post("/numbers", json={"number": "+899100000555", "type": "virtual"})
    assert created.status_code == 200, created.text
    deadline = time.monotonic() + 5
    while True:
        pending = live.admin().get("/deliveries").json()["deliveries"]
        if pending and pending[0]["attempts"]:
            break
        assert time.monotonic() < deadline, pending
        time.sleep(0.02)
    live.stop()
    receiver.start()
    again = serve(state_file, providers=["voipbin"])
    try:
        again.admin().post("/clock/advance", json={"seconds": 1}).raise_for_status()  # the next attempt is due
        got = receiver.wait_for(1)
        assert got[0].headers["x-voipbin-signature"].startswith("sha256=")
        assert got[0].json()["type"] == "number_created"
        done = again.admin().get("/deliveries", params={"status": "succeeded", "wait_for": 1}).json()["deliveries"]
        assert [d["id"] for d in done] == [pending[0]["id"]] and len(done[0]["attempts"]) == 2
    finally:
        again.stop()
        receiver.stop()
