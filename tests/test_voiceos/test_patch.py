"""PATCH /phone_numbers/{phone_number}: partial semantics field by field, and its 422s."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_voiceos.demo import AFTER_HOURS, FRONT_DESK, NO_AGENT, NOW, SALES, WITH_WEBHOOK, voiceos_client

HOOK = {
    "events": ["phone_call:connection_requested"],
    "url": "http://127.0.0.1:9/voiceos/connection",
    "method": "POST",
    "headers": {"X-Secret": "s3cr3t"},
    "filter": None,
}
NEW_HOOK = {
    "events": ["phone_call:connection_requested"],
    "url": "https://hooks.example.org/pick-agent",
    "method": "GET",
}
NEW_HOOK_RENDERED = {**NEW_HOOK, "headers": {}, "filter": None}


def patch(api: Any, body: Any, number: str = WITH_WEBHOOK) -> Any:
    """Sends `body` as JSON, so `None` is a JSON `null` body rather than no body."""
    return api.patch(f"/phone_numbers/{number}", content=json.dumps(body), headers={"content-type": "application/json"})


# --- partial semantics --------------------------------------------------------------------


def test_empty_body_changes_nothing_but_updated_at(api, conform, frozen) -> None:
    before = api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()
    after = conform("phone_numbers_update", patch(api, {}))
    assert after == {**before, "updated_at": NOW}
    assert api.get(f"/phone_numbers/{WITH_WEBHOOK}").json() == after


def test_inbound_agent_id_value_changes_only_the_agent(api, conform) -> None:
    body = conform("phone_numbers_update", patch(api, {"inbound_agent_id": SALES}))
    assert body["inbound_agent_id"] == SALES
    assert body["webhooks"] == [HOOK]
    assert api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()["inbound_agent_id"] == SALES


def test_inbound_agent_id_null_detaches_and_keeps_webhooks(api, conform) -> None:
    body = conform("phone_numbers_update", patch(api, {"inbound_agent_id": None}))
    assert body["inbound_agent_id"] is None and body["webhooks"] == [HOOK]
    stored = api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()
    assert stored["inbound_agent_id"] is None and stored["webhooks"] == [HOOK]


def test_omitting_inbound_agent_id_keeps_it(api) -> None:
    body = patch(api, {"webhooks": [NEW_HOOK]}).json()
    assert body["inbound_agent_id"] == FRONT_DESK


def test_webhooks_replace_the_list_and_are_rendered_in_full(api, conform) -> None:
    second = {
        "events": ["phone_call:connection_requested", "phone_call:connection_requested"],
        "url": "https://backup.example.org/voiceos",
        "method": "POST",
        "headers": {"Authorization": "Bearer abc", "X-Team": "support"},
        "filter": "call.from_number startswith '+1'",
    }
    body = conform("phone_numbers_update", patch(api, {"webhooks": [NEW_HOOK, second]}))
    assert body["webhooks"] == [NEW_HOOK_RENDERED, second]
    assert body["inbound_agent_id"] == FRONT_DESK
    assert api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()["webhooks"] == [NEW_HOOK_RENDERED, second]


@pytest.mark.parametrize("cleared", [[], None])
def test_empty_or_null_webhooks_clear_the_list(api, conform, cleared) -> None:
    body = conform("phone_numbers_update", patch(api, {"webhooks": cleared}))
    assert body["webhooks"] == [] and body["inbound_agent_id"] == FRONT_DESK
    assert api.get(f"/phone_numbers/{WITH_WEBHOOK}").json()["webhooks"] == []


def test_both_fields_at_once_on_a_number_without_agent(api, conform, frozen) -> None:
    body = conform(
        "phone_numbers_update",
        api.patch("/phone_numbers/%2B12125550142", json={"inbound_agent_id": AFTER_HOURS, "webhooks": [NEW_HOOK]}),
    )
    assert (body["inbound_agent_id"], body["webhooks"], body["updated_at"]) == (AFTER_HOURS, [NEW_HOOK_RENDERED], NOW)
    assert body["created_at"] == "2024-05-03T10:00:00Z"


def test_null_headers_and_filter_are_stored_as_empty(api) -> None:
    body = patch(api, {"webhooks": [{**NEW_HOOK, "headers": None, "filter": None}]}).json()
    assert body["webhooks"] == [NEW_HOOK_RENDERED]


def test_a_webhook_without_events_is_stored(api, conform) -> None:
    """Document 0.8.0 sets no minimum on `events`: such a webhook is kept, and never called."""
    body = conform("phone_numbers_update", patch(api, {"webhooks": [{**NEW_HOOK, "events": []}]}))
    assert body["webhooks"] == [{**NEW_HOOK_RENDERED, "events": []}]


def test_unknown_keys_are_ignored_and_not_stored(api, conform) -> None:
    body = conform(
        "phone_numbers_update",
        patch(api, {"nickname": "main line", "webhooks": [{**NEW_HOOK, "secret": "x"}], "inbound_agent_id": SALES}),
    )
    assert "nickname" not in body
    assert body["webhooks"] == [NEW_HOOK_RENDERED] and body["inbound_agent_id"] == SALES


def test_updated_at_moves_with_the_clock(api, frozen) -> None:
    first = patch(api, {"inbound_agent_id": SALES}).json()["updated_at"]
    frozen.post("/clock/advance", json={"seconds": 90}).raise_for_status()
    second = patch(api, {"inbound_agent_id": FRONT_DESK}).json()["updated_at"]
    assert first == NOW and second == "2024-06-01T12:01:30Z"


# --- agent references ---------------------------------------------------------------------


def test_unknown_agent_is_404_and_nothing_changes(api, conform, voiceos_state) -> None:
    before = voiceos_state()
    response = patch(api, {"inbound_agent_id": "agt_000000000000000000000000", "webhooks": []})
    assert response.status_code == 404
    assert conform("phone_numbers_update", response) == {"detail": "Agent not found"}
    assert voiceos_state() == before


def test_another_accounts_agent_is_unknown(two_accounts) -> None:
    demo = voiceos_client(two_accounts)
    response = demo.patch(f"/phone_numbers/{NO_AGENT}", json={"inbound_agent_id": "agt_0000000000000000000000ff"})
    assert (response.status_code, response.json()) == (404, {"detail": "Agent not found"})


# --- validation errors: exact bodies, state untouched -------------------------------------

ENUM_EVENT = {
    "type": "enum",
    "loc": ["body", "webhooks", 0, "events", 0],
    "msg": "Input should be 'phone_call:connection_requested'",
    "input": "conversation:ended",
    "ctx": {"expected": "'phone_call:connection_requested'"},
}


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        pytest.param(
            {"webhooks": [{**NEW_HOOK, "events": ["conversation:ended"]}]}, [ENUM_EVENT], id="agent-only-event"
        ),
        pytest.param(
            {"webhooks": [NEW_HOOK, {**NEW_HOOK, "method": "PUT"}]},
            [
                {
                    "type": "enum",
                    "loc": ["body", "webhooks", 1, "method"],
                    "msg": "Input should be 'GET' or 'POST'",
                    "input": "PUT",
                    "ctx": {"expected": "'GET' or 'POST'"},
                }
            ],
            id="bad-method",
        ),
        pytest.param(
            {"webhooks": [{"method": "POST"}]},
            [
                {
                    "type": "missing",
                    "loc": ["body", "webhooks", 0, "events"],
                    "msg": "Field required",
                    "input": {"method": "POST"},
                },
                {
                    "type": "missing",
                    "loc": ["body", "webhooks", 0, "url"],
                    "msg": "Field required",
                    "input": {"method": "POST"},
                },
            ],
            id="missing-events-and-url",
        ),
        pytest.param(
            {"webhooks": [{**NEW_HOOK, "headers": {"X-Retry": 3, "X-Ok": "yes", "X-Flag": True}}]},
            [
                {
                    "type": "string_type",
                    "loc": ["body", "webhooks", 0, "headers", "X-Retry"],
                    "msg": "Input should be a valid string",
                    "input": 3,
                },
                {
                    "type": "string_type",
                    "loc": ["body", "webhooks", 0, "headers", "X-Flag"],
                    "msg": "Input should be a valid string",
                    "input": True,
                },
            ],
            id="non-string-header-values",
        ),
        pytest.param(
            {"webhooks": [{**NEW_HOOK, "headers": ["X-Secret"]}]},
            [
                {
                    "type": "dict_type",
                    "loc": ["body", "webhooks", 0, "headers"],
                    "msg": "Input should be a valid dictionary",
                    "input": ["X-Secret"],
                }
            ],
            id="headers-not-a-map",
        ),
        pytest.param(
            {"inbound_agent_id": 42, "webhooks": {"url": "x"}},
            [
                {
                    "type": "string_type",
                    "loc": ["body", "inbound_agent_id"],
                    "msg": "Input should be a valid string",
                    "input": 42,
                },
                {
                    "type": "list_type",
                    "loc": ["body", "webhooks"],
                    "msg": "Input should be a valid list",
                    "input": {"url": "x"},
                },
            ],
            id="wrong-types",
        ),
        pytest.param(
            ["inbound_agent_id"],
            [
                {
                    "type": "model_attributes_type",
                    "loc": ["body"],
                    "msg": "Input should be a valid dictionary or object to extract fields from",
                    "input": ["inbound_agent_id"],
                }
            ],
            id="array-body",
        ),
        pytest.param(
            None,
            [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}],
            id="null-body",
        ),
    ],
)
def test_invalid_bodies_are_fastapi_422s_and_change_nothing(api, conform, voiceos_state, body, errors) -> None:
    before = voiceos_state()
    response = patch(api, body)
    assert response.status_code == 422
    assert conform("phone_numbers_update", response) == {"detail": errors}
    assert voiceos_state() == before


def test_a_valid_field_next_to_an_invalid_one_is_not_applied(api, voiceos_state) -> None:
    before = voiceos_state()
    response = patch(api, {"inbound_agent_id": None, "webhooks": [{**NEW_HOOK, "method": "DELETE"}]})
    assert response.status_code == 422
    assert voiceos_state() == before


@pytest.mark.parametrize(
    ("content", "headers", "expected"),
    [
        pytest.param(
            b'{"inbound_agent_id": }',
            {"content-type": "application/json"},
            (
                422,
                {
                    "detail": [
                        {
                            "type": "json_invalid",
                            "loc": ["body", 21],
                            "msg": "JSON decode error",
                            "input": {},
                            "ctx": {"error": "Expecting value"},
                        }
                    ]
                },
            ),
            id="malformed-json",
        ),
        pytest.param(
            b'{"webhooks": []',
            None,
            (
                422,
                {
                    "detail": [
                        {
                            "type": "json_invalid",
                            "loc": ["body", 15],
                            "msg": "JSON decode error",
                            "input": {},
                            "ctx": {"error": "Expecting ',' delimiter"},
                        }
                    ]
                },
            ),
            id="truncated-json-without-content-type",
        ),
        pytest.param(
            b"",
            {"content-type": "application/json"},
            (422, {"detail": [{"type": "missing", "loc": ["body"], "msg": "Field required", "input": None}]}),
            id="empty-body",
        ),
        pytest.param(
            b"inbound_agent_id=x",
            {"content-type": "text/plain"},
            (
                422,
                {
                    "detail": [
                        {
                            "type": "model_attributes_type",
                            "loc": ["body"],
                            "msg": "Input should be a valid dictionary or object to extract fields from",
                            "input": "inbound_agent_id=x",
                        }
                    ]
                },
            ),
            id="not-json-content-type",
        ),
        pytest.param(
            b"\xff\xfe\xfa",
            {"content-type": "application/json"},
            (400, {"detail": "There was an error parsing the body"}),
            id="not-text",
        ),
    ],
)
def test_bodies_that_are_not_json_objects(api, conform, voiceos_state, content, headers, expected) -> None:
    before = voiceos_state()
    response = api.patch(f"/phone_numbers/{WITH_WEBHOOK}", content=content, headers=headers)
    assert (response.status_code, conform("phone_numbers_update", response)) == expected
    assert voiceos_state() == before


def test_body_is_validated_before_the_number_is_looked_up(api) -> None:
    response = api.patch("/phone_numbers/+19995550000", json={"webhooks": [{"url": "x"}]})
    assert response.status_code == 422
    missing = api.patch("/phone_numbers/+19995550000", json={"webhooks": []})
    assert (missing.status_code, missing.json()) == (404, {"detail": "Phone number not found"})
