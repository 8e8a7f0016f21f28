"""Every documented operation of every provider, against the hostile-input corpus.

Each request must be answered (never a dropped connection, never a 5xx); a refusal comes in the
provider's own 4xx format and leaves the provider's state exactly as it was; every request is
journaled; and the state stays dumpable as plain JSON whatever was accepted.
"""

from __future__ import annotations

import pytest

from .cases import cases
from .catalog import Findings, Operation, all_operations, error_problem
from .rawhttp import ConnectionDropped, RawResponse, build_request, exchange
from .support import Observer, port_of

OPERATIONS = all_operations()


def refused_by_http_server(response: RawResponse) -> bool:
    """uvicorn's own answer to a request line or header block its parser will not take (over ~64 KB)."""
    return response.status == 400 and response.content_type == "text/plain" and response.body.startswith(b"Invalid HTTP")


@pytest.fixture
def observer(server) -> Observer:
    watcher = Observer(server.admin())
    watcher.freeze()  # lifecycles stand still, so state compares exactly
    return watcher


@pytest.mark.parametrize("op", OPERATIONS, ids=str)
def test_hostile_inputs_get_the_providers_own_refusal(server, observer: Observer, op: Operation) -> None:
    port = port_of(server.url)
    findings = Findings()
    status, before = observer.state(op.provider)
    assert status == 200
    for case in cases(op):
        where = f"{op} [{case.name}]"
        raw = build_request(case.method, case.target, case.headers, case.body)
        count_before = observer.journaled(op.provider) if case.heavy_entry else 0
        try:
            response = exchange(port, raw, method=case.method)
        except ConnectionDropped as exc:
            if case.uvicorn_may_refuse and observer.alive():
                continue  # the HTTP server itself refused it; the emulator is still serving
            findings.add(where, f"connection dropped: {exc}")
            continue
        if case.uvicorn_may_refuse and refused_by_http_server(response):
            if not observer.alive():
                findings.add(where, "the server stopped answering after the HTTP layer refused a request")
            continue  # uvicorn's parser refused it before the emulator saw it: nothing to journal
        entry = None if case.heavy_entry else observer.last_entry(op.provider)
        if response.status >= 500:
            findings.add(where, f"{response.status} {response.body[:200]!r}")
        elif 400 <= response.status < 500:
            problem = error_problem(op.provider, op.operation_id, response.status, response.content_type, response.body)
            if problem is not None:
                findings.add(where, f"{response.status}: {problem}")
        elif not case.may_succeed:
            findings.add(where, f"accepted with {response.status}: {response.body[:200]!r}")
        if case.heavy_entry:
            if observer.journaled(op.provider) != count_before + 1:
                findings.add(where, "not journaled")
        elif entry is None or entry["method"] != case.method or entry["status"] != response.status:
            findings.add(where, f"not journaled (last entry: {entry and (entry['method'], entry['path'][:60], entry['status'])})")
        if op.method == "GET" and response.status < 500:
            continue  # reads change nothing: their state is compared once, after every case
        after_status, after = observer.state(op.provider)
        if after_status != 200:
            findings.add(where, f"GET /_telemock/state answered {after_status} afterwards: {after}")
            observer.reset(op.provider)
            _, before = observer.state(op.provider)
        elif response.status >= 400 and after != before:
            findings.add(where, f"refused with {response.status} but the state changed")
            observer.reset(op.provider)
            _, before = observer.state(op.provider)
        elif response.status < 400 and after != before:
            observer.reset(op.provider)  # an accepted request may change state; start the next case clean
            _, before = observer.state(op.provider)
    if op.method == "GET":
        assert observer.state(op.provider) == (200, before), "a read changed the state"
    assert not findings, findings.report()
