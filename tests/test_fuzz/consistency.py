"""After a fuzz run: is the emulator alive, and does its API still tell the truth about its state?

With the virtual clock frozen (so nothing moves while we look): read `/_telemock/state`, GET every
object of the fuzzed tenant through the API and walk every list operation to its end. Each answer
must conform to the documented spec (apart from the profile's allowed departures), each live
object must answer 200 with what the state holds (same-named keys, times read back to µs at the
wire's precision), each removed one its documented "gone" status, and each list must show exactly
the live objects. Then `/_telemock/health` must answer 200.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from telemock.contracts.kit.server_check import Departure
from telemock.contracts.validate import Violation, contract_for

from .targets import Collection, Record, Target

SENTINEL = "9999-01-01 00:00:00.000000"
WIRE_TIME = re.compile(r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?Z?$")
MAX_PROBLEMS = 50


@dataclass
class StateCheck:
    """What one consistency check found."""

    objects: int = 0  # objects read back with GET
    listed: int = 0  # items seen in list pages
    requests: int = 0  # provider requests sent
    health: int | None = None
    problems: list[str] = field(default_factory=list)
    departures: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems and self.health == 200

    def summary(self) -> str:
        if self.ok:
            return f"ok ({self.objects} objects, {self.listed} listed)"
        return f"{len(self.problems)} problems" + ("" if self.health == 200 else f", health {self.health}")

    def add(self, problem: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(problem)


def wire_us(value: Any) -> int | None:
    """A time as the API shows it, in µs; None for null, "" and VoIPBIN's unset sentinel."""
    if value in (None, "", SENTINEL):
        return None
    found = WIRE_TIME.match(value) if isinstance(value, str) else None
    if found is None:
        raise ValueError(f"not a time: {value!r}")
    day, clock, fraction = found.groups()
    moment = datetime.fromisoformat(f"{day}T{clock}").replace(tzinfo=UTC)
    return int(moment.timestamp()) * 1_000_000 + int((fraction or "").ljust(6, "0"))


def compare(collection: Collection, answer: Record, stored: Record, profile: str) -> list[str]:
    """How an answer differs from the stored record it shows."""
    problems = []
    compared = 0
    for key, value in answer.items():
        if key in collection.skip or key in collection.times or key not in stored:
            continue
        compared += 1
        if value != stored[key]:
            problems.append(f"{key}: answered {value!r}, stored {stored[key]!r}")
    if compared == 0:
        problems.append("no key of the answer could be compared with the stored record")
    for wire_key, stored_key in collection.times.items():
        try:
            shown = wire_us(answer.get(wire_key))
        except ValueError as exc:
            problems.append(f"{wire_key}: {exc}")
            continue
        kept = stored.get(stored_key)
        if kept is not None:
            kept -= kept % collection.precision_us
        if shown != kept:
            problems.append(f"{wire_key}: answered {answer.get(wire_key)!r}, stored {stored.get(stored_key)!r} µs")
    if collection.differ is not None:
        problems += collection.differ(answer, stored, profile)
    return problems


class Judge:
    """Conformance of one answer, with the profile's allowed departures counted, not reported."""

    def __init__(self, provider: str, allowed: tuple[Departure, ...], check: StateCheck) -> None:
        self.contract = contract_for(provider)
        self.allowed = allowed
        self.check = check

    def __call__(self, operation: str, response: httpx.Response, where: str) -> None:
        status = response.status_code
        applicable = [d for d in self.allowed if d.applies(operation, status)]
        violations = self.contract.check_response(operation, status, response.headers.get("content-type", ""), response.content)
        if violations and violations[0].location == "status" and any(d.kind == "status" for d in applicable):
            self._count({d.name for d in applicable if d.kind == "status"})
            return
        used: set[str] = set()
        for violation in violations:
            covering = {d.name for d in applicable if d.covers(violation)}
            if not covering:
                self.check.add(f"{where}: {operation} {status} does not conform: {describe(violation)}")
                return
            used |= covering
        self._count(used)

    def _count(self, names: set[str]) -> None:
        for name in names:
            self.check.departures[name] = self.check.departures.get(name, 0) + 1


