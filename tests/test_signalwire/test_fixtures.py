"""The `signalwire:` fixture section and the settings: loaded, overridden, and refused with a location."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import NUMBERS, client, write_fixture

from telemock.emulator import Config, create_app
from telemock.emulator.core.fixtures import FixtureError

PROJECT = "11111111-2222-4333-8444-555555555555"


def section(numbers: str = "", extra: str = "", settings: str = "") -> str:
    return f"""
signalwire:
  settings:
    inventory: [{{number: "+15035550111"}}]
{settings}
  projects:
    - project_id: {PROJECT}
      tokens: [{{token: PTx}}]
{extra}
      numbers:
{numbers}
"""


@pytest.mark.parametrize(
    "numbers,extra,settings,message",
    [
        ('        - {number: "+15035550110", call_handler: relay_topic}', "", "",
         "signalwire.projects[0].numbers[0]: call_relay_topic can't be blank when call_handler is relay_topic"),
        ('        - {number: "+15035550110", call_request_method: PUT}', "", "",
         "call_request_method is an invalid HTTP method"),
        ('        - {number: "+15035550110", colour: blue}', "", "", "found unpermitted parameter: colour"),
        ('        - {number: "+15035550110"}\n        - {number: "+15035550110"}', "", "",
         "numbers[1].number: +15035550110 is listed twice"),
        ('        - {number: "+15035550110", e911_address_id: 8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59}', "", "",
         "numbers[0].e911_address_id: no address"),
        ('        - {number: "+15035550110", created_at: yesterday}', "", "", "is not an RFC 3339 time"),
        ('        - {number: "+15035550110", created_at: "2025-01-01T00:00:00Z", purchased_days_ago: 3}', "", "",
         "give purchased_days_ago or created_at, not both"),
        ('        - {number: "5035550110"}', "", "", "numbers[0].number"),
        ("        []", "", "    release_window_days: -1", "release_window_days"),
        ("        []", "", "    inventory: [{number: '+15035550111'}, {number: '+15035550111'}]", "listed twice"),
        ("        []", "", "    inventory: [{number: '+4930123456'}]", "inventory"),
        ("        []", "      e911_addresses: [{id: nope}]", "", "e911_addresses[0].id"),
    ],
)
def test_bad_fixtures_are_refused_with_their_place(tmp_path, numbers, extra, settings, message):
    path = write_fixture(tmp_path, section(numbers, extra, settings))
    with pytest.raises(FixtureError) as refused:
        create_app(Config(fixtures=[path]))
    assert message in str(refused.value)


def test_a_project_declared_twice_is_refused(tmp_path):
    text = section("        []") + f"""    - project_id: {PROJECT}
      tokens: [{{token: PTy}}]
"""
    with pytest.raises(FixtureError, match="declared twice"):
        create_app(Config(fixtures=[write_fixture(tmp_path, text)]))


def test_bad_setting_override_is_refused():
    with pytest.raises(Exception, match="e911_activation_seconds"):
        create_app(Config(settings={"signalwire": {"e911_activation_seconds": "soon"}}))


def test_fixture_settings_and_overrides(server_factory, tmp_path):
    text = section(
        '        - {number: "+15035550110", purchased_days_ago: 3, name: Front desk, call_handler: relay_topic, '
        "call_relay_topic: office}",
        settings="    default_name: 'null'",
    )
    live = server_factory(Config(fixtures=[write_fixture(tmp_path, text)],
                                 settings={"signalwire": {"release_window_days": 2}}))
    api = client(live, (PROJECT, "PTx"))
    (held,) = api.get(NUMBERS).json()["data"]
    assert (held["name"], held["call_handler"], held["call_relay_topic"]) == ("Front desk", "relay_topic", "office")
    assert api.delete(f"{NUMBERS}/{held['id']}").status_code == 204  # 3 days > the 2-day window
    bought = api.post(NUMBERS, json={"number": "+15035550111"}).json()
    assert bought["name"] is None  # default_name: null
    assert "DEMO" not in str(api.get(NUMBERS).json())
