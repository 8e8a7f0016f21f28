"""Checks any server that claims to implement a provider's documented API: the emulator, a proxy,
a fake of your own, or the real service.

`check_server` runs schemathesis with the provider's spec against a base URL, operation by
operation, with valid (positive) and invalid (negative) data. A case fails when the server answers
with a 5xx, an undocumented status, an undocumented content type or a body that does not match
the documented schema. Every failure is shrunk to a minimal case and reported with a curl command
that reproduces it.

A run that exercised nothing does not pass: every answer is counted by status, the report shows
per operation how many cases reached a 2xx, and when (nearly) every valid case was refused with
401/403 the report is not `ok` and says so (`credentials_refused`): the credentials were missing
or wrong, so no check got past authentication.

Two optional extras:

- a stateful phase (`stateful_examples`): schemathesis' state machine built from the spec's
  OpenAPI `links` (create → get/update/delete), with valid and invalid data, and its two stateful
  checks (a created resource can be fetched, a deleted one cannot);
- `allowed` departures: known, named ways in which a server departs from the documentation (e.g.
  the emulator's `observed` profile, or the real service). A response whose every failed check is
  covered by a departure does not fail the run; each use of a departure is counted and reported.
"""

from __future__ import annotations

import copy
import re
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from typing import Any, Literal

from ..specs import load_spec
from ..validate import coerce
from .progress import Progress, Silent
from .reach import Unreachable, probe

Outcome = Literal["passed", "failed", "skipped", "error"]
MODES = ("positive", "negative")
REFUSED_STATUSES = frozenset({401, 403})
REFUSED_SHARE = 0.9  # "(nearly) every" valid case refused: the credentials did not work
REQUEST_TIMEOUT = 10.0
MAX_EXCERPT = 300


ServerUnreachable = Unreachable  # the base URL did not answer at all (nothing listens there, or it timed out)


@dataclass(frozen=True)
class Failure:
    """One documented-contract check a minimal case failed."""

    check: str  # e.g. "Response violates schema", "Server error"
    message: str
    status: int | None
    response: str  # the start of the response body
    reproduction: str  # a curl command for the shrunk case


@dataclass(frozen=True)
class Departure:
    """A known, named way a server departs from the documented contract, which a run accepts.

    `kind="status"`: the listed operations may answer `statuses` although the spec does not
    document them, 5xx included (e.g. a backend's 500 for errors its documentation types).
    `kind="field"`: a response body may break the schema, but only where every violation's
    location (a JSON pointer under `body`, as `contracts.validate` writes it) matches `location`
    and, when given, its message matches `message` (both regular expressions, searched).
    `operations` and `statuses` left empty mean every operation and every status.
    """

    name: str
    description: str
    kind: Literal["status", "field"]
    operations: frozenset[str] = frozenset()
    statuses: frozenset[int] = frozenset()
    location: str = ""
    message: str = ""

    def applies(self, operation: str, status: int) -> bool:
        return (not self.operations or operation in self.operations) and (not self.statuses or status in self.statuses)

    def covers(self, violation: Any) -> bool:
        """Whether a schema violation (anything with `location` and `message`, as
        `contracts.validate.Violation`) is this departure; field departures only."""
        return (
            self.kind == "field"
            and re.search(self.location, violation.location) is not None
            and (not self.message or re.search(self.message, violation.message) is not None)
        )