def describe(violation: Violation) -> str:
    return f"{violation.location}: {violation.message}"


def check_state(root_url: str, target: Target, profile: str, allowed: tuple[Departure, ...] = ()) -> StateCheck:
    """The consistency check of one provider's fuzzed tenant on the server at `root_url`."""
    check = StateCheck()
    judge = Judge(target.provider, allowed, check)
    with httpx.Client(base_url=f"{root_url}/_telemock", timeout=30) as admin, httpx.Client(
        base_url=f"{root_url}/{target.provider}", timeout=30, **target.client_options
    ) as api:
        admin.post("/clock/freeze").raise_for_status()
        try:
            before = admin.get("/state").json()["providers"][target.provider]
            answers = _read_back(api, target, before["tenants"][target.tenant], judge, check)
            after = admin.get("/state").json()["providers"][target.provider]
        finally:
            admin.post("/clock/resume").raise_for_status()
        if sorted(before["tenants"]) != sorted(after["tenants"]):
            check.add(f"reading changed the tenants: {sorted(before['tenants'])} → {sorted(after['tenants'])}")
        tenant = after["tenants"][target.tenant]
        for collection in target.collections:
            _compare_all(collection, answers[collection.name], collection.records(tenant), profile, check)
        check.health = admin.get("/health").status_code
    return check


Answers = dict[str, dict[str, list[tuple[str, Record | None]]]]  # collection → key → [(how, answer)]


def _read_back(api: httpx.Client, target: Target, tenant: Record, judge: Judge, check: StateCheck) -> Answers:
    """GET every object and every list page; judge each answer; keep the bodies by state key."""
    answers: Answers = {}
    for collection in target.collections:
        seen: dict[str, list[tuple[str, Record | None]]] = {}
        answers[collection.name] = seen
        for key, record in collection.records(tenant).items():
            response = api.get(collection.path(key, record))
            check.requests += 1
            check.objects += 1
            where = f"GET {collection.name} {key}"
            judge(collection.get_operation, response, where)
            if collection.live(record):
                if response.status_code != 200:
                    check.add(f"{where}: answered {response.status_code} for a live object: {response.text[:200]}")
                    continue
                seen.setdefault(key, []).append(("GET", response.json()))
            elif response.status_code != collection.gone_status:
                check.add(f"{where}: answered {response.status_code} for a removed object (expected {collection.gone_status})")
        if collection.pages is None or collection.list_operation is None:
            continue
        for number, (response, items) in enumerate(collection.pages(api), 1):
            check.requests += 1
            judge(collection.list_operation, response, f"{collection.list_operation} page {number}")
            if response.status_code != 200:
                check.add(f"{collection.list_operation} page {number}: answered {response.status_code}: {response.text[:200]}")
                break
            for item in items:
                check.listed += 1
                seen.setdefault(collection.key_of(item), []).append((f"{collection.list_operation} page {number}", item))
    return answers


def _compare_all(
    collection: Collection, seen: dict[str, list[tuple[str, Record | None]]], records: dict[str, Record], profile: str, check: StateCheck
) -> None:
    live = {key for key, record in records.items() if collection.live(record)}
    if collection.pages is not None:
        listed = {key for key, shown in seen.items() if any(how != "GET" for how, _ in shown)}
        for key in sorted(listed - live):
            check.add(f"{collection.list_operation} lists {key}, which the state does not hold as a live {collection.name} object")
        for key in sorted(live - listed):
            check.add(f"{collection.list_operation} does not list the live {collection.name} object {key}")
        for key, shown in seen.items():
            pages = [how for how, _ in shown if how != "GET"]
            if len(pages) > 1:
                check.add(f"{collection.list_operation} lists {key} {len(pages)} times ({', '.join(pages)})")
    for key, shown in seen.items():
        stored = records.get(key)
        if stored is None:
            continue
        for how, answer in shown:
            for problem in compare(collection, answer or {}, stored, profile):
                check.add(f"{collection.name} {key} ({how}): {problem}")
