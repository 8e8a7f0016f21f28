"""What a provider hands the delivery engine: how its webhooks are signed, and how they are retried.

The envelope (the body) is the provider's own business: it builds the bytes. The engine only
needs a `WebhookFormat` to add the provider's headers and signature to each attempt, and a
`DeliveryPolicy` to know when an attempt failed and when to try again. Standard Webhooks
(the Svix scheme) is provided here because it is a published standard, not one provider's.
"""

from __future__ import annotations

import base64
from functools import lru_cache
import hashlib
import hmac
import secrets
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class DeliveryPolicy:
    """When to attempt a message, what counts as success, and whether a resource's messages queue.

    attempt_delays_s: delay before each attempt, counted in virtual time from the failure of
        the previous one (the first entry, usually 0, is the first attempt); its length is the
        number of attempts before the message is marked failed.
    timeout_s: real seconds an attempt may take before it counts as failed.
    ordered: messages sharing an ordering key (one resource at one destination) are attempted
        one at a time, in the order they were sent; a failing message holds back the later
        ones until it succeeds or runs out of attempts.
    """

    attempt_delays_s: tuple[float, ...] = (0.0,)
    timeout_s: float = 15.0
    ordered: bool = True
    success_statuses: range = field(default=range(200, 300))

    def __post_init__(self) -> None:
        if not self.attempt_delays_s:
            raise ValueError("a delivery policy needs at least one attempt")
        if any(d < 0 for d in self.attempt_delays_s):
            raise ValueError("attempt delays must not be negative")


class WebhookFormat(Protocol):
    """A provider's way of signing and describing one HTTP delivery.

    name: unique key; messages refer to their format by it, so they stay plain data.
    content_type: the Content-Type of the body.
    """

    @property
    def name(self) -> str: ...

    @property
    def content_type(self) -> str: ...

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        """Headers for one attempt, computed afresh (timestamps and signatures change per attempt)."""
        ...

    def new_secret(self) -> str:
        """A fresh signing secret in the provider's format, for endpoints registered without one."""
        ...

    def check_secret(self, secret: str) -> str | None:
        """Why `secret` cannot be used with this format, or None when it can."""
        ...


@lru_cache(maxsize=256)
def signing_key(secret: str) -> bytes:
    """The key bytes of a `whsec_` secret, decoded once per secret rather than once per attempt."""
    return base64.b64decode(secret.removeprefix("whsec_"))


def standard_webhooks_signature(secret: str, message_id: str, timestamp: int, body: bytes) -> str:
    """`v1,<base64 HMAC-SHA256>` of `id.timestamp.body`, keyed by the base64 part of a `whsec_` secret."""
    mac = hmac.new(signing_key(secret), f"{message_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


@dataclass(frozen=True)
class StandardWebhooksFormat:
    """Standard Webhooks / Svix signing: `webhook-id`, `webhook-timestamp`, `webhook-signature`.

    `also_svix_headers` sends the same values again as `svix-id`/`svix-timestamp`/`svix-signature`,
    as stock Svix does. The timestamp is the real wall-clock second of the attempt, because
    receivers compare it with their own clock (5 minutes' tolerance).
    """

    name: str
    content_type: str = "application/json"
    also_svix_headers: bool = False
    # The signature covers a timestamp, so receivers can (and should) refuse stale deliveries.
    timestamped: bool = True

    def signed_headers(self, *, message_id: str, url: str, body: bytes, secret: str | None, wall_time: int) -> dict[str, str]:
        headers = {"content-type": self.content_type, "webhook-id": message_id, "webhook-timestamp": str(wall_time)}
        if secret:
            headers["webhook-signature"] = standard_webhooks_signature(secret, message_id, wall_time, body)
        if self.also_svix_headers:
            headers["svix-id"] = headers["webhook-id"]
            headers["svix-timestamp"] = headers["webhook-timestamp"]
            if secret:
                headers["svix-signature"] = headers["webhook-signature"]
        return headers

    def new_secret(self) -> str:
        return "whsec_" + base64.b64encode(secrets.token_bytes(24)).decode()

    def check_secret(self, secret: str) -> str | None:
        if not secret.startswith("whsec_"):
            return "a Standard Webhooks secret starts with 'whsec_'"
        try:
            key = base64.b64decode(secret.removeprefix("whsec_"), validate=True)
        except ValueError:
            return "the part after 'whsec_' must be base64"
        if not 24 <= len(key) <= 64:
            return "the secret must decode to 24-64 bytes"
        return None
