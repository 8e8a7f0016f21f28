"""The bounded request journal: what each client sent and what it got back."""

from __future__ import annotations

import itertools
from collections import deque
from typing import Any, Iterable
from urllib.parse import parse_qs

from .clock import rfc3339
from .not_emulated import not_emulated_of
from .secrets import mask_headers, mask_json_body, mask_query

MAX_BODY_CHARS = 64 * 1024


RawHeaders = list[tuple[bytes, bytes]]
FlatHeaders = tuple[bytes, ...]  # name, value, name, value…


# What one journal entry keeps of a request, whatever the request holds: the journal is bounded in
# entries, so each entry must be bounded too (a 64 KB URL of 10,000 undocumented parameters would
# otherwise cost ~6 MB of verdicts, and a full journal gigabytes).
MAX_KEPT_PARAMS = 100
MAX_KEPT_VALUES = 20
MAX_KEPT_HEADERS = 100
MAX_KEPT_CHARS = 4096


def clip_text(text: str) -> str:
    return text if len(text) <= MAX_KEPT_CHARS else f"{text[:MAX_KEPT_CHARS]}…[{len(text) - MAX_KEPT_CHARS} more characters]"


def bounded_query(query: dict[str, list[str]]) -> dict[str, list[str]]:
    if len(query) <= MAX_KEPT_PARAMS and all(
        len(k) <= MAX_KEPT_CHARS and len(values) <= MAX_KEPT_VALUES and all(len(v) <= MAX_KEPT_CHARS for v in values)
        for k, values in query.items()
    ):
        return query
    kept = {clip_text(k): [clip_text(v) for v in values[:MAX_KEPT_VALUES]]
            for k, values in list(query.items())[:MAX_KEPT_PARAMS]}
    if len(query) > MAX_KEPT_PARAMS:
        kept["…"] = [f"{len(query) - MAX_KEPT_PARAMS} more parameters not kept"]
    return kept


