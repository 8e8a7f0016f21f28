"""Every change the compatibility (LaML) API makes marks exactly the project it changed, over a real
socket: persistence writes those; a refused or empty write, and every read, marks nothing."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import HQ_ADDRESS, MAIN_LINE, PROJECT, RECENT, TOKEN, cached, freeze, write_fixture
from test_signalwire.test_backend_marks import OTHER_PROJECT, PROJECTS, watch

from telemock.emulator import Config
from telemock.emulator.providers.signalwire.routes import TABLE

ACCOUNT = f"/api/laml/2010-04-01/Accounts/{PROJECT}"
# (operationId, method, path, form body, status): one successful call of every compatibility write.
WRITES = [
    ("laml_incoming_phone_numbers_create", "POST", f"{ACCOUNT}/IncomingPhoneNumbers",
     {"PhoneNumber": "+15035550111", "VoiceUrl": "https://example.com/v"}, 201),
    ("laml_incoming_phone_numbers_update", "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}",
     {"FriendlyName": "Front desk"}, 200),
    ("laml_incoming_phone_numbers_update", "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}.json",
     {"EmergencyAddressSid": HQ_ADDRESS}, 200),
    ("laml_incoming_phone_numbers_delete", "DELETE", f"/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers/{MAIN_LINE}.json",
     None, 204),
]
# Writes refused, or with nothing to change, and reads: no tenant changes, none is marked.
NO_CHANGES = [
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers", {"PhoneNumber": "+15035550199"}, 422),  # not offered
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers", {"PhoneNumber": "+15035550111", "VoiceMethod": "PUT"}, 400),
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", {"FriendlyName": ""}, 400),
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", {}, 200),  # nothing sent
    ("POST", f"{ACCOUNT}/IncomingPhoneNumbers/{MAIN_LINE}", {"EmergencyAddressSid": HQ_ADDRESS}, 200),  # has it
    ("DELETE", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", None, 409),  # inside the release window
    ("DELETE", f"/api/laml/2010-04-01/Accounts/{OTHER_PROJECT}/IncomingPhoneNumbers/{RECENT}", None, 401),
    ("GET", f"{ACCOUNT}/IncomingPhoneNumbers", None, 200),
    ("GET", f"{ACCOUNT}/AvailablePhoneNumbers/US/Local", None, 200),
]


@pytest.fixture(scope="module")
def projects_server(server_factory, tmp_path_factory):
    path = write_fixture(tmp_path_factory.mktemp("laml-marks"), PROJECTS)
    return server_factory(Config(fixtures=[path], auto_tenants=True))


@pytest.fixture
def live(projects_server):
    cached(projects_server, "/_telemock").post("/reset").raise_for_status()
    freeze(projects_server)
    return projects_server


def api(live):
    return cached(live, "/signalwire", (PROJECT, TOKEN))


def test_the_cases_cover_every_compatibility_route_that_writes():
    assert {op for verb, _path, op, _handler in TABLE if verb != "GET" and op.startswith("laml_")} == {
        op for op, *_ in WRITES}


@pytest.mark.parametrize("op,method,path,body,status", WRITES, ids=[f"{w[0]}:{i}" for i, w in enumerate(WRITES)])
def test_a_write_marks_the_project_it_changed(live, op, method, path, body, status):
    response, changed, touched = watch(live, lambda: api(live).request(method, path, data=body))
    assert response.status_code == status, response.text
    assert changed == {"demo"}
    assert touched == changed


@pytest.mark.parametrize("method,path,body,status", NO_CHANGES)
def test_a_write_that_changes_nothing_marks_nothing(live, method, path, body, status):
    response, changed, touched = watch(live, lambda: api(live).request(method, path, data=body))
    assert response.status_code == status, response.text
    assert changed == set() and touched == set()
