"""The allow-list and the consistency check can fail: they are built from the switches, narrow, and see lies.

- The observed profile's allowances are exactly its differing switches, each with what it may
  break; a differing switch nobody described stops the run.
- `check_server` with departures, against a small imitation of VoIPBIN: the departure covers the
  observed timestamps (and is counted), but not a wrong field type next to them, and a status
  departure allows a 500 only on the operation it names.
- The consistency check reports an answer that does not match the state, a list that hides a
  live object, and an answer that breaks the spec (served through response overrides).
"""

from __future__ import annotations

import itertools
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from telemock.contracts.kit.server_check import check_server
from telemock.contracts.specs import load_spec

from . import departures as catalogue
from .consistency import check_state
from .departures import allowances, departures_for, switched
from .targets import TARGETS

ACCESS = {"accesskey": "voipbin_demo_accesskey"}
NIL = "00000000-0000-0000-0000-000000000000"
RFC3339 = "2026-01-02T03:04:05.123456Z"


def operation_ids(provider: str) -> set[str]:
    return {op["operationId"] for item in load_spec(provider)["paths"].values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}


@pytest.mark.parametrize("provider", catalogue.PROVIDERS)
def test_allowances_are_the_switches_that_differ(provider):
    assert departures_for(provider, "documented") == ()
    for profile in set(catalogue.profiles_of(provider)) - {"documented"}:  # observed, and openapi where there is one
        found = allowances(provider, profile)
        assert {a.switch for a in found} == set(switched(provider, profile))
        for allowance in found:
            assert allowance.departures or allowance.none_because, allowance
            for departure in allowance.departures:
                assert departure.name == allowance.name
                assert departure.operations and departure.operations <= operation_ids(provider)  # never every operation
                assert departure.kind == "status" or departure.location  # a field departure names its fields


def test_a_switch_nobody_described_stops_the_run(monkeypatch):
    monkeypatch.delitem(catalogue.CATALOGUE, ("voipbin", "page_token_style"))
    with pytest.raises(LookupError, match="page_token_style"):
        departures_for("voipbin", "observed")


# --- check_server with departures, against an imitation ------------------------------------------


def number(**changes: Any) -> dict[str, Any]:
    body = {
        "id": "9a2c1f4e-0b2a-11eb-b38d-87a8f1051188", "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
        "number": "+899123456789", "type": "virtual", "call_flow_id": NIL, "message_flow_id": NIL,
        "name": "", "detail": "", "status": "active", "t38_enabled": False, "emergency_enabled": False,
        "metadata": {"rtp_debug": False}, "tm_purchase": RFC3339, "tm_renew": RFC3339, "tm_create": RFC3339,
        "tm_update": None, "tm_delete": None,
    }
    return body | changes


ANSWERS = itertools.count(1)


async def get_number(request: Request) -> Response:
    """Observed-style times; every third answer also has `t38_enabled` as a string (a real bug)."""
    broken = next(ANSWERS) % 3 == 0
    return JSONResponse(number(t38_enabled="no") if broken else number())


async def create_number(request: Request) -> Response:
    return JSONResponse({"error": "INTERNAL"}, status_code=500)


@pytest.fixture(scope="module")
def imitation() -> Iterator[str]:
    app = Starlette(routes=[Route("/voipbin/v1.0/numbers/{id}", get_number), Route("/voipbin/v1.0/numbers", create_number, methods=["POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the imitation did not start"
        time.sleep(0.005)
    yield f"http://127.0.0.1:{sock.getsockname()[1]}/voipbin"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_field_departure_covers_its_fields_and_nothing_else(imitation):
    allowed = departures_for("voipbin", "observed")
    without = check_server(imitation, "voipbin", query=ACCESS, operations=["numbers_get"], modes=("positive",), max_examples=20)
    assert not without.ok  # the observed times break the documented schema
    report = check_server(imitation, "voipbin", query=ACCESS, operations=["numbers_get"], modes=("positive",),
                          max_examples=20, allowed=allowed)
    result = report.results[0]
    assert result.outcome == "failed"
    assert len(result.failures) == 1 and '"no" is not of type "boolean"' in result.failures[0].message
    assert result.nonconforming >= 1 and result.server_errors == 0
    # Answers with only the observed times passed and were counted against the switches.
    assert result.departures.get("voipbin.timestamp_style=rfc3339", 0) >= 1
    assert result.departures.get("voipbin.unset_timestamp=null", 0) >= 1
    assert "allowed departures (answers):" in report.render()


def test_a_status_departure_allows_a_500_only_where_it_says(imitation):
    allowed = departures_for("voipbin", "observed")
    report = check_server(imitation, "voipbin", query=ACCESS, operations=["numbers_create"], modes=("positive",),
                          max_examples=5, allowed=allowed)
    assert report.ok, report.render()
    assert report.results[0].departures == {"voipbin.untyped_errors_as_internal=True": report.results[0].cases}
    narrowed = tuple(d for d in allowed if d.kind == "field")
    report = check_server(imitation, "voipbin", query=ACCESS, operations=["numbers_create"], modes=("positive",),
                          max_examples=5, allowed=narrowed)
    result = report.results[0]
    assert result.outcome == "failed" and result.server_errors >= 1
    assert {f.check for f in result.failures} >= {"Server error", "Undocumented status code"}


# --- the consistency check sees lies ---------------------------------------------------------------


def test_the_consistency_check_reports_answers_that_disagree_with_the_state(server):
    target = TARGETS["voipbin"]
    assert check_state(server.url, target, "documented").ok
    admin = server.admin()
    flow_id = "d157ce07-0360-4cad-9007-c8ab89fccf9c"
    stored = admin.get("/state").json()["providers"]["voipbin"]["tenants"]["demo"]["flows"][flow_id]
    lie = {"id": flow_id, "customer_id": stored["customer_id"], "type": "flow", "name": "not the stored name",
           "detail": stored["detail"], "actions": [], "direct_hash": "", "on_complete_flow_id": NIL,
           "tm_create": "2020-01-01 00:00:00.000000", "tm_update": "9999-01-01 00:00:00.000000",
           "tm_delete": "9999-01-01 00:00:00.000000"}
    admin.post("/overrides", json={"provider": "voipbin", "operation": "flows_get", "status": 200, "body": lie}).raise_for_status()
    admin.post("/overrides", json={"provider": "voipbin", "operation": "flows_list", "status": 200,
                                   "body": {"result": [], "next_page_token": ""}}).raise_for_status()
    admin.post("/overrides", json={"provider": "voipbin", "operation": "customer_get", "status": 500,
                                   "body": {"status": "INTERNAL"}}).raise_for_status()
    check = check_state(server.url, target, "documented")
    assert not check.ok and check.health == 200
    text = "\n".join(check.problems)
    assert f"flows {flow_id} (GET): name: answered 'not the stored name', stored 'talk flow'" in text
    assert f"flows {flow_id} (GET): tm_create: answered '2020-01-01 00:00:00.000000'" in text
    assert f"flows_list does not list the live flows object {flow_id}" in text
    assert "customer_get 500 does not conform" in text
    assert "numbers" not in text  # what was not overridden still agrees
