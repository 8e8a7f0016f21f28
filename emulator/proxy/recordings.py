"""Recordings: one small YAML file per exchange, masked, for people to read and to commit.

`0007-voipbin-numbers_get.yaml` is the seventh exchange of the folder, an answer of VoIPBIN's
`numbers_get`; `0008-voipbin-webhook_number_created.yaml` a webhook the provider sent. Each
file holds the request (method, path relative to the provider, query, headers, body) and the
answer (status, headers, body), credentials and personal data masked (masking.py). Recording
again into a folder continues its numbering. `telemock replay` serves a folder back and
`telemock drift` reads it.
"""

from __future__ import annotations

import itertools
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..core.clock import rfc3339
from .bodies import FORMATS, decode_body, encode_body
from .masking import Masker, MaskRules, mask_key
from .messages import NOT_FORWARDED, Answer, Outgoing, text_headers

FORMAT_VERSION = 1
REQUEST, WEBHOOK = "request", "webhook"
NAME = re.compile(r"^(\d+)-.*\.ya?ml$")
UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")

_Dumper: type = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
_Loader: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class RecordingError(ValueError):
    """A recordings folder or file that cannot be read; the message names the file."""


@dataclass
class Recording:
    """One recorded exchange, as read back from its file."""

    file: str
    sequence: int
    kind: str
    provider: str
    operation: str | None
    event: str | None
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body_format: str | None
    body: Any
    status: int
    response_headers: dict[str, str]
    response_body_format: str | None
    response_body: Any

    def request_bytes(self) -> bytes:
        return encode_body(self.body_format, self.body)

    def response_bytes(self) -> bytes:
        return encode_body(self.response_body_format, self.response_body)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")

    @property
    def response_content_type(self) -> str:
        return self.response_headers.get("content-type", "")


def file_sequence(name: str) -> int | None:
    found = NAME.match(name)
    return int(found.group(1)) if found else None


class RecordingWriter:
    """Writes each exchange to its own file, masked, before the client has its answer."""

    def __init__(self, directory: Path, rules: MaskRules) -> None:
        self.directory = directory
        directory.mkdir(parents=True, exist_ok=True)
        self.masker = Masker(rules, mask_key(directory, create=True))
        taken = [n for n in (file_sequence(p.name) for p in directory.iterdir()) if n is not None]
        self._sequence = itertools.count(max(taken, default=0) + 1)

    def write(
        self,
        *,
        kind: str,
        provider: str,
        operation: str | None,
        upstream: str,
        request: Outgoing,
        answer: Answer,
        duration_ms: float,
        event: str | None = None,
        signature: str | None = None,
    ) -> Path:
        sequence = next(self._sequence)
        masker = self.masker
        document: dict[str, Any] = {
            "recording": FORMAT_VERSION,
            "provider": provider,
            "kind": kind,
            "operation": operation,
        }
        if kind == WEBHOOK:
            document["event"] = event
            document["signature"] = signature
        document |= {
            "sequence": sequence,
            "recorded": rfc3339(time.time_ns() // 1000),
            "upstream": upstream,
            "duration_ms": round(duration_ms, 3),
            "request": {
                "method": request.method,
                "path": masker.text(request.path),
                "query": masker.query(request.query),
                "headers": masker.headers(text_headers([(k, v) for k, v in request.headers if k.lower() not in NOT_FORWARDED])),
                **body_fields(masker, request.content_type, request.body),
            },
            "response": {
                "status": answer.status,
                "headers": masker.headers(text_headers(answer.headers)),
                **body_fields(masker, answer.content_type, answer.body),
            },
        }
        name = f"{sequence:04d}-{UNSAFE.sub('_', provider)}-{UNSAFE.sub('_', operation or kind)}.yaml"
        path = self.directory / name
        partial = path.with_name(f".{name}.partial")
        partial.write_text(yaml.dump(document, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=120), encoding="utf-8")
        os.replace(partial, path)
        return path


def body_fields(masker: Masker, content_type: str, raw: bytes) -> dict[str, Any]:
    body_format, value = decode_body(content_type, raw)
    if body_format is None:
        return {"body": None}
    if body_format in ("json", "form"):
        value = masker.body(value)
    elif body_format == "text":
        value = masker.text(value)
    return {"body_format": body_format, "body": value}


def load_recordings(directory: Path) -> list[Recording]:
    """Every recording of a folder, in sequence order."""
    if not directory.is_dir():
        raise RecordingError(f"{directory}: no such folder of recordings")
    found = []
    for path in sorted(directory.iterdir()):
        if path.is_file() and file_sequence(path.name) is not None:
            found.append(read_recording(path))
    return sorted(found, key=lambda r: r.sequence)


def read_recording(path: Path) -> Recording:
    try:
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RecordingError(f"{path}: cannot read: {exc}") from None
    try:
        request, response = document["request"], document["response"]
        recording = Recording(
            file=path.name,
            sequence=int(document.get("sequence") or file_sequence(path.name) or 0),
            kind=str(document.get("kind", REQUEST)),
            provider=str(document["provider"]),
            operation=document.get("operation"),
            event=document.get("event"),
            method=str(request["method"]).upper(),
            path=str(request["path"]),
            query={str(k): [str(v) for v in (vs if isinstance(vs, list) else [vs])] for k, vs in (request.get("query") or {}).items()},
            headers={str(k).lower(): str(v) for k, v in (request.get("headers") or {}).items()},
            body_format=request.get("body_format"),
            body=request.get("body"),
            status=int(response["status"]),
            response_headers={str(k).lower(): str(v) for k, v in (response.get("headers") or {}).items()},
            response_body_format=response.get("body_format"),
            response_body=response.get("body"),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise RecordingError(f"{path}: not a telemock recording ({type(exc).__name__}: {exc})") from None
    for where, body_format in (("request", recording.body_format), ("response", recording.response_body_format)):
        if body_format is not None and body_format not in FORMATS:
            raise RecordingError(f"{path}: {where}.body_format {body_format!r} is not one of {', '.join(FORMATS)}")
    return recording
