"""Resources that change on their own: `check_lifecycle`.

A VoIPBIN normal number is bought `purchase-pending` and turns `active` later; a Gigs virtual
number goes `initiated → processing → active`; a SignalWire number's E911 address is `pending`
before `active`. The check freezes the virtual clock and runs the user's scenario; whenever a
resource the scenario created or changed is in a state that changes by itself, it waits until the
client has looked at it in that state (or a short grace has passed, for clients that wait on
webhooks), then moves the clock to the next documented transition. So the client
meets every intermediate state, in order, and the check knows the state at every request. It
reports a client that acts on a resource before it is ready (an update while it is still
pending), one that returns while the resource is not ready yet without having seen it so, and one
that waits for a state that never comes (its deadline).
"""

from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Callable, Mapping

from .check_reports import CheckFailed, indented
from .control import Control, LocalControl, last_seq
from .deadline import DEFAULT_TIMEOUT
from .runs import Entry, ScenarioTarget, Scenario, error_line, numbered, run_scenario

GRACE = 0.3
"""Real seconds a state lasts when the client does not look at the resource (it may wait on a webhook)."""


@dataclass(frozen=True)
class Lifecycle:
    """One provider's resource that changes by itself, as stored and as addressed on the wire.

    `chains` are the runs of states it goes through by itself, each ending in a settled state (a
    purchase's `… → active`, a cancel's `canceled → ended`); a client's request starts a chain, the
    clock finishes it. How long a state lasts is a provider setting (`delays`) or, where it is a
    moment stored on the resource (a month's end), that field in microseconds (`due`).
    """

    provider: str
    collection: str
    path: str  # a regex matching the resource's own path, with (?P<id>…)
    chains: tuple[tuple[str, ...], ...]
    delays: Mapping[str, str] = field(default_factory=dict)  # state → the provider setting giving how long it lasts
    minimum: Mapping[str, float] = field(default_factory=dict)  # settings put in force when they are shorter
    tolerated: tuple[str, ...] = ()  # path endings that may act before ready (a cancel)
    status_field: str = "status"
    judges_acting: bool = True  # False where the provider itself refuses what may not be done yet
    due: Mapping[str, str] = field(default_factory=dict)  # state → stored field holding when it ends (µs)
    stored_state: Callable[[Mapping[str, Any]], Any] | None = None  # the state of a stored record (default: status_field)
    shown_state: Callable[[Mapping[str, Any]], Any] | None = None  # the state an answer shows (default: status_field)

    def state_of(self, record: Mapping[str, Any]) -> Any:
        return self.stored_state(record) if self.stored_state else record.get(self.status_field)

    def shown(self, document: Mapping[str, Any]) -> Any:
        return self.shown_state(document) if self.shown_state else document.get(self.status_field)

    @property
    def transient(self) -> dict[str, str]:
        """Each state that changes by itself → the one it changes to."""
        return {state: chain[i + 1] for chain in self.chains for i, state in enumerate(chain[:-1])}

    def settled_after(self, state: str) -> str:
        """Where the chain through `state` ends (the state itself when it is settled)."""
        while state in self.transient:
            state = self.transient[state]
        return state

    def starts_another(self, current: str, state: Any) -> bool:
        """Whether a stored `state` begins a chain other than the one `current` is on. (A stored state
        may lag behind the driven one until the provider applies its timers: that is not a change.)"""
        return any(chain[0] == state and current not in chain for chain in self.chains)

    def describe(self) -> str:
        return "; ".join(" → ".join(chain) for chain in self.chains)


def gigs_state(canceled: str, status: str) -> Callable[[Mapping[str, Any]], Any]:
    """A Gigs number canceled while active stays `active` with a cancel time until it ends: `canceled` here."""
    return lambda number: "canceled" if number.get(status) == "active" and number.get(canceled) else number.get(status)


LIFECYCLES: dict[str, Lifecycle] = {
    "voipbin": Lifecycle("voipbin", "numbers", r"/v1\.0/numbers/(?P<id>[0-9a-f-]{36})", (("purchase-pending", "active"),),
                         {"purchase-pending": "purchase_pending_seconds"}, {"purchase_pending_seconds": 60.0}),
    "gigs": Lifecycle("gigs", "virtual_numbers", r"/virtualNumbers/(?P<id>vnr_[A-Za-z0-9]+)",
                      (("initiated", "processing", "active"), ("canceled", "ended")),
                      {"initiated": "processing_after_seconds", "processing": "active_after_seconds"},
                      {"processing_after_seconds": 2.0, "active_after_seconds": 5.0}, tolerated=("/cancel",),
                      due={"canceled": "ended_us"}, stored_state=gigs_state("canceled_us", "status"),
                      shown_state=gigs_state("canceledAt", "status")),
    "signalwire": Lifecycle("signalwire", "numbers", r"/api/relay/rest/phone_numbers/(?P<id>[0-9a-f-]{36})",
                            (("pending", "active"), ("pending_removal", "unregistered")),
                            {"pending": "e911_activation_seconds", "pending_removal": "e911_removal_seconds"},
                            {"e911_activation_seconds": 60.0, "e911_removal_seconds": 60.0},
                            status_field="e911_status", judges_acting=False),
}


