"""Generated values: every event of every provider passes the contract, and the cheaper ways of
drawing them (patterns built directly, objects composed once) still reach the whole documented space."""

from __future__ import annotations

import re
import threading
import time

import jsonschema_rs
import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st

from telemock.contracts.kit.composed import composed
from telemock.contracts.kit.deadline import DidNotReturn
from telemock.contracts.kit.pattern_strings import Unsupported, parse, pattern_strings
from telemock.contracts.kit.deadline import DeadlineThread
from telemock.contracts.kit.receivers import webhook_names
from telemock.contracts.kit.strategies import _constructive, _generic_values, event_values, events
from telemock.contracts.validate import contract_for

PROVIDERS = ["gigs", "voipbin", "signalwire", "voiceos"]
EVENTS = [(provider, name) for provider in PROVIDERS for name in webhook_names(provider)]
DRAWS = settings(max_examples=40, database=None, deadline=None, phases=[Phase.generate],
                 suppress_health_check=list(HealthCheck))

SPEC_PATTERNS = [
    r"^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{6}$",
    r"^usr_[A-Za-z0-9]+$",
    r"^\+[1-9][0-9]{1,14}$",
    r"^com\.gigs\.virtualNumber\.[A-Za-z]+$",
    r"^[0-9]+(\.[0-9]+)?$",
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} "
    r"[0-9]{2}:[0-9]{2}:[0-9]{2} \+0000$",
    r"^acc_[0-9a-f]{24}$",
]


def assert_all_admitted(strategy: st.SearchStrategy, schema: dict) -> None:
    """Every value the strategy draws is one the schema admits, as the contract's validator reads it."""
    validator = jsonschema_rs.validator_for(schema)

    @DRAWS
    @given(strategy)
    def check(value):
        assert validator.is_valid(value), value

    check()


def test_every_provider_documents_events_to_draw():
    assert {provider for provider, _ in EVENTS} == set(PROVIDERS)
    assert len(EVENTS) >= 20


@pytest.mark.parametrize("provider,name", EVENTS, ids=[f"{p}:{n}" for p, n in EVENTS])
def test_every_generated_event_passes_the_contract(provider, name):
    contract = contract_for(provider)
    drawn = []

    @DRAWS
    @given(events(provider, name))
    def check(event):
        assert contract.check_event(name, event) == [], event
        drawn.append(event)

    check()
    assert len(drawn) >= 20


@pytest.mark.parametrize("pattern", SPEC_PATTERNS)
def test_pattern_strings_match_as_the_validator_reads_the_pattern(pattern):
    assert_all_admitted(pattern_strings(pattern), {"type": "string", "pattern": pattern})


def test_an_id_reaches_every_length_the_schema_allows():
    ids = pattern_strings(r"^vnr_[A-Za-z0-9]+$", None, 64)
    assert find(ids, lambda value: len(value) == 64).startswith("vnr_")
    assert find(ids, lambda value: len(value) == 5)
    assert find(ids, lambda value: set("aZ9") <= set(value))


def test_a_phone_number_reaches_both_ends_of_its_length():
    numbers = pattern_strings(r"^\+[1-9][0-9]{1,14}$")
    assert len(find(numbers, lambda value: len(value) == 16)) == 16
    assert len(find(numbers, lambda value: len(value) == 3)) == 3


def test_length_bounds_narrow_the_one_variable_part():
    bounded = pattern_strings(r"^acc_[0-9]+$", 6, 8)

    @DRAWS
    @given(bounded)
    def check(value):
        assert re.fullmatch(r"acc_[0-9]{2,4}", value)

    check()
    with pytest.raises(Unsupported):
        pattern_strings(r"^[a-z]+_[0-9]+$", None, 10)  # two variable parts: left to the generic generator
    with pytest.raises(Unsupported):
        pattern_strings(r"^acc_[0-9]{4}$", None, 6)  # nothing fits


@pytest.mark.parametrize("pattern", [r"^a.b$", r"^\w+$", "abc", r"^[^a]+$", r"^(?=a)a$", r"^a+?$", r"^(a)\1$", r"^a|b$"])
def test_constructs_outside_the_subset_are_left_to_the_generic_generator(pattern):
    with pytest.raises(Unsupported):
        parse(pattern)
    schema = {"type": "string", "pattern": pattern}
    assert _constructive(schema) == schema