@dataclass
class OperationResult:
    """What one operation did in one generation mode (or the stateful phase, mode `stateful`)."""

    operation: str  # operationId (or "METHOD /path" when the spec names none); `links` for the stateful phase
    method: str
    path: str
    mode: str  # positive | negative | stateful
    cases: int = 0  # requests sent, shrinking included
    outcome: Outcome = "passed"
    failures: list[Failure] = field(default_factory=list)
    reason: str | None = None  # why it was skipped, or the error that stopped it
    reached: int = 0  # answers with a 2xx status
    refused: int = 0  # answers 401 or 403: the credentials did not get past authentication
    server_errors: int = 0  # 5xx answers no departure allows
    nonconforming: int = 0  # answers that failed a check no departure allows
    departures: dict[str, int] = field(default_factory=dict)  # allowed departure -> answers that used it
    scenarios: int = 0  # stateful phase: sequences run
    steps: dict[str, dict[int, int]] = field(default_factory=dict)  # stateful phase: step -> status -> count
    seconds: float = 0.0  # how long the run took

    def describe(self) -> str:
        """A readable block: the operation, then each failure with its reproduction."""
        where = f" {self.method} {self.path}" if self.method else ""
        head = f"{self.operation} [{self.mode}]{where}: {self.outcome}, {self.cases} cases"
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
        return not self.problems and self.credentials_refused is None

    @property
    def credentials_refused(self) -> tuple[int, int] | None:
        """(refused, cases) when (nearly) every valid case was answered 401/403, else None."""
        positive = [r for r in self.results if r.mode == "positive"]
        cases = sum(r.cases for r in positive)
        refused = sum(r.refused for r in positive)
        return (refused, cases) if cases and refused >= REFUSED_SHARE * cases else None

    @property
    def never_reached(self) -> list[str]:
        """Operations none of whose valid cases was answered with a 2xx."""
        return [r.operation for r in self.results if r.mode == "positive" and r.cases and not r.reached]

    @property
    def problems(self) -> list[OperationResult]:
        return [r for r in self.results if r.outcome in ("failed", "error")]

    @property
    def cases(self) -> int:
        return sum(r.cases for r in self.results)

    @property
    def server_errors(self) -> int:
        return sum(r.server_errors for r in self.results)

    @property
    def nonconforming(self) -> int:
        return sum(r.nonconforming for r in self.results)

    @property
    def departures(self) -> dict[str, int]:
        """Every allowed departure that was used, with the number of answers that used it."""
        total: dict[str, int] = {}
        for r in self.results:
            for name, count in r.departures.items():
                total[name] = total.get(name, 0) + count
        return dict(sorted(total.items()))

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
            if r.mode == "stateful" and r.outcome != "skipped":
                note = f"  ({r.scenarios} sequences){note}"
            reached = f", {r.reached:>4} 2xx" if r.mode != "stateful" else ""
            if r.mode == "positive" and r.cases and not r.reached:
                note += "  (never reached a 2xx)"
            lines.append(f"  {mark:<5} {r.operation:<{width}}  {r.mode:<8} {r.cases:>4} cases{reached}{note}")
        if self.departures:
            lines += ["", "allowed departures (answers):"]
            lines += [f"  {count:>6}  {name}" for name, count in self.departures.items()]
        for r in self.problems if not verbose else [r for r in self.results if r.failures or r.reason]:
            lines += ["", r.describe()]
        operations = len({r.operation for r in self.results})
        totals = (
            f"{len(self.results)} runs ({operations} operations): {self.count('passed')} passed, "
            f"{self.count('failed')} failed, {self.count('error')} errors, {self.count('skipped')} skipped; "
            f"{self.cases} cases"
        )
        lines += ["", totals]
        if self.never_reached:
            lines.append(f"never reached a 2xx with valid data: {', '.join(self.never_reached)}")
        refused = self.credentials_refused
        if refused is not None:
            lines.append(f"credentials were refused on {refused[0]} of {refused[1]} valid cases (HTTP 401/403): "
                         "nothing got past authentication, so this run checked nothing")
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
    allowed: Collection[Departure] = (),
    stateful_examples: int = 0,
    stateful_steps: int = 10,
    stateful_bodies: Mapping[str, Mapping[str, Any]] | None = None,
    skip_checks: Collection[str] = (),
    progress: Progress | None = None,
) -> ServerReport:
    """Run the provider's documented checks against the server at `base_url`.

    `base_url` is the provider's base URL (e.g. `http://127.0.0.1:8780/voipbin`, or the real
    service's). `headers`, `auth` (HTTP Basic) and `query` go on every case, so the checks reach
    past authentication. `path_parameters` pins a path parameter, e.g. `{"project": "demo"}`:
    valid cases use that value, invalid ones may still try others. `operations` limits the run to
    those operationIds. Raises `ServerUnreachable` when nothing answers at `base_url`.

    `allowed` lists departures the server is known to make (see `Departure`); answers they cover
    do not fail the run and are counted in `ServerReport.departures`. `stateful_examples` > 0 adds
    a stateful phase of that many sequences of up to `stateful_steps` calls, following the spec's
    links; `stateful_bodies` (operationId → body property → JSON schema) narrows request bodies
    in that phase only, e.g. to ids that exist, so that creates succeed and their links are
    followed. The phase is reported as operation `links`, mode `stateful`. `skip_checks` names
    schemathesis checks not to run (e.g. `use_after_free` where a deleted resource's key can be
    created again by another operation). `progress` is told of each run and case as they happen.
    """
    import httpx

    target = base_url.rstrip("/")
    unknown_modes = set(modes) - set(MODES)
    if unknown_modes:
        raise ValueError(f"unknown mode(s) {', '.join(sorted(unknown_modes))} (known: {', '.join(MODES)})")
    probe(target, REQUEST_TIMEOUT)
    spec = prepared_spec(provider, target, path_parameters or {})
    known = {op.get("operationId") for op in _spec_operations(spec)}
    for name in [*(operations or ()), *exclude_operations]:
        if name not in known:
            raise LookupError(f"{provider} documents no operation {name!r} (known: {', '.join(sorted(filter(None, known)))})")
    for name in (stateful_bodies or {}):
        if name not in known:
            raise LookupError(f"{provider} documents no operation {name!r}")
    sent_headers = dict(headers or {})
    if auth is not None:
        sent_headers["Authorization"] = httpx.BasicAuth(*auth)._auth_header
    unknown_checks = set(skip_checks) - {c.__name__ for c in _stateful_checks()}
    if unknown_checks:
        raise ValueError(f"unknown check(s) {', '.join(sorted(unknown_checks))}")
    shown = progress or Silent()
    judge = Judge(provider, target, sent_headers, dict(query or {}), tuple(allowed), frozenset(skip_checks), shown.case)
    schema = _schemathesis().openapi.from_dict(spec)
    report = ServerReport(provider=provider, base_url=target)
    selected = []
    for result in schema.get_all_operations():
        operation = result.ok()
        operation_id = operation.definition.raw.get("operationId") or operation.label
        if operation_id not in exclude_operations and (operations is None or operation_id in operations):
            selected.append((operation, operation_id))
    run_modes = [m for m in MODES if m in modes]
    shown.start(len(selected) * len(run_modes) + (1 if stateful_examples > 0 else 0))
    for operation, operation_id in selected:
        for mode in run_modes:
            outcome = OperationResult(operation_id, operation.method.upper(), operation.path, mode)
            shown.begin(f"{operation_id} [{mode}]", max_examples)
            started = time.monotonic()
            if mode == "negative" and nothing_to_negate(spec, operation.path, operation.method):
                outcome.outcome, outcome.reason = "skipped", "nothing to negate"
            else:
                _run_operation(operation, outcome, judge, max_examples, seed)
            outcome.seconds = time.monotonic() - started
            shown.end(outcome.outcome, run_detail(outcome))
            report.results.append(outcome)
    if stateful_examples > 0:
        stateful_spec = copy.deepcopy(spec)
        pin_body_properties(stateful_spec, stateful_bodies or {})
        excluded = set(exclude_operations)
        if operations is not None:
            excluded |= {op for op in known if op and op not in operations}
        outcome = OperationResult("links", "", "", "stateful")
        shown.begin("links [stateful]", stateful_examples * stateful_steps)
        started = time.monotonic()
        _run_stateful(stateful_spec, outcome, judge, stateful_examples, stateful_steps, seed, excluded)
        outcome.seconds = time.monotonic() - started
        shown.end(outcome.outcome, run_detail(outcome))
        report.results.append(outcome)
    shown.close()
    return report


