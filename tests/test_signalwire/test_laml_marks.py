"""Every change the compatibility (LaML) API makes marks exactly the project it changed, over a real
socket: persistence writes those; a refused or empty write, and every read, marks nothing."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import HQ_ADDRESS, MAIN_LINE, PROJECT, RECENT, TOKEN, cached, freeze, write_fixture
from test_signalwire.test_backend_marks import OTHER_PROJECT, PROJECTS, watch

from telemock.emulator import Config
from telemock.emulator.providers.signalwire.routes import TABLE

ACCOUNT = f"/api/laml/2010-04-01/Accounts/{PROJECT}"
CREATE, UPDATE, DELETE = (f"laml_incoming_phone_numbers_{action}" for action in ("create", "update", "delete"))
# (the operation a write exercises, method, path, form body, status, the tenants it changes): one
# successful call of every compatibility write, then writes refused or with nothing to change, and reads.
CASES = [
    (CREATE, "POST", f"{ACCOUNT}/IncomingPhoneNumbers", {"PhoneNumber": "+15035550111", "VoiceUrl": "https://e.com/v"},
     201, {"demo"}),
    (UPDATE, "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", {"FriendlyName": "Front desk"}, 200, {"demo"}),
    (UPDATE, "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}.json", {"EmergencyAddressSid": HQ_ADDRESS}, 200,
     {"demo"}),
    (DELETE, "DELETE", f"/2010-04-01/Accounts/{PROJECT}/IncomingPhoneNumbers/{MAIN_LINE}.json", None, 204,
     {"demo"}),
    (None, "POST", f"{ACCOUNT}/IncomingPhoneNumbers", {"PhoneNumber": "+15035550199"}, 422, set()),  # not offered
    (None, "POST", f"{ACCOUNT}/IncomingPhoneNumbers", {"PhoneNumber": "+15035550111", "VoiceMethod": "PUT"}, 400,
     set()),
    (None, "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", {"FriendlyName": ""}, 400, set()),
    (None, "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", {}, 200, set()),  # nothing sent
    (None, "POST", f"{ACCOUNT}/IncomingPhoneNumbers/{MAIN_LINE}", {"EmergencyAddressSid": HQ_ADDRESS}, 200, set()),
    (None, "DELETE", f"{ACCOUNT}/IncomingPhoneNumbers/{RECENT}", None, 409, set()),  # inside the release window
    (None, "DELETE", f"/api/laml/2010-04-01/Accounts/{OTHER_PROJECT}/IncomingPhoneNumbers/{RECENT}", None, 401, set()),
    (None, "GET", f"{ACCOUNT}/IncomingPhoneNumbers", None, 200, set()),
    (None, "GET", f"{ACCOUNT}/AvailablePhoneNumbers/US/Local", None, 200, set()),
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
        case[0] for case in CASES if case[0]}


@pytest.mark.parametrize("op,method,path,body,status,changed", CASES, ids=[f"{c[1]}:{i}" for i, c in enumerate(CASES)])
def test_a_write_marks_exactly_the_project_it_changed(live, op, method, path, body, status, changed):
    response, really_changed, touched = watch(live, lambda: api(live).request(method, path, data=body))
    assert response.status_code == status, response.text
    assert really_changed == changed and touched == changed
