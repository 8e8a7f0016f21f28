"""The provider failures a resilience check injects, and how a client's behaviour under each is judged.

Each `FaultKind` says which requests of a scenario it applies to, the fault rule that produces it
(`/_telemock/faults`, in the provider's own error format) and a judge: given what the run did
(requests, what it raised, the state it left) compared with the run without faults, what the
client did wrong, in words a user can act on, or None.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from ..specs import load_spec
from .runs import Entry, RunRecord, count_changes, entry_seconds, error_line

TIMING_SLACK = 0.05
"""Seconds a retry may come before Retry-After has passed (stamps are taken at the server)."""


@dataclass(frozen=True)
class Step:
    """One request of the scenario's run without faults: the place a fault is put."""

    number: int
    provider: str
    operation: str
    method: str
    path: str
    status: int

    def describe(self) -> str:
        return f"step {self.number} ({self.method} {self.path}, {self.operation})"


@dataclass(frozen=True)
class Options:
    """What the user says about their client, and the check's limits."""

    retries: bool = True
    retry_after: int = 1
    max_attempts: int = 10
    timeout: float = 5.0
    slow: float | None = None

    @property
    def latency(self) -> float:
        """A slow answer arrives after the scenario's deadline: only a client's own timeout ends the wait."""
        return self.slow if self.slow is not None else self.timeout + 1


@dataclass
class Judged:
    """A run under a fault, with what the judge needs to read it."""

    kind: FaultKind
    step: Step
    run: RunRecord
    baseline: RunRecord
    rule_id: int
    options: Options

    @property
    def faulted(self) -> Entry | None:
        """The request the fault hit (the first one carrying its rule's mark)."""
        mark = f"fault:{self.rule_id}:"
        return next((e for e in self.run.entries if any(m.startswith(mark) for m in e.get("marks") or [])), None)

    def repeats(self) -> list[Entry]:
        """Requests after the faulted one to the same method and path: the client's retries."""
        hit = self.faulted
        if hit is None:
            return []
        return [e for e in self.run.entries if e["seq"] > hit["seq"] and e["method"] == hit["method"] and e["path"] == hit["path"]]

    def same_requests(self) -> list[Entry]:
        hit = self.faulted
        return [e for e in self.run.entries if hit is not None and e["method"] == hit["method"] and e["path"] == hit["path"]]


Judge = Callable[[Judged], "str | None"]


@dataclass(frozen=True)
class FaultKind:
    name: str
    applies: Callable[[Step], bool]
    rule: Callable[[Options], dict[str, Any]]
    judge: Judge
    first_only: bool = False
    """Only the first step it applies to (a slow answer costs the client's timeout every run)."""


def is_read(step: Step) -> bool:
    return step.method in ("GET", "HEAD")


def is_create(step: Step) -> bool:
    return step.method == "POST" and 200 <= step.status < 300


def any_step(step: Step) -> bool:
    return True


# --- judges -------------------------------------------------------------------------------------


def must_recover(judged: Judged) -> str | None:
    """A transient failure: a client that retries must retry, finish, and leave what it leaves without faults."""
    run, options = judged.run, judged.options
    if run.hung:
        return f"{error_line(run.error)}; a client must give up or retry, never wait forever"
    if not options.retries:
        return None
    if not judged.repeats():
        return (f"the client did not retry ({error_line(run.error)}); it should retry a failure that "
                "passes (or pass retries=False if it does not claim to retry)")
    if run.error is not None:
        return f"the client retried but then {error_line(run.error).removeprefix('it ')}; the retry should have succeeded"
    changes = count_changes(judged.baseline.counts, run.counts)
    if changes:
        return "the state differs from the run without the fault: " + "; ".join(changes)
    return None


def waits_as_told(judged: Judged) -> str | None:
    """429: the next identical request comes no sooner than Retry-After said; then as `must_recover`."""
    hit, repeats = judged.faulted, judged.repeats()
    if hit is not None and repeats:
        waited = entry_seconds(repeats[0])[0] - entry_seconds(hit)[1]
        told = judged.options.retry_after
        if waited < told - TIMING_SLACK:
            return (f"the client retried {max(waited, 0):.2f} s after a 429 that said Retry-After: {told}; "
                    f"it should wait at least {told} s before sending the request again")
    if judged.options.retries and not repeats and not judged.run.hung:
        return (f"the client gave up on the first 429 ({error_line(judged.run.error)}); a client that retries "
                "should wait Retry-After seconds and try again")
    return must_recover(judged)


def bounded(judged: Judged) -> str | None:
    """A failure that does not pass: the client stops within `max_attempts` and within the deadline."""
    sent = len(judged.same_requests())
    limit = judged.options.max_attempts
    if judged.run.hung:
        return (f"{error_line(judged.run.error)} while every answer failed ({sent} attempts); "
                f"retries must be bounded (at most {limit} attempts) and end with an error")
    if sent > limit:
        return f"the client sent the request {sent} times while it kept failing; retries must stop (at most {limit} attempts)"
    return None