def run_detail(result: OperationResult) -> str:
    """A few words on a finished run for progress lines: the 2xx reached, or why it was skipped."""
    if result.outcome == "skipped":
        return result.reason or ""
    if result.mode == "stateful":
        return f"{result.scenarios} sequences"
    return f"{result.reached} 2xx"


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


def pin_body_properties(spec: dict[str, Any], pins: Mapping[str, Mapping[str, Any]]) -> None:
    """Replace the schema of JSON (or form-encoded) body properties, per operationId (in place).

    `pins` maps an operationId to `{property: schema}`. The operation gets its own copy of its
    body schema, so a shared component elsewhere in the spec is left as documented.
    """
    for path_item in spec.get("paths", {}).values():
        for operation in _operations_of(path_item):
            wanted = pins.get(operation.get("operationId", ""))
            if not wanted:
                continue
            body = copy.deepcopy(_resolve(spec, operation.get("requestBody")))
            media = (body or {}).get("content", {})
            content = media.get("application/json") or media.get("application/x-www-form-urlencoded")
            if content is None or "schema" not in content:
                raise LookupError(f"{operation['operationId']} has no JSON or form request body to pin")
            schema = copy.deepcopy(_resolve(spec, content["schema"]))
            properties = schema.setdefault("properties", {})
            unknown = set(wanted) - set(properties)
            if unknown:
                raise LookupError(f"{operation['operationId']} documents no body property {', '.join(sorted(unknown))}")
            properties.update(copy.deepcopy(dict(wanted)))
            content["schema"] = schema
            operation["requestBody"] = body


