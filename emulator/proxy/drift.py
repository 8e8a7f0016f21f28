"""`telemock drift DIR`: where the recorded provider departs from its documented contract and from
telemock's own profiles, per operation and field.

Two readings of the same recordings:
- against the contract: every recorded answer and webhook judged by `contracts/validate`, the
  departures grouped by operation and field (`body/result/*/tm_purchase`), with how often and
  an example of what came;
- against telemock: the recorded requests sent, in order, to an in-process emulator in each
  of the provider's profiles (rehearsal.py), and the shapes of its answers compared with the
  provider's, field by field (shapes.py). An operation's closest profile is the one with fewest
  differing fields: where the provider matches `observed` better than `documented`, telemock's
  `observed` profile is the one to test against, and a field that matches neither is news.
Answers whose status differs from the emulator's (a resource the emulator's fixtures lack) are
listed as not compared rather than guessed at. Values masked as credentials are not judged.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Coroutine, TypeVar

from ..core.secrets import MASK
from ..registry import provider_classes
from .bodies import decode_body, media_type
from .judging import answer_drift, contract_of, documented_operation, generalized, judge_event
from .recordings import REQUEST, WEBHOOK, Recording, load_recordings
from .rehearsal import rehearse
from .shapes import Shape, compared, shape_of

MASKED = f'"{MASK}"'
T = TypeVar("T")


@dataclass
class FieldDeparture:
    """One field of one operation that departs from the contract, over all recordings."""

    location: str
    expected: str
    message: str
    example: str
    count: int = 0


@dataclass
class OperationVerdict:
    provider: str
    operation: str
    kind: str  # answers or events
    judged: int = 0
    departing: int = 0
    fields: dict[str, FieldDeparture] = field(default_factory=dict)


@dataclass
class ShapeDifference:
    pointer: str
    provider: list[str]
    telemock: list[str]


@dataclass
class ProfileComparison:
    """How one operation's answers (one status) compare with one profile's, by shape."""

    provider: str
    operation: str
    status: int
    profile: str
    compared: int
    differences: list[ShapeDifference]


@dataclass
class NotCompared:
    file: str
    profile: str
    reason: str


@dataclass
class DriftReport:
    directory: str
    recordings: int
    contract: list[OperationVerdict]
    profiles: list[ProfileComparison]
    not_compared: list[NotCompared]

    @property
    def drifted(self) -> bool:
        """Whether any recorded answer or event departs from the documented contract."""
        return any(verdict.departing for verdict in self.contract)

    def closest_profiles(self) -> dict[tuple[str, str, int], list[str]]:
        """Per operation and status, the profiles with the fewest differing fields."""
        best: dict[tuple[str, str, int], tuple[int, list[str]]] = {}
        for row in self.profiles:
            key = (row.provider, row.operation, row.status)
            count = len(row.differences)
            held = best.get(key)
            if held is None or count < held[0]:
                best[key] = (count, [row.profile])
            elif count == held[0]:
                held[1].append(row.profile)
        return {key: profiles for key, (_, profiles) in best.items()}

    def to_dict(self) -> dict[str, Any]:
        closest = self.closest_profiles()
        return {
            "directory": self.directory,
            "recordings": self.recordings,
            "drifted": self.drifted,
            "contract": [
                {"provider": v.provider, "operation": v.operation, "kind": v.kind, "judged": v.judged, "departing": v.departing,
                 "fields": [vars(f) for f in v.fields.values()]}
                for v in self.contract
            ],
            "profiles": [
                {"provider": p.provider, "operation": p.operation, "status": p.status, "profile": p.profile,
                 "compared": p.compared, "closest": p.profile in closest.get((p.provider, p.operation, p.status), []),
                 "differences": [vars(d) for d in p.differences]}
                for p in self.profiles
            ],
            "not_compared": [vars(n) for n in self.not_compared],
        }

    def render(self) -> str:
        lines = [f"{self.recordings} recorded exchange(s) in {self.directory}", ""]
        lines.append("Against the documented contract (the provider's answers and webhooks):")
        if not self.contract:
            lines.append("  nothing to judge")
        for verdict in self.contract:
            state = "all conform" if not verdict.departing else f"{verdict.departing} depart"
            lines.append(f"  {verdict.provider} {verdict.operation}: {verdict.judged} {verdict.kind}, {state}")
            for item in verdict.fields.values():
                lines.append(f"    - {item.location}: {item.message} ({item.count}×)")
                lines.append(f"        expected {item.expected}, got {item.example}")
        lines += ["", "Against telemock's profiles (the shape of telemock's answers to the same requests):"]
        if not self.profiles:
            lines.append("  nothing compared")
        closest = self.closest_profiles()
        for key, rows in group_rows(self.profiles).items():
            provider, operation, status = key
            best = closest.get(key, [])
            verdicts = ", ".join(f"{r.profile} {'matches' if not r.differences else f'{len(r.differences)} field(s) differ'}"
                                 for r in rows)
            lines.append(f"  {provider} {operation} ({status}, {rows[0].compared} compared): {verdicts}; "
                         f"closest: {' and '.join(best)}")
            for row in rows:
                for difference in row.differences:
                    lines.append(f"    - {row.profile} {difference.pointer or '(body)'}: provider "
                                 f"{' | '.join(difference.provider)}, telemock {' | '.join(difference.telemock)}")
        if self.not_compared:
            lines += ["", "Not compared:"]
            lines += [f"  {n.file} ({n.profile}): {n.reason}" for n in self.not_compared]
        lines += ["", "drift: the provider departs from its documented contract" if self.drifted
                  else "no drift: every recorded answer and webhook conforms to the documented contract"]
        return "\n".join(lines)


def group_rows(rows: list[ProfileComparison]) -> dict[tuple[str, str, int], list[ProfileComparison]]:
    grouped: dict[tuple[str, str, int], list[ProfileComparison]] = {}
    for row in rows:
        grouped.setdefault((row.provider, row.operation, row.status), []).append(row)
    return grouped


def judge_recordings(recordings: list[Recording]) -> list[OperationVerdict]:
    verdicts: dict[tuple[str, str, str], OperationVerdict] = {}
    for recording in recordings:
        contract = contract_of(recording.provider)
        if recording.kind == WEBHOOK:
            found = judge_event(contract, recording.method, recording.content_type, recording.request_bytes(), recording.query)
            operation, kind, violations = found.operation or recording.event or "(unknown webhook)", "events", found.violations
        else:
            operation = documented_operation(contract, recording.method, recording.path, recording.operation) or "(undocumented)"
            kind = "answers"
            violations = answer_drift(contract, operation, recording.status, recording.response_content_type, recording.response_bytes())
        verdict = verdicts.setdefault((recording.provider, operation, kind), OperationVerdict(recording.provider, operation, kind))
        verdict.judged += 1
        judged = [v for v in violations if v["got"] != MASKED]
        if judged:
            verdict.departing += 1
        for violation in judged:
            location = generalized(violation["location"].split(".", 1)[1])
            item = verdict.fields.setdefault(
                location, FieldDeparture(location, violation["expected"], violation["message"], violation["got"])
            )
            item.count += 1
    return sorted(verdicts.values(), key=lambda v: (v.provider, v.kind, v.operation))


async def compare_profiles(
    recordings: list[Recording], fixtures: list[Path], path_params: dict[str, str]
) -> tuple[list[ProfileComparison], list[NotCompared]]:
    rows: list[ProfileComparison] = []
    skipped: list[NotCompared] = []
    providers = sorted({r.provider for r in recordings if r.kind == REQUEST})
    for plugin in provider_classes(providers):
        contract = contract_of(plugin.name)
        for profile in plugin.profiles:
            rendered = await rehearse(plugin.name, profile, recordings, contract=contract, fixtures=fixtures,
                                      path_params=path_params)
            shapes: dict[tuple[str, int], tuple[Shape, Shape, list[int]]] = {}
            for answer in rendered:
                recording = answer.recording
                operation = documented_operation(contract, recording.method, recording.path, recording.operation) or "(undocumented)"
                if answer.status != recording.status:
                    skipped.append(NotCompared(recording.file, profile,
                                               f"telemock answered {answer.status} where the provider answered {recording.status}"))
                    continue
                telemock_format, telemock_value = decode_body(answer.content_type, answer.body)
                if recording.response_body_format != "json" or telemock_format != "json":
                    if (recording.response_body_format, media_type(recording.response_content_type)) != (telemock_format, media_type(answer.content_type)):
                        skipped.append(NotCompared(recording.file, profile, "the answers are not both JSON"))
                    continue
                mine, theirs, count = shapes.setdefault((operation, recording.status), ({}, {}, [0]))
                shape_of(recording.response_body, into=mine)
                shape_of(telemock_value, into=theirs)
                count[0] += 1
            for (operation, status), (mine, theirs, count) in sorted(shapes.items()):
                differences = [ShapeDifference(pointer, sorted(a), sorted(b)) for pointer, (a, b) in compared(mine, theirs).items()]
                rows.append(ProfileComparison(plugin.name, operation, status, profile, count[0], differences))
    return rows, skipped


def drift_report(directory: Path, *, providers: list[str] | None = None, fixtures: list[Path] | None = None,
                 path_params: dict[str, str] | None = None, profiles: bool = True) -> DriftReport:
    """Raises RecordingError when the folder cannot be read."""
    recordings = [r for r in load_recordings(directory) if providers is None or r.provider in providers]
    rows, skipped = run_apart(compare_profiles(recordings, fixtures or [], path_params or {})) if profiles else ([], [])
    return DriftReport(str(directory), len(recordings), judge_recordings(recordings), rows, skipped)


def run_apart(work: Coroutine[Any, Any, T]) -> T:
    """Runs `work` on its own event loop, in a thread of its own when the caller's thread already
    runs one (an async test, a notebook), where `asyncio.run` would refuse."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(work)
    with ThreadPoolExecutor(max_workers=1) as apart:
        return apart.submit(asyncio.run, work).result()
