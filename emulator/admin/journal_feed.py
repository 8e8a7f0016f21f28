"""The journal read as a feed: a short line per request newer than a sequence number, and one
entry in full by its number.

A page that follows the journal live cannot poll `GET /journal`: every poll would carry every
entry's headers and bodies again, and read (so decode and mask) all of them. The feed carries
what a list shows and only what is new; the full entry, masked on that first read, is fetched
when someone opens it.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..core.http import json_response
from ..core.journal import JournalEntry
from .handlers import AdminError, int_param, runtime_of


def feed_line(entry: JournalEntry) -> dict[str, Any]:
    """What a list row shows; none of it needs the entry's masking, so no body is decoded here."""
    return {
        "seq": entry.seq,
        "time": entry.time,
        "provider": entry.provider,
        "tenant": entry.tenant,
        "operation": entry.operation,
        "method": entry.method,
        "path": entry.path,
        "status": entry.status,
        "duration_ms": entry.duration_ms,
        "marks": entry.marks,
        "violation_count": len(entry.violations),
    }


async def journal_feed(request: Request) -> Response:
    """Entries newer than `after`, oldest first (`limit` keeps the newest), and the journal's bounds.

    `oldest` and `latest` let a reader drop what fell out of the journal (or was reset away) and
    notice a restarted server, whose numbers start again from 1.
    """
    runtime = runtime_of(request)
    after = int_param(request, "after") or 0
    limit = int_param(request, "limit")
    if limit is not None and limit < 0:
        raise AdminError(400, "invalid_query", "'limit' must not be negative")
    entries = runtime.journal.query()
    newer = [entry for entry in entries if entry.seq > after]
    if limit is not None:
        newer = newer[-limit:] if limit else []
    return json_response(
        {
            "entries": [feed_line(entry) for entry in newer],
            "oldest": entries[0].seq if entries else None,
            "latest": entries[-1].seq if entries else None,
            "capacity": runtime.journal.capacity,
        }
    )


async def journal_entry(request: Request) -> Response:
    """One entry as `GET /journal` renders it (credentials masked), while the journal still holds it."""
    raw = request.path_params["seq"]
    wanted = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 18 else None
    for entry in runtime_of(request).journal.query():
        if entry.seq == wanted:
            return json_response(entry.to_dict())
    raise AdminError(404, "not_found", f"no journal entry {raw!r} (older entries fall out of the journal, and a reset empties it)")
