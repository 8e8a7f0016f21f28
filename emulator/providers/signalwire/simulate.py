"""Simulated inbound traffic: a call or a message arrives on a number and its handler runs.

The number is found by its E.164 string among the projects (or in the tenant named). Handlers
that fetch instructions over HTTP (`laml_webhooks`, `relay_script`, and a SWML webhook bound to
the number's messages) are run for real against the user's URLs (see `inbound.py` and
`messaging.py`); the others (relay topics, Fabric resources, cXML applications, …) are
answered with where the call or message would go, since nothing of them travels over HTTP.
"""

from __future__ import annotations

import mimetypes
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ...core.ids import uuid4_text
from . import inbound, messaging
from .callbacks import Media
from .state import PhoneNumber, Project

if TYPE_CHECKING:
    from .provider import SignalwireProvider

CALL_TARGETS = {
    "relay_topic": ("call_relay_topic", "relay topic"),
    "relay_context": ("call_relay_context", "relay context"),
    "relay_application": ("call_relay_application", "relay application"),
    "laml_application": ("call_laml_application_id", "cXML application"),
    "dialogflow": ("call_dialogflow_agent_id", "Dialogflow agent"),
    "relay_connector": ("call_relay_connector_id", "relay connector"),
    "relay_sip_endpoint": ("call_sip_endpoint_id", "SIP endpoint"),
    "relay_verto_endpoint": ("call_verto_resource", "Verto resource"),
    "video_room": ("call_video_room_id", "video room"),
    "ai_agent": ("call_ai_agent_id", "AI agent"),
    "call_flow": ("call_flow_id", "call flow"),
}
SWML_WEBHOOK = "swml_webhook"  # how the control API names a Fabric SWML webhook handling messages
MESSAGE_TARGETS = {
    "relay_topic": ("message_relay_topic", "relay topic"),
    "relay_context": ("message_relay_context", "relay context"),
    "relay_application": ("message_relay_application", "relay application"),
    "laml_application": ("message_laml_application_id", "cXML application"),
}


@dataclass
class Inbound:
    """The validated parameters of one simulation."""

    kind: str
    to: str
    caller: str
    tenant: str | None = None
    body: str = ""
    media: list[Media] = field(default_factory=list)
    caller_name: str | None = None
    forwarded_from: str | None = None
    duration_s: int | None = None


def optional_string(params: dict[str, Any], key: str) -> str | None:
    value = params.get(key)
    if value is not None and not isinstance(value, str):
        raise ValueError(f"'{key}' must be a string")
    return value


def media_items(raw: Any) -> list[Media]:
    """`media`: URLs, or `{"url", "content_type", "size"}` objects; a bare URL's type is guessed from its name."""
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise ValueError("'media' must be a list of URLs or of {url, content_type, size} objects")
    items = []
    for position, item in enumerate(raw):
        content_type: Any = None
        size: Any = 0
        if isinstance(item, str):
            url = item
        elif isinstance(item, dict) and isinstance(item.get("url"), str):
            url, content_type, size = item["url"], item.get("content_type"), item.get("size", 0)
            if content_type is not None and not isinstance(content_type, str):
                raise ValueError(f"'media[{position}].content_type' must be a string")
            if isinstance(size, bool) or not isinstance(size, int) or size < 0:
                raise ValueError(f"'media[{position}].size' must be a whole number of bytes")
            unknown = set(item) - {"url", "content_type", "size"}
            if unknown:
                raise ValueError(f"'media[{position}]' has unknown keys: {', '.join(sorted(unknown))}")
        else:
            raise ValueError(f"'media[{position}]' must be a URL or an object with a string 'url'")
        if not url:
            raise ValueError(f"'media[{position}]' has an empty URL")
        guessed = mimetypes.guess_type(url.split("?")[0])[0]
        items.append(Media(url, content_type or guessed or "application/octet-stream", size))
    return items


def parse(kind: str, params: dict[str, Any]) -> Inbound:
    to, caller = params.get("to"), params.get("from")
    if not isinstance(to, str) or not isinstance(caller, str):
        raise ValueError("'to' and 'from' must be strings")
    duration = params.get("duration")
    if duration is not None and (isinstance(duration, bool) or not isinstance(duration, int) or duration < 0):
        raise ValueError("'duration' must be a whole number of seconds, 0 or more")
    body = params.get("body", "")
    if not isinstance(body, str):
        raise ValueError("'body' must be a string")
    return Inbound(
        kind=kind,
        to=to,
        caller=caller,
        tenant=optional_string(params, "tenant"),
        body=body,
        media=media_items(params.get("media")) if kind == "inbound-message" else [],
        caller_name=optional_string(params, "caller_name"),
        forwarded_from=optional_string(params, "forwarded_from"),
        duration_s=duration,
    )


async def simulate(provider: SignalwireProvider, kind: str, params: dict[str, Any]) -> dict[str, Any]:
    request = parse(kind, params)
    tenant, number = provider.backend.inbound_number(request.to, request.tenant)
    project = provider.backend.signing_project(tenant)
    answer: dict[str, Any] = {
        "provider": provider.name,
        "kind": kind,
        "tenant": tenant,
        "project_id": project["id"],
        "number": {"id": number["id"], "number": number["number"]},
    }
    if kind == "inbound-call":
        answer.update(await inbound_call(provider, tenant, project, number, request))
    else:
        answer.update(await inbound_message(provider, tenant, project, number, request))
    return answer


async def inbound_call(
    provider: SignalwireProvider, tenant: str, project: Project, number: PhoneNumber, request: Inbound
) -> dict[str, Any]:
    handler = number["call_handler"]
    answer: dict[str, Any] = {"handler": handler, "call_sid": uuid4_text()}
    if not {"voice", "fax"} & set(number["capabilities"]):
        return answer | refused("the number has neither the voice nor the fax capability; the call is refused")
    if handler == "laml_webhooks":
        return answer | await inbound.laml_call(provider, tenant, project, number, request, answer["call_sid"])
    if handler == "relay_script":
        return answer | await inbound.swml_call(provider, project, number, request, answer["call_sid"])
    return answer | routed(number, handler, CALL_TARGETS, "call")


async def inbound_message(
    provider: SignalwireProvider, tenant: str, project: Project, number: PhoneNumber, request: Inbound
) -> dict[str, Any]:
    """A SWML webhook bound to the number's messages (a Fabric resource) wins over `message_handler`."""
    swml = number["message_swml_webhook"] is not None
    handler = SWML_WEBHOOK if swml else number["message_handler"]
    answer: dict[str, Any] = {"handler": handler, "message_sid": uuid4_text()}
    needed = "mms" if request.media else "sms"
    if needed not in number["capabilities"]:
        return answer | refused(f"the number has no {needed} capability; the message is not delivered")
    if swml:
        return answer | await messaging.swml_message(provider, tenant, project, number, request, answer["message_sid"])
    if handler == "laml_webhooks":
        return answer | await inbound.laml_message(provider, project, number, request, answer["message_sid"])
    return answer | routed(number, handler, MESSAGE_TARGETS, "message")


def refused(note: str) -> dict[str, Any]:
    return {"delivered": False, "requests": [], "reply": None, "note": note}


def routed(number: PhoneNumber, handler: str | None, targets: dict[str, tuple[str, str]], what: str) -> dict[str, Any]:
    """A handler that does not fetch anything over HTTP: where the call or message goes."""
    if handler is None:
        return refused(f"the number has no {what} handler; the {what} is not answered")
    key, label = targets.get(handler, (None, handler.replace("_", " ")))
    target = number.get(key) if key else None
    where = f"{label} {target}" if target else label
    if handler == "ai_agent" and number.get("calling_handler_resource_id"):
        where += f" (Fabric resource {number['calling_handler_resource_id']})"
    return {
        "delivered": True,
        "requests": [],
        "reply": None,
        "target": target,
        "note": f"delivered to {where}; this handler sends nothing over HTTP, so there is nothing to emulate",
    }
