"""What a test's client called, as objects, and assertions on it with failures that say what came instead.

The journal already holds every request with its operation, tenant and verdict; `Call` is one of
them as a test reads it (bodies parsed where they are JSON or a form), and `expect_called`
checks that an operation was called (so many times, by a tenant, with a body containing some
values). When it was not, the failure lists the near misses a person would look for first: the
operation called by another tenant or with another body, its path called with another method,
and otherwise every call the test made.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable
from urllib.parse import parse_qsl

from ..specs import available_specs, load_spec
from .report import printable, request_line

SHOWN = 8  # calls listed in a failure before "…"


@dataclass(frozen=True)
class CallResponse:
    """What the emulator answered: status, headers, body (parsed JSON where it is JSON)."""

    status: int
    headers: dict[str, str]
    body: Any


@dataclass(frozen=True)
class Call:
    """One request a test's client made, as the journal kept it (credentials masked, bodies clipped)."""

    seq: int
    provider: str
    operation: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any  # a dict or list for JSON and form bodies, else the text (None when empty)
    status: int
    response: CallResponse
    tenant: str | None
    violations: list[dict[str, Any]] = field(default_factory=list)
    entry: dict[str, Any] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def from_entry(cls, entry: dict[str, Any]) -> Call:
        headers = dict(entry.get("headers") or {})
        answer = entry.get("response") or {}
        answer_headers = dict(answer.get("headers") or {})
        return cls(
            seq=entry["seq"],
            provider=entry["provider"],
            operation=entry.get("operation"),
            method=entry["method"],
            path=entry["path"],
            query=dict(entry.get("query") or {}),
            headers=headers,
            body=parsed_body(entry.get("body"), content_type(headers)),
            status=entry["status"],
            response=CallResponse(entry["status"], answer_headers, parsed_body(answer.get("body"), content_type(answer_headers))),
            tenant=entry.get("tenant"),
            violations=list(entry.get("violations") or []),
            entry=entry,
        )

    @property
    def text(self) -> str:
        """The request body as it was sent (masked, clipped), "" when there was none."""
        return self.entry.get("body") or ""

    def line(self) -> str:
        """`POST /voipbin/v1.0/numbers → 200  [voipbin numbers_create, tenant demo]`"""
        return f"{request_line(self.entry)}  [{self.provider} {self.operation or '(undocumented)'}, tenant {self.tenant}]"


def content_type(headers: dict[str, str]) -> str:
    for name, value in headers.items():
        if name.lower() == "content-type":
            return value.split(";", 1)[0].strip().lower()
    return ""


def parsed_body(text: str | None, media_type: str) -> Any:
    """JSON as data, a form as a dict (one value per field, a list where repeated), else the text."""
    if not text:
        return None
    if media_type == "application/x-www-form-urlencoded":
        form: dict[str, Any] = {}
        for name, value in parse_qsl(text, keep_blank_values=True):
            form[name] = [*form[name], value] if isinstance(form.get(name), list) else (
                [form[name], value] if name in form else value)
        return form
    if media_type.endswith("json") or text.lstrip()[:1] in ("{", "["):
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def calls_from(entries: Iterable[dict[str, Any]], operation: str | None = None) -> list[Call]:
    """The journal entries (oldest first) as calls, only those of `operation` when given."""
    return [Call.from_entry(e) for e in entries if operation is None or e.get("operation") == operation]


# --- matching a body -----------------------------------------------------------------------------


def body_difference(body: Any, expected: Any, where: str = "body") -> str | None:
    """Why `body` does not contain `expected`, or None when it does.

    A dict is contained when every expected key is there with a contained value (other keys are
    ignored); anything else must be equal.
    """
    if isinstance(expected, dict):
        if not isinstance(body, dict):
            return f"{where} is {short(body)}, not an object"
        for key, value in expected.items():
            if key not in body:
                return f"{where}/{key} is missing"
            difference = body_difference(body[key], value, f"{where}/{key}")
            if difference:
                return difference
        return None
    if body != expected:
        return f"{where} is {short(body)}, expected {short(expected)}"
    return None


def short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return printable(text if len(text) <= limit else text[: limit - 1] + "…")


# --- where an operation lives --------------------------------------------------------------------


