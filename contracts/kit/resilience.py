"""How a client behaves when the provider misbehaves: `check_resilience`.

The scenario (the user's code driving their client) runs once as it is; its requests are the
steps. Then, one fault at a time, the provider's own failure modes are put on one step (the first
request of each operation, in the scenario's order) through `/_telemock/faults`, and the scenario
runs again from the same state. The client is judged by the requests it made (the journal, with
the server's timings) and the state it left, compared with the run without faults. The first step
at which a fault shows a problem is reported, with the requests around it; later steps are not
tried for that fault. See `faultplan.py` for the faults and their judges.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .check_reports import CheckFailed, indented
from .control import Control
from .deadline import DEFAULT_TIMEOUT
from .faultplan import ADVICE, KIND_NAMES, KINDS, FaultKind, Judged, Options, Step
from .runs import SETTLE_SLACK, RunRecord, ScenarioTarget, Scenario, Workbench, error_line, numbered


class ResilienceError(CheckFailed):
    """The client mishandled a provider failure (or the check exercised nothing); the report says how."""

    report: ResilienceReport


@dataclass
class ResilienceFailure:
    fault: str
    step: Step | None
    problem: str
    requests: list[str]

    def render(self) -> str:
        where = f" at {self.step.describe()}" if self.step else ""
        lines = [f"[{self.fault}]{where}: {self.problem}"]
        if self.fault in ADVICE:
            lines.append(f"    should: {ADVICE[self.fault]}")
        lines.append("    requests of that run:")
        lines += [f"      {line}" for line in self.requests]
        return "\n".join(lines)


@dataclass
class ResilienceReport:
    provider: str
    steps: list[Step] = field(default_factory=list)
    runs: int = 0
    seconds: float = 0.0
    failures: list[ResilienceFailure] = field(default_factory=list)
    not_checked: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    @property
    def scenarios_per_second(self) -> float:
        return self.runs / self.seconds if self.seconds else 0.0

    def render(self) -> str:
        lines = [f"{self.provider} resilience: {len(self.steps)} steps, {self.runs} runs of the scenario "
                 f"in {self.seconds:.1f} s"]
        lines += [f"  not checked: {note}" for note in self.not_checked]
        lines += indented(self.failures)
        if self.ok:
            lines.append("  every fault was handled")
        return "\n".join(lines)


def check_resilience(
    control: Control,
    provider: str,
    scenario: Scenario,
    *,
    base_url: str,
    credentials: Mapping[str, Any],
    tenant: str | None = None,
    faults: Iterable[str] | None = None,
    retries: bool = True,
    retry_after: int = 1,
    max_attempts: int = 10,
    timeout: float = DEFAULT_TIMEOUT,
    slow: float | None = None,
) -> ResilienceReport:
    """Runs `scenario` under each of the provider's failure modes; the report lists what it mishandled.

    `scenario` is the user's code driving their client (optionally taking a `ScenarioTarget`);
    it should raise when the client reports a failure. `retries` says whether the client claims to
    retry transient failures; `faults` picks some of `KIND_NAMES`; `timeout` is each run's
    deadline and `slow` the latency of a slow answer (default: past the deadline). `tenant` is the
    test's own tenant on a shared server.
    """
    kinds = chosen_kinds(faults)
    options = Options(retries=retries, retry_after=retry_after, max_attempts=max_attempts, timeout=timeout, slow=slow)
    report = ResilienceReport(provider)
    started = time.perf_counter()

    def target(condition: str | None) -> ScenarioTarget:
        return ScenarioTarget(provider, base_url, credentials, condition)

    with Workbench(control, provider, tenant) as bench:
        baseline = bench.run(scenario, target(None), timeout)
        report.runs += 1
        report.steps = steps_of(provider, baseline)
        problem = unusable(baseline, report.steps)
        if problem is not None:
            report.failures.append(ResilienceFailure("without faults", None, problem, numbered(baseline.entries)))
        else:
            for kind in kinds:
                check_kind(bench, kind, scenario, target(kind.name), baseline, options, report)
    report.seconds = time.perf_counter() - started
    return report


def chosen_kinds(names: Iterable[str] | None) -> list[FaultKind]:
    if names is None:
        return list(KINDS)
    wanted = list(names)
    unknown = [n for n in wanted if n not in KIND_NAMES]
    if unknown:
        raise LookupError(f"no fault called {unknown[0]!r} (choose from: {', '.join(KIND_NAMES)})")
    return [kind for kind in KINDS if kind.name in wanted]


def steps_of(provider: str, run: RunRecord) -> list[Step]:
    return [
        Step(number, provider, e["operation"], e["method"], e["path"], e["status"])
        for number, e in enumerate(run.entries, 1)
        if e.get("operation")
    ]


def unusable(baseline: RunRecord, steps: list[Step]) -> str | None:
    """Why the run without faults cannot be the reference, or None."""
    if baseline.error is not None:
        return f"the scenario fails without any fault: {error_line(baseline.error)}; fix it first"
    if not baseline.entries:
        return "the scenario made no request to the provider: nothing was exercised (is the client pointed at telemock?)"
    if not steps:
        return "the scenario's requests reached no documented operation: nothing was exercised"
    if not any(200 <= s.status < 300 for s in steps):
        statuses = sorted({s.status for s in steps})
        return (f"no request of the scenario succeeded (answers: {', '.join(map(str, statuses))}): "
                "nothing was exercised; are the credentials right?")
    return None


def places(kind: FaultKind, steps: list[Step]) -> list[Step]:
    """The first step of each operation the fault applies to, in the scenario's order."""
    seen: set[str] = set()
    chosen = []
    for step in steps:
        if kind.applies(step) and step.operation not in seen:
            seen.add(step.operation)
            chosen.append(step)
    return chosen[:1] if kind.first_only else chosen


