"""PUT /phone_numbers/{id}: merge semantics field by field, allowed values, companion fields, bad input."""

from __future__ import annotations

import pytest
from test_signalwire.helpers import (
    MAIN_LINE,
    NUMBERS,
    RECENT,
    advance,
    client,
    details,
    freeze,
    state,
)

from telemock.emulator.providers.signalwire.models import (
    CALL_COMPANIONS,
    HIDDEN_KEYS,
    MESSAGE_COMPANIONS,
)
from telemock.emulator.providers.signalwire.validation import STRING, UPDATE_FIELDS, UUID

URL = f"{NUMBERS}/{RECENT}"
STRING_FIELDS = [k for k, kind in UPDATE_FIELDS.items() if kind == STRING]
UUID_FIELDS = [k for k, kind in UPDATE_FIELDS.items() if kind == UUID]
ENUM_FIELDS = {k: kind for k, kind in UPDATE_FIELDS.items() if isinstance(kind, tuple)}
SAMPLE_UUID = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f"


def stored(server, number_id=RECENT):
    return state(server)["numbers"][number_id]


def changed_keys(before: dict, after: dict) -> set[str]:
    return {key for key in before if before[key] != after[key]}


def test_the_seed_request_list_is_accepted_in_full():
    documented = """name call_handler call_receive_mode call_request_url call_request_method call_fallback_url
    call_fallback_method call_status_callback_url call_status_callback_method call_laml_application_id
    call_dialogflow_agent_id call_relay_topic call_relay_topic_status_callback_url call_relay_script_url
    call_relay_application call_relay_connector_id call_sip_endpoint_id call_verto_resource call_video_room_id
    message_handler message_request_url message_request_method message_fallback_url message_fallback_method
    message_laml_application_id message_relay_topic message_relay_application call_relay_context
    call_relay_context_status_callback_url message_relay_context call_ai_agent_id call_flow_id
    call_flow_version""".split()
    assert set(documented) == set(UPDATE_FIELDS)


@pytest.mark.parametrize("field", STRING_FIELDS)
def test_a_string_field_changes_alone(server, field):
    api = client(server)
    before = api.get(URL).json()
    response = api.put(URL, json={field: f"value of {field}"})
    assert response.status_code == 200
    after = response.json()
    if field in HIDDEN_KEYS:
        assert field not in after
        assert stored(server)[field] == f"value of {field}"
        assert changed_keys(before, after) <= {"updated_at"}
    else:
        assert after[field] == f"value of {field}"
        assert changed_keys(before, after) <= {field, "updated_at"}
    assert api.get(URL).json() == after


@pytest.mark.parametrize("field", UUID_FIELDS)
def test_a_uuid_field_changes_alone_and_is_canonical(server, field):
    api = client(server)
    before = api.get(URL).json()
    after = api.put(URL, json={field: SAMPLE_UUID.upper()}).json()
    assert stored(server)[field] == SAMPLE_UUID
    if field in after:
        assert after[field] == SAMPLE_UUID
    assert changed_keys(before, after) <= {field, "updated_at"}
    cleared = api.put(URL, json={field: ""}).json()
    assert stored(server)[field] is None
    if field in cleared:
        assert cleared[field] is None


@pytest.mark.parametrize("field", UUID_FIELDS)
def test_a_uuid_field_refuses_other_strings(server, field):
    before = stored(server)
    assert details(client(server).put(URL, json={field: "room-1"})) == [f"{field} is not a valid UUID"]
    assert stored(server) == before


@pytest.mark.parametrize(
    "field,value", [(field, value) for field, values in ENUM_FIELDS.items() for value in values]
)
def test_every_allowed_value_is_accepted(server, field, value):
    body = {field: value}
    companions = {"call_handler": CALL_COMPANIONS, "message_handler": MESSAGE_COMPANIONS}.get(field)
    if companions:
        companion = companions[value]
        body[companion] = SAMPLE_UUID if UPDATE_FIELDS[companion] == UUID else "companion-value"
    response = client(server).put(URL, json=body)
    assert response.status_code == 200, response.text
    assert stored(server)[field] == value
    if field != "call_flow_version":
        assert response.json()[field] == value