@lru_cache(maxsize=None)
def operation_routes(provider: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    """operationId → (method, path templates: the documented one and its aliases) of a provider's spec."""
    routes: dict[str, tuple[str, tuple[str, ...]]] = {}
    for path, item in (load_spec(provider).get("paths") or {}).items():
        templates = (path, *(item.get("x-telemock-path-aliases") or ()))
        for method, operation in item.items():
            if isinstance(operation, dict) and operation.get("operationId"):
                routes[operation["operationId"]] = (method.upper(), templates)
    return routes


def providers_documenting(operation: str, among: Iterable[str]) -> list[str]:
    known = set(available_specs())
    return [p for p in among if p in known and operation in operation_routes(p)]


@lru_cache(maxsize=None)
def path_pattern(provider: str, template: str) -> re.Pattern[str]:
    """A journal path (with or without the provider's prefix) that the template matches."""
    parts = re.split(r"(\{[^}]+\})", template)
    body = "".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
    return re.compile(rf"^(?:/{re.escape(provider)})?{body}/?$")


def on_path_of(call: Call, operation: str) -> bool:
    """Whether `call` went to one of the paths `operation` is documented at (any method)."""
    route = operation_routes(call.provider).get(operation) if call.provider in available_specs() else None
    return route is not None and any(path_pattern(call.provider, t).match(call.path) for t in route[1])


# --- the assertion -------------------------------------------------------------------------------


class CallAssertionError(AssertionError):
    """An operation was not called as a test expected; the message lists what was called instead."""


@dataclass(frozen=True)
class Expectation:
    operation: str
    times: int | None = None
    tenant: str | None = None
    body_contains: Any = None

    def describe(self) -> str:
        words = [self.operation, "to be called"]
        if self.times is not None:
            words.append(times_word(self.times))
        if self.tenant is not None:
            words.append(f"by tenant {self.tenant!r}")
        if self.body_contains is not None:
            words.append(f"with a body containing {short(self.body_contains)}")
        return " ".join(words)

    def miss(self, call: Call) -> str | None:
        """Why a call of the operation does not count, or None when it does."""
        if self.tenant is not None and call.tenant != self.tenant:
            return f"tenant {call.tenant!r}, not {self.tenant!r}"
        if isinstance(self.body_contains, str):
            return None if self.body_contains in call.text else f"the body does not contain {short(self.body_contains)}"
        if self.body_contains is not None:
            return body_difference(call.body, self.body_contains)
        return None


def expect_called(
    calls: list[Call],
    operation: str,
    *,
    providers: Iterable[str],
    times: int | None = None,
    tenant: str | None = None,
    body_contains: Any = None,
) -> list[Call]:
    """The calls of `operation` that match; CallAssertionError when they are not `times` (or none).

    `calls` is everything the test called (every provider), `providers` those whose spec may
    document the operation: naming an operation none documents is a mistake, said at once.
    """
    providers = list(providers)
    if not providers_documenting(operation, providers):
        known = sorted({op for p in providers if p in available_specs() for op in operation_routes(p)})
        where = ", ".join(providers)
        raise LookupError(f"{where} documents no operation {operation!r} (known: {', '.join(known)})")
    wanted = Expectation(operation, times, tenant, body_contains)
    of_operation = [c for c in calls if c.operation == operation and c.provider in providers]
    matching = [c for c in of_operation if wanted.miss(c) is None]
    if (len(matching) == times) if times is not None else bool(matching):
        return matching
    raise CallAssertionError(failure_message(wanted, calls, of_operation, matching, providers))


def failure_message(wanted: Expectation, calls: list[Call], of_operation: list[Call], matching: list[Call],
                    providers: list[str]) -> str:
    said = f"it was {count(len(of_operation))}"
    if len(of_operation) != len(matching):
        said += f", {times_word(len(matching))} like that"
    lines = [f"expected {wanted.describe()}; {said}"]
    if matching and wanted.times is not None:
        lines.append("matching calls:")
        lines += listed(matching, lambda c: "")
    near = [c for c in of_operation if c not in matching]
    if near:
        lines.append("near misses (the operation, but):")
        lines += listed(near, lambda c: f"  ← {wanted.miss(c)}")
    other_method = [c for c in calls if c.provider in providers and c.operation != wanted.operation
                    and on_path_of(c, wanted.operation)]
    if other_method:
        method = operation_routes(other_method[0].provider)[wanted.operation][0]
        lines.append(f"same path, other method (the operation is {method}):")
        lines += listed(other_method, lambda c: "")
    if not near and not other_method and not matching:
        if calls:
            lines.append(f"what the test called instead ({len(calls)}):")
            lines += listed(calls, lambda c: "")
        else:
            lines.append("the test made no request to telemock")
    return "\n".join(lines)


def count(n: int) -> str:
    """`never called`, `called once`, `called 3 times`; after a first one, `never like that`."""
    return "never called" if n == 0 else f"called {times_word(n)}"


def times_word(n: int) -> str:
    return {0: "never", 1: "once", 2: "twice"}.get(n, f"{n} times")


def listed(calls: list[Call], why: Any) -> list[str]:
    shown = [f"  {c.line()}{why(c)}" for c in calls[:SHOWN]]
    if len(calls) > SHOWN:
        shown.append(f"  … and {len(calls) - SHOWN} more")
    return shown
