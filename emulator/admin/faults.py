"""Control-API handlers for fault rules: slow, failing, dropped or garbled answers and deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..core.clock import MICROS, from_datetime
from ..core.faults.rules import DELIVERY_EFFECTS, MALFORMED_MODES, REQUEST_EFFECTS, TARGETS
from ..core.http import json_response
from .handlers import AdminError, body_object, provider_named, runtime_of, string_field

MATCH_FIELDS = {
    "requests": {"provider", "operation", "path", "path_regex", "tenant", "method"},
    "deliveries": {"provider", "tenant", "type", "url"},
}
EFFECT_FIELDS = {
    "latency": {"latency"},
    "status": {"latency", "status", "retry_after"},
    "drop": {"latency", "after_handler"},
    "malformed": {"latency", "mode"},
    "delay": {"latency"},
    "duplicate": {"latency", "copies"},
    "reorder": {"latency", "hold"},
}
COMMON_FIELDS = {"target", "effect", "probability", "seed", "count", "window", "description"}
ALL_FIELDS = COMMON_FIELDS | set().union(*MATCH_FIELDS.values()) | set().union(*EFFECT_FIELDS.values())
MAX_LATENCY_S = 300.0
RETRY_AFTER_DEFAULT = {429: 1, 503: 1}


def invalid(message: str) -> AdminError:
    return AdminError(400, "invalid_body", message)


def number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def integer(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse_latency(value: Any) -> tuple[float, float]:
    if number(value) and 0 <= value <= MAX_LATENCY_S:
        return float(value), float(value)
    if (
        isinstance(value, list)
        and len(value) == 2
        and all(number(v) for v in value)
        and 0 <= value[0] <= value[1] <= MAX_LATENCY_S
    ):
        return float(value[0]), float(value[1])
    raise invalid(f"'latency' must be seconds (0-{MAX_LATENCY_S:g}) or a range [min, max]")


def parse_time(window: dict[str, Any], key: str) -> int | None:
    raw = window.get(key)
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise invalid(f"'window.{key}' must be an RFC 3339 timestamp")
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise invalid(f"'window.{key}' must be an RFC 3339 timestamp") from None
    if when.tzinfo is None:
        raise invalid(f"'window.{key}' needs a UTC offset, e.g. 2030-01-01T00:00:00Z")
    return from_datetime(when)


def parse_window(value: Any, now_us: int) -> tuple[int | None, int | None]:
    """Virtual-time bounds: absolute `start`/`end`, or `after_seconds`/`for_seconds` from now."""
    if value is None:
        return None, None
    if not isinstance(value, dict) or set(value) - {"start", "end", "after_seconds", "for_seconds"}:
        raise invalid("'window' takes start and end (RFC 3339) or after_seconds and for_seconds (virtual time)")
    for key in ("after_seconds", "for_seconds"):
        if key in value and not (number(value[key]) and value[key] >= 0):
            raise invalid(f"'window.{key}' must be a non-negative number")
    if "start" in value and "after_seconds" in value:
        raise invalid("'window' takes start or after_seconds, not both")
    if "end" in value and "for_seconds" in value:
        raise invalid("'window' takes end or for_seconds, not both")
    start = parse_time(value, "start")
    if "after_seconds" in value:
        start = now_us + round(value["after_seconds"] * MICROS)
    end = parse_time(value, "end")
    if "for_seconds" in value:
        end = (start if start is not None else now_us) + round(value["for_seconds"] * MICROS)
    if start is not None and end is not None and end <= start:
        raise invalid("'window' ends before it starts")
    return start, end


def check_operation(request: Request, provider: str | None, operation: str) -> None:
    runtime = runtime_of(request)
    targets = [runtime.providers[provider]] if provider else list(runtime.providers.values())
    if not any(operation in target.operations.operation_ids for target in targets):
        where = provider or "no provider"
        raise AdminError(404, "unknown_operation", f"{where} has no operation {operation!r}")


def parse_rule(request: Request, body: dict[str, Any]) -> dict[str, Any]:
    """The rule's fields for `Faults.add`, or a 400/404 naming the first problem."""
    runtime = runtime_of(request)
    unknown = set(body) - ALL_FIELDS
    if unknown:
        raise invalid(f"unknown field(s): {', '.join(sorted(unknown))}")
    target = body.get("target", "requests")
    if target not in TARGETS:
        raise invalid(f"'target' must be one of {', '.join(TARGETS)}")
    effects = REQUEST_EFFECTS if target == "requests" else DELIVERY_EFFECTS
    effect = body.get("effect")
    if effect not in effects:
        raise invalid(f"'effect' is required; for {target}: {', '.join(effects)}")
    allowed = COMMON_FIELDS | MATCH_FIELDS[target] | EFFECT_FIELDS[effect]
    misplaced = set(body) - allowed
    if misplaced:
        raise invalid(f"field(s) {', '.join(sorted(misplaced))} do not apply to a {effect} fault on {target}")
    fields: dict[str, Any] = {"target": target, "effect": effect}
    for key in ("provider", "operation", "path", "path_regex", "tenant", "method", "url"):
        fields[key] = string_field(body, key)
    fields["event_type"] = string_field(body, "type")
    provider_named(runtime, fields["provider"])
    if fields["operation"] is not None:
        check_operation(request, fields["provider"], fields["operation"])
    if fields["method"] is not None:
        fields["method"] = fields["method"].upper()
        if not fields["method"].isalpha():
            raise invalid("'method' must be an HTTP method such as POST")
    if fields["path_regex"] is not None:
        import re

        try:
            re.compile(fields["path_regex"])
        except re.error as exc:
            raise invalid(f"'path_regex' is not a valid regular expression: {exc}") from None
    if "latency" in body:
        fields["latency"] = parse_latency(body["latency"])
    elif effect in ("latency", "delay"):
        raise invalid(f"a {effect} fault needs 'latency' (seconds, or [min, max])")
    if effect == "status":
        status = body.get("status")
        if not isinstance(status, int) or isinstance(status, bool) or not 400 <= status <= 599:
            raise invalid("a status fault needs 'status', an HTTP error status (400-599), e.g. 429, 500 or 503")
        fields["status"] = status
        retry_after = body.get("retry_after", RETRY_AFTER_DEFAULT.get(status))
        if retry_after is not None and (not integer(retry_after) or retry_after < 0):
            raise invalid("'retry_after' must be whole seconds (or null for no Retry-After header)")
        fields["retry_after"] = retry_after
    if "after_handler" in body:
        if not isinstance(body["after_handler"], bool):
            raise invalid("'after_handler' must be true or false")
        fields["after_handler"] = body["after_handler"]
    if "mode" in body:
        if body["mode"] not in MALFORMED_MODES:
            raise invalid(f"'mode' must be one of {', '.join(MALFORMED_MODES)}")
        fields["mode"] = body["mode"]
    if "copies" in body:
        if not integer(body["copies"]) or not 2 <= body["copies"] <= 10:
            raise invalid("'copies' must be an integer from 2 to 10 (how many times the receiver gets it)")
        fields["copies"] = body["copies"]
    if "hold" in body:
        if not number(body["hold"]) or not 0 < body["hold"] <= 60:
            raise invalid("'hold' must be seconds, more than 0 and at most 60")
        fields["hold"] = float(body["hold"])
    probability = body.get("probability", 1.0)
    if not number(probability) or not 0 < probability <= 1:
        raise invalid("'probability' must be a number greater than 0 and at most 1")
    fields["probability"] = float(probability)
    seed = body.get("seed")
    if seed is not None and not integer(seed):
        raise invalid("'seed' must be an integer")
    fields["seed"] = seed
    count = body.get("count")
    if count is not None and (not integer(count) or count < 1):
        raise invalid("'count' must be a positive integer (or absent: until removed)")
    fields["count"] = count
    fields["start_us"], fields["end_us"] = parse_window(body.get("window"), runtime.clock.now_us())
    description = body.get("description", "")
    if not isinstance(description, str):
        raise invalid("'description' must be a string")
    fields["description"] = description
    return fields


