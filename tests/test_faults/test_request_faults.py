"""Faults on provider requests over real sockets: latency, provider-formatted statuses, drops, garbled bodies,
and when rules fire (probability with a seed, count, a window of virtual time, filters)."""

from __future__ import annotations

import time

import httpx
import orjson
import pytest

from .conftest import add_fault

FLOW = {"detail": "d", "actions": [{"type": "answer"}]}


def journal_entry(admin: httpx.Client, **filters) -> dict:
    return admin.get("/journal", params={"limit": 1, **filters}).json()["entries"][-1]


def flow_names(vb: httpx.Client) -> set[str]:
    return {f["name"] for f in vb.get("/flows", params={"page_size": 100}).json()["result"]}


def test_latency_holds_the_answer_back_fixed_or_in_a_range(admin, vb):
    rule = add_fault(admin, provider="voipbin", operation="numbers_list", effect="latency", latency=0.4, count=1)
    started = time.monotonic()
    assert vb.get("/numbers").status_code == 200
    assert time.monotonic() - started >= 0.4
    entry = journal_entry(admin, provider="voipbin")
    assert entry["marks"] == [f"fault:{rule['id']}:latency"] and entry["duration_ms"] >= 400
    vb.get("/numbers")
    assert journal_entry(admin, provider="voipbin")["marks"] == []  # spent after one firing

    ranged = add_fault(admin, provider="voipbin", effect="latency", latency=[0.1, 0.25], count=3, seed=5)
    for _ in range(3):
        started = time.monotonic()
        vb.get("/numbers")
        assert time.monotonic() - started >= 0.1
        assert journal_entry(admin, provider="voipbin")["marks"] == [f"fault:{ranged['id']}:latency"]
    fired = {r["id"]: r for r in admin.get("/faults").json()["faults"]}
    assert fired[ranged["id"]]["fired"] == 3


def test_status_faults_answer_in_the_providers_own_formats_and_change_nothing(admin, vb, gigs):
    before = flow_names(vb)
    rule = add_fault(admin, provider="voipbin", effect="status", status=429, count=1)
    response = vb.post("/flows", json={"name": "never", **FLOW})
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    error = response.json()["error"]
    assert set(error) >= {"status", "reason", "message", "request_id"}  # VoIPBIN's envelope
    assert response.headers["x-request-id"] == error["request_id"]
    assert flow_names(vb) == before  # the handler never ran
    assert journal_entry(admin, provider="voipbin", method="POST")["marks"] == [f"fault:{rule['id']}:status"]

    add_fault(admin, provider="gigs", effect="status", status=503, retry_after=7, count=1)
    response = gigs.get("/virtualNumbers")
    assert response.status_code == 503 and response.headers["retry-after"] == "7"
    body = response.json()
    assert body["object"] == "error" and isinstance(body["type"], str) and body["message"]  # Gigs' error object

    add_fault(admin, provider="gigs", effect="status", status=500, count=1)
    response = gigs.get("/virtualNumbers")
    assert response.status_code == 500 and "retry-after" not in response.headers
    assert response.json()["object"] == "error"


def test_rules_naming_a_tenant_are_decided_after_authentication(admin, server, gigs):
    rule = add_fault(admin, provider="gigs", tenant="demo", effect="status", status=503)
    anonymous = server.client("/gigs/projects/demo").get("/virtualNumbers")
    assert anonymous.status_code == 401  # no tenant: the rule cannot match
    assert admin.get(f"/faults/{rule['id']}").json()["matched"] == 0
    assert gigs.get("/virtualNumbers").status_code == 503
    counters = admin.get(f"/faults/{rule['id']}").json()
    assert (counters["matched"], counters["fired"]) == (1, 1)
    assert journal_entry(admin, provider="gigs")["tenant"] == "demo"


