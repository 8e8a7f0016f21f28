"""Checks any server that claims to implement a provider's documented API: the emulator, a proxy,
a fake of your own, or the real service.

`check_server` runs schemathesis with the provider's spec against a base URL, operation by
operation, with valid (positive) and invalid (negative) data. A case fails when the server answers
with a 5xx, an undocumented status, an undocumented content type or a body that does not match
the documented schema. Every failure is shrunk to a minimal case and reported with a curl command
that reproduces it.
"""

from __future__ import annotations

import copy
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from .specs import load_spec
from .validate import coerce

Outcome = Literal["passed", "failed", "skipped", "error"]
MODES = ("positive", "negative")
REQUEST_TIMEOUT = 10.0
MAX_EXCERPT = 300


class ServerUnreachable(RuntimeError):
    """The base URL did not answer at all (nothing listens there, or it timed out)."""


@dataclass(frozen=True)
class Failure:
    """One documented-contract check a minimal case failed."""

    check: str  # e.g. "Response violates schema", "Server error"
    message: str
    status: int | None
    response: str  # the start of the response body
    reproduction: str  # a curl command for the shrunk case


@dataclass
class OperationResult:
    """What one operation did in one generation mode."""

    operation: str  # operationId (or "METHOD /path" when the spec names none)
    method: str
    path: str
    mode: str  # positive | negative
    cases: int = 0  # requests sent, shrinking included
    outcome: Outcome = "passed"
    failures: list[Failure] = field(default_factory=list)
    reason: str | None = None  # why it was skipped, or the error that stopped it

    def describe(self) -> str:
        """A readable block: the operation, then each failure with its reproduction."""
        head = f"{self.operation} [{self.mode}] {self.method} {self.path}: {self.outcome}, {self.cases} cases"
        lines = [head]
        if self.reason:
            lines.append(f"  {self.reason}")
        shown: str | None = None
        for failure in self.failures:
            if failure.reproduction != shown:
                shown = failure.reproduction
                lines.append(f"  minimal case: {failure.reproduction}")
                status = failure.status if failure.status is not None else "no response"
                lines.append(f"  answered {status}: {failure.response}")
            lines.append(f"  - {failure.check}")
            lines += [f"      {line}" for line in failure.message.strip().splitlines() if line.strip()]
        return "\n".join(lines)


@dataclass
class ServerReport:
    """Every operation's result; `ok` when nothing failed or errored."""

    provider: str
    base_url: str
    results: list[OperationResult] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problems(self) -> list[OperationResult]:
        return [r for r in self.results if r.outcome in ("failed", "error")]

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.results)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome == outcome)

    def failure_texts(self) -> list[str]:
        """One readable description per failing operation and mode (empty when clean)."""
        return [r.describe() for r in self.problems]

    def render(self, *, verbose: bool = False) -> str:
        """The report as text: a line per operation and mode, the failures in full below."""
        lines = [f"telemock check server: {self.provider} at {self.base_url}", ""]
        width = max((len(r.operation) for r in self.results), default=10)
        for r in self.results:
            mark = {"passed": "ok", "failed": "FAIL", "skipped": "skip", "error": "ERROR"}[r.outcome]
            note = f"  ({r.reason})" if r.outcome == "skipped" and r.reason else ""
            if r.outcome == "failed":
                note = f"  ({len(r.failures)} failed check{'s' if len(r.failures) != 1 else ''})"
            lines.append(f"  {mark:<5} {r.operation:<{width}}  {r.mode:<8} {r.cases:>4} cases{note}")
        for r in self.problems if not verbose else [r for r in self.results if r.failures or r.reason]:
            lines += ["", r.describe()]
        operations = len({r.operation for r in self.results})
        totals = (
            f"{len(self.results)} runs ({operations} operations): {self.count('passed')} passed, "
            f"{self.count('failed')} failed, {self.count('error')} errors, {self.count('skipped')} skipped; "
            f"{self.cases} cases"
        )
        lines += ["", totals]
        return "\n".join(lines)


