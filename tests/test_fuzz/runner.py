"""One fuzz run of one provider in one profile, shared by tests/test_fuzz and bench/fuzz.py.

The run, on a server whose provider is set to the profile:

1. reset the provider; every documented operation with `examples` valid and `examples` invalid
   cases (schemathesis, fixed seed), judged against the spec with the profile's allow-list;
2. the consistency check (`consistency.check_state`);
3. `rounds` times: reset the provider, then the stateful phase (`stateful_examples` sequences of
   up to `steps` calls following the spec's links, creates narrowed to what can succeed), then
   the consistency check again; the same for each of the target's `stateful_groups`.

Requests are counted on the client: every case, every stateful step, every read of the
consistency checks.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import httpx

from telemock.contracts.kit.server_check import ServerReport, check_server
from telemock.contracts.specs import load_spec

from .consistency import StateCheck, check_state
from .departures import departures_for
from .targets import Target


@dataclass(frozen=True)
class FuzzSettings:
    examples: int  # per operation and mode
    stateful_examples: int  # sequences per round
    steps: int = 10  # calls per sequence, at most
    rounds: int = 1
    seed: int = 1


@dataclass
class FuzzRun:
    provider: str
    profile: str
    reports: list[ServerReport] = field(default_factory=list)
    checks: list[StateCheck] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def results(self) -> list[Any]:
        return [r for report in self.reports for r in report.results]

    @property
    def operations(self) -> int:
        return len({r.operation for r in self.results if r.mode != "stateful"})

    @property
    def combined(self) -> ServerReport:
        """Every phase's results as one report, so its totals serve the whole run."""
        return ServerReport(self.provider, "", self.results)

    @property
    def examples(self) -> int:
        """Generated cases: per-operation cases and stateful steps (replays of a failure included)."""
        return self.combined.cases

    @property
    def requests(self) -> int:
        return self.examples + sum(c.requests for c in self.checks)

    @property
    def server_errors(self) -> int:
        return self.combined.server_errors

    @property
    def nonconforming(self) -> int:
        """Fuzzed answers that failed a check no departure allows (the state checks report their own)."""
        return self.combined.nonconforming

    @property
    def departures(self) -> dict[str, int]:
        total = Counter(self.combined.departures)
        for check in self.checks:
            total.update(check.departures)
        return dict(sorted(total.items()))

    @property
    def steps(self) -> dict[str, dict[int, int]]:
        """Stateful steps by label (`create -[200]-> get` for a followed link) and status."""
        merged: dict[str, dict[int, int]] = {}
        for r in self.results:
            for label, counts in r.steps.items():
                into = merged.setdefault(label, {})
                for status, count in counts.items():
                    into[status] = into.get(status, 0) + count
        return merged

    @property
    def consistent(self) -> bool:
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def ok(self) -> bool:
        return all(report.ok for report in self.reports) and self.consistent

    def problems(self) -> list[str]:
        """Everything that failed, readable: the schemathesis failures, then the state checks."""
        found = [text for report in self.reports for text in report.failure_texts()]
        for number, check in enumerate(self.checks, 1):
            if not check.ok:
                found.append(f"consistency check {number}: {check.summary()}\n  " + "\n  ".join(check.problems))
        return found


def fuzz(root_url: str, target: Target, profile: str, settings: FuzzSettings) -> FuzzRun:
    """Run the fuzzer against the provider mounted at `root_url/<provider>`, already in `profile`."""
    provider = target.provider
    allowed = departures_for(provider, profile)
    run = FuzzRun(provider, profile)
    started = time.perf_counter()
    with httpx.Client(base_url=f"{root_url}/_telemock", timeout=30) as admin:
        active = admin.get("/profiles").json()[provider]["profile"]
        if active != profile:
            raise RuntimeError(f"{provider} runs the {active!r} profile, not {profile!r}")
        base_url = f"{root_url}/{provider}"
        admin.post("/reset", json={"provider": provider}).raise_for_status()
        if settings.examples > 0:
            run.reports.append(
                check_server(base_url, provider, max_examples=settings.examples, seed=settings.seed, allowed=allowed,
                             skip_checks=target.skip_checks, **target.check_options)
            )
            run.checks.append(check_state(root_url, target, profile, allowed))
        for round_number in range(settings.rounds if settings.stateful_examples > 0 else 0):
            for operations in (None, *target.stateful_groups):
                admin.post("/reset", json={"provider": provider}).raise_for_status()
                state = admin.get("/state").json()["providers"][provider]
                run.reports.append(
                    check_server(base_url, provider, modes=(), allowed=allowed, seed=settings.seed + round_number,
                                 operations=operations, stateful_examples=settings.stateful_examples,
                                 stateful_steps=settings.steps, stateful_bodies=target.stateful_bodies(state),
                                 skip_checks=target.skip_checks, **target.check_options)
                )
                run.checks.append(check_state(root_url, target, profile, allowed))
    run.seconds = time.perf_counter() - started
    return run


def spec_links(provider: str) -> set[str]:
    """`source -[status]-> target` for every link the spec defines."""
    spec = load_spec(provider)
    found = set()
    for item in spec["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict) or "operationId" not in operation:
                continue
            for status, response in operation.get("responses", {}).items():
                while "$ref" in response:
                    response = spec["components"]["responses"][response["$ref"].rsplit("/", 1)[1]]
                for link in (response.get("links") or {}).values():
                    found.add(f"{operation['operationId']} -[{status}]-> {link['operationId']}")
    return found
