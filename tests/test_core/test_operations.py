"""One operation resolver per provider: the router, faults, overrides, the journal and the control API
all map a request to its operationId through it, at most once per request."""

from __future__ import annotations

from typing import Any

import pytest

KEY = {"accesskey": "voipbin_demo_accesskey"}


@pytest.fixture
def counted(server, monkeypatch) -> list[str]:
    """Every route lookup VoIPBIN's resolver makes, by request path."""
    operations = server.runtime.providers["voipbin"].operations
    lookups: list[str] = []
    match = operations._match

    def counting(scope: dict[str, Any]) -> Any:
        lookups.append(scope["path"])
        return match(scope)

    monkeypatch.setattr(operations, "_match", counting)
    return lookups


def test_a_request_is_resolved_once_whatever_asks(server, counted):
    admin = server.admin()
    vb = server.client("/voipbin/v1.0", params=KEY)
    # A fault rule on an operation and an override of another one: both ask for the operation.
    admin.post("/faults", json={"provider": "voipbin", "operation": "flows_list", "effect": "latency", "latency": 0})
    admin.post("/overrides", json={"provider": "voipbin", "operation": "flows_get", "status": 200, "body": {}})
    assert vb.get("/numbers").status_code == 200
    assert counted == ["/voipbin/v1.0/numbers"]
    journal = admin.get("/journal", params={"provider": "voipbin", "limit": 1}).json()["entries"]
    assert journal[0]["operation"] == "numbers_list"


def test_the_journal_names_the_operation_faults_and_overrides_match(server, counted):
    admin = server.admin()
    vb = server.client("/voipbin/v1.0", params=KEY)
    override = admin.post("/overrides", json={"provider": "voipbin", "operation": "numbers_list", "status": 418,
                                              "body": {"canned": True}}).json()
    assert vb.get("/numbers").status_code == 418
    entry = admin.get("/journal", params={"provider": "voipbin", "limit": 1}).json()["entries"][0]
    assert (entry["operation"], entry["marks"]) == ("numbers_list", [f"override:{override['id']}"])
    assert vb.delete("/numbers").status_code == 404  # a known path, a method it does not take (gin's NoRoute)
    entry = admin.get("/journal", params={"provider": "voipbin", "limit": 1}).json()["entries"][0]
    assert entry["operation"] == "numbers_list"  # the path's route, as the verdict judges it
    assert vb.get("/no-such-thing").status_code == 404
    entry = admin.get("/journal", params={"provider": "voipbin", "limit": 1}).json()["entries"][0]
    assert entry["operation"] is None
    assert len(counted) == 3  # one lookup per request


def test_the_control_api_accepts_the_providers_own_operations_only(server):
    admin = server.admin()
    for path, rule in (("/faults", {"effect": "drop"}), ("/overrides", {"status": 200})):
        assert admin.post(path, json={"provider": "voipbin", "operation": "numbers_list", **rule}).status_code == 201
        refused = admin.post(path, json={"provider": "voipbin", "operation": "openapi", **rule})
        assert refused.status_code == 404 and refused.json()["error"]["code"] == "unknown_operation"
    served = server.client("/voipbin").get("/openapi.json")  # the core's route, served but not the provider's
    assert served.status_code == 200 and served.json()["openapi"].startswith("3.1")


def test_routes_are_indexed_once_per_provider(server):
    provider = server.runtime.providers["voipbin"]
    assert provider.operations is provider.operations
    assert provider.operations.operation_ids == {route.name for route in provider.routes()}
