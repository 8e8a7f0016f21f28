"""Conversation events: what a call's lifecycle sends to the webhooks that subscribe to it.

Inferred, as for `phone_call:connection_requested` (no delivery format is documented; see the
`webhooks:` of contracts/specs/voiceos.yaml): an event goes to every webhook whose `events`
include it, the phone number's first, then those of the conversation's agent configuration
(phone-number webhooks may subscribe to `phone_call:connection_requested` only, so in practice
the agent's). Each is called with its `method` (POST: the event as a JSON body; GET: its flat
fields as query parameters after the URL's own) and its `headers` verbatim, which are the only
authentication: no signature, one attempt, no retry. `filter` is stored but not evaluated.

Unlike the connection request, nothing waits for the answer: events go through the outbox, so
every attempt is kept at /_telemock/deliveries, in order per conversation and URL.

The emulator simulates a call's lifecycle, not what is said in it, so the events about speech,
messages, function calls and durations (`speech:*`, `message:*`, `function_call:triggered`,
`conversation:duration`) are never sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import orjson

from ...core.outbox import Message
from ...core.webhooks import DeliveryPolicy
from .models import render_conversation, render_time
from .state import Conversation, StoredWebhook

if TYPE_CHECKING:
    from .backend_accounts import AccountBackend

ACCEPTED = "phone_call:accepted"
REJECTED = "phone_call:rejected"
STARTED = "conversation:started"
ENDED = "conversation:ended"
LIFECYCLE = (ACCEPTED, REJECTED, STARTED, ENDED)


@dataclass(frozen=True)
class VoiceosWebhookFormat:
    """No signature: the webhook's configured headers, set on each message, are all VoiceOS adds."""

    name: str = "voiceos"
    content_type: str = "application/json"

    def signed_headers(
        self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int
    ) -> dict[str, str]:
        return {}

    def new_secret(self) -> str:
        return ""

    def check_secret(self, secret: str) -> str | None:
        return "VoiceOS webhooks are not signed: they take no secret" if secret else None


FORMAT = VoiceosWebhookFormat()


def call_number(conversation: Conversation) -> str | None:
    """The account's number in the call: the one called (inbound) or the one calling (outbound)."""
    call = conversation["phone_call"]
    if call is None:
        return None
    return call["from_number"] if conversation["type"] == "outbound_phone_call" else call["to_number"]


def subscribed(hooks: list[StoredWebhook], event: str) -> list[StoredWebhook]:
    return [hook for hook in hooks if event in hook["events"]]


def event_fields(event: str, conversation: Conversation, account_id: str, at_us: int) -> dict[str, str]:
    """The flat fields, in the spec's key order (ConversationEvent); a GET webhook gets only these."""
    return {
        "event": event,
        "account_id": account_id,
        "conversation_id": conversation["id"],
        "timestamp": render_time(at_us) or "",
    }


def with_query(url: str, fields: dict[str, str]) -> str:
    """The URL with the fields appended to its own query; an unparseable URL is left for the attempt to fail."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    query = urlencode([*parse_qsl(parts.query, keep_blank_values=True), *fields.items()])
    return urlunsplit(parts._replace(query=query))


def request_headers(hook: StoredWebhook, has_body: bool) -> dict[str, str]:
    """The configured headers verbatim; a JSON body adds its Content-Type unless one is configured."""
    headers = dict(hook["headers"])
    if has_body and not any(name.lower() == "content-type" for name in headers):
        headers = {"content-type": FORMAT.content_type, **headers}
    return headers


def announce(
    backend: "AccountBackend", tenant: str, event: str, conversation: Conversation, at_us: int
) -> list[Message]:
    """Queues `event` about the conversation for every webhook that subscribes to it."""
    state = backend.tenant(tenant)
    number = state["numbers"].get(call_number(conversation) or "")
    hooks = subscribed(number["webhooks"] if number else [], event)
    hooks += subscribed(conversation["agent_config"]["webhooks"], event)
    if not hooks:
        return []
    account_id = state["account"]["id"]
    fields = event_fields(event, conversation, account_id, at_us)
    body = orjson.dumps({**fields, "conversation": render_conversation(conversation, account_id)})
    provider = backend.provider
    policy = DeliveryPolicy(attempt_delays_s=(0.0,), timeout_s=backend.settings.event_webhook_timeout_seconds)
    sent = []
    for hook in hooks:
        posted = hook["method"] == "POST"
        sent.append(
            provider.runtime.outbox.send(
                provider=provider.name,
                tenant=tenant,
                url=hook["url"] if posted else with_query(hook["url"], fields),
                method=hook["method"],
                body=body if posted else b"",
                headers=request_headers(hook, posted),
                fmt=FORMAT,
                policy=policy,
                event_type=event,
                ordering_key=conversation["id"],
                occurred_us=at_us,
            )
        )
    return sent


def sent_for(backend: "AccountBackend", tenant: str, conversation_id: str) -> list[dict[str, Any]]:
    """The events queued so far about one conversation, as the simulation reports them."""
    return [
        {"event": m.event_type, "delivery_id": m.id, "method": m.method, "url": m.url}
        for m in backend.provider.runtime.outbox.query(provider=backend.provider.name, tenant=tenant)
        if m.ordering_key == conversation_id and m.event_type in LIFECYCLE
    ]