@pytest.mark.parametrize(
    "field,value",
    [(field, bad) for field in ENUM_FIELDS for bad in ("bogus", "")]
    + [("call_handler", "fabric_subscriber"), ("call_handler", "sip_gateway"), ("call_handler", "call_queue"),
       ("call_handler", "LAML_WEBHOOKS"), ("message_handler", "relay_script"), ("call_receive_mode", "Voice")],
)
def test_values_outside_the_list_are_refused(server, field, value):
    before = stored(server)
    (problem,) = details(client(server).put(URL, json={field: value}))
    assert field in problem
    assert stored(server) == before


@pytest.mark.parametrize("field", [k for k, kind in ENUM_FIELDS.items() if kind == ("GET", "POST")])
@pytest.mark.parametrize("method", ["get", "post", "PUT", "PATCH", "DELETE"])
def test_http_methods_must_be_get_or_post(server, field, method):
    before = stored(server)
    (problem,) = details(client(server).put(URL, json={field: method}))
    assert problem == f"{field} is an invalid HTTP method; the method must be GET or POST"
    assert stored(server) == before


@pytest.mark.parametrize("handler,companion", sorted(CALL_COMPANIONS.items()))
def test_call_handler_needs_its_companion(server, handler, companion):
    api = client(server)
    before = stored(server)
    if handler != "laml_webhooks":  # RECENT already has laml_webhooks, without a request URL
        assert details(api.put(URL, json={"call_handler": handler})) == [
            f"{companion} can't be blank when call_handler is {handler}"
        ]
        assert stored(server) == before
    value = SAMPLE_UUID if UPDATE_FIELDS[companion] == UUID else f"{handler}-target"
    assert details(api.put(URL, json={"call_handler": handler, companion: ""})) == [
        f"{companion} can't be blank when call_handler is {handler}"
    ]
    # Sent together, or stored earlier: both satisfy the rule.
    assert api.put(URL, json={companion: value}).status_code == 200
    assert stored(server)["call_handler"] == "laml_webhooks"
    assert api.put(URL, json={"call_handler": handler}).status_code == 200
    assert stored(server)["call_handler"] == handler


@pytest.mark.parametrize("handler,companion", sorted(MESSAGE_COMPANIONS.items()))
def test_message_handler_needs_its_companion(server, handler, companion):
    api = client(server)
    before = stored(server)
    assert details(api.put(URL, json={"message_handler": handler})) == [
        f"{companion} can't be blank when message_handler is {handler}"
    ]
    assert stored(server) == before
    response = api.put(URL, json={"message_handler": handler, companion: "target"})
    assert response.status_code == 200 and response.json()["message_handler"] == handler


def test_companion_rule_applies_only_when_the_handler_is_sent(server):
    api = client(server)
    assert api.put(URL, json={"call_handler": "relay_topic", "call_relay_topic": "office"}).status_code == 200
    cleared = api.put(URL, json={"call_relay_topic": ""})
    assert cleared.status_code == 200 and cleared.json()["call_handler"] == "relay_topic"


def test_relay_aliases_are_stored_under_their_own_names(server):
    api = client(server)
    body = api.put(URL, json={"call_relay_topic": "topic-a", "call_relay_application": "app-b",
                              "call_relay_context": "ctx-c", "message_relay_topic": "mt",
                              "message_relay_application": "ma"}).json()
    assert (body["call_relay_topic"], body["call_relay_application"], body["call_relay_context"]) == (
        "topic-a", "app-b", "ctx-c")
    assert body["message_relay_topic"] == "mt" and "message_relay_application" not in body
    assert stored(server)["message_relay_application"] == "ma"


def test_an_alias_does_not_satisfy_another_handlers_companion(server):
    api = client(server)
    api.put(URL, json={"call_relay_application": "app-b"}).raise_for_status()
    assert details(api.put(URL, json={"call_handler": "relay_topic"})) == [
        "call_relay_topic can't be blank when call_handler is relay_topic"
    ]
    assert api.put(URL, json={"call_handler": "relay_application"}).json()["call_handler"] == "relay_application"


