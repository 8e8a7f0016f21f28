"""HTTP Basic per project, token scopes, project isolation, routing misses and host routing."""

from __future__ import annotations

import base64

import pytest
from test_signalwire.helpers import (
    AUTH,
    BASE,
    MAIN_LINE,
    NUMBERS,
    PROJECT,
    RECENT,
    TOKEN,
    cached,
    client,
    state,
    write_fixture,
)

from telemock.emulator import Config

OTHER_PROJECT = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
OTHER_NUMBER = "c0ffee00-1111-4222-8333-444455556666"
TWO_PROJECTS = f"""
signalwire:
  settings:
    inventory: [{{number: "+15035550111"}}]
  projects:
    - tenant: demo
      project_id: {PROJECT}
      tokens:
        - {{token: {TOKEN}}}
        - {{token: PTmessaging_only, scopes: [messaging]}}
      numbers:
        - {{id: {RECENT}, number: "+14155550123", purchased_days_ago: 60}}
    - tenant: other
      project_id: {OTHER_PROJECT}
      trial: true
      tokens: [{{token: PTother}}]
      e911_addresses: [{{id: 8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59}}]
      numbers:
        - {{id: {OTHER_NUMBER}, number: "+14155550123", purchased_days_ago: 20}}
"""
ROUTES = [
    ("GET", NUMBERS, None),
    ("POST", NUMBERS, {"number": "+15035550111"}),
    ("GET", f"{NUMBERS}/search", None),
    ("GET", f"{NUMBERS}/{RECENT}", None),
    ("PUT", f"{NUMBERS}/{RECENT}", {"name": "x"}),
    ("DELETE", f"{NUMBERS}/{MAIN_LINE}", None),
    ("POST", f"{NUMBERS}/{RECENT}/e911_address", {"e911_address_id": "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59"}),
    ("DELETE", f"{NUMBERS}/{MAIN_LINE}/e911_address", None),
    ("POST", f"{BASE}/imported_phone_numbers", {"number": "+4930123456", "number_type": "longcode"}),
    ("GET", f"{BASE}/lookup/phone_number/+15035550110", None),
]


def basic(raw: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(raw.encode()).decode()}


@pytest.fixture(scope="module")
def two_projects_server(server_factory, tmp_path_factory):
    return server_factory(Config(fixtures=[write_fixture(tmp_path_factory.mktemp("sw"), TWO_PROJECTS)]))


@pytest.fixture
def two_projects(two_projects_server):
    """A server with two projects holding the same number, reset before each test."""
    cached(two_projects_server, "/_telemock").post("/reset").raise_for_status()
    return two_projects_server


@pytest.mark.parametrize("method,path,body", ROUTES)
@pytest.mark.parametrize(
    "headers",
    [
        {},
        basic(f"{PROJECT}:wrong"),
        basic(f"00000000-0000-4000-8000-000000000000:{TOKEN}"),
        basic(f"{PROJECT}"),
        basic(f":{TOKEN}"),
        basic(f"{PROJECT}:"),
        {"Authorization": f"Bearer {TOKEN}"},
        {"Authorization": "Basic !!!not-base64!!!"},
        {"Authorization": "Basic"},
        {"Authorization": "Basic " + base64.b64encode(b"\xff\xfe:\xff").decode()},
    ],
)
def test_every_route_needs_valid_credentials(server, method, path, body, headers):
    before = state(server)
    response = cached(server, "/signalwire").request(method, path, json=body, headers=headers)
    assert response.status_code == 401
    assert response.json() == {"error": "Unauthorized"}
    assert state(server) == before


def test_the_scheme_name_is_case_insensitive(server):
    raw = base64.b64encode(f"{PROJECT}:{TOKEN}".encode()).decode()
    response = cached(server, "/signalwire").get(NUMBERS, headers={"Authorization": f"basic {raw}"})
    assert response.status_code == 200


def test_a_token_without_the_numbers_scope(two_projects):
    api = client(two_projects, (PROJECT, "PTmessaging_only"))
    for method, path, body in ROUTES[:-1]:
        assert api.request(method, path, json=body).status_code == 401
    assert api.get(f"{BASE}/lookup/phone_number/+15035550110").status_code == 200