def test_only_schema_positions_are_rewritten():
    schema = {
        "type": "object",
        "properties": {"id": {"type": "string", "pattern": "^evt_[a-z]+$", "maxLength": 12}},
        "example": {"pattern": "^evt_[a-z]+$"},
        "enum": [{"pattern": "^x$"}],
    }
    rewritten = _constructive(schema)
    assert rewritten["example"] == schema["example"] and rewritten["enum"] == schema["enum"]
    assert "pattern" not in rewritten["properties"]["id"] and rewritten["properties"]["id"]["maxLength"] == 12
    assert schema["properties"]["id"]["pattern"] == "^evt_[a-z]+$"  # the spec itself is left alone


OBJECT_SCHEMAS = {
    "open object": {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]},
    "closed object": {"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
    "typed extras": {"type": "object", "additionalProperties": {"type": "string", "pattern": "^x[0-9]+$"}},
    "barred key": {"allOf": [{"type": "object", "properties": {"k": {"const": "a"}}, "required": ["k"]},
                             {"type": "object", "not": {"required": ["gone"]}}]},
    "told apart": {"oneOf": [
        {"type": "object", "properties": {"type": {"const": "a"}, "x": {"type": "string"}}, "required": ["type"]},
        {"type": "object", "properties": {"type": {"const": "b"}}, "required": ["type"]},
    ]},
    "not told apart": {"oneOf": [{"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]},
                                 {"type": "object", "properties": {"n": {"minimum": 5}}, "required": ["n"]}]},
    "closing allOf": {"allOf": [{"type": "object", "properties": {"a": {"type": "integer"}}, "additionalProperties": False},
                                {"type": "object", "required": ["a"]}]},
    "array": {"type": "array", "items": {"type": "string", "pattern": "^[A-F]{2}$"}, "minItems": 1, "maxItems": 3},
}


@pytest.mark.parametrize("name", sorted(OBJECT_SCHEMAS))
def test_composed_values_are_what_the_schema_admits(name):
    assert_all_admitted(event_values(OBJECT_SCHEMAS[name]), OBJECT_SCHEMAS[name])


def test_open_objects_carry_undocumented_properties_and_drop_optional_ones():
    schema = {"type": "object", "properties": {"a": {"type": "integer"}, "b": {"type": "string"}}, "required": ["a"]}
    values = composed(schema, _generic_values)
    assert find(values, lambda value: set(value) - {"a", "b"})
    assert find(values, lambda value: "b" not in value)
    assert find(values, lambda value: any(isinstance(v, dict) and v for k, v in value.items() if k not in ("a", "b")))


def test_a_barred_property_never_appears():
    values = event_values(OBJECT_SCHEMAS["barred key"])

    @DRAWS
    @given(values)
    def check(value):
        assert "gone" not in value

    check()


def test_the_deadline_thread_runs_calls_in_turn_and_gives_up_on_a_silent_one():
    worker = DeadlineThread("test")
    try:
        assert worker.call(lambda a, b: a + b, 2, 3, seconds=5, what="adding") == 5
        first = threading.get_ident
        ident = worker.call(first, seconds=5, what="ident")
        assert worker.call(first, seconds=5, what="ident") == ident  # one thread for every call
        with pytest.raises(ZeroDivisionError):
            worker.call(lambda: 1 / 0, seconds=5, what="dividing")
        release = threading.Event()
        with pytest.raises(DidNotReturn, match="sleeping did not return within 0.2 s"):
            worker.call(release.wait, 30, seconds=0.2, what="sleeping")
        assert worker.call(first, seconds=5, what="ident") != ident  # the silent call's thread was left behind
        release.set()
    finally:
        worker.close()


def test_a_thread_left_behind_is_asked_to_stop():
    worker = DeadlineThread("test")
    steps = []

    def busy() -> None:
        while True:
            steps.append(1)
            time.sleep(0.001)

    with pytest.raises(DidNotReturn):
        worker.call(busy, seconds=0.2, what="looping")
    deadline = time.monotonic() + 10
    count = len(steps)
    while time.monotonic() < deadline:
        time.sleep(0.1)
        if len(steps) == count:
            break
        count = len(steps)
    assert len(steps) == count  # it stopped stepping
    worker.close()


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_kind_of_event_is_drawn_by_the_receiver_check_strategy(provider):
    names = webhook_names(provider)
    strategy = st.one_of([events(provider, name).map(lambda event, name=name: name) for name in names])
    seen = set()

    @settings(DRAWS, max_examples=300, derandomize=True)
    @given(strategy)
    def draw(name):
        seen.add(name)

    draw()
    assert seen == set(names)
