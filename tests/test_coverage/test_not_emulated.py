"""A request for an operation the provider has but telemock does not emulate, over real sockets.

It is answered exactly as before (the provider's own route-miss answer), and marked three ways so
a user can tell it from a real 404: the header `X-Telemock-Not-Emulated`, the journal mark
`not-emulated:<operation>` (with the journal's filter and summary), and the request log line.
Which operations are not emulated is read from the coverage table, so these tests follow the
specs as operations are added to them.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import httpx
import pytest

from live_server import LiveServer
from telemock.contracts.coverage import NOT_EMULATED, provider_coverage
from telemock.contracts.specs.catalog import CatalogOperation, load_catalog

PROVIDERS = ["gigs", "signalwire", "voiceos", "voipbin"]
HEADER = "X-Telemock-Not-Emulated"
METHODS = ("PUT", "PATCH", "DELETE", "POST", "GET")


def missing_operations(provider: str) -> list[CatalogOperation]:
    return [row.listed for row in provider_coverage(provider).operations if row.status == NOT_EMULATED]


def concrete(path: str) -> str:
    return re.sub(r"\{[^}/]+\}", "sample1", path)


def listed_for(provider: str, path: str) -> set[str]:
    """The methods the provider's list has for this concrete path (any operation whose path fits it)."""
    methods = set()
    for op in load_catalog(provider).operations:
        regex = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^}/]+\}", op.path))
        if re.fullmatch(regex + (re.escape(op.path_suffix) + "?" if op.path_suffix else ""), path):
            methods.add(op.method)
    return methods


def stable(body: Any) -> Any:
    """An error body without the per-request id VoIPBIN puts in it."""
    if isinstance(body, dict):
        return {k: stable(v) for k, v in body.items() if k != "request_id"}
    return body


def authed(server: LiveServer, provider: str) -> httpx.Client:
    auth = server.runtime.providers[provider].demo_auth() or {}
    basic = auth.get("basic")
    return server.client(f"/{provider}", headers=auth.get("headers"), params=auth.get("params"),
                         auth=tuple(basic) if basic else None)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_each_operation_telemock_lacks_is_answered_as_before_and_marked(
    server: LiveServer, provider: str, caplog: pytest.LogCaptureFixture
) -> None:
    missing = missing_operations(provider)
    if not missing:
        pytest.skip(f"telemock emulates every operation listed for {provider}")
    client = authed(server, provider)
    sent: dict[str, int] = {}
    caplog.set_level(logging.INFO, logger="telemock.requests")
    for op in missing:
        paths = [concrete(op.path)] + ([concrete(op.path) + op.path_suffix] if op.path_suffix else [])
        for path in paths:
            answer = client.request(op.method, path)
            assert answer.headers.get(HEADER) == op.name, (op.method, path, answer.status_code)
            assert answer.status_code in (404, 405), (op.method, path)
            # The same path with a method the provider does not have: the answer telemock gave before.
            other = next(m for m in METHODS if m not in listed_for(provider, path))
            control = client.request(other, path)
            assert HEADER not in control.headers
            assert (answer.status_code, stable(answer.json())) == (control.status_code, stable(control.json())), (op.name, path)
            sent[op.name] = sent.get(op.name, 0) + 1

    admin = server.admin()
    marked = admin.get("/journal", params={"provider": provider, "not_emulated": "true"}).json()["entries"]
    assert sorted(not_emulated_mark(e) for e in marked) == sorted(name for name, n in sent.items() for _ in range(n))
    assert all(e["operation"] is None or e["status"] == 405 for e in marked)
    others = admin.get("/journal", params={"provider": provider, "not_emulated": "false"}).json()["entries"]
    assert len(others) == sum(sent.values()) and not any(not_emulated_mark(e) for e in others), "the control requests"
    summary = admin.get("/journal/summary").json()["providers"][provider]
    for name, count in sent.items():
        assert summary[name]["not_emulated"] is True and summary[name]["requests"] == count
    assert not any(row.get("not_emulated") for name, row in summary.items() if name not in sent)

    lines = [r for r in caplog.records if r.name == "telemock.requests" and getattr(r, "provider", None) == provider]
    flagged = [r for r in lines if getattr(r, "not_emulated", None)]
    assert len(flagged) == sum(sent.values())
    for record in flagged:
        assert record.getMessage().endswith(f", not emulated: {record.not_emulated}")


def not_emulated_mark(entry: dict[str, Any]) -> str | None:
    return next((m.split(":", 1)[1] for m in entry["marks"] if m.startswith("not-emulated:")), None)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_a_path_the_provider_does_not_have_is_a_plain_not_found(server: LiveServer, provider: str) -> None:
    answer = authed(server, provider).get("/no/such/route/at/all")
    assert answer.status_code == 404 and HEADER not in answer.headers
    entries = server.admin().get("/journal", params={"provider": provider}).json()["entries"]
    assert entries[-1]["marks"] == [] and entries[-1]["path"].endswith("/no/such/route/at/all")
    assert server.admin().get("/journal", params={"not_emulated": "true"}).json()["entries"] == []
    assert "not_emulated" not in server.admin().get("/journal/summary").json()["providers"][provider]["(undocumented)"]


def test_an_emulated_operation_answering_not_found_is_not_marked(server: LiveServer) -> None:
    """VoIPBIN's own 404 for a number it does not hold comes from an emulated operation."""
    client = authed(server, "voipbin")
    answer = client.get("/v1.0/numbers/11111111-2222-4333-8444-555555555555")
    assert answer.status_code == 404 and answer.json()["error"]["reason"] in ("NUMBER_NOT_FOUND", "RESOURCE_NOT_FOUND")
    assert HEADER not in answer.headers
    entry = server.admin().get("/journal", params={"provider": "voipbin"}).json()["entries"][-1]
    assert entry["operation"] == "numbers_get" and entry["marks"] == []


def test_the_filter_takes_only_true_or_false(server: LiveServer) -> None:
    answer = server.admin().get("/journal", params={"not_emulated": "maybe"})
    assert answer.status_code == 400 and "not_emulated" in answer.json()["error"]["message"]


def test_json_log_lines_carry_the_operation(server: LiveServer) -> None:
    from telemock.emulator.core.logs import JSONFormatter

    record = logging.LogRecord("telemock.requests", logging.INFO, __file__, 1, "line", (), None)
    record.not_emulated = "calls_list"
    assert '"not_emulated":"calls_list"' in JSONFormatter().format(record)
