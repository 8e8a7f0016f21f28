"""`check_server`: the documented spec's checks against any implementation of a provider's API.

The emulator passes them; a tiny Starlette app that imitates VoIPBIN badly (a wrong field type,
a 500 on a malformed query) is caught, each problem shrunk to a minimal case whose curl command
reproduces it.
"""

from __future__ import annotations

import shlex
import socket
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import uvicorn
from contract_support import run_schemathesis
from schemathesis.generation.modes import GenerationMode
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from telemock.contracts.kit.server_check import ServerUnreachable, check_server, prepared_spec
from telemock.contracts.specs import load_spec

SIGNALWIRE_AUTH = ("3f0d7c1e-5b8a-4e2f-9c6d-1a2b3c4d5e6f", "PTdemo_token")
GIGS_HEADERS = {"Authorization": "Bearer gigs_demo_key"}
SENTINEL = "9999-01-01 00:00:00.000000"
NIL = "00000000-0000-0000-0000-000000000000"
# A VoIPBIN number as documented, except that t38_enabled is the string "no" instead of a boolean.
BAD_NUMBER = {
    "id": "9a2c1f4e-0b2a-11eb-b38d-87a8f1051188", "customer_id": "5e4a0680-804e-11ec-8477-2fea5968d85b",
    "number": "+899123456789", "type": "virtual", "call_flow_id": NIL, "message_flow_id": NIL,
    "name": "", "detail": "", "status": "active", "t38_enabled": "no", "emergency_enabled": False,
    "metadata": {"rtp_debug": False}, "tm_purchase": SENTINEL, "tm_renew": SENTINEL,
    "tm_create": "2026-01-01 00:00:00.000000", "tm_update": SENTINEL, "tm_delete": SENTINEL,
}


async def bad_numbers_list(request: Request) -> Response:
    """Lists a malformed number, and crashes where the real service answers 400."""
    size = request.query_params.get("page_size")
    if size is not None:
        try:
            int(size)
        except ValueError:
            return PlainTextResponse("Internal Server Error", status_code=500)
    return JSONResponse({"result": [BAD_NUMBER], "next_page_token": BAD_NUMBER["tm_create"]})


def serve(app: Any) -> tuple[str, uvicorn.Server, threading.Thread]:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, access_log=False, log_config=None, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the broken app did not start"
        time.sleep(0.005)
    return f"http://127.0.0.1:{sock.getsockname()[1]}", server, thread


@pytest.fixture(scope="session")
def broken_voipbin() -> Iterator[str]:
    """The root URL of a server that imitates VoIPBIN's `GET /voipbin/v1.0/numbers` badly."""
    url, server, thread = serve(Starlette(routes=[Route("/voipbin/v1.0/numbers", bad_numbers_list)]))
    yield url
    server.should_exit = True
    thread.join(timeout=10)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def operation_ids(provider: str) -> set[str]:
    return {op["operationId"] for item in load_spec(provider)["paths"].values() for op in item.values()
            if isinstance(op, dict) and "operationId" in op}


def test_the_emulator_passes_for_signalwire_and_gigs(server):
    signalwire = check_server(f"{server.url}/signalwire", "signalwire", auth=SIGNALWIRE_AUTH, max_examples=3)
    gigs = check_server(f"{server.url}/gigs", "gigs", headers=GIGS_HEADERS, path_parameters={"project": "demo"}, max_examples=3)
    for report, provider in ((signalwire, "signalwire"), (gigs, "gigs")):
        assert report.ok, report.render()
        assert report.failure_texts() == []
        assert {r.operation for r in report.results} == operation_ids(provider)
        assert {r.mode for r in report.results} == {"positive", "negative"}
        assert all(r.cases > 0 for r in report.results if r.outcome == "passed")
        assert "0 failed, 0 errors" in report.render()
    entries = server.admin().get("/journal", params={"limit": 5000}).json()["entries"]
    gigs_paths = {e["path"] for e in entries if e["provider"] == "gigs" and e["status"] < 300}
    assert gigs_paths and all(p.startswith("/gigs/projects/demo/") for p in gigs_paths)  # the pin reached the handlers
    assert any(e["provider"] == "signalwire" and e["status"] in (200, 201) for e in entries)  # past authentication


