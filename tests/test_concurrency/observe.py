"""What the tests read back from the server: journal, deliveries, state, times, and spec checks."""

from __future__ import annotations

import re
from collections import Counter
from datetime import datetime, timezone
from itertools import pairwise
from typing import Any, Iterable

import httpx
import orjson

from telemock.contracts.validate import contract_for

from .storm import peak

DELIVERY_TIMEOUT_S = 60

_RFC3339 = re.compile(r"^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,6}))?(Z|[+-]00:00)?$")
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def micros(text: str) -> int:
    """Integer microseconds of a UTC timestamp in any of the providers' renderings.

    `2030-01-01 10:00:00.123456` (VoIPBIN legacy), `2030-01-01T10:00:00.12Z` (fraction trimmed),
    `2030-01-01T10:00:00Z` (whole seconds). Parsed, not compared as text: trimmed fractions do
    not sort as strings.
    """
    match = _RFC3339.match(text)
    assert match, f"not a timestamp: {text!r}"
    day, clock, fraction, _ = match.groups()
    whole = datetime.fromisoformat(f"{day}T{clock}+00:00")
    delta = whole - EPOCH
    seconds = delta.days * 86_400 + delta.seconds
    return seconds * 1_000_000 + int((fraction or "0").ljust(6, "0"))


def strictly_increasing(values: list[int]) -> bool:
    return all(a < b for a, b in pairwise(values))


def non_decreasing(values: list[int]) -> bool:
    return all(a <= b for a, b in pairwise(values))


# --- the journal -------------------------------------------------------------------------------


def journal(admin: httpx.Client, provider: str, method: str, path: str) -> list[dict[str, Any]]:
    """The provider's requests of that method whose path contains `path`, in the order the server answered."""
    response = admin.get("/journal", params={"provider": provider, "method": method, "path": path})
    response.raise_for_status()
    entries = response.json()["entries"]
    assert strictly_increasing([e["seq"] for e in entries])
    return entries


def response_json(entry: dict[str, Any]) -> Any:
    return orjson.loads(entry["response"]["body"])


def server_peak_in_flight(entries: Iterable[dict[str, Any]]) -> int:
    """The most requests the server was handling at once, from each entry's answer time and duration."""
    intervals = []
    for entry in entries:
        end = micros(entry["time"]) / 1e6
        intervals.append((end - entry["duration_ms"] / 1000, end))
    return peak(intervals)


def matched_once(acked: list[Any], journaled: list[Any], what: str) -> None:
    """Every acknowledged key is in the journal exactly once, and the journal has nothing else."""
    mine, theirs = Counter(acked), Counter(journaled)
    assert max(mine.values(), default=1) == 1, f"{what}: a key was acknowledged twice"
    assert mine == theirs, f"{what}: acknowledged and journaled differ: {sorted((mine - theirs).elements())[:3]} / {sorted((theirs - mine).elements())[:3]}"


# --- deliveries --------------------------------------------------------------------------------


def deliveries(admin: httpx.Client, **filters: Any) -> list[dict[str, Any]]:
    response = admin.get("/deliveries", params={k: v for k, v in filters.items() if v is not None})
    response.raise_for_status()
    return response.json()["deliveries"]


def wait_delivered(admin: httpx.Client, provider: str, count: int, **filters: Any) -> list[dict[str, Any]]:
    """All of the provider's messages, once `count` have succeeded; there must be exactly `count` of them.

    A provider queues its messages while it answers, so once every answer is in, the count is
    final: a missing or extra message fails at once, and only the deliveries are waited for.
    """
    queued = deliveries(admin, provider=provider, **filters)
    assert len(queued) == count, f"{provider}: {len(queued)} messages were queued for {count} acknowledged changes"
    params = {"provider": provider, "status": "succeeded", "wait_for": count, "timeout": DELIVERY_TIMEOUT_S, **filters}
    response = admin.get("/deliveries", params=params, timeout=DELIVERY_TIMEOUT_S + 10)
    response.raise_for_status()
    body = response.json()
    assert body["wait"]["satisfied"], f"only {body['count']} of {count} {provider} deliveries succeeded"
    every = deliveries(admin, provider=provider, **filters)
    unfinished = [d for d in every if d["status"] != "succeeded"]
    assert not unfinished, f"{len(unfinished)} {provider} messages did not succeed: {unfinished[0]}"
    assert len(every) == count, f"{provider}: {len(every)} messages were sent for {count} acknowledged changes"
    return every


# --- the spec ----------------------------------------------------------------------------------


def violations(provider: str, operation: str, status: int, content_type: str, body: bytes) -> list[str]:
    return [v.message for v in contract_for(provider).check_response(operation, status, content_type, body)]


def assert_conforms(provider: str, operation: str, response: httpx.Response) -> Any:
    found = violations(provider, operation, response.status_code, response.headers.get("content-type", ""), response.content)
    assert found == [], f"{provider} {operation} {response.status_code}: {found}"
    return response.json() if response.content else None


def event_violations(provider: str, name: str, body: bytes) -> list[str]:
    return [v.message for v in contract_for(provider).check_event(name, body)]


# --- replaying acknowledged writes -------------------------------------------------------------


def replay(
    initial: dict[str, dict[str, Any]],
    acks: list[tuple[str, dict[str, Any], dict[str, Any]]],
    fields: tuple[str, ...],
) -> dict[str, dict[str, Any]]:
    """Applies (resource, changes, answer) in acknowledged order; each answer must show exactly the model so far.

    This is the no-lost-update check: an answer that misses any earlier acknowledged change, or
    shows a change that was never acknowledged, breaks it at the first write where it happens.
    """
    model = {key: {f: value[f] for f in fields} for key, value in initial.items()}
    for position, (resource, changes, answer) in enumerate(acks):
        model[resource].update(changes)
        shown = {f: answer[f] for f in fields}
        assert shown == model[resource], f"write #{position} on {resource} answered {diff(shown, model[resource])}"
    return model


def diff(shown: dict[str, Any], expected: dict[str, Any]) -> dict[str, Any]:
    return {k: {"shown": shown.get(k), "expected": expected.get(k)} for k in expected if shown.get(k) != expected.get(k)}


def report(title: str, **figures: Any) -> None:
    """Prints the figures of a storm (shown with `pytest -s`)."""
    print(f"\n[concurrency] {title}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
