"""Fixture files: malformed ones fail start-up with the file, the place inside it and the problem."""

from __future__ import annotations

import subprocess
import sys

import pytest

from telemock.emulator import Config, create_app
from telemock.emulator.core.fixtures import FixtureError


def build(tmp_path, text: str):
    path = tmp_path / "f.yaml"
    path.write_text(text)
    return create_app(Config(fixtures=[path], providers=["voipbin"])), path


@pytest.mark.parametrize(
    "text,expected",
    [
        ("voipbin: [unclosed\n", "line 2, column 1: invalid YAML"),
        ("- just a list\n", "top level must be a mapping"),
        ("nosuch:\n  a: 1\n", "nosuch: no such provider"),
        ("voipbin:\n  customers:\n    - {tenant: t, plan: gold}\n", "voipbin.customers[0].plan"),
        ("voipbin:\n  customers:\n    - {tenant: t, colour: red}\n", "voipbin.customers[0].colour: Extra inputs"),
        ("voipbin:\n  customers:\n    - tenant: t\n      numbers: [{number: '12'}]\n", "voipbin.customers[0].numbers[0].number"),
        ("voipbin:\n  customers:\n    - {tenant: t}\n    - {tenant: t}\n", "declared twice"),
        ("voipbin:\n  customers:\n    - tenant: t\n      numbers: [{number: '+15550001111', call_flow: nope}]\n", "no flow named"),
        ("voipbin:\n  settings: {inventory: {usa: []}}\n", "not an ISO 3166"),
        ("voipbin:\n  customers:\n    - tenant: t\n      flows: [{id: 0b266038-844b-11ec-97d8-63ba531361ce, name: f, actions: [{type: hangup}]}, {id: 0b266038-844b-11ec-97d8-63ba531361ce, name: f, actions: [{type: hangup}]}]\n",
         "voipbin.customers[0].flows[1].id: id 0b266038-844b-11ec-97d8-63ba531361ce is declared twice"),
        ("voipbin:\n  customers:\n    - tenant: a\n      flows: [{id: 0b266038-844b-11ec-97d8-63ba531361ce, name: f, actions: [{type: hangup}]}]\n    - tenant: b\n      flows: [{id: 0b266038-844b-11ec-97d8-63ba531361ce, name: f, actions: [{type: hangup}]}]\n",
         "voipbin.customers[1].flows[0].id: id 0b266038-844b-11ec-97d8-63ba531361ce is declared twice"),
        ("voipbin:\n  customers:\n    - tenant: t\n      flows: [{id: 0b266038-844b-11ec-97d8-63ba531361ce, name: f, actions: [{type: hangup}]}]\n"
         "      numbers: [{number: '+15550001111', id: 0b266038-844b-11ec-97d8-63ba531361ce}]\n",
         "voipbin.customers[0].numbers[0].id: id 0b266038-844b-11ec-97d8-63ba531361ce is declared twice"),
    ],
)
def test_errors_name_file_place_and_problem(tmp_path, text, expected):
    with pytest.raises(FixtureError) as caught:
        build(tmp_path, text)
    message = str(caught.value)
    assert expected in message
    assert str(tmp_path / "f.yaml") in message


def test_missing_file(tmp_path):
    with pytest.raises(FixtureError, match="no such fixture file"):
        create_app(Config(fixtures=[tmp_path / "absent.yaml"], providers=["voipbin"]))


def test_a_valid_file_replaces_the_defaults(tmp_path):
    app, _ = build(tmp_path, "voipbin:\n  customers:\n    - {tenant: only, accesskeys: [{key: k}]}\n")
    assert list(app.state.runtime.providers["voipbin"].store.tenants) == ["only"]


def test_cli_reports_one_clear_line_and_exits_non_zero(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("voipbin:\n  customers:\n    - {tenant: t, plan: gold}\n")
    result = subprocess.run(
        [sys.executable, "-m", "telemock", "serve", "--provider", "voipbin", "--fixtures", str(path), "--port", "0"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode != 0
    assert "voipbin.customers[0].plan" in result.stderr and str(path) in result.stderr
    assert "Traceback" not in result.stderr


def test_fixture_times_are_rfc_3339_and_an_offset_can_be_required():
    from telemock.emulator.core.fixtures import fixture_time

    assert fixture_time(None, "here") is None
    assert fixture_time("2026-01-01T00:00:00Z", "here") == fixture_time("2026-01-01T00:00:00", "here")
    with pytest.raises(FixtureError, match=r"^here: 'soon' is not an RFC 3339 time$"):
        fixture_time("soon", "here")
    with pytest.raises(FixtureError, match="needs a UTC offset"):
        fixture_time("2026-01-01T00:00:00", "gigs.projects[0].created", offset_required=True)
