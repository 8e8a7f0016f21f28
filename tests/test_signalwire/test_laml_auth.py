"""Who may call the compatibility (LaML) API, and how it answers failures found before its handlers:
always its own Twilio-style error, never Relay REST's."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import (
    AUTH,
    MAIN_LINE,
    NUMBERS,
    PROJECT,
    RECENT,
    TOKEN,
    cached,
    client,
    state,
)
from test_signalwire.laml_support import INCOMING, LOCAL, SDK_INCOMING, TOLL_FREE_SEARCH, laml, laml_error, number_path
from test_signalwire.test_auth import (  # noqa: F401  (fixtures: a server with two projects)
    OTHER_NUMBER,
    OTHER_PROJECT,
    basic,
    two_projects,
    two_projects_server,
)

from telemock.emulator import Config

# (method, path, form body): every compatibility route, in its documented form and the SDK's.
ROUTES = [
    ("GET", INCOMING, None),
    ("POST", INCOMING, {"PhoneNumber": "+15035550111"}),
    ("GET", number_path(RECENT), None),
    ("POST", number_path(RECENT), {"FriendlyName": "x"}),
    ("DELETE", number_path(MAIN_LINE), None),
    ("GET", LOCAL, None),
    ("GET", TOLL_FREE_SEARCH, None),
    ("GET", f"{SDK_INCOMING}.json", None),
    ("POST", f"{SDK_INCOMING}/{RECENT}.json", {"FriendlyName": "x"}),
]


@pytest.mark.parametrize("method,path,body", ROUTES)
@pytest.mark.parametrize(
    "headers",
    [{}, basic(f"{PROJECT}:wrong"), basic(f"00000000-0000-4000-8000-000000000000:{TOKEN}"), basic(PROJECT),
     {"Authorization": f"Bearer {TOKEN}"}, {"Authorization": "Basic !!!"}],
    ids=["none", "wrong token", "unknown project", "no colon", "bearer", "not base64"],
)
def test_every_route_needs_valid_credentials(server, method, path, body, headers):
    before = state(server)
    response = cached(server, "/signalwire").request(method, path, data=body, headers=headers)
    assert laml_error(response, 401, 20003) == "Authentication failed"
    assert state(server) == before


def test_a_token_without_the_numbers_scope(two_projects):
    api = laml(two_projects, (PROJECT, "PTmessaging_only"))
    for method, path, body in ROUTES:
        laml_error(api.request(method, path, data=body), 401, 20003)


def test_another_accounts_path_is_refused_and_leaves_it_alone(two_projects):
    other = f"/api/laml/2010-04-01/Accounts/{OTHER_PROJECT}/IncomingPhoneNumbers"
    before = state(two_projects, "other")
    api = laml(two_projects)
    laml_error(api.get(other), 401, 20003)
    laml_error(api.post(f"{other}/{OTHER_NUMBER}", data={"FriendlyName": "mine now"}), 401, 20003)
    laml_error(api.delete(f"{other}/{OTHER_NUMBER}"), 401, 20003)
    laml_error(api.get(f"/api/laml/2010-04-01/Accounts/{OTHER_PROJECT}/AvailablePhoneNumbers/US/Local"), 401, 20003)
    # The other project's number inside one's own account is simply not there.
    laml_error(api.get(number_path(OTHER_NUMBER)), 404, 20404)
    laml_error(api.post(number_path(OTHER_NUMBER), data={"FriendlyName": "mine now"}), 404, 20404)
    assert state(two_projects, "other") == before
    assert api.get(INCOMING.replace(PROJECT, PROJECT.upper())).status_code == 200  # ids compare as UUIDs


def test_an_unknown_project_with_auto_tenants_gets_an_empty_account(server_factory):
    live = server_factory(Config(auto_tenants=True))
    fresh = ("0b0b0b0b-1111-4222-8333-444455556666", "PTfresh")
    path = f"/api/laml/2010-04-01/Accounts/{fresh[0]}/IncomingPhoneNumbers"
    answer = laml(live, fresh).get(path)
    assert answer.status_code == 200 and answer.json()["incoming_phone_numbers"] == []
    assert laml(live, fresh).post(path, data={"PhoneNumber": "+15035550111"}).status_code == 201
    assert [n["number"] for n in client(live, fresh).get(NUMBERS).json()["data"]] == ["+15035550111"]


@pytest.mark.parametrize(
    "method,path",
    [("GET", "/api/laml/2010-04-01/Accounts"), ("GET", f"/api/laml/2010-04-01/Accounts/{PROJECT}/Calls"),
     ("PATCH", number_path(RECENT)), ("PUT", INCOMING), ("GET", f"/2010-04-01/Accounts/{PROJECT}/Nope.json"),
     ("GET", f"{INCOMING}.xml")],
)
def test_routing_misses_are_20404_in_the_compatibility_format(server, method, path):
    message = laml_error(laml(server).request(method, path), 404, 20404)
    assert path in message


def test_relay_rest_misses_keep_relay_rests_format(server):
    response = client(server).get("/api/relay/rest/nope")
    assert response.status_code == 404 and response.json() == {"error": "Not Found"}


def test_an_oversize_body_is_413_in_the_compatibility_format(server):
    before = state(server)
    response = laml(server).post(number_path(RECENT), content=b"FriendlyName=" + b"x" * (1024 * 1024 + 10),
                                 headers={"content-type": "application/x-www-form-urlencoded"})
    laml_error(response, 413, 10000)
    assert state(server) == before


def test_injected_faults_answer_in_the_compatibility_format(server):
    admin = server.admin()
    admin.post("/faults", json={"provider": "signalwire", "operation": "laml_incoming_phone_numbers_list",
                                "effect": "status", "status": 429, "retry_after": 3, "count": 1}).raise_for_status()
    limited = laml(server).get(INCOMING)
    assert laml_error(limited, 429, 20429) and limited.headers["retry-after"] == "3"
    admin.post("/faults", json={"provider": "signalwire", "effect": "status", "status": 503,
                                "count": 1}).raise_for_status()
    laml_error(laml(server).get(f"{SDK_INCOMING}.json"), 503, 20504)
    admin.post("/faults", json={"provider": "signalwire", "effect": "status", "status": 503,
                                "count": 1}).raise_for_status()
    relay = client(server).get(NUMBERS)
    assert relay.status_code == 503 and relay.json() == {"error": "Internal Server Error"}
    assert laml(server).get(INCOMING).status_code == 200  # spent


@pytest.mark.parametrize("path", [INCOMING, f"{SDK_INCOMING}.json"])
def test_the_real_host_reaches_the_compatibility_api(server, path):
    response = cached(server, "", AUTH).get(path, headers={"Host": "example.signalwire.com"})
    assert response.status_code == 200 and len(response.json()["incoming_phone_numbers"]) == 4


def test_the_journal_names_the_operation_and_the_project(server):
    laml(server).get(f"{SDK_INCOMING}/{RECENT}.json").raise_for_status()
    entry = cached(server, "/_telemock").get("/journal", params={"provider": "signalwire"}).json()["entries"][-1]
    assert entry["tenant"] == "demo" and entry["operation"] == "laml_incoming_phone_numbers_get"
