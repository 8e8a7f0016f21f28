"""The pieces behind `assert_called`: bodies read as data, containment, and the paths an operation lives at."""

from __future__ import annotations

import pytest

from telemock.contracts.kit.calls import Call, CallAssertionError, body_difference, expect_called, parsed_body


def entry(seq, operation, method, path, body=None, content_type="application/json", tenant="t1", provider="signalwire"):
    return {
        "seq": seq, "provider": provider, "operation": operation, "method": method, "path": path, "query": {},
        "headers": {"content-type": content_type} if body else {}, "body": body, "status": 200,
        "response": {"headers": {"content-type": "application/json"}, "body": '{"ok": true}'},
        "tenant": tenant, "violations": [],
    }


def test_bodies_are_data_where_they_are_json_or_a_form():
    assert parsed_body('{"a": [1, 2]}', "application/json") == {"a": [1, 2]}
    assert parsed_body("PhoneNumber=%2B15035550100&X=1&X=2", "application/x-www-form-urlencoded") == {
        "PhoneNumber": "+15035550100", "X": ["1", "2"]}
    assert parsed_body("<Response/>", "application/xml") == "<Response/>"
    assert parsed_body("{not json", "application/json") == "{not json"
    assert parsed_body(None, "application/json") is None


def test_containment_names_the_first_difference():
    body = {"number": "+1", "meta": {"a": 1, "b": 2}, "tags": ["x"]}
    assert body_difference(body, {"meta": {"a": 1}}) is None
    assert body_difference(body, {"meta": {"a": 2}}) == "body/meta/a is 1, expected 2"
    assert body_difference(body, {"missing": 1}) == "body/missing is missing"
    assert body_difference(body, {"tags": ["y"]}) == 'body/tags is ["x"], expected ["y"]'
    assert body_difference("text", {"a": 1}) == 'body is "text", not an object'


def test_a_laml_alias_path_counts_as_the_operations_path_for_near_misses():
    calls = [Call.from_entry(entry(1, "laml_incoming_phone_numbers_list", "GET",
                                   "/signalwire/2010-04-01/Accounts/abc/IncomingPhoneNumbers.json"))]
    with pytest.raises(CallAssertionError) as failed:
        expect_called(calls, "laml_incoming_phone_numbers_create", providers=["signalwire"])
    assert "same path, other method (the operation is POST)" in str(failed.value)
    assert "IncomingPhoneNumbers.json" in str(failed.value)


def test_a_form_body_is_matched_by_its_fields():
    calls = [Call.from_entry(entry(1, "laml_incoming_phone_numbers_create", "POST",
                                   "/signalwire/api/laml/2010-04-01/Accounts/abc/IncomingPhoneNumbers",
                                   "PhoneNumber=%2B15035550100", "application/x-www-form-urlencoded"))]
    found = expect_called(calls, "laml_incoming_phone_numbers_create", providers=["signalwire"], times=1,
                          body_contains={"PhoneNumber": "+15035550100"})
    assert found == calls and found[0].response.body == {"ok": True}
    with pytest.raises(CallAssertionError, match=r"body/PhoneNumber is \"\+15035550100\", expected \"\+1999\""):
        expect_called(calls, "laml_incoming_phone_numbers_create", providers=["signalwire"],
                      body_contains={"PhoneNumber": "+1999"})


def test_many_calls_are_cut_short_in_a_failure():
    calls = [Call.from_entry(entry(i, "phone_numbers_list", "GET", "/signalwire/api/relay/rest/phone_numbers"))
             for i in range(1, 13)]
    with pytest.raises(CallAssertionError) as failed:
        expect_called(calls, "phone_numbers_list", providers=["signalwire"], times=1)
    assert "it was called 12 times" in str(failed.value) and "… and 4 more" in str(failed.value)