def test_operations_with_nothing_to_negate_are_skipped_not_failed(server):
    report = check_server(f"{server.url}/voiceos", "voiceos", headers={"Authorization": "Bearer voiceos_demo_key"},
                          operations=["health_get", "phone_numbers_list"], max_examples=3)
    outcomes = {(r.operation, r.mode): (r.outcome, r.reason) for r in report.results}
    assert outcomes[("health_get", "negative")] == ("skipped", "nothing to negate")
    assert outcomes[("health_get", "positive")][0] == "passed"
    assert outcomes[("phone_numbers_list", "negative")][0] == "passed"
    assert report.ok
    assert "skip  health_get" in report.render() and "1 skipped" in report.render()


def test_a_broken_imitation_is_caught_with_useful_messages(broken_voipbin):
    report = check_server(f"{broken_voipbin}/voipbin", "voipbin", query={"accesskey": "voipbin_demo_accesskey"},
                          operations=["numbers_list"], max_examples=10)
    assert not report.ok
    by_mode = {r.mode: r for r in report.results}
    positive, negative = by_mode["positive"], by_mode["negative"]
    assert positive.outcome == negative.outcome == "failed"

    schema = next(f for f in positive.failures if f.check == "Response violates schema")
    assert '"no" is not of type "boolean"' in schema.message
    assert "/components/schemas/Number/properties/t38_enabled" in schema.message
    assert schema.status == 200

    crash = next(f for f in negative.failures if f.check == "Server error")
    assert crash.status == 500 and crash.response == "Internal Server Error"
    assert any(f.check == "Undocumented status code" and "Received: 500" in f.message for f in negative.failures)
    assert "accesskey=%5BFiltered%5D" in crash.reproduction  # credentials are not printed
    # The shrunk reproduction is a real curl command that still shows the crash.
    url = next(arg for arg in shlex.split(crash.reproduction) if arg.startswith("http"))
    assert "page_size=" in url
    assert httpx.get(url, timeout=10).status_code == 500

    text = report.render()
    assert "FAIL  numbers_list  positive" in text and "FAIL  numbers_list  negative" in text
    assert "minimal case: curl -X GET" in text and "answered 500: Internal Server Error" in text
    assert "0 passed, 2 failed" in text


def test_the_test_suite_wrapper_returns_the_failures(broken_voipbin):
    others = tuple(op for op in operation_ids("voipbin") if op != "numbers_list")
    failures = run_schemathesis(broken_voipbin, "voipbin", exclude_operations=others,
                                modes=(GenerationMode.POSITIVE,), max_examples=5)
    assert len(failures) == 1
    assert failures[0].startswith("numbers_list [positive] GET /v1.0/numbers: failed")
    assert '"no" is not of type "boolean"' in failures[0]


def test_pinned_path_parameters_keep_their_type_and_leave_the_cached_spec_alone():
    spec = prepared_spec("gigs", "http://example.test/gigs", {"project": "demo"})
    assert spec["components"]["parameters"]["Project"]["schema"] == {"enum": ["demo"], "type": "string"}
    assert load_spec("gigs")["components"]["parameters"]["Project"]["schema"] != {"enum": ["demo"], "type": "string"}
    assert spec["servers"] == [{"url": "http://example.test/gigs"}]
    assert "securitySchemes" not in spec["components"]
    with pytest.raises(LookupError, match="no path parameter tenant"):
        prepared_spec("gigs", "http://example.test/gigs", {"tenant": "x"})


def test_an_unreachable_server_and_unknown_operations_fail_fast(server):
    started = time.monotonic()
    with pytest.raises(ServerUnreachable, match="nothing answers at http://127.0.0.1:"):
        check_server(f"http://127.0.0.1:{free_port()}/voipbin", "voipbin")
    assert time.monotonic() - started < 5
    with pytest.raises(LookupError, match="documents no operation 'numbers_purge'"):
        check_server(f"{server.url}/voipbin", "voipbin", operations=["numbers_purge"])
    with pytest.raises(ValueError, match="unknown mode"):
        check_server(f"{server.url}/voipbin", "voipbin", modes=("sideways",))
