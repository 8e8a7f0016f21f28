"""The provider's side of the contract: its answers and its webhooks, judged against the documented spec.

A departure here is the provider's, not the client's: each violation says so (`drift: true`)
and where it is (`response.body/…`, `event.body/…`), so the journal, `telemock report` and
`telemock drift` tell it apart from what a client did wrong. The judging is `contracts/validate`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from telemock.contracts.specs import available_specs
from telemock.contracts.validate import Contract, Violation, contract_for, parse_body, shown

from ..core.verdicts import mask_violation
from .bodies import media_type

INDEX = re.compile(r"/\d+(?=/|$)")


def contract_of(provider: str) -> Contract | None:
    return contract_for(provider) if provider in available_specs() else None


def as_drift(found: list[Violation], where: str) -> list[dict[str, Any]]:
    """Violations as journal entries, masked as the journal masks, each marked as the provider's."""
    judged = []
    for violation in found:
        item = violation.to_dict()
        mask_violation(item)
        item["location"] = f"{where}.{item['location']}"
        item["drift"] = True
        judged.append(item)
    return judged


def answer_drift(contract: Contract | None, operation: str | None, status: int, content_type: str, body: bytes) -> list[dict[str, Any]]:
    """How an answer of the provider departs from what its spec documents for `operation`."""
    if contract is None or operation is None or operation not in contract.by_id:
        return []
    return as_drift(contract.check_response(operation, status, content_type, body), "response")


def documented_operation(contract: Contract | None, method: str, path: str, hint: str | None) -> str | None:
    """The spec's operationId for a request (`hint` is the emulator's resolution, tried first)."""
    if contract is None:
        return hint
    operation, _ = contract.match(method, path, hint)
    return operation.operation_id if operation is not None else None


def generalized(location: str) -> str:
    """`body/result/3/id` → `body/result/*/id`: one row per field, whichever item it was."""
    return INDEX.sub("/*", location)


@dataclass
class EventVerdict:
    """Which documented webhook a message is (the one it fits best), its operationId and its departures."""

    name: str | None
    operation: str | None
    violations: list[dict[str, Any]]


def event_of(method: str, content_type: str, body: bytes, query: dict[str, list[str]]) -> Any:
    """The event a webhook carries: its body, or for a body-less GET its query parameters."""
    if body:  # ValueError when it does not parse as its content type says
        return parse_body(media_type(content_type) or "application/json", body)
    return {name: values[0] if len(values) == 1 else values for name, values in query.items()}


def judge_event(contract: Contract | None, method: str, content_type: str, body: bytes, query: dict[str, list[str]]) -> EventVerdict:
    """Which documented webhook: one the message names (`"type": "number_created"`, CloudEvents'
    `type`, VoiceOS' `event`), else any; among those the fewest violations win, then the one whose
    schema declares most of the message's fields (a status callback also fits a looser schema)."""
    if contract is None or not contract.webhooks:
        return EventVerdict(None, None, [])
    try:
        event = event_of(method, content_type, body, query)
    except ValueError as exc:
        unreadable = Violation(None, "body", media_type(content_type) or "a body", shown(body.decode("utf-8", "replace")),
                               f"the webhook's body is not valid {media_type(content_type) or 'JSON'}: {exc}")
        return EventVerdict(None, None, as_drift([unreadable], "event"))
    named = {v for v in event.values() if isinstance(v, str)} & set(contract.webhooks) if isinstance(event, dict) else set()
    best: tuple[tuple[int, int], str, list[Violation]] | None = None
    for name in [n for n in contract.webhooks if n in named] or list(contract.webhooks):
        found = contract.check_event(name, event)
        score = (len(found), -declared_overlap(contract, name, event))
        if best is None or score < best[0]:
            best = (score, name, found)
    assert best is not None
    _, name, found = best
    return EventVerdict(name, webhook_operation(contract, name, method), as_drift(found, "event"))


def webhook_operation(contract: Contract, name: str, method: str) -> str | None:
    item = (contract.spec.get("webhooks") or {}).get(name) or {}
    operation = item.get(method.lower()) or item.get("post") or {}
    return operation.get("operationId") if isinstance(operation, dict) else None


def declared_overlap(contract: Contract, name: str, event: Any) -> int:
    if not isinstance(event, dict):
        return 0
    return len(set(event) & declared_fields(contract, name))


def declared_fields(contract: Contract, name: str) -> set[str]:
    """The top-level properties a webhook's body schema names (through `$ref` and `allOf`)."""
    item = (contract.spec.get("webhooks") or {}).get(name) or {}
    fields: set[str] = set()
    for operation in item.values():
        if not isinstance(operation, dict):
            continue
        body = contract.resolve(operation.get("requestBody")) or {}
        for content in (body.get("content") or {}).values():
            fields |= properties_of(contract, content.get("schema"))
    return fields


def properties_of(contract: Contract, schema: Any, depth: int = 0) -> set[str]:
    schema = contract.resolve(schema)
    if not isinstance(schema, dict) or depth > 8:
        return set()
    found = set(schema.get("properties") or {})
    for part in schema.get("allOf") or ():
        found |= properties_of(contract, part, depth + 1)
    return found