@pytest.mark.parametrize(
    "method,suffix,body",
    [("GET", "", None), ("PUT", "", {"name": "mine now"}), ("DELETE", "", None),
     ("POST", "/e911_address", {"e911_address_id": "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59"}),
     ("DELETE", "/e911_address", None)],
)
def test_another_projects_number_is_404(two_projects, method, suffix, body):
    before = state(two_projects, "other")
    response = client(two_projects).request(method, f"{NUMBERS}/{OTHER_NUMBER}{suffix}", json=body)
    assert response.status_code == 404 and response.json() == {"error": "Not Found"}
    assert state(two_projects, "other") == before


def test_projects_see_only_their_numbers(two_projects):
    mine = client(two_projects).get(NUMBERS).json()["data"]
    theirs = client(two_projects, (OTHER_PROJECT, "PTother")).get(NUMBERS).json()["data"]
    assert [n["id"] for n in mine] == [RECENT] and [n["id"] for n in theirs] == [OTHER_NUMBER]
    # A project's token does not open another project.
    assert client(two_projects, (OTHER_PROJECT, TOKEN)).get(NUMBERS).status_code == 401


def test_trial_projects_wait_30_days(two_projects):
    detail = client(two_projects, (OTHER_PROJECT, "PTother")).delete(f"{NUMBERS}/{OTHER_NUMBER}").json()
    assert "purchased too recently" in detail["errors"][0]["detail"]
    # The same number, 60 days old in the other (non-trial) project, can go.
    assert client(two_projects).delete(f"{NUMBERS}/{RECENT}").status_code == 204


def test_a_number_held_by_another_project_cannot_be_bought(two_projects):
    other = client(two_projects, (OTHER_PROJECT, "PTother"))
    assert other.post(NUMBERS, json={"number": "+15035550111"}).status_code == 200
    refused = client(two_projects).post(NUMBERS, json={"number": "+15035550111"})
    assert refused.status_code == 422


def test_auto_tenants(server_factory):
    live = server_factory(Config(auto_tenants=True))
    fresh = client(live, ("project-of-a-parallel-test", "any-token"))
    assert fresh.get(NUMBERS).json()["data"] == []
    assert fresh.post(NUMBERS, json={"number": "+15035550111"}).status_code == 200
    assert client(live, ("project-of-a-parallel-test", "other-token")).get(NUMBERS).status_code == 401
    assert client(live, (PROJECT, "wrong")).get(NUMBERS).status_code == 401
    assert len(client(live).get(NUMBERS).json()["data"]) == 4


@pytest.mark.parametrize(
    "method,path",
    [("GET", f"{BASE}/phone_number"), ("PATCH", f"{NUMBERS}/{RECENT}"), ("POST", f"{NUMBERS}/{RECENT}"),
     ("GET", f"{NUMBERS}/"), ("PUT", NUMBERS), ("GET", f"{NUMBERS}/{RECENT}/e911_address"),
     ("DELETE", f"{NUMBERS}/search")],  # compatibility (LaML) paths miss in their own format: test_laml_auth.py
)
def test_routing_misses_are_404(server, method, path):
    response = client(server).request(method, path)
    assert response.status_code == 404 and response.json() == {"error": "Not Found"}


def test_oversize_bodies_are_refused(server):
    before = state(server)
    response = client(server).put(f"{NUMBERS}/{RECENT}", content=b'{"name": "' + b"x" * (1024 * 1024 + 10) + b'"}',
                                  headers={"content-type": "application/json"})
    assert response.status_code == 413 and response.json() == {"error": "Request Entity Too Large"}
    assert state(server) == before


@pytest.mark.parametrize("host", ["example.signalwire.com", "demo.signalwire.com:443"])
def test_the_real_host_reaches_the_provider_without_prefix(server, host):
    response = cached(server, "", AUTH).get(NUMBERS, headers={"Host": host})
    assert response.status_code == 200 and len(response.json()["data"]) == 4


def test_journal_names_the_project_tenant(server):
    client(server).get(f"{NUMBERS}/{RECENT}").raise_for_status()
    entries = cached(server, "/_telemock").get("/journal", params={"provider": "signalwire"}).json()["entries"]
    assert entries[-1]["tenant"] == "demo" and entries[-1]["operation"] == "phone_numbers_get"
    assert entries[-1]["headers"]["authorization"] == "Basic ****"
