"""Outbox messages as the state file stores them: one JSON document per message."""

from __future__ import annotations

import base64

import orjson

from ..outbox import Message
from ..webhooks import DeliveryPolicy


def message_to_json(message: Message) -> bytes:
    policy = message.policy
    statuses = policy.success_statuses
    return orjson.dumps(
        {
            "id": message.id,
            "message_id": message.message_id,
            "seq": message.seq,
            "provider": message.provider,
            "tenant": message.tenant,
            "url": message.url,
            "method": message.method,
            "body": base64.b64encode(message.body).decode(),
            "headers": message.headers,
            "secret": message.secret,
            "format": message.format,
            "policy": {
                "attempt_delays_s": list(policy.attempt_delays_s),
                "timeout_s": policy.timeout_s,
                "ordered": policy.ordered,
                "success_statuses": [statuses.start, statuses.stop, statuses.step],
            },
            "event_type": message.event_type,
            "ordering_key": message.ordering_key,
            "endpoint": message.endpoint,
            "created_us": message.created_us,
            "occurred_us": message.occurred_us,
            "status": message.status,
            "next_attempt_us": message.next_attempt_us,
            "cycle_start": message.cycle_start,
            "finished_seq": message.finished_seq,
            "attempts": message.attempts,
        }
    )


def message_from_json(raw: bytes) -> Message:
    data = orjson.loads(raw)
    policy = data.pop("policy")
    data["body"] = base64.b64decode(data["body"])
    data["policy"] = DeliveryPolicy(
        attempt_delays_s=tuple(policy["attempt_delays_s"]),
        timeout_s=policy["timeout_s"],
        ordered=policy["ordered"],
        success_statuses=range(*policy["success_statuses"]),
    )
    return Message(**data)
