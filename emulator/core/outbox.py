"""The outbox: every webhook message a provider sends, its attempts, its schedule and its turn.

Providers put messages in with `send` (one URL: a customer's webhook_uri, a number's handler
URL) or `publish` (fan-out to the endpoints registered for a tenant). The delivery worker takes
ready messages out, attempts them and reports back; the outbox decides what happens next on
the virtual clock. Pending messages are never dropped while the emulator runs; finished ones
are kept up to a bounded history.
"""

from __future__ import annotations

import asyncio
import itertools
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from .clock import MICROS, VirtualClock, rfc3339
from .endpoints import EndpointRegistry
from .ids import base62_id
from .timers import Timers
from .webhooks import DeliveryPolicy, WebhookFormat

PENDING, SENDING, SUCCEEDED, FAILED = "pending", "sending", "succeeded", "failed"
STATUSES = (PENDING, SENDING, SUCCEEDED, FAILED)
MAX_BODY_CHARS = 64 * 1024
TIMER_PREFIX = "outbox:"


def clip(raw: bytes | str) -> str:
    text = raw if isinstance(raw, str) else raw[:MAX_BODY_CHARS].decode("utf-8", errors="replace")
    if not isinstance(raw, str) and len(raw) > MAX_BODY_CHARS:
        text += f"…[{len(raw) - MAX_BODY_CHARS} more bytes]"
    return text


@dataclass
class Message:
    """One message to one destination, with every attempt made so far."""

    id: str
    message_id: str
    seq: int
    provider: str
    tenant: str | None
    url: str
    method: str
    body: bytes
    headers: dict[str, str]
    secret: str | None
    format: str
    policy: DeliveryPolicy
    event_type: str | None
    ordering_key: str | None
    endpoint: str | None
    created_us: int
    occurred_us: int
    status: str = PENDING
    next_attempt_us: int | None = None
    cycle_start: int = 0
    finished_seq: int = 0
    attempts: list[dict[str, Any]] = field(default_factory=list)

    @property
    def lane(self) -> tuple[str, str] | None:
        """Messages in one lane are delivered one after the other, in sending order."""
        if not self.policy.ordered or self.ordering_key is None:
            return None
        return (self.endpoint or self.url, self.ordering_key)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "message_id": self.message_id,
            "provider": self.provider,
            "tenant": self.tenant,
            "type": self.event_type,
            "endpoint": self.endpoint,
            "url": self.url,
            "method": self.method,
            "ordering_key": self.ordering_key,
            "status": self.status,
            "created": rfc3339(self.created_us),
            "occurred": rfc3339(self.occurred_us),
            "next_attempt": rfc3339(self.next_attempt_us) if self.next_attempt_us is not None else None,
            "attempts_left": max(0, len(self.policy.attempt_delays_s) - (len(self.attempts) - self.cycle_start)),
            "request": {"headers": dict(self.headers), "body": clip(self.body)},
            "attempts": self.attempts,
        }


class OutboxListener:
    """Told what changed in the outbox, so a state file can write just that. This base hears nothing."""

    def message_changed(self, message_id: str) -> None:
        """The message was queued, attempted or replayed."""

    def message_removed(self, message_id: str) -> None:
        """The message is gone: cleared by a reset, or pushed out of the bounded history."""

    def attempt_finished(self) -> None:
        """A delivery attempt has been recorded (the worker's work, outside any request)."""