# Schema keywords that say nothing about which values are valid.
ANNOTATIONS = frozenset({"description", "title", "example", "examples", "deprecated", "default", "readOnly", "writeOnly"})


def nothing_to_negate(spec: dict[str, Any], path: str, method: str) -> bool:
    """True when no request of the operation can be invalid: no body, and only optional or path
    parameters whose schema accepts any string.

    Generating invalid cases for such an operation can only end in hypothesis giving up after
    hundreds of attempts, so the negative run is skipped up front.
    """
    item = spec.get("paths", {}).get(path, {})
    operation = item.get(method.lower(), {})
    if operation.get("requestBody"):
        return False
    for entry in [*item.get("parameters", []), *operation.get("parameters", [])]:
        parameter = _resolve(spec, entry)
        if parameter.get("in") != "path" and parameter.get("required"):
            return False
        schema = _resolve(spec, parameter.get("schema") or {})
        if set(schema) - ANNOTATIONS - {"type"} or schema.get("type", "string") != "string":
            return False
    return True


# --- judging answers ---------------------------------------------------------------------------

SERVER_ERROR, UNDOCUMENTED_STATUS, SCHEMA_VIOLATION = "ST101", "ST103", "ST108"
STATUS_CODES = frozenset({SERVER_ERROR, "ST102", UNDOCUMENTED_STATUS})


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


@lru_cache(maxsize=1)
def _stateful_checks() -> list[Any]:
    from schemathesis.specs.openapi.checks import ensure_resource_availability, use_after_free

    return [*_checks(), use_after_free, ensure_resource_availability]


class CaseFailed(AssertionError):
    """Raised inside the hypothesis test so that hypothesis shrinks the case and hands it back."""

    def __init__(self, failures: list[Failure]) -> None:
        super().__init__("; ".join(f.check for f in failures))
        self.failures = failures


@cache
def _failure_kind(codes: tuple[str, ...]) -> type[CaseFailed]:
    """A subclass per set of failed checks, so hypothesis shrinks distinct problems separately."""
    return type(f"CaseFailed_{'_'.join(codes) or 'none'}", (CaseFailed,), {})


