"""Runs schemathesis with a provider's documented spec against a live emulator."""

from __future__ import annotations

import copy
from typing import Any

import httpx
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import seed as hypothesis_seed
from schemathesis.checks import not_a_server_error
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from contracts.specs import load_spec

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def run_schemathesis(
    base_url: str,
    provider: str,
    *,
    headers: dict[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    query: dict[str, str] | None = None,
    max_examples: int = 25,
    exclude_operations: tuple[str, ...] = (),
    modes: tuple[GenerationMode, ...] = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE),
    seed: int = 1,
) -> list[str]:
    """Every operation, positive and negative data; returns readable failures (empty when clean).

    `base_url` is the server root; the provider's mount prefix is added here. Credentials are
    sent on every case so the checks reach past authentication.
    """
    spec = copy.deepcopy(load_spec(provider))
    target = f"{base_url.rstrip('/')}/{provider}"
    spec["servers"] = [{"url": target}]
    strip_security(spec)
    schema = schemathesis.openapi.from_dict(spec)
    extra_headers = dict(headers or {})
    if auth is not None:
        extra_headers["Authorization"] = httpx.BasicAuth(*auth)._auth_header
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw.get("operationId", operation.label)
        if operation_id in exclude_operations:
            continue
        for mode in modes:
            failure = _run_operation(operation, mode, target, extra_headers, query, max_examples, seed)
            if failure:
                failures.append(f"{operation_id} [{mode.value}]: {failure}")
    return failures


def strip_security(spec: dict[str, Any]) -> None:
    """Left in, schemathesis would invent credentials that shadow the real ones we send."""
    spec.pop("security", None)
    spec.get("components", {}).pop("securitySchemes", None)
    for path_item in spec.get("paths", {}).values():
        for operation in path_item.values():
            if isinstance(operation, dict):
                operation.pop("security", None)


def _run_operation(
    operation: Any,
    mode: GenerationMode,
    target: str,
    headers: dict[str, str],
    query: dict[str, str] | None,
    max_examples: int,
    seed: int,
) -> str | None:
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as exc:  # an operation with nothing to negate, e.g. no parameters at all
        if mode is GenerationMode.NEGATIVE:
            return None
        return f"cannot generate cases: {exc}"

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
    )
    @hypothesis_seed(seed)
    @given(case=strategy)
    def check(case: Any) -> None:
        response = case.call(base_url=target, headers=headers, params=query)
        case.validate_response(response, checks=CHECKS, headers=headers)

    try:
        check()
    except (Exception, BaseExceptionGroup) as exc:
        text = str(exc).strip()
        return text[:4000]
    return None