def check_server(
    base_url: str,
    provider: str,
    *,
    headers: Mapping[str, str] | None = None,
    auth: tuple[str, str] | None = None,
    query: Mapping[str, str] | None = None,
    path_parameters: Mapping[str, str] | None = None,
    max_examples: int = 25,
    seed: int = 1,
    modes: Collection[str] = MODES,
    operations: Collection[str] | None = None,
    exclude_operations: Collection[str] = (),
) -> ServerReport:
    """Run the provider's documented checks against the server at `base_url`.

    `base_url` is the provider's base URL (e.g. `http://127.0.0.1:8780/voipbin`, or the real
    service's). `headers`, `auth` (HTTP Basic) and `query` go on every case, so the checks reach
    past authentication. `path_parameters` pins a path parameter, e.g. `{"project": "demo"}`:
    valid cases use that value, invalid ones may still try others. `operations` limits the run to
    those operationIds. Raises `ServerUnreachable` when nothing answers at `base_url`.
    """
    import httpx

    target = base_url.rstrip("/")
    unknown_modes = set(modes) - set(MODES)
    if unknown_modes:
        raise ValueError(f"unknown mode(s) {', '.join(sorted(unknown_modes))} (known: {', '.join(MODES)})")
    _probe(target)
    spec = prepared_spec(provider, target, path_parameters or {})
    known = {op.get("operationId") for op in _spec_operations(spec)}
    for name in [*(operations or ()), *exclude_operations]:
        if name not in known:
            raise LookupError(f"{provider} documents no operation {name!r} (known: {', '.join(sorted(filter(None, known)))})")
    sent_headers = dict(headers or {})
    if auth is not None:
        sent_headers["Authorization"] = httpx.BasicAuth(*auth)._auth_header
    schema = _schemathesis().openapi.from_dict(spec)
    report = ServerReport(provider=provider, base_url=target)
    for result in schema.get_all_operations():
        operation = result.ok()
        raw = operation.definition.raw
        operation_id = raw.get("operationId") or operation.label
        if operation_id in exclude_operations or (operations is not None and operation_id not in operations):
            continue
        for mode in (m for m in MODES if m in modes):
            outcome = OperationResult(operation_id, operation.method.upper(), operation.path, mode)
            _run_operation(operation, outcome, target, sent_headers, dict(query or {}), max_examples, seed)
            report.results.append(outcome)
    return report


# --- the spec as the checks use it -------------------------------------------------------------


def prepared_spec(provider: str, target: str, path_parameters: Mapping[str, str]) -> dict[str, Any]:
    """The documented spec pointed at `target`, without security, with pinned path parameters."""
    spec = copy.deepcopy(load_spec(provider))
    spec["servers"] = [{"url": target}]
    strip_security(spec)
    if path_parameters:
        pin_path_parameters(spec, path_parameters)
    return spec


def strip_security(spec: dict[str, Any]) -> None:
    """Left in, schemathesis would invent credentials that shadow the real ones we send."""
    spec.pop("security", None)
    spec.get("components", {}).pop("securitySchemes", None)
    for operation in _spec_operations(spec):
        operation.pop("security", None)


def pin_path_parameters(spec: dict[str, Any], values: Mapping[str, str]) -> None:
    """Every path parameter named in `values` gets a one-value schema (in place).

    Shared `$ref` parameters are changed where they are defined, so each is pinned once.
    """
    found: set[str] = set()
    for path_item in spec.get("paths", {}).values():
        entries = list(path_item.get("parameters", []))
        for operation in _operations_of(path_item):
            entries += operation.get("parameters", [])
        for entry in entries:
            parameter = _resolve(spec, entry)
            name = parameter.get("name")
            if parameter.get("in") == "path" and name in values:
                original = parameter.get("schema") or {}
                original = _resolve(spec, original)
                pinned: dict[str, Any] = {"enum": [coerce(values[name], original)]}
                if "type" in original:
                    pinned["type"] = original["type"]
                parameter["schema"] = pinned
                found.add(name)
    missing = set(values) - found
    if missing:
        raise LookupError(f"the spec has no path parameter {', '.join(sorted(missing))}")


def _resolve(spec: dict[str, Any], node: Any) -> Any:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#").strip("/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


def _operations_of(path_item: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for method, op in path_item.items() if method in HTTP_METHODS and isinstance(op, dict)]


def _spec_operations(spec: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for item in spec.get("paths", {}).values() for op in _operations_of(item)]


# --- running one operation ---------------------------------------------------------------------


@lru_cache(maxsize=1)
def _schemathesis() -> Any:
    """Imported on first use: schemathesis takes a while to import."""
    import schemathesis

    return schemathesis


