"""Bearer keys per project, the documented order of checks (headers, path, query/body), bad input."""

from __future__ import annotations

import pytest

from telemock.emulator import Config

from .support import ACTIVE_NUMBER, BASE, KEY, PROJECT, SUBSCRIPTION, error_of

UNAUTH = {"object": "error", "message": "Invalid authorization token", "type": "unauthenticated"}


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer nope"}, {"Authorization": f"Basic {KEY}"}, {"Authorization": "Bearer"}, {"Authorization": KEY}],
)
def test_missing_or_wrong_key_is_401_with_the_documented_body(anon, headers):
    response = anon.get(f"/projects/{PROJECT}/virtualNumbers", headers=headers)
    assert response.status_code == 401
    assert response.json() == UNAUTH


def test_auth_is_checked_before_the_path_and_the_query(anon):
    """No key + another project + an unknown parameter: 401, not 403 or 400."""
    response = anon.get("/projects/elsewhere/virtualNumbers/vnr_unknown?bogus=1&limit=999")
    assert response.json() == UNAUTH


def test_auth_is_checked_before_the_body(anon):
    response = anon.post(f"/projects/{PROJECT}/virtualNumbers", content=b"{not json")
    assert response.json() == UNAUTH


def test_path_project_is_checked_before_the_query(gigs, server):
    client = server.client("/gigs", headers={"Authorization": f"Bearer {KEY}"})
    body = error_of(client.get("/projects/other/virtualNumbers?bogus=1"), 403, "permissionDenied")
    assert body["message"]


def test_path_resource_is_checked_before_the_query(gigs):
    error_of(gigs.get("/virtualNumbers/vnr_doesnotexist?bogus=1"), 404, "notFound")
    error_of(gigs.get(f"/virtualNumbers/{ACTIVE_NUMBER}?bogus=1"), 400, "invalid")


def test_foreign_project_can_be_configured_as_not_found(server_factory):
    live = server_factory(Config(providers=["gigs"], settings={"gigs": {"foreign_project_error": "notFound"}}))
    client = live.client("/gigs", headers={"Authorization": f"Bearer {KEY}"})
    error_of(client.get("/projects/other/virtualNumbers"), 404, "notFound")


def test_expired_key_is_401(server_factory, tmp_path):
    fixture = tmp_path / "gigs.yaml"
    fixture.write_text(
        "gigs:\n  projects:\n    - id: old\n      api_keys:\n"
        "        - {key: k_live, id: apk_live}\n        - {key: k_expired, expires: '2001-01-01T00:00:00Z'}\n"
    )
    live = server_factory(Config(providers=["gigs"], fixtures=[fixture]))
    assert live.client("/gigs", headers={"Authorization": "Bearer k_live"}).get("/projects/old/users").status_code == 200
    response = live.client("/gigs", headers={"Authorization": "Bearer k_expired"}).get("/projects/old/users")
    assert response.json() == UNAUTH


def test_auto_tenants_create_a_usable_project(server_factory):
    live = server_factory(Config(providers=["gigs"], auto_tenants=True))
    client = live.client("/gigs/projects/fresh-one", headers={"Authorization": "Bearer brand-new-key"})
    subscriptions = client.get("/subscriptions").json()["items"]
    assert [s["status"] for s in subscriptions] == ["active"]
    created = client.post("/virtualNumbers", json={"subscription": subscriptions[0]["id"]})
    assert created.status_code == 201
    # The key now belongs to that project only; the demo project is untouched.
    error_of(live.client("/gigs", headers={"Authorization": "Bearer brand-new-key"}).get(f"/projects/{PROJECT}/users"), 403, "permissionDenied")
    # An unknown key on an existing project is still refused.
    assert live.client("/gigs", headers={"Authorization": "Bearer other"}).get(f"/projects/{PROJECT}/users").status_code == 401


def test_malformed_json_is_400_malformed_and_changes_nothing(gigs):
    before = gigs.get("/virtualNumbers").json()
    error_of(gigs.post("/virtualNumbers", content=b'{"subscription": '), 400, "malformed")
    error_of(gigs.post("/virtualNumbers", content=b""), 400, "malformed")
    assert gigs.get("/virtualNumbers").json() == before


@pytest.mark.parametrize(
    ("body", "prop", "code"),
    [
        ({}, "subscription", "propertyRequired"),
        ({"subscription": None}, "subscription", "propertyRequired"),
        ({"subscription": 42}, "subscription", "propertyInvalid"),
        ({"subscription": "usr_0SNlurA049MEWV4OpCwsNyC9Kn2d"}, "subscription", "propertyInvalid"),
        ({"subscription": SUBSCRIPTION, "country": "GB"}, "country", "propertyUnknown"),
    ],
)
def test_invalid_create_bodies_are_400_invalid_with_details(gigs, body, prop, code):
    before = gigs.get("/virtualNumbers").json()
    error = error_of(gigs.post("/virtualNumbers", json=body), 400, "invalid")
    assert error["details"][0] == {**error["details"][0], "object": "propertyErrorDetail", "property": prop, "code": code}
    assert gigs.get("/virtualNumbers").json() == before


def test_non_object_body_is_invalid(gigs):
    error_of(gigs.post("/virtualNumbers", json=["sub_x"]), 400, "invalid")


def test_unknown_route_and_wrong_method_answer_in_the_gigs_format(gigs):
    error_of(gigs.get("/nothingHere"), 404, "notFound")
    response = gigs.delete("/virtualNumbers")
    assert response.status_code == 405
    assert response.json()["object"] == "error"


def test_oversize_body_is_refused_in_the_gigs_format(gigs):
    response = gigs.post("/virtualNumbers", content=b"{" + b" " * (1024 * 1024 + 10) + b"}")
    assert response.status_code == 413
    assert response.json()["object"] == "error"


def test_real_host_routing_reaches_gigs_without_prefix(server):
    client = server.client("", headers={"Host": "api.gigs.com", "Authorization": f"Bearer {KEY}"})
    response = client.get(f"/projects/{PROJECT}/virtualNumbers/{ACTIVE_NUMBER}")
    assert response.status_code == 200
    assert response.json()["id"] == ACTIVE_NUMBER


def test_requests_are_journaled_under_the_project(server, gigs):
    gigs.get("/users")
    entries = server.admin().get("/journal", params={"provider": "gigs"}).json()["entries"]
    assert entries[-1]["tenant"] == PROJECT
    assert entries[-1]["operation"] == "users_list"
    assert entries[-1]["headers"]["authorization"] == "Bearer ****"
    assert BASE.removeprefix("/gigs") in entries[-1]["path"]
