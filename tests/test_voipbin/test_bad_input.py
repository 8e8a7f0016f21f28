"""Bad input on every VoIPBIN route: the VoIPBIN envelope, the right status, state untouched."""

from __future__ import annotations

import pytest

from .support import SMS_FLOW, TALK_NUMBER, error_of

BODY_ROUTES = [
    ("POST", "/numbers"),
    ("PUT", f"/numbers/{TALK_NUMBER}"),
    ("PUT", f"/numbers/{TALK_NUMBER}/flow_ids"),
    ("PUT", f"/numbers/{TALK_NUMBER}/metadata"),
    ("POST", "/flows"),
    ("PUT", f"/flows/{SMS_FLOW}"),
    ("POST", "/activeflows"),
]


@pytest.fixture
def state_before(server):
    return server.admin().get("/state").json()["providers"]["voipbin"]["tenants"]


def assert_untouched(server, before):
    assert server.admin().get("/state").json()["providers"]["voipbin"]["tenants"] == before


@pytest.mark.parametrize("method,path", BODY_ROUTES)
@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b'"a string"', b"", b"\xff\xfe\x00", b'{"a": ' * 5000, b'{"name": "\x00"'],
)
def test_malformed_bodies(server, vb, state_before, method, path, content):
    response = vb.request(method, path, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    error = error_of(response)
    assert error["status"] == "INVALID_ARGUMENT" and error["reason"] == "INVALID_JSON_BODY"
    assert_untouched(server, state_before)


@pytest.mark.parametrize("method,path", BODY_ROUTES)
def test_wrong_field_types(server, vb, state_before, method, path):
    body = {"number": 5, "name": ["x"], "detail": {}, "call_flow_id": 7, "rtp_debug": "yes", "actions": "x", "flow_id": 3}
    response = vb.request(method, path, json=body)
    assert response.status_code == 400
    assert error_of(response)["reason"] == "INVALID_JSON_BODY"
    assert_untouched(server, state_before)


@pytest.mark.parametrize("method,path", BODY_ROUTES)
def test_body_over_one_mebibyte(server, vb, state_before, method, path):
    big = b'{"name": "' + b"x" * (1024 * 1024) + b'"}'
    response = vb.request(method, path, content=big, headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert error_of(response)["reason"] == "REQUEST_ENTITY_TOO_LARGE"
    assert_untouched(server, state_before)


def test_any_content_type_is_parsed_as_json(vb):
    response = vb.put(f"/numbers/{TALK_NUMBER}", content=b'{"name": "typed"}', headers={"Content-Type": "text/plain"})
    assert response.status_code == 200 and response.json()["name"] == "typed"
    form = vb.put(f"/numbers/{TALK_NUMBER}", data={"name": "form"})
    assert form.status_code == 400 and error_of(form)["reason"] == "INVALID_JSON_BODY"


@pytest.mark.parametrize("path", ["/nothing", "/numbers/x/y/z", "/v2/numbers", "/numbers/%0A/flow_ids/x"])
def test_unknown_routes(vb, path):
    response = vb.get(path)
    assert response.status_code == 404
    assert error_of(response)["reason"] in ("ROUTE_NOT_FOUND", "INVALID_ID")


def test_unregistered_method_on_a_known_path(vb):
    response = vb.patch(f"/numbers/{TALK_NUMBER}", json={})
    assert response.status_code == 404
    assert error_of(response)["reason"] == "ROUTE_NOT_FOUND"


@pytest.mark.parametrize("path", ["/numbers/abc", "/flows/abc", "/activeflows/abc", "/numbers/abc/flow_ids"])
def test_bad_path_ids(vb, path):
    method = "PUT" if path.endswith("flow_ids") else "GET"
    response = vb.request(method, path, json={})
    assert response.status_code == 400 and error_of(response)["reason"] == "INVALID_ID"


def test_every_error_is_journaled(server, vb):
    vb.post("/numbers", content=b"{bad", headers={"Content-Type": "application/json"})
    entries = server.admin().get("/journal", params={"provider": "voipbin", "status": 400}).json()["entries"]
    assert entries and entries[-1]["operation"] == "numbers_create" and entries[-1]["tenant"] == "demo"
    assert entries[-1]["query"]["accesskey"] == ["****"]
