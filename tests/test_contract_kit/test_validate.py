"""telemock.contracts.validate on its own: matching, coercion, bodies, responses and events."""

from __future__ import annotations

import pytest

from telemock.contracts.validate import coerce, contract_for

NUMBER_ID = "0b266038-844b-11ec-97d8-63ba531361ce"


@pytest.fixture(scope="module")
def voipbin():
    return contract_for("voipbin")


def test_literal_paths_win_over_templates(voipbin):
    operation, params = voipbin.match("POST", "/v1.0/numbers/renew")
    assert operation.operation_id == "numbers_renew" and params == {}
    operation, params = voipbin.match("GET", f"/v1.0/numbers/{NUMBER_ID}")
    assert operation.operation_id == "numbers_get" and params == {"id": NUMBER_ID}
    assert voipbin.match("PATCH", f"/v1.0/numbers/{NUMBER_ID}") == (None, {})


def test_compiled_once(voipbin):
    assert contract_for("voipbin") is voipbin


@pytest.mark.parametrize(
    "raw,schema,expected",
    [
        ("5", {"type": "integer"}, 5),
        ("five", {"type": "integer"}, "five"),
        ("true", {"type": "boolean"}, True),
        ("1.5", {"type": "number"}, 1.5),
        (["a,b"], {"type": "array", "items": {"type": "string"}}, ["a", "b"]),
        (["1", "2"], {"type": "array", "items": {"type": "integer"}}, [1, 2]),
        ("x", {"type": ["integer", "string"]}, "x"),
    ],
)
def test_coercion_of_string_parameters(raw, schema, expected):
    assert coerce(raw, schema) == expected


def test_valid_request_is_clean(voipbin):
    operation, violations = voipbin.check_request(
        "PUT", f"/v1.0/numbers/{NUMBER_ID}", {"accesskey": ["k"]}, {"content-type": "application/json"},
        b'{"call_flow_id": "00000000-0000-0000-0000-000000000000", "message_flow_id": "00000000-0000-0000-0000-000000000000", "name": "n", "detail": "d"}',
    )
    assert operation == "numbers_update" and violations == []


def test_body_problems_are_located_by_json_pointer(voipbin):
    _, violations = voipbin.check_request(
        "POST", "/v1.0/flows", {"accesskey": ["k"]}, {"content-type": "application/json"},
        b'{"name": "f", "detail": "", "actions": [{"type": "answer"}, {"type": "teleport"}]}',
    )
    assert [v.location for v in violations] == ["body/actions/1/type"]
    assert violations[0].got == '"teleport"'


def test_malformed_and_missing_bodies(voipbin):
    _, bad = voipbin.check_request("POST", "/v1.0/numbers", {"accesskey": ["k"]}, {"content-type": "application/json"}, b"{oops")
    assert bad[0].location == "body" and "not valid application/json" in bad[0].message
    _, missing = voipbin.check_request("POST", "/v1.0/numbers", {"accesskey": ["k"]}, {}, b"")
    assert missing[0].message == "numbers_create requires a request body"


def test_responses(voipbin):
    assert voipbin.check_response("numbers_delete", 204, "", b"")[0].location == "status"
    wrong_type = voipbin.check_response("numbers_get", 404, "text/html", b"<html>")
    assert wrong_type[0].location == "header.Content-Type"
    body = b'{"error": {"status": "NOT_FOUND", "reason": "NUMBER_NOT_FOUND", "message": "m", "request_id": "req_X"}}'
    assert voipbin.check_response("numbers_get", 404, "application/json", body) == []


def test_events(voipbin):
    assert voipbin.check_event("no_such_event", {})[0].location == "webhook"
    violations = voipbin.check_event("number_created", {"type": "number_created", "data": {}, "extra": 1})
    assert any(v.location == "body" for v in violations)
    assert any(v.location == "body/data" for v in violations)


@pytest.mark.parametrize("provider", ["voipbin", "gigs", "signalwire", "voiceos"])
def test_every_spec_compiles_with_every_operation_named(provider):
    contract = contract_for(provider)
    assert contract.operations
    assert all(op.operation_id and " " not in op.operation_id for op in contract.operations)
    assert len(contract.by_id) == len(contract.operations)