def bounded_headers(headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """Headers as they came when they are within bounds (the usual case: no copy), else clipped."""
    if len(headers) <= MAX_KEPT_HEADERS and all(len(k) + len(v) <= MAX_KEPT_CHARS for k, v in headers):
        return headers
    return [(clip_bytes(k), clip_bytes(v)) for k, v in headers[:MAX_KEPT_HEADERS]]


def clip_bytes(raw: bytes) -> bytes:
    return raw if len(raw) <= MAX_KEPT_CHARS else raw[:MAX_KEPT_CHARS] + f"...[{len(raw) - MAX_KEPT_CHARS} more bytes]".encode()


def parse_query(raw: bytes) -> dict[str, list[str]]:
    return parse_qs(raw.decode("latin-1"), keep_blank_values=True) if raw else {}


def kept_query(raw: bytes) -> bytes | dict[str, list[str]]:
    """Short query strings are kept as they came (parsed on first read); long ones bounded now."""
    return raw if len(raw) <= MAX_KEPT_CHARS else bounded_query(parse_query(raw))



class JournalEntry:
    """One exchange. What it carries is kept as it came and masked when first read.

    Recording sits on every request's path, reading the journal is rare: decoding, masking and
    clipping happen once, on the first read of `query`, `headers`, `body` or the response.
    What an entry stores is bounded when it is made (long query strings, many or long headers,
    big bodies are clipped at once), so a full journal stays small.
    """

    __slots__ = (
        "seq", "time", "provider", "tenant", "operation", "method", "path", "status", "duration_ms",
        "marks", "violations", "_query", "_headers", "_body", "_response_headers", "_response_body", "_masked",
    )

    def __init__(
        self,
        *,
        seq: int,
        time: str,
        provider: str,
        tenant: str | None,
        operation: str | None,
        method: str,
        path: str,
        query: bytes | dict[str, list[str]],
        headers: Iterable[tuple[str, str]] | RawHeaders,
        body: bytes | str | None,
        status: int,
        response_headers: Iterable[tuple[str, str]] | RawHeaders,
        response_body: bytes | str | None,
        duration_ms: float,
        marks: list[str] | None = None,
        violations: list[dict[str, Any]] | None = None,
    ) -> None:
        self.seq = seq
        self.time = time
        self.provider = provider
        self.tenant = tenant
        self.operation = operation
        self.method = method
        self.path = path
        self.status = status
        self.duration_ms = duration_ms
        self.marks = marks or []
        self.violations = violations or []
        self._query: Any = kept_query(query) if isinstance(query, bytes) else query
        self._headers: Any = bounded_headers(headers) if isinstance(headers, list) else headers
        self._body: Any = kept_body(body) if isinstance(body, bytes) else body
        self._response_headers: Any = response_headers
        self._response_body: Any = kept_body(response_body) if isinstance(response_body, bytes) else response_body
        self._masked = False

    def _mask(self) -> None:
        if self._masked:
            return
        if isinstance(self._query, bytes):
            self._query = bounded_query(parse_query(self._query))
        self._query = mask_query(self._query)
        self._headers = mask_headers(_text_pairs(self._headers))
        self._body = _final_body(self._body)
        self._response_headers = dict(mask_set_cookies(_text_pairs(self._response_headers)))
        self._response_body = _final_body(self._response_body)
        self._masked = True

    query = property(lambda self: self._read("_query"), doc="dict[str, list[str]], credentials masked")
    headers = property(lambda self: self._read("_headers"), doc="dict[str, str], credentials masked")
    body = property(lambda self: self._read("_body"), doc="str | None, secret values masked, clipped")
    response_headers = property(lambda self: self._read("_response_headers"), doc="dict[str, str]")
    response_body = property(lambda self: self._read("_response_body"), doc="str | None, masked, clipped")

    def _read(self, slot: str) -> Any:
        self._mask()
        return getattr(self, slot)

    def to_dict(self) -> dict[str, Any]:
        return {
            "seq": self.seq,
            "time": self.time,
            "provider": self.provider,
            "tenant": self.tenant,
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": self.query,
            "headers": self.headers,
            "body": self.body,
            "status": self.status,
            "response": {"headers": self.response_headers, "body": self.response_body},
            "duration_ms": self.duration_ms,
            "marks": self.marks,
            "violations": self.violations,
        }


def _text_pairs(pairs: Iterable[tuple[Any, Any]]) -> list[tuple[str, str]]:
    return [
        (k.decode("latin-1") if isinstance(k, bytes) else k, v.decode("latin-1") if isinstance(v, bytes) else v)
        for k, v in pairs
    ]


def mask_set_cookies(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """A cookie the provider sets (VoIPBIN's login token) is a credential: keep its name, mask its value."""
    masked = []
    for name, value in headers:
        if name.lower() == "set-cookie":
            pair, sep, attributes = value.partition(";")
            value = f"{pair.partition('=')[0]}=****{sep}{attributes}"
        masked.append((name, value))
    return masked


def kept_body(raw: bytes) -> bytes | str | None:
    """What an entry keeps of a body: small ones as they came (masked on first read), big ones
    masked and clipped at once, so an entry never holds more than MAX_BODY_CHARS of one."""
    return raw if len(raw) <= MAX_BODY_CHARS else clip_body(mask_json_body(raw))


def _final_body(kept: bytes | str | None) -> str | None:
    return kept if kept is None or isinstance(kept, str) else clip_body(mask_json_body(kept))


def clip_body(raw: bytes) -> str | None:
    if not raw:
        return None
    text = raw[:MAX_BODY_CHARS].decode("utf-8", errors="replace")
    if len(raw) > MAX_BODY_CHARS:
        text += f"…[{len(raw) - MAX_BODY_CHARS} more bytes]"
    return text


def flat_headers(headers: Iterable[tuple[bytes, bytes]]) -> FlatHeaders:
    """Headers as one flat tuple of names and values: a kept list of pairs was a list and a tuple
    per header in the collector's youngest generation, which every young pass walked again while
    the journal filled; a tuple of bytes is one object, and the collector stops tracking it after
    its first pass over it."""
    return tuple(itertools.chain.from_iterable(headers))


def header_pairs(flat: FlatHeaders) -> RawHeaders:
    return list(zip(flat[::2], flat[1::2]))


def flat_within_bounds(flat: FlatHeaders) -> bool:
    """Whether an entry keeps these headers whole (`bounded_headers` would not clip them)."""
    if len(flat) <= 2 * MAX_KEPT_HEADERS and sum(map(len, flat)) <= MAX_KEPT_CHARS:
        return True  # the usual case, decided without a loop in Python
    pairs = header_pairs(flat)
    return bounded_headers(pairs) is pairs


def entry_of(item: tuple[Any, ...]) -> JournalEntry:
    """The entry of a tuple `Journal.add` kept (its fields in `add`'s order, `seq` first)."""
    (seq, time_us, provider, tenant, operation, method, path, query, headers, body, status,
     response_headers, response_body, duration_ms, violations, marks) = item
    return JournalEntry(
        seq=seq, time=rfc3339(time_us), provider=provider, tenant=tenant, operation=operation, method=method,
        path=path, query=query, headers=header_pairs(headers), body=body, status=status,
        response_headers=header_pairs(response_headers), response_body=response_body, duration_ms=duration_ms,
        violations=list(violations), marks=list(marks),
    )


class Journal:
    """Keeps the newest `capacity` requests; older ones fall off so memory stays flat.

    The recorder adds each exchange as a tuple of what it carries (`add`), bounded as an entry
    would be; the tuple becomes a `JournalEntry` when the journal is first read after it: most
    entries fall off unread, and building one cost more than the rest of recording it.
    """

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._entries: deque[JournalEntry | tuple[Any, ...]] = deque(maxlen=capacity)
        self._seq = itertools.count(1)
        self._unread = 0  # tuples not yet made into entries

    def record(self, **fields: Any) -> JournalEntry:
        """Keeps one exchange; `fields` are `JournalEntry`'s, without `seq`."""
        entry = JournalEntry(seq=next(self._seq), **fields)
        self._entries.append(entry)
        return entry

    def add(
        self, time_us: int, provider: str, tenant: str | None, operation: str | None, method: str, path: str,
        query: bytes, headers: FlatHeaders, body: bytes, status: int, response_headers: FlatHeaders,
        response_body: bytes, duration_ms: float, violations: list[dict[str, Any]], marks: Iterable[str],
    ) -> None:
        """Keeps one exchange as it came (the recorder's way), headers flat (`flat_headers`); anything
        over an entry's bounds is bounded now, as `JournalEntry` would, so a held tuple is never
        bigger than an entry.

        The tuple holds no list (violations and marks as tuples too): a request's record is then
        three objects for the collector, untracked after its first passes."""
        item = (next(self._seq), time_us, provider, tenant, operation, method, path, query, headers, body, status,
                response_headers, response_body, duration_ms, tuple(violations) if violations else (),
                tuple(marks) if marks else ())
        if (len(query) > MAX_KEPT_CHARS or len(body) > MAX_BODY_CHARS or len(response_body) > MAX_BODY_CHARS
                or not flat_within_bounds(headers)):
            self._entries.append(entry_of(item))  # bounded now
            return
        self._entries.append(item)
        self._unread += 1

    def _read(self) -> deque[JournalEntry]:
        """The entries, the tuples added since the last read made into entries first."""
        entries = self._entries
        if self._unread:
            for index, item in enumerate(entries):
                if type(item) is tuple:
                    entries[index] = entry_of(item)
            self._unread = 0
        return entries  # type: ignore[return-value]

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()
        self._unread = 0

    def summary(self) -> dict[str, dict[str, dict[str, int | bool]]]:
        """Per provider and operation: requests seen, and how many broke the contract. Requests
        for an operation telemock does not emulate count under its name, flagged `not_emulated`;
        `drift` (only where there was some) counts the answers of a real provider, seen through
        the proxy, that departed from the documented contract."""
        table: dict[str, dict[str, dict[str, int | bool]]] = {}
        for entry in self._read():
            missing = not_emulated_of(entry.marks) if entry.marks else None
            row = table.setdefault(entry.provider, {}).setdefault(
                missing or entry.operation or "(undocumented)", {"requests": 0, "violating": 0, "violations": 0}
            )
            if missing:
                row["not_emulated"] = True
            row["requests"] += 1
            if entry.violations:
                row["violating"] += 1
                row["violations"] += len(entry.violations)
                if any(v.get("drift") for v in entry.violations):
                    row["drift"] = row.get("drift", 0) + 1
        return table

    def query(
        self,
        *,
        provider: str | None = None,
        tenant: str | None = None,
        method: str | None = None,
        path: str | None = None,
        status: int | None = None,
        violations: bool | None = None,
        not_emulated: bool | None = None,
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """Matching entries, oldest first; `path` matches as a substring, `limit` keeps the newest;
        `not_emulated` keeps the requests for operations telemock does not emulate (or the others)."""
        method = method.upper() if method else None
        found = [
            entry
            for entry in self._read()
            if (provider is None or entry.provider == provider)
            and (tenant is None or entry.tenant == tenant)
            and (method is None or entry.method == method)
            and (path is None or path in entry.path)
            and (status is None or entry.status == status)
            and (violations is None or bool(entry.violations) == violations)
            and (not_emulated is None or (not_emulated_of(entry.marks) is not None) == not_emulated)
        ]
        if limit is not None:
            found = found[-limit:] if limit > 0 else []
        return found
