"""The `openapi` profile: VoIPBIN's published OpenAPI where it departs from the docs pages, and the
switches each profile sets where the docs, the OpenAPI and the service disagree."""

from __future__ import annotations

import re
import subprocess
import sys

import click
import httpx
import pytest

from telemock.cli import parse_profiles

from .support import TALK_FLOW, TALK_NUMBER, error_of

ISO = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")
PROFILES = ("documented", "openapi", "observed")


def use_profile(admin: httpx.Client, profile: str) -> None:
    admin.put("/profiles", json={"provider": "voipbin", "profile": profile}).raise_for_status()


def test_times_are_date_times_and_unset_ones_are_left_out(admin, vb):
    use_profile(admin, "openapi")
    number = vb.get(f"/numbers/{TALK_NUMBER}").json()
    assert ISO.match(number["tm_create"]) and ISO.match(number["tm_purchase"])
    assert "tm_update" not in number and "tm_delete" not in number
    flow = vb.get(f"/flows/{TALK_FLOW}").json()
    assert ISO.match(flow["tm_create"]) and "tm_update" not in flow
    customer = vb.get("/customer").json()
    assert ISO.match(customer["tm_create"]) and not {"tm_update", "tm_delete", "tm_deletion_scheduled"} & set(customer)
    activeflow = vb.post("/activeflows", json={"flow_id": TALK_FLOW}).json()
    assert ISO.match(activeflow["tm_create"]) and "tm_delete" not in activeflow
    deleted = vb.delete(f"/numbers/{TALK_NUMBER}").json()
    assert ISO.match(deleted["tm_delete"]) and deleted["tm_delete"] == deleted["tm_update"]
    page = vb.get("/numbers", params={"page_size": 1}).json()
    assert ISO.match(page["next_page_token"])


@pytest.mark.parametrize("profile,status", [("documented", 400), ("openapi", 200), ("observed", 200)])
def test_a_page_token_that_is_no_time(admin, vb, profile, status):
    use_profile(admin, profile)
    for path in ("/numbers", "/flows", "/activeflows"):
        response = vb.get(path, params={"page_token": "yesterday"})
        assert response.status_code == status, path
        if status == 400:
            assert error_of(response)["reason"] == "INVALID_REQUEST_PARAMETER"
        else:
            assert response.json() == {"result": [], "next_page_token": ""}
    assert vb.get("/numbers", params={"page_size": "x"}).status_code == 400  # the generated wrapper refuses it in all


@pytest.mark.parametrize("profile,status", [("documented", 409), ("openapi", 500), ("observed", 500)])
def test_a_duplicate_number_and_a_taken_activeflow_id(admin, vb, profile, status):
    use_profile(admin, profile)
    duplicate = vb.post("/numbers", json={"number": "+899100000001", "type": "virtual"})
    assert duplicate.status_code == status
    started = vb.post("/activeflows", json={"flow_id": TALK_FLOW}).json()
    taken = vb.post("/activeflows", json={"id": started["id"], "flow_id": TALK_FLOW})
    assert taken.status_code == status
    assert len(vb.get("/activeflows").json()["result"]) == 1


@pytest.mark.parametrize(
    "profile,allowed",
    [("documented", {"active", "purchase-pending", "suspended"}), ("openapi", {"active"}), ("observed", {"active", "purchase-pending"})],
)
def test_the_statuses_a_transition_can_reach(admin, vb, profile, allowed):
    use_profile(admin, profile)
    for status in ("purchase-pending", "suspended", "active"):
        response = admin.post("/transition", json={"provider": "voipbin", "tenant": "demo", "resource": "number", "id": TALK_NUMBER, "to": status})
        if status in allowed:
            assert response.status_code == 200 and response.json()["status"] == status
        else:
            assert response.status_code == 409 and profile in response.text
            assert vb.get(f"/numbers/{TALK_NUMBER}").json()["status"] != status


def test_no_purchase_is_pending_in_the_openapi_profile(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(provider_profiles={"voipbin": "openapi"}, settings={"voipbin": {"purchase_pending_seconds": 60}}))
    client = live.client("/voipbin/v1.0", params={"accesskey": "voipbin_demo_accesskey"})
    bought = client.post("/numbers", json={"number": "+12182558711"})
    assert bought.status_code == 200 and bought.json()["status"] == "active"


@pytest.mark.parametrize("profile,status", [("documented", 200), ("openapi", 400), ("observed", 200)])
def test_a_customer_email_that_is_no_address(admin, vb, profile, status):
    use_profile(admin, profile)
    response = vb.put("/customer", json={"name": "x", "email": "not an address"})
    assert response.status_code == status
    if status == 400:
        assert error_of(response)["reason"] == "INVALID_EMAIL"
        assert "email" not in vb.get("/customer").json()
    assert vb.put("/customer", json={"name": "x", "email": "ops@example.com"}).status_code == 200


@pytest.mark.parametrize("profile", PROFILES)
def test_deleting_an_activeflow_answers_200_with_it_in_every_profile(admin, vb, profile):
    """The published OpenAPI says 204; the service answers 200 with the activeflow."""
    use_profile(admin, profile)
    started = vb.post("/activeflows", json={"flow_id": TALK_FLOW}).json()
    deleted = vb.delete(f"/activeflows/{started['id']}")
    assert deleted.status_code == 200 and deleted.json()["id"] == started["id"] and deleted.json()["status"] == "ended"


# --- choosing the profile -------------------------------------------------------------------------


def test_a_provider_profile_is_named_per_provider():
    assert parse_profiles(("voipbin=openapi",)) == ("documented", {"voipbin": "openapi"})
    assert parse_profiles(("observed", "voipbin=openapi")) == ("observed", {"voipbin": "openapi"})
    with pytest.raises(click.BadParameter) as refused:
        parse_profiles(("openapi",))
    message = refused.value.format_message()
    assert "\n" not in message and "gigs, signalwire, voiceos" in message and "voipbin" not in message.split(";")[0]


def test_the_command_refuses_unknown_profiles_in_one_line():
    for flag, expected in (("openapi", "is not a profile of gigs, signalwire, voiceos"), ("voipbin=imaginary", "unknown profile 'imaginary' for voipbin")):
        result = subprocess.run([sys.executable, "-m", "telemock", "serve", "--port", "0", "--profile", flag],
                                capture_output=True, text=True, timeout=60)
        assert result.returncode != 0, flag
        errors = [line for line in result.stderr.splitlines() if expected in line]
        assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr
