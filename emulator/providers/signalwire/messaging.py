"""Inbound messages on a number whose messages a SWML webhook (a Fabric resource) handles.

SignalWire POSTs the inbound message webhook (JSON `{"message": {...}, "params": {}}`) to the
resource's primary URL, then to its fallback URL if that fails, signed like every JSON request.
The answer must be a Messaging SWML document. Each `reply` step of `sections.main` sends a
message back (to the sender, from the number, unless the step says otherwise); each reply's
delivery states are POSTed to its `status_url`, or to the resource's status callback URL, as
message status callbacks: signed JSON, best effort, retried on the virtual clock.

The emulator runs no SWML: it reads the `reply` steps of `sections.main` (string, object and
inline `switch` forms, with `%{message.…}` placeholders expanded) and nothing else.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import orjson

from ...core.ids import uuid4_text
from .callbacks import Media
from .inbound import Target, first_answer, queue_status_callback, reply_of
from .models import render_time
from .replies import check_swml, swml_document
from .signing import JsonFormat, json_headers
from .state import PhoneNumber, Project, SwmlWebhook

if TYPE_CHECKING:
    from .provider import SignalwireProvider
    from .simulate import Inbound

INBOUND_MESSAGE = "inboundMessageWebhook"
MESSAGE_STATUS = "messageStatusCallback"
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿"
    "abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENDED = frozenset("^{}\\[~]|€\f")  # two septets each
MAX_MEDIA = 8
PLACEHOLDER = re.compile(r"%\{([A-Za-z0-9_.]+)\}")
TRANSFORMS = {
    "lowercase": str.lower, "uppercase": str.upper, "trim": str.strip,
    "lowercase_trim": lambda text: text.strip().lower(), "uppercase_trim": lambda text: text.strip().upper(),
}


def segments(body: str) -> int:
    """SMS segments: 160 GSM-7 septets (153 when split) or 70 UCS-2 characters (67 when split)."""
    if all(ch in GSM7_BASIC or ch in GSM7_EXTENDED for ch in body):
        length, single, part = sum(2 if ch in GSM7_EXTENDED else 1 for ch in body), 160, 153
    else:
        length, single, part = len(body), 70, 67
    return 1 if length <= single else math.ceil(length / part)


def inbound_message_body(
    *, message_id: str, project: Project, caller: str, called: str, body: str, media: list[Media], received_us: int
) -> dict[str, Any]:
    """The initial fetch: no `vars`, empty `params`; `body` is null on an MMS without text."""
    return {
        "message": {
            "message_id": message_id,
            "project_id": project["id"],
            "space_id": project["space_id"],
            "direction": "inbound",
            "type": "mms" if media else "sms",
            "from": caller,
            "to": called,
            "body": None if media and not body else body,
            "media": [{"url": m.url, "content_type": m.content_type, "size": m.size} for m in media],
            "segments": segments(body),
            "timestamp": render_time(received_us),
        },
        "params": {},
    }


@dataclass(frozen=True)
class Reply:
    """One `reply` step, placeholders expanded; `problem` says why it cannot be sent."""

    body: str | None
    media: tuple[str, ...]
    to: str
    sender: str
    status_url: str | None
    problem: str | None = None


def expand(value: Any, scope: dict[str, Any]) -> Any:
    """`%{message.from}` and the like; a placeholder naming nothing becomes empty."""
    if not isinstance(value, str):
        return value

    def lookup(found: re.Match[str]) -> str:
        current: Any = scope
        for part in found.group(1).split("."):
            current = current.get(part) if isinstance(current, dict) else None
        return "" if current is None else str(current)

    return PLACEHOLDER.sub(lookup, value)


def reply_of_step(value: Any, scope: dict[str, Any]) -> Reply:
    """A `reply` step in any of its forms: a body, an object, or an inline switch picking one of those."""
    message = scope["message"]
    default = Reply(None, (), message["from"], message["to"], None)
    if isinstance(value, str):
        return replace(default, body=expand(value, scope))
    if not isinstance(value, dict):
        return replace(default, problem="a reply is a string or an object")
    if "switch" in value:
        picked = switched(value["switch"], scope)
        if picked is None:
            return replace(default, problem="no case of the switch matches and it has no default")
        return reply_of_step(picked, scope)
    media = value.get("media", [])
    if not isinstance(media, list) or not all(isinstance(url, str) for url in media) or len(media) > MAX_MEDIA:
        return replace(default, problem=f"media is a list of at most {MAX_MEDIA} URLs")
    strings = [key for key in ("body", "to", "from", "status_url") if key in value and not isinstance(value[key], str)]
    if strings:
        return replace(default, problem=f"{', '.join(strings)} must be text")
    reply = Reply(
        expand(value.get("body"), scope),
        tuple(expand(url, scope) for url in media),
        expand(value.get("to", message["from"]), scope),
        expand(value.get("from", message["to"]), scope),
        expand(value.get("status_url"), scope),
    )
    if not reply.body and not reply.media:
        return replace(reply, problem="a reply needs a body or media")
    return reply


def switched(switch: Any, scope: dict[str, Any]) -> Any:
    """The `case` (or `default`) an inline switch picks; None when nothing matches."""
    if not isinstance(switch, dict) or not isinstance(switch.get("case"), dict):
        return None
    value = expand("%{" + str(switch.get("variable", "")) + "}", scope)
    transform = TRANSFORMS.get(switch.get("transform") or "", lambda text: text)
    return switch["case"].get(transform(value), switch.get("default"))


def replies_of(document: dict[str, Any], scope: dict[str, Any]) -> list[Reply]:
    """The `reply` steps of `sections.main`, in order (other steps and sections are not run)."""
    return [reply_of_step(step["reply"], scope) for step in document["sections"]["main"]
            if isinstance(step, dict) and "reply" in step]


async def swml_message(
    provider: SignalwireProvider, tenant: str, project: Project, number: PhoneNumber, request: Inbound, message_id: str
) -> dict[str, Any]:
    webhook: SwmlWebhook = number["message_swml_webhook"]  # type: ignore[assignment]  # the caller checked
    payload = inbound_message_body(
        message_id=message_id, project=project, caller=request.caller, called=request.to, body=request.body,
        media=request.media, received_us=provider.clock.now_us(),
    )
    body = orjson.dumps(payload)
    key, sha256 = project["signing_key"], provider.settings.sha256_signature
    targets: list[Target] = [
        ("primary", webhook["primary_request_url"], "POST"),
        ("fallback", webhook["fallback_request_url"], "POST"),
    ]
    exchanges, chosen, verdict, notes = await first_answer(
        provider, targets, lambda url, _method: (url, body, json_headers(key, url, body, sha256)), check_swml
    )
    sent: list[dict[str, Any]] = []
    if chosen is not None and verdict is not None and verdict.valid:
        document, _ = swml_document(chosen.reply)
        for reply in replies_of(document or {}, payload):
            sent.append(send_reply(provider, tenant, project, webhook, reply))
    notes += [f"{e.role} URL failed: {e.error}" for e in exchanges if not e.ok]
    if verdict is None:
        notes.append("no SWML URL answered; the message is dropped")
    elif not verdict.valid:
        notes.append(f"{verdict.problem}; no reply is sent")
    else:
        notes.append(f"the message runs the SWML reply ({len(sent)} reply step{'' if len(sent) == 1 else 's'})")
    return {
        "delivered": chosen is not None,
        "resource_id": webhook["id"],
        "requests": [e.to_dict() for e in exchanges],
        "reply": reply_of(chosen, verdict),
        "replies": sent,
        "note": "; ".join(notes),
    }


def send_reply(
    provider: SignalwireProvider, tenant: str, project: Project, webhook: SwmlWebhook, reply: Reply
) -> dict[str, Any]:
    """Accepts the reply (`queued`) and queues a status callback per delivery state, or says why it failed."""
    shown: dict[str, Any] = {"from": reply.sender, "to": reply.to, "body": reply.body, "media": list(reply.media)}
    problem = reply.problem or sender_problem(provider, tenant, reply)
    if problem:
        return shown | {"result": "failed", "problem": problem}
    message_id = uuid4_text()
    url = reply.status_url or webhook["status_callback_url"]
    states = ("queued", "sent") if reply.media else ("queued", "sent", "delivered")  # MMS has no delivery receipt
    deliveries = [queue_status(provider, tenant, project, message_id, reply, state, url) for state in states] if url else []
    return shown | {"result": "queued", "message_id": message_id, "status_callback_url": url, "deliveries": deliveries}


def sender_problem(provider: SignalwireProvider, tenant: str, reply: Reply) -> str | None:
    """The sender must be a live number of the project able to send this kind of message."""
    needed = "mms" if reply.media else "sms"
    for number in provider.backend.tenant(tenant)["numbers"].values():
        if number["number"] == reply.sender and number["released_us"] is None:
            return None if needed in number["capabilities"] else f"{reply.sender} has no {needed} capability"
    return f"{reply.sender} is not a number of this project"


def queue_status(
    provider: SignalwireProvider, tenant: str, project: Project, message_id: str, reply: Reply, state: str, url: str
) -> str:
    """One message status callback in the outbox, in order with the message's other states."""
    payload = {
        "id": message_id,
        "project_id": project["id"],
        "status": state,
        "to": reply.to,
        "from": reply.sender,
        "body": reply.body or "",
        "number_of_segments": segments(reply.body or ""),
        "timestamp": render_time(provider.clock.now_us()),
        "error_code": None,
        "error_message": None,
    }
    return queue_status_callback(
        provider, tenant, project, url=url, body=orjson.dumps(payload), method="POST",
        fmt=JsonFormat(with_sha256=provider.settings.sha256_signature), event_type=MESSAGE_STATUS,
        ordering_key=message_id, ordered=True,
    )
