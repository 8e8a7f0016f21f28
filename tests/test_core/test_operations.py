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


def test_a_path_resolved_again_resolves_as_the_first_time_with_its_own_parameters(server):
    from telemock.emulator.core import operations as module

    provider = server.runtime.providers["voipbin"]
    resolver = module.Operations(provider.routes())

    def scope(method: str, path: str) -> dict[str, Any]:
        return {"type": "http", "method": method, "path": f"/voipbin{path}", "root_path": "/voipbin", "state": {}}

    cases = [("GET", "/v1.0/numbers/abc"), ("DELETE", "/v1.0/numbers"), ("GET", "/v1.0/nothing"), ("GET", "/v1.0/numbers")]
    first = [resolver.resolve(scope(*case)) for case in cases]
    again = [resolver.resolve(scope(*case)) for case in cases]
    assert [(r.operation, r.full, r.child_scope.get("path_params")) for r in first] == [
        ("numbers_get", True, {"id": "abc"}), (None, False, {}), (None, False, None), ("numbers_list", True, {})]
    assert [(r.route, r.full, r.child_scope) for r in again] == [(r.route, r.full, r.child_scope) for r in first]
    again[0].child_scope["path_params"]["id"] = "changed by a handler"
    assert resolver.resolve(scope(*cases[0])).child_scope["path_params"] == {"id": "abc"}
    for n in range(module.MATCH_MEMO_SIZE + 10):  # many distinct paths: the memory stays bounded
        assert resolver.resolve(scope("GET", f"/v1.0/numbers/{n}")).operation == "numbers_get"
    assert len(resolver._matched) == module.MATCH_MEMO_SIZE