def test_fabric_bindings_materialize_a_resource(server):
    api = client(server)
    agent = api.put(URL, json={"call_handler": "ai_agent", "call_ai_agent_id": SAMPLE_UUID}).json()
    resource = agent["calling_handler_resource_id"]
    assert resource and "call_ai_agent_id" not in agent
    same = api.put(URL, json={"call_handler": "ai_agent", "call_ai_agent_id": SAMPLE_UUID}).json()
    assert same["calling_handler_resource_id"] == resource
    other = "2b3c4d5e-6f70-4182-9a3b-4c5d6e7f8091"
    rebound = api.put(URL, json={"call_handler": "ai_agent", "call_ai_agent_id": other}).json()
    assert rebound["calling_handler_resource_id"] not in (None, resource)
    flow = api.put(URL, json={"call_handler": "call_flow", "call_flow_id": other, "call_flow_version": "working_copy"})
    assert flow.json()["calling_handler_resource_id"] not in (None, rebound["calling_handler_resource_id"])
    assert stored(server)["call_flow_version"] == "working_copy"
    back = api.put(URL, json={"call_handler": "laml_webhooks", "call_request_url": "https://example.com/v"}).json()
    assert back["calling_handler_resource_id"] is None


@pytest.mark.parametrize("value", [1, 2.5, True, False, [], ["a"], {}, {"a": 1}, None])
@pytest.mark.parametrize("field", ["name", "call_handler", "call_request_method", "call_video_room_id", "call_receive_mode"])
def test_wrong_types_are_refused_and_change_nothing(server, field, value):
    before = stored(server)
    assert details(client(server).put(URL, json={field: value})) == [f"{field} must be a string"]
    assert stored(server) == before


def test_every_problem_is_reported_at_once(server):
    before = stored(server)
    problems = details(client(server).put(URL, json={
        "name": 5, "call_request_method": "PATCH", "bogus": 1, "call_sip_endpoint_id": "x", "name_typo": "y"}))
    assert problems == [
        "name must be a string",
        "call_request_method is an invalid HTTP method; the method must be GET or POST",
        "found unpermitted parameter: bogus",
        "call_sip_endpoint_id is not a valid UUID",
        "found unpermitted parameter: name_typo",
    ]
    assert stored(server) == before


def test_a_valid_field_next_to_an_invalid_one_is_not_applied(server):
    before = stored(server)
    details(client(server).put(URL, json={"name": "New name", "call_receive_mode": "video"}))
    assert stored(server) == before


@pytest.mark.parametrize("raw", [b"{", b"[]", b'"x"', b"null", b"12", b'{"name": "a",}'])
def test_malformed_bodies_are_400(server, raw):
    before = stored(server)
    response = client(server).put(URL, content=raw, headers={"content-type": "application/json"})
    assert response.status_code == 400 and response.json() == {"error": "Bad Request"}
    assert stored(server) == before


def test_empty_and_no_op_updates_do_not_touch_updated_at(server):
    api = client(server)
    freeze(server)
    original = api.get(URL).json()
    advance(server, 60)
    assert api.put(URL).json() == original
    assert api.put(URL, json={}).json() == original
    assert api.put(URL, json={"call_receive_mode": "voice"}).json() == original
    changed = api.put(URL, json={"call_receive_mode": "fax"}).json()
    assert changed["updated_at"] != original["updated_at"]
    assert changed["created_at"] == original["created_at"]


def test_updates_of_one_number_leave_others_alone(server):
    api = client(server)
    other_before = api.get(f"{NUMBERS}/{MAIN_LINE}").json()
    api.put(URL, json={"name": "Only me"}).raise_for_status()
    assert api.get(f"{NUMBERS}/{MAIN_LINE}").json() == other_before


def test_settings_can_ignore_unknown_fields_and_let_null_clear(server_factory):
    from telemock.emulator import Config

    live = server_factory(
        Config(settings={"signalwire": {"unknown_fields": "ignore", "null_clears_fields": True}})
    )
    api = client(live)
    body = api.put(URL, json={"bogus": 1, "name": None, "call_request_method": None}).json()
    assert body["name"] is None and body["call_request_method"] is None
    assert details(api.put(URL, json={"call_receive_mode": None})) == ["call_receive_mode must be a string"]
