"""Delivery faults: the delivery worker with the `deliveries` fault rules applied to each attempt.

`delay` holds an attempt back, `duplicate` sends it more than once, `reorder` takes it out of
its ordering lane and holds it until a later message has been delivered, `drop` loses it (the
attempt fails and is retried per the provider's policy).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from ..clock import VirtualClock
from ..delivery import DeliveryWorker
from ..outbox import Message, Outbox
from .rules import Faults


class FaultyDelivery(DeliveryWorker):
    """The delivery worker with the `deliveries` fault rules applied to each attempt."""

    def __init__(self, outbox: Outbox, clock: VirtualClock, faults: Faults, **options: Any) -> None:
        super().__init__(outbox, clock, **options)
        self.faults = faults
        self.delivered = 0
        self._holding = 0
        self._progress = asyncio.Condition()

    async def _send(self, message: Message) -> tuple[dict[str, Any], bool]:
        rules = self.faults.delivery_rules(message) if self.faults.has_delivery_rules else []
        if not rules:
            result = await super()._send(message)
            await self._count_delivered()
            return result
        marks = [rule.mark for rule in rules]
        delay = sum(rule.delay_s() for rule in rules)
        dropped = next((r for r in rules if r.effect == "drop"), None)
        reorder = next((r for r in rules if r.effect == "reorder"), None)
        copies = max((r.copies for r in rules if r.effect == "duplicate"), default=1)
        if reorder is not None:
            self.outbox.leave_lane(message)
            await self._wait_for_overtaker(reorder.hold)
        if delay:
            await asyncio.sleep(delay)
        if dropped is not None:
            started = (time.perf_counter(), self.clock.now_us())
            attempt = self._record(message, {}, None, None, f"dropped by fault {dropped.id}", started)
            attempt["faults"] = marks
            return attempt, False
        attempt, succeeded = await super()._send(message)
        for _ in range(copies - 1):
            await super()._send(message)
        attempt["faults"] = marks
        await self._count_delivered()
        return attempt, succeeded

    async def _count_delivered(self) -> None:
        self.delivered += 1
        if self._holding:  # only a held (reordered) attempt waits for this
            async with self._progress:
                self._progress.notify_all()

    async def _wait_for_overtaker(self, hold: float) -> None:
        """Until one more delivery has completed, or `hold` real seconds have passed."""
        target = self.delivered + 1

        async def overtaken() -> None:
            async with self._progress:
                await self._progress.wait_for(lambda: self.delivered >= target)

        self._holding += 1
        try:
            await asyncio.wait_for(overtaken(), hold)
        except TimeoutError:
            pass
        finally:
            self._holding -= 1

