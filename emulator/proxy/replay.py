"""A folder of recordings standing in for the real provider (`telemock replay DIR`).

A request matches a recording of its provider with the same operation, method, path, query
(credentials left out) and body, the live request masked first by the folder's rules and key, so a client
that sends the real phone number finds the recording that holds its pseudonym. The same request
recorded several times (a list before and after a purchase) is answered with each recording in
turn, then with the last one again. A request no recording matches gets the provider's own
"not found" error, status 404, with `X-Telemock-Replay` naming the closest recordings and
what differs from each.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import orjson

from ..core.http import GenericError
from .bodies import decode_body
from .masking import Masker
from .messages import Answer, Outgoing, UpstreamFailed
from .recordings import REQUEST, Recording

REPLAY_HEADER = "x-telemock-replay"
CLOSEST_SHOWN = 3


@dataclass(frozen=True)
class Probe:
    """A request reduced to what matching compares."""

    operation: str | None
    method: str
    path: str
    query: tuple[tuple[str, tuple[str, ...]], ...]
    body: bytes  # canonical: sorted-key JSON of a parsed body, else the text

    def differences(self, other: "Probe") -> list[str]:
        """What `other` (a recording) has differently, most telling first."""
        found = []
        if other.operation != self.operation:
            found.append(f"operation {other.operation or '(undocumented)'}")
        if other.method != self.method:
            found.append(f"method {other.method}")
        if other.path != self.path:
            found.append(f"path {other.path}")
        mine, theirs = dict(self.query), dict(other.query)
        for name in sorted(set(mine) | set(theirs)):
            if mine.get(name) != theirs.get(name):
                found.append(f"query {name}")
        if other.body != self.body:
            found.append("body")
        return found


def weight(difference: str) -> int:
    return {"operation": 8, "method": 4, "path": 2}.get(difference.split(" ", 1)[0], 1)


def canonical_body(body_format: str | None, value: Any) -> bytes:
    if body_format is None:
        return b""
    if body_format in ("json", "form"):
        try:
            return orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            return repr(value).encode()
    return str(value).encode()


class RecordedUpstream:
    """One provider's recordings, answering as the provider answered when they were made."""

    mark = "replay"

    def __init__(self, directory: Path, provider: str, recordings: list[Recording], masker: Masker) -> None:
        self.name = f"recordings in {directory}"
        self.masker = masker
        self.recordings = [r for r in recordings if r.kind == REQUEST and r.provider == provider]
        self.probes = [(self.probe_of_recording(r), r) for r in self.recordings]
        self.groups: dict[Probe, list[Recording]] = {}
        for probe, recording in self.probes:
            self.groups.setdefault(probe, []).append(recording)
        self.served: dict[Probe, int] = {}

    def without_credentials(self, query: dict[str, list[str]]) -> tuple[tuple[str, tuple[str, ...]], ...]:
        secret = self.masker.rules.query
        return tuple(sorted((name, tuple(values)) for name, values in query.items() if name.lower() not in secret))

    def probe_of_recording(self, recording: Recording) -> Probe:
        return Probe(recording.operation, recording.method, recording.path, self.without_credentials(recording.query),
                     canonical_body(recording.body_format, recording.body))

    def probe_of_request(self, request: Outgoing) -> Probe:
        """The live request masked as the recordings were, so the two can be compared."""
        masker = self.masker
        body_format, value = decode_body(request.content_type, request.body)
        if body_format in ("json", "form"):
            value = masker.body(value)
        elif body_format == "text":
            value = masker.text(value)
        return Probe(request.operation, request.method, masker.text(request.path), self.without_credentials(masker.query(request.query)),
                     canonical_body(body_format, value))

    async def answer(self, request: Outgoing) -> Answer:
        probe = self.probe_of_request(request)
        group = self.groups.get(probe)
        if not group:
            raise self.unmatched(request, probe)
        turn = self.served.get(probe, 0)
        self.served[probe] = turn + 1
        recording = group[min(turn, len(group) - 1)]
        headers = [(name.encode("latin-1", "replace"), value.encode("latin-1", "replace"))
                   for name, value in recording.response_headers.items() if name not in ("content-length", "transfer-encoding")]
        return Answer(recording.status, headers, recording.response_bytes(), source=recording.file,
                      extra_headers=[(REPLAY_HEADER.encode(), recording.file.encode())])

    def unmatched(self, request: Outgoing, probe: Probe) -> UpstreamFailed:
        ranked = sorted(
            ((sum(weight(d) for d in differences), recording.sequence, recording.file, differences)
             for other, recording in self.probes
             for differences in [probe.differences(other)]),
        )[:CLOSEST_SHOWN]
        query = urlencode(list(self.masker.query(request.query).items()), doseq=True, safe="*")  # credentials masked
        target = request.path + (f"?{query}" if query else "")
        if ranked:
            closest = "; ".join(f"{file} ({', '.join(differences)})" for _, _, file, differences in ranked)
            detail = f"no recording matches {request.method} {target}; closest: {closest}"
        else:
            detail = f"no recording matches {request.method} {target}: the folder has no recordings of this provider"
        return UpstreamFailed("unmatched", detail, status=404, generic=GenericError.ROUTE_NOT_FOUND, header=REPLAY_HEADER)

    async def close(self) -> None:
        return None