def no_double_purchase(judged: Judged) -> str | None:
    """The create's answer was lost after the state changed: the client must not create it again."""
    if judged.run.hung:
        return f"{error_line(judged.run.error)} after a lost answer"
    more = count_changes(judged.baseline.counts, judged.run.counts, grown_only=True)
    hit = judged.faulted
    if not more:
        return None
    header = idempotency_header(judged.step)
    if header and hit is not None:
        sent = (hit.get("headers") or {}).get(header.lower())
        again = [(e.get("headers") or {}).get(header.lower()) for e in judged.repeats()]
        if sent is None:
            advice = f"send an {header} header on every create and reuse it on the retry"
        elif any(key != sent for key in again):
            advice = f"the retry must reuse the {header} of the lost request ({sent!r}), not a new one"
        else:
            advice = f"reuse the {header} on the retry"
    else:
        advice = (f"{judged.step.operation} takes no idempotency key: after a lost answer, look (list or get) "
                  "before creating again")
    return "the client created the resource twice after the answer was lost: " + "; ".join(more) + f"; {advice}"


def never_forever(judged: Judged) -> str | None:
    """A slow answer: the client's own timeout ends the wait; a create retried after it must not buy twice."""
    if judged.run.hung:
        return (f"{error_line(judged.run.error)} on an answer that took {judged.options.latency:g} s; "
                "set a timeout on the client's requests (and retry or report when it passes)")
    if is_create(judged.step):
        return no_double_purchase(judged)
    return None


def not_retried(allowed: int) -> Judge:
    def judge(judged: Judged) -> str | None:
        retries = judged.repeats()
        status = judged.faulted["status"] if judged.faulted else "?"
        if judged.run.hung or len(retries) > allowed:
            sent = len(judged.same_requests())
            return (f"the client repeated a request answered {status} ({sent} times"
                    + (f"; {error_line(judged.run.error).removeprefix('it ')}" if judged.run.hung else "")
                    + f"); a {status} will not change on retry: report it"
                    + (" (at most one retry after renewing credentials)" if allowed else ""))
        return None

    return judge


# --- the kinds ----------------------------------------------------------------------------------


def status_rule(status: int, retry_after: int | None, count: int | None) -> dict[str, Any]:
    return {"effect": "status", "status": status, "retry_after": retry_after, "count": count}


KINDS: tuple[FaultKind, ...] = (
    FaultKind("429 Retry-After", any_step, lambda o: status_rule(429, o.retry_after, 1), waits_as_told),
    FaultKind("503 on a read", is_read, lambda o: status_rule(503, None, 1), must_recover),
    FaultKind("dropped connection on a read", is_read, lambda o: {"effect": "drop", "count": 1}, must_recover),
    FaultKind("503 that does not pass", is_read, lambda o: status_rule(503, None, None), bounded),
    FaultKind("lost answer to a create", is_create,
              lambda o: {"effect": "drop", "after_handler": True, "count": 1}, no_double_purchase),
    FaultKind("slow answer", lambda s: is_read(s) or is_create(s),
              lambda o: {"effect": "latency", "latency": o.latency, "count": 1}, never_forever, first_only=True),
    FaultKind("422 not retried", any_step, lambda o: status_rule(422, None, None), not_retried(0)),
    FaultKind("404 not retried", any_step, lambda o: status_rule(404, None, None), not_retried(0)),
    FaultKind("401 not retried", any_step, lambda o: status_rule(401, None, None), not_retried(1)),
)

KIND_NAMES = tuple(kind.name for kind in KINDS)

ADVICE = {
    "429 Retry-After": "wait Retry-After seconds, then retry",
    "503 on a read": "retry a failed read a bounded number of times",
    "dropped connection on a read": "retry a read whose connection dropped",
    "503 that does not pass": "stop retrying after a few attempts and report the error",
    "lost answer to a create": "never create twice: reuse the idempotency key, or look before creating again",
    "slow answer": "time out, then retry or report",
    "422 not retried": "report a 422, do not retry it",
    "404 not retried": "report a 404, do not retry it",
    "401 not retried": "report a 401 (renewing credentials once at most)",
}


def idempotency_header(step: Step) -> str | None:
    """The header the provider documents for idempotent retries of this operation (Gigs `Idempotency-Key`)."""
    return _idempotency_headers().get((step.provider, step.operation))


_cache: dict[tuple[str, str], str] = {}
_loaded: list[bool] = []


def _idempotency_headers() -> dict[tuple[str, str], str]:
    if not _loaded:
        from ..specs import available_specs

        for provider in available_specs():
            spec = load_spec(provider)
            for item in spec.get("paths", {}).values():
                for operation in item.values():
                    if not isinstance(operation, dict) or "operationId" not in operation:
                        continue
                    for parameter in [*item.get("parameters", []), *operation.get("parameters", [])]:
                        parameter = _resolve(spec, parameter)
                        if parameter.get("in") == "header" and "idempotency" in str(parameter.get("name", "")).lower():
                            _cache[(provider, operation["operationId"])] = parameter["name"]
        _loaded.append(True)
    return _cache


def _resolve(spec: dict[str, Any], node: Any) -> dict[str, Any]:
    while isinstance(node, dict) and "$ref" in node:
        target: Any = spec
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node if isinstance(node, dict) else {}
