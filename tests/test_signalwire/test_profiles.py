"""The documented and observed profiles: each switch changes exactly what the facts record."""

from __future__ import annotations

from test_signalwire.helpers import NUMBERS, RECENT, admin, client, set_profile

from telemock.emulator.providers.signalwire.models import RELAY_STRING_KEYS
from telemock.emulator.providers.signalwire.profiles import DOCUMENTED, OBSERVED, PROFILES

SWITCHED = RELAY_STRING_KEYS | {"call_video_room_id", "call_status_callback_url"}


def test_profiles_are_named_switches():
    assert set(PROFILES) == {"documented", "observed"}
    assert DOCUMENTED.search_item_shape == "number" and OBSERVED.search_item_shape == "e164"


def test_unset_relay_strings_video_room_and_status_url(server):
    api = client(server)
    documented = api.get(f"{NUMBERS}/{RECENT}").json()
    assert all(documented[key] is None for key in SWITCHED)
    set_profile(server, "observed")
    observed = api.get(f"{NUMBERS}/{RECENT}").json()
    assert all(observed[key] == "" for key in SWITCHED)
    assert {k for k in documented if documented[k] != observed[k]} == SWITCHED
    # Id-type fields stay null, as recorded in production.
    for key in ("calling_handler_resource_id", "call_laml_application_id", "call_sip_endpoint_id",
                "call_relay_connector_id", "message_laml_application_id", "e911_address_id"):
        assert observed[key] is None


def test_set_values_render_the_same_in_both(server):
    api = client(server)
    api.put(f"{NUMBERS}/{RECENT}", json={"call_relay_topic": "office",
                                         "call_video_room_id": "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"})
    documented = api.get(f"{NUMBERS}/{RECENT}").json()
    set_profile(server, "observed")
    observed = api.get(f"{NUMBERS}/{RECENT}").json()
    assert observed["call_relay_topic"] == documented["call_relay_topic"] == "office"
    assert observed["call_video_room_id"] == documented["call_video_room_id"]


def test_search_items_in_production_form(server):
    set_profile(server, "observed")
    item = client(server).get(f"{NUMBERS}/search", params={"areacode": "503", "max_results": 1}).json()["data"][0]
    assert item == {
        "e164": "+15035550111",
        "national_number_formatted": "(503) 555-0111",
        "international_number_formatted": "+1 503-555-0111",
        "rate_center": "PORTLAND",
        "region": "OR",
        "country_code": "US",
        "capabilities": ["voice", "fax", "sms", "mms"],
    }


def test_a_server_started_observed(observed_server):
    api = client(observed_server)
    assert api.get(f"{NUMBERS}/{RECENT}").json()["call_relay_script_url"] == ""
    assert "number" not in api.get(f"{NUMBERS}/search").json()["data"][0]


def test_reset_restores_the_configured_profile(server):
    set_profile(server, "observed")
    admin(server).post("/reset").raise_for_status()
    assert client(server).get(f"{NUMBERS}/{RECENT}").json()["call_relay_topic"] is None