@lru_cache(maxsize=1)
def _checks() -> list[Any]:
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


class CaseFailed(AssertionError):
    """Raised inside the hypothesis test so that hypothesis shrinks the case and hands it back."""

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.check for f in failures))
        self.failures = failures


@cache
def _failure_kind(codes: tuple[str, ...]) -> type[CaseFailed]:
    """A subclass per set of failed checks, so hypothesis shrinks distinct problems separately."""
    return type(f"CaseFailed_{'_'.join(codes) or 'none'}", (CaseFailed,), {})


def _run_operation(
    operation: Any,
    result: OperationResult,
    target: str,
    headers: dict[str, str],
    query: dict[str, str],
    max_examples: int,
    seed: int,
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import FlakyFailure, Unsatisfiable
    from schemathesis.core.failures import FailureGroup
    from schemathesis.generation.modes import GenerationMode

    mode = GenerationMode.POSITIVE if result.mode == "positive" else GenerationMode.NEGATIVE
    try:
        strategy = operation.as_strategy(generation_mode=mode)
    except Exception as exc:  # noqa: BLE001 - reported, not raised: other operations still run
        if result.mode == "negative":
            result.outcome, result.reason = "skipped", "nothing to negate"
        else:
            result.outcome, result.reason = "error", f"cannot generate cases: {_one_line(str(exc))}"
        return

    @settings(
        max_examples=max_examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        suppress_health_check=list(HealthCheck),
        print_blob=False,
        report_multiple_bugs=True,
    )
    @hypothesis_seed(seed)
    @given(case=strategy)
    def check(case: Any) -> None:
        result.cases += 1
        if query:  # on the case itself, so the reproduction carries it too
            case.query = {**(case.query or {}), **query}
        response = case.call(base_url=target, headers=headers, timeout=REQUEST_TIMEOUT)
        try:
            case.validate_response(response, checks=_checks(), headers=headers)
        except FailureGroup as group:
            found = sorted(group.exceptions, key=lambda f: f.code)
            curl = case.as_curl_command(headers=dict(response.request.headers), base_url=target)
            excerpt = _excerpt(response.content)
            failures = [Failure(f.title, f.message, response.status_code, excerpt, curl) for f in found]
            raise _failure_kind(tuple(f.code for f in found))(failures) from None

    try:
        check()
    except Unsatisfiable as exc:
        if result.mode == "negative":
            # Nothing in the operation can be made invalid (no parameters, no body, free-form strings).
            result.outcome, result.reason = "skipped", "nothing to negate"
        else:
            result.outcome, result.reason = "error", f"cannot generate valid cases: {_one_line(str(exc))}"
    except BaseException as exc:  # hypothesis may group several distinct failures
        if isinstance(exc, (KeyboardInterrupt, SystemExit)):
            raise
        failed = [e for e in _flatten(exc) if isinstance(e, CaseFailed)]
        others = [e for e in _flatten(exc) if not isinstance(e, CaseFailed)]
        for failure in failed:
            result.failures += failure.failures
        if others:
            result.outcome = "error"
            result.reason = "; ".join(f"{type(e).__name__}: {_one_line(str(e))}" for e in others)
        elif failed:
            result.outcome = "failed"
            if isinstance(exc, FlakyFailure):
                result.reason = "flaky: the same request was answered differently when it was sent again"


def _flatten(exc: BaseException) -> list[BaseException]:
    if isinstance(exc, BaseExceptionGroup) and not isinstance(exc, CaseFailed):
        return [leaf for inner in exc.exceptions for leaf in _flatten(inner)]
    return [exc]


def _excerpt(content: bytes) -> str:
    text = content.decode("utf-8", "replace").strip() or "(empty body)"
    return text if len(text) <= MAX_EXCERPT else text[: MAX_EXCERPT - 1] + "…"


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 300 else text[:299] + "…"


def _probe(target: str) -> None:
    """Fail fast, with one clear sentence, when nothing listens at the base URL.

    A plain TCP connection, not a request: a request would land in the server's own journal.
    """
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(target)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{target!r} is not an http(s) URL")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        socket.create_connection((parts.hostname, port), timeout=REQUEST_TIMEOUT).close()
    except OSError as exc:
        raise ServerUnreachable(f"nothing answers at {target}: {exc.strerror or exc}") from None
