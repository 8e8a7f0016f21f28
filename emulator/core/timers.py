"""Work due at virtual instants: lifecycle transitions and webhook attempts run when the clock gets there.

Two things move virtual time forward: the wall clock (when the clock is not frozen) and the
control API (freeze, advance, set). A jump runs every timer it passes, in due order and before
the clock call returns, so a test that advances ten hours sees the ten hours' events in order.
A background task covers the wall-clock case while the app runs.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
from typing import Callable

from .clock import MICROS, VirtualClock

log = logging.getLogger("telemock.timers")

Callback = Callable[[int], None]
# Longest real sleep between checks; a safety net in case a wake-up is ever missed.
MAX_SLEEP_S = 30.0


class TimersListener:
    """Told when timers have run, so a state file can write what they changed. This base hears nothing."""

    def timers_ran(self, keys: list[str]) -> None:
        """The timers with these keys just ran (once per batch, after the last of them)."""


class Timers:
    """A keyed heap of callbacks, each called once with its due instant (µs) when virtual time reaches it.

    Scheduling a key again replaces its previous timer, so an owner keeps at most one timer
    per resource. Everything runs on the event loop that started the timers; calls made
    from another thread (a test poking the clock directly) are handed over to that loop.
    """

    def __init__(self, clock: VirtualClock) -> None:
        self.clock = clock
        self._heap: list[tuple[int, int, str]] = []
        self._entries: dict[str, tuple[int, int, Callback]] = {}
        self._seq = itertools.count()
        self._running = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task[None] | None = None
        self.listener = TimersListener()
        clock.on_change(self._clock_changed)

    # --- scheduling --------------------------------------------------------------------------

    def schedule(self, key: str, due_us: int, callback: Callback) -> None:
        seq = next(self._seq)
        self._entries[key] = (due_us, seq, callback)
        heapq.heappush(self._heap, (due_us, seq, key))
        if self._heap[0][1] == seq:
            self._poke()

    def cancel(self, key: str) -> None:
        self._entries.pop(key, None)

    def cancel_prefix(self, prefix: str) -> None:
        """Drops every timer whose key starts with `prefix` (an owner rebuilding its timers)."""
        for key in [k for k in self._entries if k.startswith(prefix)]:
            del self._entries[key]

    def due_of(self, key: str) -> int | None:
        entry = self._entries.get(key)
        return entry[0] if entry else None

    def next_due_us(self) -> int | None:
        while self._heap:
            due, seq, key = self._heap[0]
            entry = self._entries.get(key)
            if entry is not None and entry[1] == seq:
                return due
            heapq.heappop(self._heap)
        return None

    def run_due(self) -> None:
        """Runs every timer due by now, earliest first; timers they schedule run too if already due."""
        if self._running:
            return
        self._running = True
        ran: list[str] = []
        try:
            while True:
                due = self.next_due_us()
                if due is None or due > self.clock.now_us():
                    break
                _, _, key = heapq.heappop(self._heap)
                _, _, callback = self._entries.pop(key)
                ran.append(key)
                try:
                    callback(due)
                except Exception:  # one broken timer must not stop the others
                    log.exception("timer %s failed", key)
        finally:
            self._running = False
        if ran:
            self.listener.timers_ran(ran)

    # --- the background task -----------------------------------------------------------------

    async def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._task = asyncio.create_task(self._run(), name="telemock-timers")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        self._loop = None
        self._wake = None

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            self._wake.clear()
            self.run_due()
            try:
                await asyncio.wait_for(self._wake.wait(), self._sleep_seconds())
            except TimeoutError:
                pass

    def _sleep_seconds(self) -> float | None:
        due = self.next_due_us()
        if due is None or self.clock.frozen:
            return None if due is None else MAX_SLEEP_S
        return min(MAX_SLEEP_S, max(0.0, (due - self.clock.now_us()) / MICROS))

    # --- wake-ups ------------------------------------------------------------------------------

    def _on_loop_thread(self) -> bool:
        if self._loop is None:
            return True
        return asyncio._get_running_loop() is self._loop  # None off any loop, without raising

    def _poke(self) -> None:
        if self._loop is None or self._wake is None:
            return
        if self._on_loop_thread():
            self._wake.set()
        else:
            self._loop.call_soon_threadsafe(self._wake.set)

    def _clock_changed(self) -> None:
        if self._on_loop_thread():
            self.run_due()
            self._poke()
        elif self._loop is not None:
            self._loop.call_soon_threadsafe(self._clock_changed)
