"""Form bodies with hostile values for every documented parameter of the compatibility API's writes:
never a 5xx, a refusal always in the API's own format, and the state still plain JSON.

(The shared hostile suites send JSON bodies, which these operations refuse before reading a field.)
"""

from __future__ import annotations

from urllib.parse import quote

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_signalwire.helpers import RECENT, admin
from test_signalwire.laml_support import INCOMING, laml, number_path

from telemock.emulator.providers.signalwire.laml_config import CREATE_FIELDS, UPDATE_FIELDS

NEAR_MISSES = ["", "http://", "http://[::1", "https://example.com:99999/x", "http://user@/x", "//example.com",
               "https://example.com/\x00", "GET", "post", "voice", "fax", "+15035550111", "+1", "+" + "9" * 18,
               "8c1f4a52-7d3e-4b6a-9f20-5e1d2c3b4a59", "8C1F4A52-7D3E-4B6A-9F20-5E1D2C3B4A59", "x" * 300]
values = st.sampled_from(NEAR_MISSES) | st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)


FORM = {"content-type": "application/x-www-form-urlencoded"}


def form(fields: dict[str, str]) -> bytes:
    return "&".join(f"{quote(name)}={quote(value)}" for name, value in fields.items()).encode()


def check(server, response) -> None:
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert set(response.json()) == {"code", "message", "more_info", "status"}, response.text
    dump = admin(server).get("/state")
    assert dump.status_code == 200 and orjson.loads(dump.content)["providers"]["signalwire"]


def test_every_parameter_with_every_near_miss(server):
    for path, fields in ((INCOMING, CREATE_FIELDS), (number_path(RECENT), UPDATE_FIELDS)):
        for name in fields:
            for value in NEAR_MISSES:
                body = {"PhoneNumber": "+15035550147", name: value} if path == INCOMING else {name: value}
                check(server, laml(server).post(path, content=form(body), headers=FORM))
        admin(server).post("/reset").raise_for_status()


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(sorted(CREATE_FIELDS)), values, max_size=6))
def test_buying_with_hostile_values(server, fields):
    response = laml(server).post(INCOMING, content=form(fields), headers=FORM)
    check(server, response)


@settings(max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(fields=st.dictionaries(st.sampled_from(sorted(UPDATE_FIELDS)), values, max_size=6))
def test_updating_with_hostile_values(server, fields):
    response = laml(server).post(number_path(RECENT), content=form(fields), headers=FORM)
    check(server, response)
