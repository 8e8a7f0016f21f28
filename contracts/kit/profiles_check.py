"""Which of a provider's sources a client matches: `check_profiles`.

Where a provider's sources disagree (its docs pages, its published OpenAPI, the running service),
telemock has one profile per source. The user's scenario runs once under each profile, from the
same state; the report says which profiles the client works with and how it breaks with the
others ("works with observed, openapi; breaks with documented: KeyError 'result'"), so a user
knows which source their client's expectations match. The profile the check found is put back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

from .check_reports import CheckFailed
from .control import Control
from .deadline import DEFAULT_TIMEOUT
from .runs import ScenarioTarget, Scenario, Workbench, error_line, numbered


@dataclass
class ProfileOutcome:
    profile: str
    error: BaseException | None
    requests: list[str]

    @property
    def works(self) -> bool:
        return self.error is None


@dataclass
class ProfileReport:
    provider: str
    outcomes: list[ProfileOutcome] = field(default_factory=list)
    seconds: float = 0.0
    problem: str | None = None

    @property
    def works_with(self) -> list[str]:
        return [o.profile for o in self.outcomes if o.works]

    @property
    def breaks_with(self) -> list[str]:
        return [o.profile for o in self.outcomes if not o.works]

    @property
    def ok(self) -> bool:
        """The client works with every profile (and something was exercised)."""
        return self.problem is None and not self.breaks_with

    def works_with_all(self, required: Iterable[str]) -> bool:
        """Something was exercised and none of the `required` profiles breaks."""
        return self.problem is None and not set(required) & set(self.breaks_with)

    def summary(self) -> str:
        if self.problem:
            return self.problem
        parts = []
        if self.works_with:
            parts.append(f"works with {', '.join(self.works_with)}")
        if self.breaks_with:
            parts.append(f"breaks with {', '.join(self.breaks_with)}")
        return "; ".join(parts)

    def render(self) -> str:
        lines = [f"{self.provider} profiles: {self.summary()}"]
        for outcome in self.outcomes:
            if not outcome.works:
                lines.append(f"  {outcome.profile}: {error_line(outcome.error)}")
                lines += [f"    {line}" for line in outcome.requests]
        return "\n".join(lines)


class ProfileMismatch(CheckFailed):
    """The client broke with a profile it was required to work with; the report says which and how."""

    report: ProfileReport


def available_profiles(control: Control, provider: str) -> tuple[str, list[str]]:
    """The provider's profile in force and every profile it has."""
    listed = control.call("GET", "/profiles")[provider]
    return listed["profile"], list(listed["available"])


def check_profiles(
    control: Control,
    provider: str,
    scenario: Scenario,
    *,
    base_url: str,
    credentials: Mapping[str, Any],
    profiles: Iterable[str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> ProfileReport:
    """Runs `scenario` under each profile (all the provider has, or `profiles`) from the same state.

    Profiles are server-wide: the check needs the server to itself while it runs (not a server
    shared by parallel tests). A scenario that makes no request under any profile fails the check.
    """
    current, available = available_profiles(control, provider)
    chosen = list(profiles) if profiles is not None else available
    unknown = [p for p in chosen if p not in available]
    if unknown:
        raise LookupError(f"{provider} has no profile {unknown[0]!r} (it has: {', '.join(available)})")
    report = ProfileReport(provider)
    started = time.perf_counter()
    exercised = False
    try:
        with Workbench(control, provider) as bench:
            for profile in chosen:
                control.set_profile(provider, profile)
                run = bench.run(scenario, ScenarioTarget(provider, base_url, credentials, profile), timeout)
                exercised = exercised or bool(run.entries)
                report.outcomes.append(ProfileOutcome(profile, run.error, numbered(run.entries)))
    finally:
        control.set_profile(provider, current)
        report.seconds = time.perf_counter() - started
    if not exercised:
        report.problem = f"the scenario made no request to {provider} under any profile: nothing was exercised"
    return report
