"""Verdicts: every journaled request is judged against the documented spec; leniency is reported."""

from __future__ import annotations

import logging

KEY = {"accesskey": "voipbin_demo_accesskey"}


def test_a_conforming_request_has_no_violations(server):
    vb = server.client("/voipbin/v1.0", params=KEY)
    assert vb.post("/numbers", json={"number": "+899111222333", "type": "virtual"}).status_code == 200
    entry = server.admin().get("/journal").json()["entries"][-1]
    assert entry["operation"] == "numbers_create" and entry["violations"] == []


def test_leniency_is_answered_as_the_provider_would_and_reported(server, caplog):
    vb = server.client("/voipbin/v1.0", params=KEY)
    caplog.set_level(logging.WARNING, logger="telemock.requests")
    # VoIPBIN treats an unknown type as a normal purchase and ignores unknown keys; the docs do not.
    response = vb.post("/numbers", json={"number": "+15550102030", "type": "virtul", "colour": "red"})
    assert response.status_code == 200
    entry = server.admin().get("/journal", params={"violations": "true"}).json()["entries"][-1]
    found = {(v["location"], v["expected"]) for v in entry["violations"]}
    assert ("body/type", "enum") in found
    assert ("body", "additionalProperties") in found
    typo = next(v for v in entry["violations"] if v["location"] == "body/type")
    assert typo["got"] == '"virtul"' and "normal" in typo["message"]
    assert any("broke the documented contract" in r.getMessage() and "body/type" in r.getMessage() for r in caplog.records)


def test_missing_credentials_wrong_types_and_undocumented_parameters(server):
    anon = server.client("/voipbin/v1.0")
    anon.get("/numbers", params={"page_size": "ten", "colour": "red"})
    entry = server.admin().get("/journal").json()["entries"][-1]
    locations = {v["location"] for v in entry["violations"]}
    assert {"security", "query.page_size", "query.colour"} <= locations


def test_an_undocumented_route_is_a_violation(server):
    server.client("/voipbin/v1.0", params=KEY).get("/numbers/x/y")
    entry = server.admin().get("/journal").json()["entries"][-1]
    assert entry["violations"][0]["location"] == "path"
    assert "not a documented operation" in entry["violations"][0]["message"]


def test_secrets_in_violations_are_masked(server):
    anon = server.client("/voipbin")
    anon.post("/auth/login", json={"username": "demo", "password": "hunter2", "otp": 1})
    entry = server.admin().get("/journal").json()["entries"][-1]
    assert entry["violations"], entry
    assert "hunter2" not in str(entry)


def test_filter_and_summary(server):
    vb = server.client("/voipbin/v1.0", params=KEY)
    vb.get("/numbers")
    vb.get("/numbers", params={"page_size": "x"})
    vb.get("/flows")
    admin = server.admin()
    clean = admin.get("/journal", params={"violations": "false"}).json()["entries"]
    dirty = admin.get("/journal", params={"violations": "true"}).json()["entries"]
    assert len(clean) == 2 and len(dirty) == 1
    summary = admin.get("/journal/summary").json()["providers"]["voipbin"]
    assert summary["numbers_list"] == {"requests": 2, "violating": 1, "violations": 1}
    assert summary["flows_list"]["violating"] == 0
    assert admin.get("/journal", params={"violations": "maybe"}).status_code == 400


def test_verdicts_can_be_switched_off(server_factory):
    from telemock.emulator import Config

    live = server_factory(Config(verdicts=False))
    live.client("/voipbin/v1.0", params=KEY).get("/numbers", params={"page_size": "x"})
    assert live.admin().get("/journal").json()["entries"][-1]["violations"] == []


def test_each_body_is_judged_with_what_surrounds_it_when_the_rest_repeats(server):
    """The same URL, query and headers with new bodies (creates): every body gets its own verdict,
    next to what the unchanged rest of the request broke."""
    vb = server.client("/voipbin/v1.0", params={**KEY, "colour": "red"})
    bodies = [
        {"number": "+899111222301", "type": "virtual"},
        {"number": "+899111222302", "type": "virtul"},
        {"number": "+899111222303", "type": "virtual"},
        {"number": "+899111222302", "type": "virtul"},  # a body seen before: the same verdict
    ]
    for body in bodies:
        vb.post("/numbers", json=body)
    entries = server.admin().get("/journal", params={"limit": 4}).json()["entries"]
    locations = [sorted({v["location"] for v in entry["violations"]}) for entry in entries]
    assert locations == [["query.colour"], ["body/type", "query.colour"], ["query.colour"], ["body/type", "query.colour"]]
