"""The control API over a real socket: health, reset, state, journal, clock, profiles, errors."""

from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from telemock.emulator.admin.routes import ROUTES

KEY = {"accesskey": "voipbin_demo_accesskey"}


def test_health(server):
    response = server.admin().get("/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and "voipbin" in body["providers"]
    assert body["providers"]["voipbin"]["profile"] == "documented"


def test_reset_one_tenant_all_or_one_provider(server):
    admin = server.admin()
    vb = server.client("/voipbin/v1.0", params=KEY)
    vb.post("/numbers", json={"number": "+899777000111", "type": "virtual"}).raise_for_status()
    assert len(vb.get("/numbers").json()["result"]) == 4
    assert admin.post("/reset", json={"provider": "voipbin", "tenant": "demo"}).status_code == 200
    assert len(vb.get("/numbers").json()["result"]) == 3
    vb.post("/numbers", json={"number": "+899777000111", "type": "virtual"}).raise_for_status()
    admin.post("/reset", json={"provider": "voipbin"}).raise_for_status()
    assert len(vb.get("/numbers").json()["result"]) == 3


def test_reset_misuse(server):
    admin = server.admin()
    assert admin.post("/reset", json={"provider": "nope"}).status_code == 404
    assert admin.post("/reset", json={"tenant": "demo"}).status_code == 400
    assert admin.post("/reset", content=b"[1]").json()["error"]["code"] == "invalid_body"


def test_state_round_trip_restores_exactly(server):
    admin = server.admin()
    vb = server.client("/voipbin/v1.0", params=KEY)
    admin.post("/clock/freeze").raise_for_status()
    vb.post("/numbers", json={"number": "+899777000222", "type": "virtual"}).raise_for_status()
    snapshot = admin.get("/state").json()
    listing = vb.get("/numbers").json()
    admin.post("/reset").raise_for_status()
    assert vb.get("/numbers").json() != listing
    assert admin.put("/state", json=snapshot).status_code == 200
    assert vb.get("/numbers").json() == listing
    assert admin.get("/clock").json()["frozen"] is True


def test_bad_snapshot_changes_nothing(server):
    admin = server.admin()
    before = admin.get("/state").json()
    broken = {"providers": {"voipbin": {"profile": "nonsense", "tenants": {}}}}
    response = admin.put("/state", json=broken)
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid_snapshot"
    assert admin.put("/state", json={"providers": {"nope": {}}}).status_code == 400
    after = admin.get("/state").json()
    assert after["providers"] == before["providers"]


def test_journal_filters(server):
    vb = server.client("/voipbin/v1.0", params=KEY)
    vb.get("/numbers")
    vb.get("/numbers/not-a-uuid")
    vb.delete("/flows/not-a-uuid")
    admin = server.admin()
    assert [e["status"] for e in admin.get("/journal").json()["entries"]] == [200, 400, 400]
    assert len(admin.get("/journal", params={"status": 400}).json()["entries"]) == 2
    only = admin.get("/journal", params={"method": "DELETE"}).json()["entries"]
    assert [e["operation"] for e in only] == ["flows_delete"]
    assert len(admin.get("/journal", params={"path": "/flows", "limit": 5}).json()["entries"]) == 1
    assert len(admin.get("/journal", params={"tenant": "demo", "provider": "voipbin", "limit": 2}).json()["entries"]) == 2
    assert admin.get("/journal", params={"status": "abc"}).status_code == 400


def test_clock_endpoints(server):
    admin = server.admin()
    assert admin.get("/clock").json()["frozen"] is False
    frozen = admin.post("/clock/freeze").json()
    advanced = admin.post("/clock/advance", json={"seconds": 86400}).json()
    delta = datetime.fromisoformat(advanced["now"].replace("Z", "+00:00")) - datetime.fromisoformat(frozen["now"].replace("Z", "+00:00"))
    assert delta.total_seconds() == 86400
    assert admin.post("/clock/set", json={"time": "2031-02-03T04:05:06Z"}).json()["now"].startswith("2031-02-03T04:05:06")
    assert admin.post("/clock/resume").json()["frozen"] is False
    for bad in ({"seconds": -1}, {"seconds": "1"}, {"seconds": True}, {}):
        assert admin.post("/clock/advance", json=bad).status_code == 400
    assert admin.post("/clock/set", json={"time": "yesterday"}).status_code == 400
    assert admin.post("/clock/set", json={"time": "2031-02-03T04:05:06"}).status_code == 400


def test_unknown_routes_and_methods_are_json(server):
    admin = server.admin()
    missing = admin.get("/nope")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "not_found"
    wrong = admin.delete("/health")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    outside = server.client().get("/elsewhere")
    assert outside.status_code == 404 and "/voipbin" in outside.json()["error"]["message"]


def test_openapi_documents_every_route(server):
    spec = server.admin().get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    for verb, path, _ in ROUTES:
        assert verb.lower() in spec["paths"].get(path, {}), f"{verb} {path} is not documented"
    server_url = spec["servers"][0]["url"]
    assert server_url == f"{server.url}/_telemock"  # a generated client joins it with the paths
    assert httpx.get(server_url + "/health").status_code == 200


def test_provider_specs_are_served_with_the_emulator_as_server(server):
    spec = server.client().get("/voipbin/openapi.json").json()
    assert spec["servers"][0]["url"] == f"{server.url}/voipbin"
    assert "/v1.0/numbers" in spec["paths"]


@pytest.mark.parametrize("host", ["api.voipbin.net", "api.voipbin.net:443"])
def test_real_host_reaches_the_provider_without_prefix(server, host):
    response = server.client().get("/v1.0/numbers", params=KEY, headers={"Host": host})
    assert response.status_code == 200 and len(response.json()["result"]) == 3


def test_seed_adds_state_until_the_next_reset(server):
    admin = server.admin()
    response = admin.post("/fixtures", json={"voipbin": {"customers": [{"tenant": "seeded", "accesskeys": [{"key": "k-seeded"}]}]}})
    assert response.status_code == 201
    seeded = server.client("/voipbin/v1.0", params={"accesskey": "k-seeded"})
    assert seeded.get("/numbers").status_code == 200
    admin.post("/reset").raise_for_status()
    assert seeded.get("/numbers").status_code == 401


def test_seed_accepts_yaml_and_is_all_or_nothing(server):
    admin = server.admin()
    yaml_body = "voipbin:\n  customers:\n    - {tenant: y1, accesskeys: [{key: k-y1}]}\n"
    assert admin.post("/fixtures", content=yaml_body, headers={"Content-Type": "application/yaml"}).status_code == 201
    before = admin.get("/state").json()["providers"]["voipbin"]["tenants"]
    bad = {"voipbin": {"customers": [{"tenant": "ok2", "accesskeys": [{"key": "k-ok2"}]}, {"tenant": "bad", "plan": "gold"}]}}
    response = admin.post("/fixtures", json=bad)
    assert response.status_code == 400 and "customers[1].plan" in response.json()["error"]["message"]
    assert admin.get("/state").json()["providers"]["voipbin"]["tenants"] == before
    assert admin.post("/fixtures", json={"nope": {}}).status_code == 400


def test_providers_describe_demo_auth(server):
    providers = server.admin().get("/providers").json()["providers"]
    voipbin = providers["voipbin"]
    assert voipbin["demo_auth"] == {"params": {"accesskey": "voipbin_demo_accesskey"}}
    assert voipbin["profile"] == "documented" and voipbin["tenants"] >= 1