class Outbox:
    """Messages by id, their delivery lanes, the ready queue and the waiters of wait-for queries.

    Like the tenant stores, it belongs to the event loop that serves the app: handlers, timers
    and the worker all call it from there (code on another thread hands calls over with
    `loop.call_soon_threadsafe`).
    """

    def __init__(self, clock: VirtualClock, timers: Timers, endpoints: EndpointRegistry, capacity: int = 1000) -> None:
        self.clock = clock
        self.timers = timers
        self.endpoints = endpoints
        self.capacity = capacity
        self.formats: dict[str, WebhookFormat] = {}
        self.messages: dict[str, Message] = {}
        self._lanes: dict[tuple[str, str], deque[str]] = {}
        self._ready: deque[str] = deque()
        self._finished: deque[tuple[str, int]] = deque()
        self._finished_count = 0
        self._seq = itertools.count(1)
        self._waiters: set[asyncio.Future[None]] = set()
        self.listener = OutboxListener()

    # --- what providers call ------------------------------------------------------------------

    def send(
        self,
        *,
        provider: str,
        tenant: str | None,
        url: str,
        body: bytes,
        fmt: WebhookFormat,
        policy: DeliveryPolicy,
        secret: str | None = None,
        event_type: str | None = None,
        ordering_key: str | None = None,
        method: str = "POST",
        headers: dict[str, str] | None = None,
        endpoint: str | None = None,
        message_id: str | None = None,
        occurred_us: int | None = None,
    ) -> Message:
        """Queues one message for `url`; its first attempt is due `policy.attempt_delays_s[0]` from now."""
        self.formats[fmt.name] = fmt  # the latest wins: settings may change a provider's format
        now = self.clock.now_us()
        message = Message(
            id=base62_id("dlv_", 24),
            message_id=message_id or base62_id("msg_", 27),
            seq=next(self._seq),
            provider=provider,
            tenant=tenant,
            url=url,
            method=method.upper(),
            body=body,
            headers=dict(headers or {}),
            secret=secret,
            format=fmt.name,
            policy=policy,
            event_type=event_type,
            ordering_key=ordering_key,
            endpoint=endpoint,
            created_us=now,
            occurred_us=now if occurred_us is None else occurred_us,
            next_attempt_us=now + round(policy.attempt_delays_s[0] * MICROS),
        )
        self.messages[message.id] = message
        lane = message.lane
        if lane is not None:
            self._lanes.setdefault(lane, deque()).append(message.id)
        self._arm(message)
        self.listener.message_changed(message.id)
        self._changed()
        return message

    def publish(
        self,
        *,
        provider: str,
        tenant: str,
        event_type: str,
        body: bytes | Callable[[], bytes],
        policy: DeliveryPolicy | Callable[[], DeliveryPolicy],
        ordering_key: str | None = None,
        occurred_us: int | None = None,
    ) -> list[Message]:
        """Sends one event to every endpoint of the tenant that accepts its type (same message id for all).

        `body` and `policy` may be functions that make them: they are called only when an endpoint
        takes the event, so nothing is built or encoded for an event nobody listens to."""
        targets = self.endpoints.matching(provider, tenant, event_type)
        if not targets:
            return []
        if callable(body):
            body = body()
        if callable(policy):
            policy = policy()
        fmt = self.endpoints.formats[provider]
        message_id = base62_id("msg_", 27)
        return [
            self.send(
                provider=provider,
                tenant=tenant,
                url=endpoint["url"],
                body=body,
                fmt=fmt,
                policy=policy,
                secret=endpoint["secret"],
                event_type=event_type,
                ordering_key=ordering_key,
                endpoint=endpoint["id"],
                message_id=message_id,
                occurred_us=occurred_us,
            )
            for endpoint in targets
        ]

    # --- scheduling ---------------------------------------------------------------------------

    def _arm(self, message: Message) -> None:
        """Sets a timer for the message's next attempt, unless an earlier message of its lane is unfinished."""
        lane = message.lane
        if lane is not None and message.status == PENDING:
            queue = self._lanes.get(lane)
            if queue and queue[0] != message.id and message.id in queue:
                return
        if message.next_attempt_us is not None:
            message_id = message.id
            self.timers.schedule(TIMER_PREFIX + message_id, message.next_attempt_us, lambda _due: self._due(message_id))

    def _due(self, message_id: str) -> None:
        message = self.messages.get(message_id)
        if message is not None and message.status == PENDING:
            self._ready.append(message_id)
            self._changed()

    # --- what the delivery worker calls -------------------------------------------------------

    def take_ready(self) -> Message | None:
        """The next message whose attempt is due, now marked as sending; None when there is none."""
        while self._ready:
            message = self.messages.get(self._ready.popleft())
            if message is not None and message.status == PENDING:
                message.status = SENDING
                message.next_attempt_us = None
                return message
        return None

    def has_ready(self) -> bool:
        return bool(self._ready)

    def finish_attempt(self, message: Message, attempt: dict[str, Any], succeeded: bool) -> None:
        """Records an attempt; schedules the next one, or ends the message and lets its lane move on."""
        if self.messages.get(message.id) is not message:
            return  # dropped by a reset while the attempt was in flight
        attempt["attempt"] = len(message.attempts) + 1
        message.attempts.append(attempt)
        used = len(message.attempts) - message.cycle_start
        delays = message.policy.attempt_delays_s
        if succeeded or used >= len(delays):
            message.status = SUCCEEDED if succeeded else FAILED
            message.next_attempt_us = None
            self._finish(message)
        else:
            message.status = PENDING
            message.next_attempt_us = self.clock.now_us() + round(delays[used] * MICROS)
            self._arm(message)
        self.listener.message_changed(message.id)
        self._changed()
        self.timers.run_due()
        self.listener.attempt_finished()

    def _finish(self, message: Message) -> None:
        self.leave_lane(message)
        message.finished_seq = next(self._seq)
        self._finished.append((message.id, message.finished_seq))
        self._finished_count += 1
        while self._finished_count > self.capacity and self._finished:
            old_id, finished_seq = self._finished.popleft()
            old = self.messages.get(old_id)
            if old is not None and old.finished_seq == finished_seq and old.status in (SUCCEEDED, FAILED):
                del self.messages[old_id]
                self._finished_count -= 1
                self.listener.message_removed(old_id)

    def leave_lane(self, message: Message) -> None:
        """Takes a message out of its ordering lane, letting the lane's next message go first.

        A finished message leaves its lane; so does one a `reorder` fault holds back.
        """
        lane = message.lane
        queue = self._lanes.get(lane) if lane is not None else None
        if queue is None or message.id not in queue:
            return
        was_head = queue[0] == message.id
        queue.remove(message.id)
        if not queue:
            del self._lanes[lane]  # type: ignore[arg-type]
        elif was_head:
            head = self.messages.get(queue[0])
            if head is not None and head.status == PENDING:
                self._arm(head)

    # --- what the control API calls -----------------------------------------------------------

    def replay(self, message_id: str) -> Message:
        """Sends a finished message again (same webhook id), with a fresh set of attempts, out of lane order."""
        message = self.messages.get(message_id)
        if message is None:
            raise LookupError(f"no delivery {message_id!r}")
        if message.status not in (SUCCEEDED, FAILED):
            raise ValueError(f"delivery {message_id} is still {message.status}; only finished deliveries can be replayed")
        message.status = PENDING
        message.finished_seq = 0
        self._finished_count -= 1
        message.cycle_start = len(message.attempts)
        message.next_attempt_us = self.clock.now_us()
        self._arm(message)  # not in its lane any more, so it does not wait for the lane's turn
        self.listener.message_changed(message.id)
        self._changed()
        return message

    def get(self, message_id: str) -> Message | None:
        return self.messages.get(message_id)

    def query(
        self,
        *,
        provider: str | None = None,
        tenant: str | None = None,
        event_type: str | None = None,
        status: str | None = None,
        endpoint: str | None = None,
    ) -> list[Message]:
        """Matching messages, oldest first."""
        return [
            m
            for m in self.messages.values()
            if (provider is None or m.provider == provider)
            and (tenant is None or m.tenant == tenant)
            and (event_type is None or m.event_type == event_type)
            and (status is None or m.status == status)
            and (endpoint is None or m.endpoint == endpoint)
        ]

    async def wait_until(
        self, condition: Callable[[], bool], timeout: float, interrupt: asyncio.Future[None] | None = None
    ) -> bool:
        """Waits (without polling) until `condition()` holds, `timeout` real seconds pass, or
        `interrupt` is done (the server is stopping); returns whether the condition holds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not condition():
            remaining = deadline - loop.time()
            if remaining <= 0 or (interrupt is not None and interrupt.done()):
                return False
            waiter: asyncio.Future[None] = loop.create_future()
            self._waiters.add(waiter)
            try:
                await asyncio.wait((waiter,) if interrupt is None else (waiter, interrupt), timeout=remaining,
                                   return_when=asyncio.FIRST_COMPLETED)
            finally:
                self._waiters.discard(waiter)
                waiter.cancel()
        return True

    def clear(self, provider: str | None = None, tenant: str | None = None) -> None:
        """Forgets messages (pending ones too): all, one provider's or one tenant's. Used by reset."""
        for message in list(self.messages.values()):
            if (provider is None or message.provider == provider) and (tenant is None or message.tenant == tenant):
                del self.messages[message.id]
                self.timers.cancel(TIMER_PREFIX + message.id)
                if message.status in (SUCCEEDED, FAILED):
                    self._finished_count -= 1
                self.listener.message_removed(message.id)
        for lane, queue in list(self._lanes.items()):
            kept = deque(i for i in queue if i in self.messages)
            if kept:
                self._lanes[lane] = kept
                head = self.messages[kept[0]]
                if head.status == PENDING:
                    self._arm(head)
            else:
                del self._lanes[lane]
        self._finished = deque((i, s) for i, s in self._finished if i in self.messages)
        self._changed()

    def restore(self, messages: list[Message]) -> None:
        """Puts messages back as a state file kept them: lanes, history, sequence and timers.

        A message caught mid-attempt (the process died while sending) is attempted again now.
        """
        now = self.clock.now_us()
        top = 0
        for message in sorted(messages, key=lambda m: m.seq):
            top = max(top, message.seq, message.finished_seq)
            if message.status == SENDING:
                message.status = PENDING
                message.next_attempt_us = now
            self.messages[message.id] = message
            lane = message.lane
            if message.status == PENDING and lane is not None and message.cycle_start == 0:
                self._lanes.setdefault(lane, deque()).append(message.id)
        finished = sorted(
            (m for m in self.messages.values() if m.status in (SUCCEEDED, FAILED)), key=lambda m: m.finished_seq
        )
        self._finished = deque((m.id, m.finished_seq) for m in finished)
        self._finished_count = len(finished)
        self._seq = itertools.count(top + 1)
        for message in self.messages.values():
            if message.status == PENDING:
                self._arm(message)
        self._changed()

    def _changed(self) -> None:
        running = asyncio._get_running_loop()  # None off any loop; a C call, unlike get_running_loop's raise
        for waiter in list(self._waiters):
            if not waiter.done():
                loop = waiter.get_loop()
                if loop is running:
                    waiter.set_result(None)  # on its own loop: no self-pipe write to wake it
                else:
                    loop.call_soon_threadsafe(_resolve, waiter)


def _resolve(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)