@dataclass
class Judge:
    """Sends nothing: judges one answer, counts it on a result, raises what no departure allows."""

    provider: str
    target: str
    headers: dict[str, str]
    query: dict[str, str]
    allowed: tuple[Departure, ...] = ()
    skipped: frozenset[str] = frozenset()  # names of checks not to run
    counted: Callable[[], None] | None = None  # told of each answer judged (progress)

    def prepare(self, case: Any) -> None:
        if self.query:  # on the case itself, so the reproduction carries it too
            case.query = {**(case.query or {}), **self.query}

    def __call__(self, case: Any, response: Any, result: OperationResult, *, recorder: Any = None) -> None:
        from schemathesis.core.failures import FailureGroup

        result.cases += 1
        if self.counted is not None:
            self.counted()
        if 200 <= response.status_code < 300:
            result.reached += 1
        elif response.status_code in REFUSED_STATUSES:
            result.refused += 1
        checks = [c for c in (_stateful_checks() if recorder is not None else _checks()) if c.__name__ not in self.skipped]
        try:
            case.validate_response(response, checks=checks, headers=self.headers, recorder=recorder)
            return
        except FailureGroup as group:
            found = sorted(group.exceptions, key=lambda f: f.code)
        operation_id = case.operation.definition.raw.get("operationId") or case.operation.label
        used, left = self.permitted(operation_id, response, found)
        for name in used:
            result.departures[name] = result.departures.get(name, 0) + 1
        if not left:
            return
        if response.status_code >= 500:
            result.server_errors += 1
        if any(f.code != SERVER_ERROR for f in left):
            result.nonconforming += 1
        curl = case.as_curl_command(headers=dict(response.request.headers), base_url=self.target)
        excerpt = _excerpt(response.content)
        failures = [Failure(f.title, f.message, response.status_code, excerpt, curl) for f in left]
        raise _failure_kind(tuple(f.code for f in left))(failures) from None

    def permitted(self, operation_id: str, response: Any, found: list[Any]) -> tuple[set[str], list[Any]]:
        """The departures that cover failed checks, and the failed checks none covers.

        A status check (5xx, undocumented status) is covered by a status departure for the
        operation and status; a schema violation by a field departure whose location and message
        patterns match where and how the body breaks the schema. Any other check is never covered.
        """
        applicable = [d for d in self.allowed if d.applies(operation_id, response.status_code)]
        used: set[str] = set()
        left = []
        for failure in found:
            names: set[str] = set()
            if failure.code in STATUS_CODES:
                names = {d.name for d in applicable if d.kind == "status"}
            elif failure.code == SCHEMA_VIOLATION and getattr(failure, "schema_path", None) is not None:
                spot = Spot(_body_location(failure.instance_path), _raw_message(failure))
                names = {d.name for d in applicable if d.covers(spot)}
            if names:
                used |= names
            else:
                left.append(failure)
        return used, left


@dataclass(frozen=True)
class Spot:
    """Where and how a body breaks its schema, in `contracts.validate.Violation`'s terms."""

    location: str  # `body/result/0/tm_create`
    message: str  # jsonschema's own message


def _raw_message(failure: Any) -> str:
    """jsonschema's one-line message (`"x" is not of type "integer"`), without schemathesis' framing."""
    raw = getattr(failure, "_raw_message", None)
    return raw if isinstance(raw, str) else failure.validation_message


def _body_location(instance_path: Any) -> str:
    parts = [str(p).replace("~", "~0").replace("/", "~1") for p in instance_path]
    return "/".join(["body", *parts])


# --- running one operation ---------------------------------------------------------------------


def _run_operation(
    operation: Any,
    result: OperationResult,
    judge: Judge,
    max_examples: int,
    seed: int,
) -> None:
    from hypothesis import HealthCheck, Phase, given, settings
    from hypothesis import seed as hypothesis_seed
    from hypothesis.errors import Unsatisfiable
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
        judge.prepare(case)
        response = case.call(base_url=judge.target, headers=judge.headers, timeout=REQUEST_TIMEOUT)
        judge(case, response, result)

    try:
        check()
    except Unsatisfiable as exc:
        if result.mode == "negative":
            # Nothing in the operation can be made invalid (no parameters, no body, free-form strings).
            result.outcome, result.reason = "skipped", "nothing to negate"
        else:
            result.outcome, result.reason = "error", f"cannot generate valid cases: {_one_line(str(exc))}"
    except BaseException as exc:  # hypothesis may group several distinct failures
        _record_exception(exc, result)


def _record_exception(exc: BaseException, result: OperationResult) -> None:
    from hypothesis.errors import FlakyFailure

    if isinstance(exc, (KeyboardInterrupt, SystemExit)):
        raise exc
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


# --- the stateful phase --------------------------------------------------------------------------


