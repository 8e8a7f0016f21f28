"""Gigs events: CloudEvents-shaped JSON built by hand in the documented key order, then published.

The `cloudevents` SDK is not used on purpose: it rejects the camelCase `previousData`
extension and mangles the object-valued `actor`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import orjson

from .models import new_id, timestamp

if TYPE_CHECKING:
    from .backend import GigsBackend

SOURCE = "https://api.gigs.com"
PREFIX = "com.gigs.virtualNumber."
# Who caused an event: {"type": "apiKey", "apiKey": "apk_…"} for API calls, the system for timed steps.
Actor = dict[str, Any]
SYSTEM_ACTOR: Actor = {"type": "system"}


def envelope(
    *,
    event_type: str,
    actor: Actor,
    data: dict[str, Any],
    previous: dict[str, Any] | None,
    project: str,
    time: str,
    version: str,
) -> dict[str, Any]:
    """The event in the official key order; `previousData` only when given (on `*.updated`)."""
    event: dict[str, Any] = {
        "object": "event",
        "id": new_id("evt_"),
        "actor": actor,
        "data": data,
        "datacontenttype": "application/json",
    }
    if previous is not None:
        event["previousData"] = previous
    event.update(
        {
            "project": project,
            "source": SOURCE,
            "specversion": "1.0",
            "time": time,
            "type": event_type,
            "version": version,
        }
    )
    return event


def publish(
    backend: "GigsBackend",
    project: str,
    name: str,
    data: dict[str, Any],
    *,
    actor: Actor,
    at_us: int,
    previous: dict[str, Any] | None = None,
) -> None:
    """Sends `com.gigs.virtualNumber.<name>` to the project's endpoints, in order per virtual number."""
    provider = backend.provider

    def encoded() -> bytes:
        return orjson.dumps(envelope(
            event_type=PREFIX + name,
            actor=actor,
            data=data,
            previous=previous,
            project=project,
            time=timestamp(at_us, backend.fraction) or "",
            version=backend.tenant(project)["project"]["api_version"],
        ))

    provider.runtime.outbox.publish(
        provider=provider.name,
        tenant=project,
        event_type=PREFIX + name,
        body=encoded,
        policy=provider.delivery_policy,
        ordering_key=data["id"],
        occurred_us=at_us,
    )
