"""What the outbox and the timers tell the state file between two writes.

The outbox reports each message it queues, attempts, replays or forgets, so a write carries just
those; work that runs outside any request (a delivery attempt, a lifecycle timer) asks for a
write as soon as it has run. Without a state file the outbox and timers keep their silent
listeners and pay nothing.
"""

from __future__ import annotations

from collections.abc import Callable

from ..outbox import TIMER_PREFIX as OUTBOX_TIMERS
from ..outbox import OutboxListener
from ..timers import TimersListener


class ChangeLog(OutboxListener, TimersListener):
    """Message ids changed or removed since the last write, and the hooks that write after background work."""

    def __init__(self, after_attempt: Callable[[], None], after_timers: Callable[[], None]) -> None:
        self.changed: set[str] = set()
        self.removed: set[str] = set()
        self._after_attempt = after_attempt
        self._after_timers = after_timers

    @property
    def pending(self) -> bool:
        return bool(self.changed or self.removed)

    def message_changed(self, message_id: str) -> None:
        self.changed.add(message_id)
        self.removed.discard(message_id)

    def message_removed(self, message_id: str) -> None:
        self.removed.add(message_id)
        self.changed.discard(message_id)

    def attempt_finished(self) -> None:
        self._after_attempt()

    def timers_ran(self, keys: list[str]) -> None:
        if any(not key.startswith(OUTBOX_TIMERS) for key in keys):  # a due delivery changes nothing until attempted
            self._after_timers()

    def take(self) -> tuple[set[str], set[str]]:
        """The changed and removed ids, forgotten here until `put_back` (a failed write)."""
        taken = self.changed, self.removed
        self.changed, self.removed = set(), set()
        return taken

    def put_back(self, changed: set[str], removed: set[str]) -> None:
        self.changed |= changed
        self.removed |= removed
