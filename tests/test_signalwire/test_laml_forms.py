"""The compatibility API reads each parameter as the type its description gives it: the emulator's
tables of parameters and kinds are the spec's, and values are coerced as stripe-mock's coercer does."""

from __future__ import annotations

import pytest

from telemock.contracts.specs import load_spec
from telemock.emulator.providers.signalwire.laml_available import SEARCH_QUERY
from telemock.emulator.providers.signalwire.laml_config import CREATE_FIELDS, UPDATE_FIELDS
from telemock.emulator.providers.signalwire.laml_errors import InvalidArgument
from telemock.emulator.providers.signalwire.laml_forms import Kind, coerce, typed
from telemock.emulator.providers.signalwire.laml_numbers import LIST_QUERY

SPEC = load_spec("signalwire")


def resolved(node: dict) -> dict:
    while "$ref" in node:
        node = SPEC["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def operation(operation_id: str) -> dict:
    for item in SPEC["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation_id:
                return op
    raise LookupError(operation_id)


def kinds_of(properties: dict) -> dict[str, Kind]:
    return {name: Kind(resolved(schema).get("type", "string")) for name, schema in properties.items()}


@pytest.mark.parametrize(
    "operation_id,table",
    [("laml_incoming_phone_numbers_create", CREATE_FIELDS), ("laml_incoming_phone_numbers_update", UPDATE_FIELDS)],
)
def test_the_body_parameters_are_the_documented_ones_with_their_types(operation_id, table):
    body = operation(operation_id)["requestBody"]["content"]["application/x-www-form-urlencoded"]["schema"]
    assert kinds_of(resolved(body)["properties"]) == table


@pytest.mark.parametrize(
    "operation_id,table",
    [("laml_incoming_phone_numbers_list", LIST_QUERY), ("laml_available_phone_numbers_local", SEARCH_QUERY),
     ("laml_available_phone_numbers_toll_free", SEARCH_QUERY)],
)
def test_the_query_parameters_are_the_documented_ones_with_their_types(operation_id, table):
    query = {p["name"]: p["schema"] for p in operation(operation_id)["parameters"] if p["in"] == "query"}
    assert kinds_of(query) == table


@pytest.mark.parametrize("raw,value", [("true", True), ("True", True), ("1", True), ("t", True),
                                       ("false", False), ("FALSE", False), ("0", False), ("f", False)])
def test_booleans_read_as_strconv_parsebool_does(raw, value):
    assert coerce("Beta", raw, Kind.BOOLEAN) is value


@pytest.mark.parametrize("raw,kind", [("yes", Kind.BOOLEAN), ("", Kind.BOOLEAN), ("1.0", Kind.INTEGER),
                                      ("ten", Kind.INTEGER), ("1" * 13, Kind.INTEGER)])
def test_values_that_are_not_of_their_type_are_refused(raw, kind):
    with pytest.raises(InvalidArgument) as refused:
        coerce("Field", raw, kind)
    assert refused.value.message.startswith("Field must be")


def test_only_documented_parameters_are_kept_and_empty_ones_may_count_as_absent():
    params = {"Page": "2", "PageSize": "", "Other": "x", "PhoneNumber": "+1503"}
    assert typed(params, LIST_QUERY, empty_is_absent=True) == {"Page": 2, "PhoneNumber": "+1503"}
    with pytest.raises(InvalidArgument):
        typed(params, LIST_QUERY)  # an empty PageSize is no integer