async def create_fault(request: Request) -> Response:
    body = await body_object(request)
    rule = runtime_of(request).faults.add(**parse_rule(request, body))
    return json_response(rule.to_dict(), 201)


def target_param(request: Request) -> str | None:
    target = request.query_params.get("target") or None
    if target is not None and target not in TARGETS:
        raise AdminError(400, "invalid_query", f"'target' must be one of {', '.join(TARGETS)}")
    return target


async def list_faults(request: Request) -> Response:
    rules = runtime_of(request).faults.rules(target_param(request))
    return json_response({"faults": [rule.to_dict() for rule in rules]})


def rule_id(request: Request) -> int:
    raw = request.path_params["fault_id"]
    if not raw.isdigit():
        raise AdminError(404, "not_found", f"no fault rule {raw}")
    return int(raw)


async def get_fault(request: Request) -> Response:
    rule = runtime_of(request).faults.get(rule_id(request))
    if rule is None:
        raise AdminError(404, "not_found", f"no fault rule {request.path_params['fault_id']}")
    return json_response(rule.to_dict())


async def delete_faults(request: Request) -> Response:
    runtime = runtime_of(request)
    provider = request.query_params.get("provider") or None
    provider_named(runtime, provider)
    return json_response({"removed": runtime.faults.remove(target=target_param(request), provider=provider)})


async def delete_fault(request: Request) -> Response:
    if runtime_of(request).faults.remove(rule_id(request)) == 0:
        raise AdminError(404, "not_found", f"no fault rule {request.path_params['fault_id']}")
    return json_response({"removed": 1})
