"""The delivery worker: takes due messages from the outbox and makes the HTTP attempts.

It runs as a task of the app's lifespan, with one HTTP client (`delivery_client.py`). Each attempt is signed
afresh by the message's format (the timestamp is the real time of the attempt), sent without
following redirects (a 3xx is a failure, as with Svix), and reported back to the outbox,
which decides on the virtual clock when to try again. The policy's timeout bounds the whole
attempt, and only the first 4 KiB of an answer are read, whatever the receiver sends.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any, Callable

from .clock import VirtualClock, rfc3339
from .delivery_client import DeliveryClient, DeliveryFailed
from .destinations import Destinations
from .outbox import Message, Outbox, clip

log = logging.getLogger("telemock.delivery")

MAX_RESPONSE_CHARS = 4096
# While the API is answering requests, an attempt starts at most this often: deliveries then take
# a few percent of the event loop and the API keeps its speed; alone, they go as fast as they can.
BUSY_PAUSE_S = 0.004


class DeliveryWorker:
    """Sends ready messages concurrently (up to `concurrency` at once)."""

    def __init__(
        self,
        outbox: Outbox,
        clock: VirtualClock,
        concurrency: int = 16,
        destinations: Destinations | None = None,
        activity: Callable[[], int] | None = None,
    ) -> None:
        """`activity` counts the API's requests: when it moved since the last attempt, the API is busy."""
        self.outbox = outbox
        self.clock = clock
        self.activity = activity or (lambda: 0)
        self.destinations = destinations or Destinations()
        self.concurrency = concurrency
        self.loop: asyncio.AbstractEventLoop | None = None
        self._client = DeliveryClient()
        self._task: asyncio.Task[None] | None = None
        self._inflight: set[asyncio.Task[None]] = set()

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        self.loop = asyncio.get_running_loop()
        self._client.prepare()
        self._task = asyncio.create_task(self._run(), name="telemock-delivery")

    async def stop(self) -> None:
        task, self._task = self._task, None
        tasks = [t for t in (task, *self._inflight) if t is not None]
        for pending in tasks:
            pending.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._inflight.clear()
        await self._client.close()
        self.loop = None

    async def _run(self) -> None:
        slots = asyncio.Semaphore(self.concurrency)
        seen = self.activity()
        while True:
            await self.outbox.wait_until(self.outbox.has_ready, 3600)
            now = self.activity()
            if now != seen:  # requests came since the last attempt: give way to them
                seen = now
                await asyncio.sleep(BUSY_PAUSE_S)
            await slots.acquire()
            message = self.outbox.take_ready()
            if message is None:
                slots.release()
                continue
            task = asyncio.create_task(self._attempt(message, slots))
            self._inflight.add(task)
            task.add_done_callback(self._inflight.discard)

    async def _attempt(self, message: Message, slots: asyncio.Semaphore) -> None:
        try:
            attempt, succeeded = await self._send(message)
        except Exception as exc:  # a broken format must fail the attempt, not the worker
            log.exception("delivery %s could not be attempted", message.id)
            attempt = self._record(message, {}, None, None, f"{type(exc).__name__}: {exc}", (time.perf_counter(), self.clock.now_us()))
            succeeded = False
        finally:
            slots.release()
        self.outbox.finish_attempt(message, attempt, succeeded)

    async def _send(self, message: Message) -> tuple[dict[str, Any], bool]:
        fmt = self.outbox.formats[message.format]
        wall = int(time.time())
        headers = dict(message.headers)
        headers.update(
            fmt.signed_headers(message_id=message.message_id, url=message.url, body=message.body, secret=message.secret, wall_time=wall)
        )
        started = (time.perf_counter(), self.clock.now_us())
        refusal = self.destinations.refusal(message.url)
        if refusal is not None:
            return self._record(message, headers, None, None, refusal, started), False
        try:
            # The whole attempt, answer included, must fit in the timeout (a per-read timeout would
            # let a receiver dribbling its body stretch it without end).
            async with asyncio.timeout(message.policy.timeout_s):
                status, answer_headers, excerpt = await self._client.exchange(
                    message.method, message.url, message.body or None, headers, MAX_RESPONSE_CHARS
                )
        except TimeoutError:
            return self._record(message, headers, None, None, "timeout", started), False
        except DeliveryFailed as exc:
            return self._record(message, headers, None, None, exc.reason, started), False
        succeeded = status in message.policy.success_statuses
        return self._record(message, headers, status, (answer_headers, excerpt), None, started), succeeded

    def _record(
        self,
        message: Message,
        headers: dict[str, str],
        status: int | None,
        response: tuple[dict[str, str], bytes] | None,
        error: str | None,
        started: tuple[float, int],
    ) -> dict[str, Any]:
        """One attempt as the control API shows it; `time` is the virtual instant it started."""
        return {
            "attempt": 0,
            "time": rfc3339(started[1]),
            "wall_time": int(time.time()),
            "status": status,
            "error": error,
            "latency_ms": round((time.perf_counter() - started[0]) * 1000, 3),
            "request": {"method": message.method, "url": message.url, "headers": headers},
            "response": None if response is None else {"headers": response[0], "body": clip(response[1])},
        }
