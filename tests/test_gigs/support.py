"""Constants of the demo Gigs project, and checks of events against the spec's `webhooks:` schemas."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import httpx
from jsonschema import Draft202012Validator, FormatChecker

from telemock.contracts.specs import load_spec

KEY = "gigs_demo_key"
PROJECT = "demo"
API_KEY_ID = "apk_0SNlurA049MEWV4wRq2ql6SYZxiY"
SUBSCRIPTION = "sub_0SNlurA049MEWV2gSfSxi00xlPIi"
ENDED_SUBSCRIPTION = "sub_0SNlurA049MEWV2EndedSubscr01"
USER = "usr_0SNlurA049MEWV4OpCwsNyC9Kn2d"
OTHER_USER = "usr_0SNlurA049MEWV4Elaine00Benes"
ACTIVE_NUMBER = "vnr_0SNlurA049MEWV29mxRtSMDnKtUD"
ENDED_NUMBER = "vnr_0SNlurA049MEWV29EndedNumber01"
BASE = f"/gigs/projects/{PROJECT}"
VN_KEYS = ["object", "id", "activatedAt", "canceledAt", "createdAt", "endedAt", "phoneNumber", "status", "subscription", "user"]
EVENT_KEYS = ["object", "id", "actor", "data", "datacontenttype", "project", "source", "specversion", "time", "type", "version"]
UPDATED_KEYS = EVENT_KEYS[:5] + ["previousData"] + EVENT_KEYS[5:]
SECONDS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def error_of(response: httpx.Response, status: int, kind: str) -> dict[str, Any]:
    """The Gigs error object, after checking its status, its `type` and its required keys."""
    assert response.status_code == status, response.text
    body = response.json()
    assert body["object"] == "error" and body["type"] == kind, body
    assert isinstance(body["message"], str) and body["message"]
    return body


def _resolve(spec: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = spec
    for part in ref.removeprefix("#/").split("/"):
        node = node[part]
    return node


@lru_cache(maxsize=None)
def event_validator(event_type: str) -> Draft202012Validator:
    """A JSON Schema validator for the request body the spec documents for this event type."""
    spec = load_spec("gigs")
    body = spec["webhooks"][event_type]["post"]["requestBody"]
    if "$ref" in body:
        body = _resolve(spec, body["$ref"])
    schema = dict(body["content"]["application/json"]["schema"])
    schema["components"] = spec["components"]
    return Draft202012Validator(schema, format_checker=FormatChecker())


@lru_cache(maxsize=None)
def header_validators(event_type: str) -> dict[str, Draft202012Validator]:
    spec = load_spec("gigs")
    found = {}
    for parameter in spec["webhooks"][event_type]["post"]["parameters"]:
        if "$ref" in parameter:
            parameter = _resolve(spec, parameter["$ref"])
        schema = dict(parameter["schema"])
        schema["components"] = spec["components"]
        found[parameter["name"]] = Draft202012Validator(schema)
    return found


def assert_event_conforms(event: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    """The event body (and the delivery headers, when given) validate against the spec."""
    errors = sorted(event_validator(event["type"]).iter_errors(event), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    if headers is not None:
        for name, validator in header_validators(event["type"]).items():
            value: Any = headers[name]
            if validator.schema.get("type") == "integer":
                value = int(value)
            validator.validate(value)
