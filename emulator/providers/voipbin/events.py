"""VoIPBIN webhooks: the `{type, data}` envelope, the X-VoIPBIN-Signature HMAC, and where events go.

The service's webhook-manager sends every customer event to the customer's `webhook_uri` with
its `webhook_method`, signed with the customer's secret, trying 3 times 1 s apart on transport
errors and 5xx only. Events about an activeflow may also go to that activeflow's own
`webhook_uri` (profile switch `activeflow_events_to_own_webhook`), signed with the same secret.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlsplit

import orjson

from ...core.outbox import Message
from ...core.webhooks import DeliveryPolicy
from .models import render_activeflow, render_number
from .state import Activeflow, Number
from .traffic import Call, render_call, render_message
from .traffic import Message as TextMessage

if TYPE_CHECKING:
    from .provider import VoipbinProvider

SIGNATURE_HEADER = "X-VoIPBIN-Signature"
# Go's net/http client sends this when the caller sets no User-Agent, as webhook-manager does.
USER_AGENT = "Go-http-client/1.1"
SECRET_CHARS = 32  # customer-manager: StringGenerateRandom(32), base64url characters
HTTP_TOKEN = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")

# webhook-manager sendMessage: 3 tries, a 1 s sleep after each failure; only a transport error
# or a status >= 500 is a failure, so 1xx-4xx count as delivered. Its client times out at 30 s.
POLICY = DeliveryPolicy(attempt_delays_s=(0.0, 1.0, 1.0), timeout_s=30.0, ordered=True, success_statuses=range(100, 500))


def signature(secret: str, body: bytes) -> str:
    """`sha256=` + lowercase hex HMAC-SHA256 of the raw body, keyed with the secret's UTF-8 bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class VoipbinWebhookFormat:
    """Content-Type and, when the customer has a secret, the signature header."""

    name: str = "voipbin"
    content_type: str = "application/json"

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        headers = {"Content-Type": self.content_type, "User-Agent": USER_AGENT}
        if secret:
            headers[SIGNATURE_HEADER] = signature(secret, body)
        return headers

    def new_secret(self) -> str:
        return secrets.token_urlsafe(SECRET_CHARS)[:SECRET_CHARS]

    def check_secret(self, secret: str) -> str | None:
        return None if secret else "the secret must not be empty"


FORMAT = VoipbinWebhookFormat()


def envelope(event_type: str, data: dict[str, Any]) -> bytes:
    """Exactly two keys, in the service's order."""
    return orjson.dumps({"type": event_type, "data": data})


def delivery_method(method: str) -> str | None:
    """The method Go's http.NewRequest would use: "" means GET; a non-token method fails (None)."""
    if not method:
        return "GET"
    return method if HTTP_TOKEN.match(method) else None


def deliverable(uri: str) -> bool:
    """webhook-manager's URL check (scheme and host); private addresses are allowed here on purpose."""
    if not uri:
        return False
    try:
        parts = urlsplit(uri)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def emit(
    provider: "VoipbinProvider",
    tenant: str,
    event_type: str,
    render: Callable[[], dict[str, Any]],
    *,
    activeflow: Activeflow | None = None,
) -> list[Message]:
    """Queues one event for the customer's webhook (and the activeflow's own one); ordered per resource id.

    `render` makes the event's data: it is called only when a webhook would take the event."""
    customer = provider.store.tenants[tenant]["customer"]
    hooks = [(customer.get("webhook_uri") or "", customer.get("webhook_method") or "")]
    if activeflow is not None and activeflow.get("webhook_uri") and provider.profile.activeflow_events_to_own_webhook:
        hooks.append((activeflow["webhook_uri"], activeflow.get("webhook_method") or ""))
    # A webhook whose method or URL the service cannot use: it logs the failure and sends nothing.
    targets = [(uri, verb) for uri, method in hooks if (verb := delivery_method(method)) is not None and deliverable(uri)]
    if not targets:
        return []
    data = render()
    body = envelope(event_type, data)
    secret = customer.get("webhook_secret") or None
    occurred = provider.clock.now_us()
    return [
        provider.runtime.outbox.send(
            provider=provider.name, tenant=tenant, url=uri, method=verb, body=body, fmt=FORMAT, policy=POLICY,
            secret=secret, event_type=event_type, ordering_key=data["id"], occurred_us=occurred,
        )
        for uri, verb in targets
    ]


def number_event(provider: "VoipbinProvider", tenant: str, event_type: str, number: Number) -> list[Message]:
    """Sends `number_<event>` with the number as the API renders it."""
    return emit(provider, tenant, event_type, lambda: render_number(number, provider.profile))


def call_event(provider: "VoipbinProvider", tenant: str, event_type: str, call: Call) -> list[Message]:
    """Sends `call_<event>` with the call as call-manager's WebhookMessage renders it."""
    return emit(provider, tenant, event_type, lambda: render_call(call, provider.profile))


def message_event(provider: "VoipbinProvider", tenant: str, event_type: str, message: TextMessage) -> list[Message]:
    """Sends `message_<event>` with the message as message-manager's WebhookMessage renders it."""
    return emit(provider, tenant, event_type, lambda: render_message(message, provider.profile))


def activeflow_event(provider: "VoipbinProvider", tenant: str, event_type: str, activeflow: Activeflow) -> list[Message]:
    """Sends `activeflow_<event>` with the activeflow as the API renders it."""
    return emit(provider, tenant, event_type, lambda: render_activeflow(activeflow, provider.profile), activeflow=activeflow)