def check_kind(
    bench: Workbench, kind: FaultKind, scenario: Scenario, target: ScenarioTarget,
    baseline: RunRecord, options: Options, report: ResilienceReport,
) -> None:
    steps = places(kind, report.steps)
    if not steps:
        report.not_checked.append(f"{kind.name}: no step of the scenario it applies to")
        return
    unfired = []
    for step in steps:
        run, rule_id, fired = run_with_fault(bench, kind, step, scenario, target, options)
        report.runs += 1
        if not fired:
            unfired.append(step.describe())
            continue
        judged = Judged(kind, step, run, baseline, rule_id, options)
        problem = kind.judge(judged)
        if problem is not None:
            hit = judged.faulted
            report.failures.append(ResilienceFailure(kind.name, step, problem,
                                                     numbered(run.entries, hit["seq"] if hit else None)))
            return
    if len(unfired) == len(steps):
        report.not_checked.append(f"{kind.name}: the scenario never reached the faulted request ({unfired[0]})")


def run_with_fault(
    bench: Workbench, kind: FaultKind, step: Step, scenario: Scenario, target: ScenarioTarget, options: Options,
) -> tuple[RunRecord, int, int]:
    """One run with the kind's rule on the step's operation: the run, the rule's id and how often it fired.

    After a run that did not return, the check waits for the rule's latency to pass, so that the
    abandoned request is journaled (and changes the state) in this run, not in the next one.
    """
    rule: dict[str, Any] = {"provider": step.provider, "operation": step.operation, "seed": 0,
                            "description": f"resilience check: {kind.name}", **kind.rule(options)}
    if bench.tenant is not None:
        rule["tenant"] = bench.tenant
    created = bench.control.call("POST", "/faults", json=rule)
    try:
        settle = float(rule.get("latency") or 0) - options.timeout
        run = bench.run(scenario, target, options.timeout, settle=max(settle, 0) + SETTLE_SLACK)
        fired = int(bench.control.call("GET", f"/faults/{created['id']}")["fired"])
    finally:
        bench.control.call("DELETE", f"/faults/{created['id']}")
    return run, created["id"], fired
