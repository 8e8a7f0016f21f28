"""The bodies SignalWire sends to a number's URLs, in the documented parameter names and order.

Form requests are lists of (name, value) string pairs, so one list serves a POST body, a GET
query string and the signature alike.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any
from urllib.parse import urlencode

from ...core.clock import to_datetime
from ...core.ids import uuid4_text

API_VERSION = "2010-04-01"
Params = list[tuple[str, str]]


@dataclass(frozen=True)
class Media:
    """One media item of an inbound MMS."""

    url: str
    content_type: str
    size: int = 0  # bytes; the SWML payload carries it, the cXML form does not


def rfc2822(us: int) -> str:
    """`Thu, 04 Apr 2024 18:32:15 +0000`, the status callback's `Timestamp` format."""
    return format_datetime(to_datetime(us).replace(microsecond=0))


def call_request_params(
    *, project_id: str, call_sid: str, caller: str, called: str, caller_name: str | None, forwarded_from: str | None
) -> Params:
    """The request to `call_request_url`: a new inbound call, still ringing."""
    params = [
        ("AccountSid", project_id),
        ("ApiVersion", API_VERSION),
        ("CallSid", call_sid),
        ("CallStatus", "ringing"),
        ("Direction", "inbound"),
        ("From", caller),
        ("To", called),
    ]
    if caller_name is not None:
        params.append(("CallerName", caller_name))
    if forwarded_from is not None:
        params.append(("ForwardedFrom", forwarded_from))
    return params


def status_callback_params(
    *, project_id: str, call_sid: str, caller: str, called: str, created_us: int, status: str, duration_s: int, mos: str
) -> Params:
    """The number-level status callback when the call ends; `Timestamp` is the call's creation time."""
    return [
        ("CallSid", call_sid),
        ("AccountSid", project_id),
        ("From", caller),
        ("To", called),
        ("Timestamp", rfc2822(created_us)),
        ("CallStatus", status),
        ("CallDuration", str(duration_s)),
        ("AudioInMos", mos),
    ]


def message_request_params(
    *, project_id: str, message_sid: str, sender: str, receiver: str, body: str, media: list[Media]
) -> Params:
    """The request to `message_request_url`; `MediaUrlN`/`MediaContentTypeN` per media item, 0-based."""
    params = [
        ("MessageSid", message_sid),
        ("AccountSid", project_id),
        ("From", sender),
        ("To", receiver),
        ("Body", body),
        ("NumMedia", str(len(media))),
    ]
    for position, item in enumerate(media):
        params.append((f"MediaUrl{position}", item.url))
        params.append((f"MediaContentType{position}", item.content_type))
    return params


def relay_script_body(
    *, call_id: str, caller: str, called: str, project_id: str, space_id: str, envs: dict[str, str]
) -> dict[str, Any]:
    """The SWML fetch for a PSTN call: a `phone` call, `inbound`, in state `created`, nothing run yet."""
    return {
        "call": {
            "call_id": call_id,
            "node_id": uuid4_text(),
            "segment_id": uuid4_text(),
            "call_state": "created",
            "direction": "inbound",
            "type": "phone",
            "from": caller,
            "to": called,
            "from_number": caller,
            "to_number": called,
            "headers": [],
            "project_id": project_id,
            "space_id": space_id,
        },
        "vars": {},
        "envs": dict(envs),
        "params": {},
    }


def with_query(url: str, params: Params) -> str:
    """A GET request's URL: the parameters appended to any query the URL already has."""
    base = url.partition("#")[0]  # a fragment never travels
    if not params:
        return base
    joiner = "" if base.endswith(("?", "&")) else ("&" if "?" in base else "?")
    return base + joiner + urlencode(params)


def form_body(params: Params) -> bytes:
    return urlencode(params).encode("ascii")