def test_drop_closes_the_connection_without_an_answer_before_the_handler_runs(admin, vb):
    before = flow_names(vb)
    rule = add_fault(admin, provider="voipbin", method="POST", effect="drop", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        vb.post("/flows", json={"name": "dropped-before", **FLOW})
    assert flow_names(vb) == before
    entry = journal_entry(admin, provider="voipbin", method="POST")
    assert entry["status"] == 0 and entry["marks"] == [f"fault:{rule['id']}:drop"]


def test_drop_after_the_handler_loses_the_answer_but_keeps_the_change(admin, vb):
    add_fault(admin, provider="voipbin", method="POST", effect="drop", after_handler=True, count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        vb.post("/flows", json={"name": "dropped-after", **FLOW})
    assert "dropped-after" in flow_names(vb)  # the client must find out whether its write happened


def test_malformed_bodies_truncated_html_or_garbage(admin, vb):
    rule = add_fault(admin, provider="voipbin", operation="numbers_list", effect="malformed", count=1)
    response = vb.get("/numbers")
    assert response.status_code == 200 and int(response.headers["content-length"]) == len(response.content)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(response.content)
    assert response.content == vb.get("/numbers").content[: len(response.content)]  # the first half
    assert journal_entry(admin, provider="voipbin")["marks"] == []
    assert f"fault:{rule['id']}:malformed" in admin.get("/journal", params={"limit": 2}).json()["entries"][0]["marks"]

    add_fault(admin, provider="voipbin", effect="malformed", mode="html", count=1)
    response = vb.get("/numbers")
    assert response.headers["content-type"] == "text/html" and response.text.startswith("<html>")

    add_fault(admin, provider="voipbin", effect="malformed", mode="garbage", seed=1, count=1)
    with pytest.raises(orjson.JSONDecodeError):
        orjson.loads(vb.get("/numbers").content)


def test_probability_with_a_seed_repeats_the_same_faults(admin, vb):
    def run() -> list[int]:
        rule = add_fault(admin, provider="voipbin", effect="status", status=503, probability=0.5, seed=42)
        statuses = [vb.get("/numbers").status_code for _ in range(30)]
        counters = admin.get(f"/faults/{rule['id']}").json()
        assert counters["matched"] == 30 and counters["fired"] == statuses.count(503)
        assert admin.delete("/faults").json() == {"removed": 1}
        return statuses

    first = run()
    assert set(first) == {200, 503} and 5 <= first.count(503) <= 25
    assert run() == first


def test_count_stops_a_rule_after_that_many_firings(admin, vb):
    rule = add_fault(admin, provider="voipbin", effect="status", status=500, count=2)
    assert [vb.get("/numbers").status_code for _ in range(4)] == [500, 500, 200, 200]
    listed = admin.get("/faults").json()["faults"]
    assert [(r["id"], r["fired"], r["remaining"]) for r in listed] == [(rule["id"], 2, 0)]


def test_window_of_virtual_time(admin, vb):
    admin.post("/clock/freeze").raise_for_status()
    admin.post("/clock/set", json={"time": "2030-06-01T00:00:00Z"}).raise_for_status()
    add_fault(admin, provider="voipbin", effect="status", status=503, window={"after_seconds": 60, "for_seconds": 60})
    add_fault(admin, provider="voipbin", effect="status", status=429,
              window={"start": "2030-06-01T01:00:00Z", "end": "2030-06-01T01:00:30Z"})
    assert vb.get("/numbers").status_code == 200
    admin.post("/clock/advance", json={"seconds": 61}).raise_for_status()
    assert vb.get("/numbers").status_code == 503
    admin.post("/clock/advance", json={"seconds": 60}).raise_for_status()
    assert vb.get("/numbers").status_code == 200
    admin.post("/clock/set", json={"time": "2030-06-01T01:00:10Z"}).raise_for_status()
    assert vb.get("/numbers").status_code == 429


def test_filters_operation_method_path_glob_and_regex(admin, vb):
    add_fault(admin, provider="voipbin", method="POST", path="/v1.0/flows*", effect="status", status=500)
    add_fault(admin, provider="voipbin", path_regex=r"^/voipbin/v1\.0/numbers$", effect="status", status=503)
    add_fault(admin, provider="voipbin", operation="flows_get", effect="status", status=429)
    assert vb.get("/flows").status_code == 200
    assert vb.post("/flows", json={"name": "x", **FLOW}).status_code == 500
    assert vb.get("/numbers").status_code == 503
    number = admin.get("/state").json()["providers"]["voipbin"]["tenants"]
    some_number = next(iter(next(iter(number.values()))["numbers"]))
    assert vb.get(f"/numbers/{some_number}").status_code == 200
    flow = next(iter(next(iter(number.values()))["flows"]))
    assert vb.get(f"/flows/{flow}").status_code == 429


def test_rule_admin_validation_listing_removal_and_reset(admin, vb):
    for bad, code in (
        ({"effect": "teleport"}, 400),
        ({"effect": "status"}, 400),
        ({"effect": "status", "status": 200}, 400),
        ({"effect": "latency"}, 400),
        ({"effect": "latency", "latency": [2, 1]}, 400),
        ({"effect": "drop", "copies": 3}, 400),
        ({"effect": "delay", "latency": 1}, 400),  # a delivery effect on requests
        ({"target": "deliveries", "effect": "status", "status": 500}, 400),
        ({"effect": "drop", "path_regex": "("}, 400),
        ({"effect": "drop", "probability": 0}, 400),
        ({"effect": "drop", "window": {"start": "yesterday"}}, 400),
        ({"effect": "drop", "nonsense": 1}, 400),
        ({"effect": "drop", "provider": "nobody"}, 404),
        ({"effect": "drop", "provider": "voipbin", "operation": "no_such_operation"}, 404),
    ):
        response = admin.post("/faults", json=bad)
        assert response.status_code == code, (bad, response.text)
        assert response.json()["error"]["message"]
    first = add_fault(admin, provider="voipbin", effect="status", status=500, description="first")
    second = add_fault(admin, target="deliveries", effect="duplicate")
    assert admin.get("/faults/999").status_code == 404
    assert admin.get(f"/faults/{first['id']}").json()["description"] == "first"
    assert [r["id"] for r in admin.get("/faults", params={"target": "deliveries"}).json()["faults"]] == [second["id"]]
    assert admin.delete(f"/faults/{first['id']}").json() == {"removed": 1}
    assert admin.delete(f"/faults/{first['id']}").status_code == 404
    assert vb.get("/numbers").status_code == 200
    add_fault(admin, provider="voipbin", effect="status", status=500)
    admin.post("/reset").raise_for_status()
    assert admin.get("/faults").json()["faults"] == []
    assert vb.get("/numbers").status_code == 200