@dataclass
class Tracked:
    """One resource the scenario created, and the journal position at which each of its states began."""

    id: str
    phases: list[tuple[int, str]]  # (first journal seq in that state, status)
    began: float = field(default_factory=time.monotonic)

    @property
    def status(self) -> str:
        return self.phases[-1][1]

    def status_at(self, seq: int) -> str:
        current = self.phases[0][1]
        for start, status in self.phases:
            if seq > start:
                current = status
        return current


@dataclass
class LifecycleFailure:
    problem: str
    requests: list[str]

    def render(self) -> str:
        return "\n".join([self.problem, "    requests:", *[f"      {line}" for line in self.requests]])


@dataclass
class LifecycleReport:
    provider: str
    resources: list[Tracked] = field(default_factory=list)
    transitions: int = 0
    seconds: float = 0.0
    failures: list[LifecycleFailure] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def render(self) -> str:
        lines = [f"{self.provider} lifecycle: {len(self.resources)} resources, {self.transitions} transitions "
                 f"driven in {self.seconds:.1f} s"]
        lines += indented(self.failures)
        if self.ok:
            lines.append("  the client waited for every resource and saw it ready")
        return "\n".join(lines)


class LifecycleError(CheckFailed):
    """The client acted before a resource was ready, or never saw it ready; the report says how."""

    report: LifecycleReport


def lifecycle_of(provider: str) -> Lifecycle:
    if provider not in LIFECYCLES:
        raise LookupError(f"{provider} has no resource the lifecycle check drives (it drives: {', '.join(LIFECYCLES)})")
    return LIFECYCLES[provider]


class ProviderState:
    """Reads and replaces one provider's state (tenants, settings, profile) on a local or remote telemock."""

    def __init__(self, control: Control, provider: str) -> None:
        self.control = control
        self.provider = provider

    def read(self) -> dict[str, Any]:
        return self.control.state()["providers"][self.provider]

    def load(self, data: dict[str, Any]) -> None:
        if isinstance(self.control, LocalControl):
            self.control.runtime.provider(self.provider).restore(data)
        else:
            self.control.call("PUT", "/state", json={"providers": {self.provider: data}})


class Driver(threading.Thread):
    """Moves the frozen clock to each resource's next transition once the client has seen its state."""

    def __init__(self, control: Control, lifecycle: Lifecycle, settings: Mapping[str, Any], known: Mapping[str, Any]) -> None:
        super().__init__(daemon=True, name="telemock lifecycle driver")
        self.control = control
        self.lifecycle = lifecycle
        self.settings = settings
        self.known = dict(known)  # the resources there before the scenario, with their state
        self.tracked: dict[str, Tracked] = {}
        self.transitions = 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.step()

    def step(self, *, advance: bool = True) -> None:
        lifecycle = self.lifecycle
        records: dict[str, Mapping[str, Any]] = {}
        for tenant in self.control.state()["providers"][lifecycle.provider]["tenants"].values():
            records.update(tenant.get(lifecycle.collection) or {})
        for resource_id, resource in records.items():
            state = lifecycle.state_of(resource)
            tracked = self.tracked.get(resource_id)
            if tracked is not None:
                if lifecycle.starts_another(tracked.status, state):  # the client started a cancel, a removal
                    tracked.phases.append((self.changed_at(resource_id), str(state)))
                    tracked.began = time.monotonic()
            elif state in lifecycle.transient:
                if resource_id in self.known:  # an existing resource the client set changing (an E911 address)
                    began = self.changed_at(resource_id)
                    self.tracked[resource_id] = Tracked(resource_id, [(0, str(self.known[resource_id] or "none")), (began, state)])
                else:  # in that state since it was made
                    self.tracked[resource_id] = Tracked(resource_id, [(0, state)])
        for tracked in self.tracked.values():
            if (advance and tracked.status in lifecycle.transient and tracked.id in records
                    and (self.looked_at(tracked) or time.monotonic() - tracked.began > GRACE)):
                self.advance(tracked, records[tracked.id])

    def changed_at(self, resource_id: str) -> int:
        """The journal position just before the latest write on the resource (the request that changed it)."""
        writes = [e for e in self.control.journal(provider=self.lifecycle.provider, path=resource_id, limit=20)
                  if e["method"] not in ("GET", "HEAD")]
        return writes[-1]["seq"] - 1 if writes else last_seq(self.control)

    def looked_at(self, tracked: Tracked) -> bool:
        since = tracked.phases[-1][0]
        entries = self.control.journal(provider=self.lifecycle.provider, method="GET", path=tracked.id, limit=5)
        return any(e["seq"] > since for e in entries)

    def lasts(self, state: str, resource: Mapping[str, Any]) -> float:
        """Virtual seconds until `state` ends: the provider setting, or the moment stored on the resource."""
        stored = self.lifecycle.due.get(state)
        if stored is None:
            return float(self.settings[self.lifecycle.delays[state]])
        now = datetime.fromisoformat(str(self.control.clock("get")["now"]).replace("Z", "+00:00")).timestamp()
        return max(0.0, float(resource[stored]) / 1_000_000 - now)

    def advance(self, tracked: Tracked, resource: Mapping[str, Any]) -> None:
        self.control.clock("advance", seconds=self.lasts(tracked.status, resource) + 1)
        tracked.phases.append((last_seq(self.control), self.lifecycle.transient[tracked.status]))
        tracked.began = time.monotonic()
        self.transitions += 1