def _run_stateful(
    spec: dict[str, Any],
    result: OperationResult,
    judge: Judge,
    examples: int,
    steps: int,
    seed: int,
    excluded: set[str],
) -> None:
    """schemathesis' state machine over the spec's own links (none inferred), both kinds of data."""
    from hypothesis import HealthCheck, Phase, settings
    from hypothesis import seed as hypothesis_seed
    from schemathesis.config import SchemathesisConfig
    from schemathesis.core.errors import NoLinksFound
    from schemathesis.generation.stateful import run_state_machine_as_test

    config = SchemathesisConfig.from_dict({"phases": {"stateful": {"inference": {"algorithms": []}}}, "generation": {"mode": "all"}})
    schema = _schemathesis().openapi.from_dict(spec, config=config)
    if excluded:
        schema = schema.exclude(operation_id=sorted(excluded))
    labels = {op.ok().label: op.ok().definition.raw.get("operationId") or op.ok().label for op in schema.get_all_operations()}
    try:
        base = schema.as_state_machine()
    except NoLinksFound:
        result.outcome, result.reason = "skipped", "the spec defines no links"
        return

    class Checked(base):  # type: ignore[misc, valid-type]
        def setup(self) -> None:
            result.scenarios += 1

        def step(self, input: Any) -> Any:
            self._label = _step_label(input, labels)
            return super().step(input)

        def before_call(self, case: Any) -> None:
            judge.prepare(case)

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"base_url": judge.target, "headers": judge.headers, "timeout": REQUEST_TIMEOUT}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            counts = result.steps.setdefault(self._label, {})
            counts[response.status_code] = counts.get(response.status_code, 0) + 1
            try:
                judge(case, response, result, recorder=self.recorder)
            except CaseFailed as failed:
                seen.append(failed)
                raise

    # Kept as they happen: a sequence replayed against a server whose state has moved on may not
    # fail again, and hypothesis then reports the replay instead of the failure.
    seen: list[CaseFailed] = []
    restarts = 0
    while result.scenarios < examples and restarts <= MAX_RESTARTS:
        machine = hypothesis_seed(seed + 1000 * restarts)(type("Checked", (Checked,), {}))
        try:
            run_state_machine_as_test(
                machine,
                settings=settings(
                    max_examples=examples - result.scenarios,
                    stateful_step_count=steps,
                    deadline=None,
                    database=None,
                    phases=[Phase.generate],  # no shrinking: a server that moved on cannot replay a sequence
                    suppress_health_check=list(HealthCheck),
                    print_blob=False,
                    report_multiple_bugs=True,
                ),
            )
        except NoLinksFound as exc:
            result.outcome = "skipped"
            result.reason = "the spec defines no links" if "no link definitions" in str(exc) else "no links between the operations run"
            return
        except BaseException as exc:
            if seen and not isinstance(exc, (KeyboardInterrupt, SystemExit)):
                result.outcome = "failed"
                result.failures += seen[0].failures
                return
            if not _replay_diverged(exc):
                _record_exception(exc, result)
                return
            # Hypothesis re-ran a prefix and the server, whose state has moved on, answered
            # differently (other links became available): not a failure; go on with a new seed.
            restarts += 1
            result.reason = f"hypothesis restarted {restarts} time(s): replays met a server whose state had moved on"
            continue
        break


MAX_RESTARTS = 20


def _replay_diverged(exc: BaseException) -> bool:
    from hypothesis.errors import Flaky

    if isinstance(exc, Flaky):
        return True
    if not isinstance(exc, AssertionError):  # hypothesis asserts when a replay draws past a rejected value
        return False
    traceback = exc.__traceback__
    while traceback is not None and traceback.tb_next is not None:
        traceback = traceback.tb_next
    return traceback is not None and traceback.tb_frame.f_globals.get("__name__") == "hypothesis.internal.conjecture.datatree"


def _step_label(step_input: Any, labels: Mapping[str, str]) -> str:
    """`numbers_create -[200]-> numbers_get` for a followed link, `numbers_create` for a fresh call."""
    operation = step_input.case.operation
    name = labels.get(operation.label, operation.label)
    transition = step_input.transition
    if transition is None or not step_input.is_applied:
        return name
    source, _, rest = transition.id.partition(" -> ")
    status = rest.split("]", 1)[0].lstrip("[")
    return f"{labels.get(source, source)} -[{status}]-> {name}"


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
