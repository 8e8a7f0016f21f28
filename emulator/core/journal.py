"""The bounded request journal: what each client sent and what it got back."""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

from .secrets import mask_headers, mask_json_body, mask_query

MAX_BODY_CHARS = 64 * 1024


@dataclass
class JournalEntry:
    seq: int
    time: str
    provider: str
    tenant: str | None
    operation: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: str | None
    status: int
    response_headers: dict[str, str]
    response_body: str | None
    duration_ms: float
    marks: list[str] = field(default_factory=list)
    violations: list[dict[str, Any]] = field(default_factory=list)

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


def clip_body(raw: bytes) -> str | None:
    if not raw:
        return None
    text = raw[:MAX_BODY_CHARS].decode("utf-8", errors="replace")
    if len(raw) > MAX_BODY_CHARS:
        text += f"…[{len(raw) - MAX_BODY_CHARS} more bytes]"
    return text


class Journal:
    """Keeps the newest `capacity` requests; older ones fall off so memory stays flat."""

    def __init__(self, capacity: int = 1000) -> None:
        self.capacity = capacity
        self._entries: deque[JournalEntry] = deque(maxlen=capacity)
        self._seq = itertools.count(1)

    def record(
        self,
        *,
        time: str,
        provider: str,
        tenant: str | None,
        operation: str | None,
        method: str,
        path: str,
        query: dict[str, list[str]],
        headers: Iterable[tuple[str, str]],
        body: bytes,
        status: int,
        response_headers: Iterable[tuple[str, str]],
        response_body: bytes,
        duration_ms: float,
        marks: list[str] | None = None,
        violations: list[dict[str, Any]] | None = None,
    ) -> JournalEntry:
        entry = JournalEntry(
            seq=next(self._seq),
            time=time,
            provider=provider,
            tenant=tenant,
            operation=operation,
            method=method,
            path=path,
            query=mask_query(query),
            headers=mask_headers(headers),
            body=clip_body(mask_json_body(body)),
            status=status,
            response_headers=dict(response_headers),
            response_body=clip_body(mask_json_body(response_body)),
            duration_ms=duration_ms,
            marks=marks or [],
            violations=violations or [],
        )
        self._entries.append(entry)
        return entry

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        self._entries.clear()

    def summary(self) -> dict[str, dict[str, dict[str, int]]]:
        """Per provider and operation: requests seen, and how many broke the contract."""
        table: dict[str, dict[str, dict[str, int]]] = {}
        for entry in self._entries:
            row = table.setdefault(entry.provider, {}).setdefault(
                entry.operation or "(undocumented)", {"requests": 0, "violating": 0, "violations": 0}
            )
            row["requests"] += 1
            if entry.violations:
                row["violating"] += 1
                row["violations"] += len(entry.violations)
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
        limit: int | None = None,
    ) -> list[JournalEntry]:
        """Matching entries, oldest first; `path` matches as a substring, `limit` keeps the newest."""
        method = method.upper() if method else None
        found = [
            entry
            for entry in self._entries
            if (provider is None or entry.provider == provider)
            and (tenant is None or entry.tenant == tenant)
            and (method is None or entry.method == method)
            and (path is None or path in entry.path)
            and (status is None or entry.status == status)
            and (violations is None or bool(entry.violations) == violations)
        ]
        if limit is not None:
            found = found[-limit:] if limit > 0 else []
        return found
