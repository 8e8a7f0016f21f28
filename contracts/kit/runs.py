"""Running a user's scenario several times against one emulator, each time from the same state.

The resilience and profile checks run the same scenario once as it is (the baseline) and again
under changed conditions (a fault, another profile). Each run starts from the provider state the
check found, gets the kit's deadline, and is judged by what it left behind: the requests it made
(journal entries after a sequence number) and the state it changed.
"""

from __future__ import annotations

import inspect
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

from .control import Control, LocalControl, UnknownTenant, last_seq
from .deadline import DidNotReturn, call_with_deadline
from .report import request_line

Entry = dict[str, Any]

SETTLE_SLACK = 0.2
"""Seconds a request abandoned at the deadline gets to reach the journal before the run is read."""


@dataclass(frozen=True)
class ScenarioTarget:
    """What a scenario is given: where the provider answers and with which credentials.

    `credentials` has the shape of `telemock.<provider>.credentials` (`headers`, `params`,
    `cookies`, `basic`); `condition` names what the check put in force for this run (None for the
    run without faults, else e.g. "429 Retry-After" or a profile name).
    """

    provider: str
    base_url: str
    credentials: Mapping[str, Any]
    condition: str | None = None


Scenario = Callable[..., Any]


def run_scenario(scenario: Scenario, target: ScenarioTarget, seconds: float) -> BaseException | None:
    """Runs `scenario` (with the target, if it takes an argument) under the deadline; what it raised, or None."""
    args = (target,) if takes_argument(scenario) else ()
    try:
        call_with_deadline(scenario, *args, seconds=seconds, what="the scenario")
    except DidNotReturn as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - the user's client failing is what the check judges
        return exc
    return None


def takes_argument(fn: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        return True
    return any(p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD, p.VAR_POSITIONAL) for p in parameters)


@dataclass
class RunRecord:
    """What one run did: what it raised, the requests it made, the state it left."""

    error: BaseException | None
    entries: list[Entry]
    counts: dict[str, int]

    @property
    def hung(self) -> bool:
        return isinstance(self.error, DidNotReturn)


@dataclass
class Workbench:
    """One provider of one emulator, put back to the same state before every run.

    `tenant` is the test's own tenant on a shared server (it is dropped between runs: a fresh one
    is made by the next request), else None: the provider's tenants are saved once and restored.
    """

    control: Control
    provider: str
    tenant: str | None = None
    saved: dict[str, Any] = field(default_factory=dict)
    was_frozen: bool = False

    def __enter__(self) -> Workbench:
        """Saves the state; a frozen clock runs during the check, so the journal's times are real ones."""
        if self.tenant is None:
            self.saved = self.control.state()["providers"][self.provider]["tenants"]
        self.was_frozen = bool(self.control.clock("get").get("frozen"))
        if self.was_frozen:
            self.control.clock("resume")
        return self

    def __exit__(self, *exc: Any) -> None:
        self.restore()
        if self.was_frozen:
            self.control.clock("freeze")

    def restore(self) -> None:
        if self.tenant is not None:
            try:
                self.control.reset(self.provider, self.tenant)
            except UnknownTenant:
                pass
            return
        if isinstance(self.control, LocalControl):
            self.control.runtime.provider(self.provider).restore({"tenants": self.saved})
        else:
            self.control.call("PUT", "/state", json={"providers": {self.provider: {"tenants": self.saved}}})

    def run(self, scenario: Scenario, target: ScenarioTarget, seconds: float, settle: float = SETTLE_SLACK) -> RunRecord:
        """The scenario once, from the saved state; after a run that did not return, `settle`
        seconds for the requests it left behind to be answered and journaled."""
        self.restore()
        before = last_seq(self.control)
        error = run_scenario(scenario, target, seconds)
        if isinstance(error, DidNotReturn):
            time.sleep(settle)
        return RunRecord(error, self.entries_since(before), self.counts())

    def entries_since(self, seq: int) -> list[Entry]:
        filters: dict[str, Any] = {"provider": self.provider}
        if self.tenant is not None:
            filters["tenant"] = self.tenant
        return [e for e in self.control.journal(**filters) if e["seq"] > seq]

    def counts(self) -> dict[str, int]:
        """How many of each stored kind of resource the tenants hold (`numbers`, `flows`, …)."""
        tenants = self.control.state()["providers"][self.provider]["tenants"]
        if self.tenant is not None:
            tenants = {self.tenant: tenants.get(self.tenant, {})}
        return resource_counts(tenants)


def resource_counts(tenants: Mapping[str, Any]) -> dict[str, int]:
    """Per collection name (summed over tenants): a collection is a list, or a dict of objects."""
    counts: dict[str, int] = {}
    for state in tenants.values():
        for name, value in state.items():
            if isinstance(value, list) or (isinstance(value, dict) and all(isinstance(v, dict) for v in value.values())):
                counts[name] = counts.get(name, 0) + len(value)
    return counts


def count_changes(baseline: Mapping[str, int], now: Mapping[str, int], *, grown_only: bool = False) -> list[str]:
    """`numbers: 2 (1 without it)` for every collection whose size differs (or grew)."""
    return [
        f"{name}: {now.get(name, 0)} ({baseline.get(name, 0)} without it)"
        for name in sorted(set(baseline) | set(now))
        if now.get(name, 0) > baseline.get(name, 0) or (not grown_only and now.get(name, 0) != baseline.get(name, 0))
    ]


def entry_seconds(entry: Entry) -> tuple[float, float]:
    """When a request began and when its answer was journaled, in (virtual-clock) epoch seconds."""
    end = datetime.fromisoformat(str(entry["time"]).replace("Z", "+00:00")).timestamp()
    return end - float(entry.get("duration_ms") or 0) / 1000, end


def numbered(entries: list[Entry], marked: int | None = None, shown: int = 4, label: str = "the fault") -> list[str]:
    """The requests of a run, numbered from 1; when there are many, those around the `marked` one
    (its seq), else the last ones."""
    at = next((i for i, e in enumerate(entries) if e["seq"] == marked), len(entries) - 1 - shown)
    if len(entries) <= 2 * shown + 1:
        window = range(len(entries))
    else:
        window = range(max(0, at - shown), min(len(entries), at + shown + 1))
    lines = [f"… {window[0]} before"] if window and window[0] > 0 else []
    lines += [f"#{i + 1} {request_line(entries[i])}" + (f"   ← {label}" if entries[i]["seq"] == marked else "")
              for i in window]
    if window and window[-1] < len(entries) - 1:
        lines.append(f"… {len(entries) - 1 - window[-1]} more")
    return lines or ["(no request)"]


def error_line(error: BaseException | None) -> str:
    if error is None:
        return "it returned normally"
    if isinstance(error, DidNotReturn):
        return f"it did not return within {error.seconds:g} s"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"it raised {type(error).__name__}" + (f": {text[:200]}" if text else "")
