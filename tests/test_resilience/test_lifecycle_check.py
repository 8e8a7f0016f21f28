"""check_lifecycle: the virtual clock driven through VoIPBIN's and Gigs' transitions while clients wait."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest

from telemock.contracts.kit.control import LocalControl
from telemock.contracts.kit.lifecycle import check_lifecycle
from telemock.emulator import Config, create_app

from . import lifecycle_clients as clients

AUTH = {"voipbin": {"params": {"accesskey": "voipbin_demo_accesskey"}},
        "gigs": {"headers": {"Authorization": "Bearer gigs_demo_key"}}}


@pytest.fixture(scope="module")
def control() -> Iterator[LocalControl]:
    local = LocalControl(create_app(Config(providers=["voipbin", "gigs"])))
    yield local
    local.close()


def check(control, provider, scenario, **options):
    options.setdefault("timeout", 3)
    return check_lifecycle(control, provider, scenario, base_url=f"{control.base_url}/{provider}",
                           credentials=AUTH[provider], **options)


def test_clients_that_wait_see_every_state(control):
    before = control.state()["providers"]["voipbin"]
    voipbin = check(control, "voipbin", clients.voipbin_waits_then_names)
    assert voipbin.ok, voipbin.render()
    assert voipbin.transitions == 1 and [t.status for t in voipbin.resources] == ["active"]
    gigs = check(control, "gigs", clients.gigs_waits_for_active)
    assert gigs.ok, gigs.render()
    assert [s for _, s in gigs.resources[0].phases] == ["initiated", "processing", "active"]
    after = control.state()["providers"]["voipbin"]
    assert after["tenants"] == before["tenants"] and after["settings"] == before["settings"]  # put back
    assert control.clock("get")["frozen"] is False


def test_acting_before_ready_is_reported_with_the_request(control):
    report = check(control, "voipbin", clients.voipbin_names_at_once)
    problem = report.failures[0].render()
    assert "the client acted on" in problem and "(PUT …" in problem and "while it was purchase-pending; wait until it is active" in problem
    assert "PUT /voipbin/v1.0/numbers/" in problem and "← too early" in problem
    quiet = check(control, "voipbin", clients.voipbin_names_at_once, waits=False)
    assert len(quiet.failures) == 1  # not waiting is allowed then; acting early is not


def test_stopping_too_soon_and_waiting_for_ever_are_reported(control):
    early = check(control, "gigs", clients.gigs_stops_at_processing)
    [failure] = early.failures
    assert "was processing and the client never saw it active (statuses it saw: initiated, processing)" in failure.problem
    forever = check(control, "gigs", clients.gigs_waits_for_activated, timeout=1.5)
    [failure] = forever.failures
    assert "it did not return within 1.5 s while" in failure.problem
    assert "went through initiated → processing → active; the statuses it saw: initiated, processing, active" in failure.problem
    assert "… " in failure.render() and "before" in failure.render()  # a long run is shown by its last requests


def test_a_scenario_that_creates_nothing_that_changes_fails(control):
    report = check(control, "voipbin", lambda target: None)
    assert ("no resource the scenario created or changed went through a state that changes by itself "
            "(it made no request): nothing was exercised (voipbin numbers: purchase-pending → active)") in report.render()
    with pytest.raises(LookupError, match="voiceos has no resource the lifecycle check drives"):
        check_lifecycle(control, "voiceos", lambda: None, base_url="", credentials={})


@pytest.mark.timeout(300)
def test_from_the_command_line(tmp_path):
    shutil.copy(Path(__file__).with_name("lifecycle_clients.py"), tmp_path / "lifecycle_clients.py")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "telemock", "check", "lifecycle", *args],
                              cwd=tmp_path, capture_output=True, text=True, timeout=240, check=False)

    clean = cli("--provider", "gigs", "--scenario", "lifecycle_clients:gigs_waits_for_active")
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert "gigs lifecycle: 1 resources, 2 transitions" in clean.stdout
    ended = cli("--provider", "gigs", "--scenario", "lifecycle_clients:gigs_cancels_and_waits_for_the_end")
    assert ended.returncode == 0 and "gigs lifecycle: 1 resources, 3 transitions" in ended.stdout, ended.stdout + ended.stderr
    early = cli("--provider", "voipbin", "--scenario", "lifecycle_clients:voipbin_names_at_once", "--no-wait")
    assert early.returncode == 1 and "while it was purchase-pending" in early.stdout
    unknown = cli("--provider", "voiceos", "--scenario", "lifecycle_clients:gigs_waits_for_active")
    assert unknown.returncode == 2 and "Error: --provider: voiceos has no resource" in unknown.stderr


@pytest.fixture
def signalwire() -> Iterator[tuple[LocalControl, Callable[[Any], Any]]]:
    """A SignalWire-only server of the test's own (E911 states change), and the check run against it."""
    local = LocalControl(create_app(Config(providers=["signalwire"])))
    auth = {"basic": ["3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token"]}

    def run(scenario: Any) -> Any:
        return check_lifecycle(local, "signalwire", scenario, base_url=f"{local.base_url}/signalwire", credentials=auth, timeout=3)

    yield local, run
    local.close()


def test_signalwire_e911_pending_until_active(signalwire):
    _, run = signalwire
    careful = run(clients.signalwire_waits_for_e911)
    assert careful.ok, careful.render()
    assert [s for _, s in careful.resources[0].phases] == ["none", "pending", "active"]
    trusting = run(clients.signalwire_trusts_the_assignment)
    [failure] = trusting.failures
    assert f"the scenario returned while {clients.SW_NUMBER} was pending and the client never saw it active" in failure.problem


def test_gigs_cancel_until_the_number_ends(control):
    careful = check(control, "gigs", clients.gigs_cancels_and_waits_for_the_end)
    assert careful.ok, careful.render()
    assert [s for _, s in careful.resources[0].phases] == ["initiated", "processing", "active", "canceled", "ended"]
    assert careful.transitions == 3  # the month to the end is driven like the seconds before activation
    forever = check(control, "gigs", clients.gigs_waits_for_canceled, timeout=1.5)
    [failure] = forever.failures
    assert "it did not return within 1.5 s while" in failure.problem
    assert "went through initiated → processing → active → canceled → ended" in failure.problem
    assert "the statuses it saw: initiated, processing, active, canceled, ended" in failure.problem
    hasty = check(control, "gigs", clients.gigs_cancel_is_the_end)
    [failure] = hasty.failures
    assert "was canceled and the client never saw it ended (statuses it saw: initiated, processing, active)" in failure.problem
    assert check(control, "gigs", clients.gigs_cancel_is_the_end, waits=False).ok


def test_signalwire_e911_removal_pending_until_unregistered(signalwire):
    local, run = signalwire
    careful = run(clients.signalwire_waits_for_removal)
    assert careful.ok, careful.render()
    assert [s for _, s in careful.resources[0].phases] == ["active", "pending_removal", "unregistered"]
    trusting = run(clients.signalwire_trusts_the_removal)
    [failure] = trusting.failures
    assert (f"the scenario returned while {clients.SW_REGISTERED} was pending_removal and the client never saw it "
            "unregistered") in failure.problem
    assert local.state()["providers"]["signalwire"]["tenants"]["demo"]["numbers"][clients.SW_REGISTERED]["e911_status"] == "active"