def check_lifecycle(
    control: Control,
    provider: str,
    scenario: Scenario,
    *,
    base_url: str,
    credentials: Mapping[str, Any],
    waits: bool = True,
    timeout: float = DEFAULT_TIMEOUT,
) -> LifecycleReport:
    """Runs `scenario` while the clock is driven through each created resource's transitions.

    `waits=False` is for a client that does not wait for its resources to be ready (it must still
    not act on them before). The provider's state, settings and clock are put back afterwards.
    """
    lifecycle = lifecycle_of(provider)
    report = LifecycleReport(provider)
    holder = ProviderState(control, provider)
    saved = holder.read()
    settings = {**saved["settings"]}
    for name, seconds in lifecycle.minimum.items():
        settings[name] = max(float(settings.get(name) or 0), seconds)
    was_frozen = bool(control.clock("get").get("frozen"))
    started = time.perf_counter()
    known = {rid: lifecycle.state_of(resource) for tenant in saved["tenants"].values()
             for rid, resource in (tenant.get(lifecycle.collection) or {}).items()}
    holder.load({**saved, "settings": settings})
    control.clock("freeze")
    driver = Driver(control, lifecycle, settings, known)
    before = last_seq(control)
    try:
        driver.start()
        error = run_scenario(scenario, ScenarioTarget(provider, base_url, credentials, "lifecycle"), timeout)
        driver.done.set()
        driver.join(5)
        driver.step(advance=False)  # resources made just before the scenario returned
        entries = [e for e in control.journal(provider=provider) if e["seq"] > before]
    finally:
        driver.done.set()
        holder.load(saved)
        if not was_frozen:
            control.clock("resume")
        report.seconds = time.perf_counter() - started
    report.resources = list(driver.tracked.values())
    report.transitions = driver.transitions
    judge(report, lifecycle, entries, error, waits)
    return report


def judge(report: LifecycleReport, lifecycle: Lifecycle, entries: list[Entry], error: BaseException | None,
          waits: bool) -> None:
    pattern = re.compile(lifecycle.path)
    if not report.resources:
        created = "" if entries else " (it made no request)"
        report.failures.append(LifecycleFailure(
            f"no resource the scenario created or changed went through a state that changes by itself{created}: "
            f"nothing was exercised ({lifecycle.provider} {lifecycle.collection}: {lifecycle.describe()})",
            numbered(entries)))
        return
    for tracked in report.resources:
        mine = [e for e in entries if (m := pattern.search(e["path"])) and m.group("id") == tracked.id]
        for entry in mine:
            status = tracked.status_at(entry["seq"])
            acting = (lifecycle.judges_acting and entry["method"] not in ("GET", "HEAD", "DELETE")
                      and not entry["path"].endswith(lifecycle.tolerated or ("\0",)))
            if acting and status in lifecycle.transient:
                report.failures.append(LifecycleFailure(
                    f"the client acted on {tracked.id} ({entry['method']} …{entry['path'][-40:]}) while it was "
                    f"{status}; wait until it is {lifecycle.settled_after(status)}",
                    numbered(entries, entry["seq"], label="too early")))
                break
        seen = [s for s in (seen_status(e, lifecycle) for e in mine if e["method"] == "GET") if s]
        final = tracked.status_at(entries[-1]["seq"] if entries else 0)
        if error is not None and "did not return" in error_line(error):
            report.failures.append(LifecycleFailure(
                f"{error_line(error)} while {tracked.id} went through {' → '.join(s for _, s in tracked.phases)}; "
                f"the statuses it saw: {', '.join(dict.fromkeys(seen)) or 'none'}; it waits for a state that never comes?",
                numbered(entries)))
        elif waits and error is None and final in lifecycle.transient and lifecycle.settled_after(final) not in seen:
            report.failures.append(LifecycleFailure(
                f"the scenario returned while {tracked.id} was {final} and the client never saw it "
                f"{lifecycle.settled_after(final)} (statuses it saw: {', '.join(dict.fromkeys(seen)) or 'none'}); "
                f"wait (poll or webhook) until it is {lifecycle.settled_after(final)}, or pass waits=False",
                numbered(entries)))


def seen_status(entry: Entry, lifecycle: Lifecycle) -> str | None:
    """The state the client was shown in this answer."""
    body = (entry.get("response") or {}).get("body")
    try:
        document = json.loads(body) if isinstance(body, str) else None
    except ValueError:
        return None
    state = lifecycle.shown(document) if isinstance(document, dict) else None
    return state if isinstance(state, str) else None
