"""What VoIPBIN's published OpenAPI 3.0 (`openapi.json`, bin-openapi-manager) declares for the
objects the emulator answers with, in telemock's words: each field's type, format and enum.

These are the facts a client generated from that document is built on. Nothing in it is
required (except an action's `id` and `type`) and no time is `nullable`; every `tm_*` is
`format: date-time`. The schema names are the published ones, so a generated client's classes
carry the names a real one would.
"""

from __future__ import annotations

import json
from typing import Any

from telemock.emulator.providers.voipbin.models import ACTION_TYPES

UUID = {"type": "string", "format": "uuid"}
TIME = {"type": "string", "format": "date-time"}
TEXT = {"type": "string"}
FLAG = {"type": "boolean"}
FREE = {"type": "object", "additionalProperties": True}


def enum(*values: str) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def obj(required: list[str] | None = None, **properties: Any) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    if required:
        schema["required"] = required
    return schema


def times(*names: str) -> dict[str, Any]:
    return {name: TIME for name in names}


RECORD_TIMES = times("tm_create", "tm_update", "tm_delete")

SCHEMAS: dict[str, Any] = {
    "NumberManagerNumberType": enum("normal", "virtual"),
    "NumberManagerNumberStatus": enum("active", "deleted"),
    "NumberManagerMetadata": obj(rtp_debug=FLAG),
    "NumberManagerNumber": obj(
        id=UUID, customer_id=UUID, number=TEXT, type=ref("NumberManagerNumberType"), call_flow_id=UUID,
        message_flow_id=UUID, name=TEXT, detail=TEXT, status=ref("NumberManagerNumberStatus"), t38_enabled=FLAG,
        emergency_enabled=FLAG, metadata=ref("NumberManagerMetadata"), **times("tm_purchase", "tm_renew"), **RECORD_TIMES,
    ),
    # The published action enum lacks three types the service accepts.
    "FlowManagerActionType": enum(*sorted(ACTION_TYPES - {"ai_task", "block", "case_create"})),
    "FlowManagerAction": obj(
        ["id", "type"], id=UUID, next_id=UUID, type=ref("FlowManagerActionType"), option=FREE, tm_execute=TIME,
    ),
    "FlowManagerFlowType": enum("flow", "conference", "queue", "campaign", "transfer"),
    "FlowManagerFlow": obj(
        id=UUID, customer_id=UUID, type=ref("FlowManagerFlowType"), name=TEXT, detail=TEXT,
        actions={"type": "array", "items": ref("FlowManagerAction")}, direct_hash=TEXT, on_complete_flow_id=UUID,
        **RECORD_TIMES,
    ),
    "FlowManagerActiveflowStatus": enum("", "running", "ended"),
    "FlowManagerReferenceType": enum("", "ai", "api", "call", "campaign", "conversation", "transcribe", "recording"),
    "FlowManagerWebhookMethod": enum("", "POST", "GET", "PUT", "DELETE"),
    "FlowManagerActiveflow": obj(
        id=UUID, customer_id=UUID, flow_id=UUID, status=ref("FlowManagerActiveflowStatus"),
        reference_type=ref("FlowManagerReferenceType"), reference_id=UUID, reference_activeflow_id=UUID,
        on_complete_flow_id=UUID, webhook_uri=TEXT, webhook_method=ref("FlowManagerWebhookMethod"),
        current_action=ref("FlowManagerAction"), forward_action_id=UUID,
        executed_actions={"type": "array", "items": ref("FlowManagerAction")}, **RECORD_TIMES,
    ),
    "CustomerManagerCustomerWebhookMethod": enum("", "POST", "GET", "PUT", "DELETE"),
    "CustomerManagerCustomerStatus": enum("initial", "active", "frozen", "deleted", "expired"),
    "CustomerManagerCustomerIdentityVerificationStatus": enum("none", "pending", "verified", "rejected"),
    "CustomerManagerMetadata": obj(rtp_debug=FLAG),
    "CustomerManagerCustomer": obj(
        id=UUID, name=TEXT, detail=TEXT, email={"type": "string", "format": "email"}, phone_number=TEXT, address=TEXT,
        webhook_method=ref("CustomerManagerCustomerWebhookMethod"), webhook_uri=TEXT, billing_account_id=UUID,
        metadata=ref("CustomerManagerMetadata"), email_verified=FLAG, status=ref("CustomerManagerCustomerStatus"),
        identity_verification_status=ref("CustomerManagerCustomerIdentityVerificationStatus"),
        **times("tm_deletion_scheduled"), **RECORD_TIMES,
    ),
}

# The resources of this contract and the published schema each is read with.
RESOURCES = {
    "number": "NumberManagerNumber",
    "flow": "FlowManagerFlow",
    "activeflow": "FlowManagerActiveflow",
    "customer": "CustomerManagerCustomer",
}


def document() -> dict[str, Any]:
    """An OpenAPI 3.0 document with the schemas only, for a code generator."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "VoIPBIN published typing", "version": "1.0"},
        "paths": {},
        "components": {"schemas": SCHEMAS},
    }


def json_schema(name: str) -> dict[str, Any]:
    """One schema as JSON Schema, its references under `definitions`."""
    text = json.dumps(SCHEMAS).replace("#/components/schemas/", "#/definitions/")
    return {"$ref": f"#/definitions/{name}", "definitions": json.loads(text)}
