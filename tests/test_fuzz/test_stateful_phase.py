"""`check_server`'s stateful phase follows the spec's links, and says so when there are none to follow."""

from __future__ import annotations

import pytest

from telemock.contracts.kit.server_check import check_server

ACCESS = {"accesskey": "voipbin_demo_accesskey"}
VIRTUAL = {"numbers_create": {"number": {"type": "string", "pattern": r"^\+899[1-9][0-9]{8}$"}, "type": {"const": "virtual"}}}


def test_created_numbers_are_fetched_through_the_link(server):
    report = check_server(f"{server.url}/voipbin", "voipbin", query=ACCESS, modes=(), operations=["numbers_create", "numbers_get"],
                          stateful_examples=8, stateful_steps=5, stateful_bodies=VIRTUAL)
    assert report.ok, report.render()
    (result,) = report.results
    assert (result.operation, result.mode, result.outcome) == ("links", "stateful", "passed")
    assert result.scenarios >= 8 and result.cases == sum(sum(c.values()) for c in result.steps.values())
    assert result.steps["numbers_create"].get(200, 0) >= 1  # the pinned body made creates succeed
    assert result.steps["numbers_create -[200]-> numbers_get"].get(200, 0) >= 1
    assert "links" in report.render() and "stateful" in report.render()
    created = [n for n in server.admin().get("/state").json()["providers"]["voipbin"]["tenants"]["demo"]["numbers"].values()
               if n["type"] == "virtual" and n["number"] != "+899100000001"]
    assert created  # the sequences really created numbers on the server


def test_operations_without_links_skip_the_phase(server):
    report = check_server(f"{server.url}/voipbin", "voipbin", query=ACCESS, modes=(), operations=["numbers_list"],
                          stateful_examples=3)
    assert [(r.mode, r.outcome, r.reason) for r in report.results] == [("stateful", "skipped", "no links between the operations run")]


def test_a_pin_must_name_a_documented_body_property(server):
    with pytest.raises(LookupError, match="numbers_create documents no body property nmuber"):
        check_server(f"{server.url}/voipbin", "voipbin", query=ACCESS, modes=(), stateful_examples=1,
                     stateful_bodies={"numbers_create": {"nmuber": {"const": "+899123456789"}}})
    with pytest.raises(ValueError, match="unknown check"):
        check_server(f"{server.url}/voipbin", "voipbin", query=ACCESS, modes=(), skip_checks=["use_after_fee"])
