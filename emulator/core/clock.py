"""The virtual clock: the only source of time for everything the emulator writes."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from typing import Callable

MICROS = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


ONE_MICROSECOND = timedelta(microseconds=1)


def to_datetime(us: int) -> datetime:
    """In integers: a float of seconds loses the last microsecond of times past 2100."""
    return EPOCH + timedelta(microseconds=us)


def from_datetime(value: datetime) -> int:
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return (value - EPOCH) // ONE_MICROSECOND


@lru_cache(maxsize=4096)
def _whole_seconds(seconds: int, sep: str) -> str:
    return (EPOCH + timedelta(seconds=seconds)).isoformat(sep)[:19]


def utc_parts(us: int, sep: str = "T") -> tuple[str, int]:
    """`YYYY-MM-DD<sep>HH:MM:SS` and the microseconds: every rendering of a stamp starts here.

    Responses render several stamps each and neighbouring stamps share their second, so the
    date and time text is cached per second instead of formatted by strftime every time.
    """
    seconds, fraction = divmod(us, MICROS)
    return _whole_seconds(seconds, sep), fraction


def rfc3339(us: int) -> str:
    text, fraction = utc_parts(us)
    return f"{text}.{fraction:06d}Z"


class VirtualClock:
    """Real time by default; tests freeze, advance or set it to cover days in milliseconds.

    Times are integer microseconds since the epoch, so state stays plain JSON data.
    """

    def __init__(self, wall: Callable[[], float] = time.time) -> None:
        self._wall = wall
        self._offset_us = 0
        self._frozen_us: int | None = None
        self._last_stamp_us = 0
        self._listeners: list[Callable[[], None]] = []

    def now_us(self) -> int:
        if self._frozen_us is not None:
            return self._frozen_us
        return int(self._wall() * MICROS) + self._offset_us

    def now(self) -> datetime:
        return to_datetime(self.now_us())

    def stamp_us(self) -> int:
        """A write timestamp, strictly after the previous one.

        A frozen clock would otherwise give many writes the same instant and break
        newest-first cursors and "never goes backwards" guarantees.
        """
        now = self.now_us()
        stamp = now if now > self._last_stamp_us else self._last_stamp_us + 1
        self._last_stamp_us = stamp
        return stamp

    @property
    def last_stamp_us(self) -> int:
        """The latest write stamp handed out (0 after a reset of the clock)."""
        return self._last_stamp_us

    @property
    def frozen(self) -> bool:
        return self._frozen_us is not None

    def freeze(self) -> None:
        if self._frozen_us is None:
            self._frozen_us = self.now_us()
        self._changed()

    def resume(self) -> None:
        if self._frozen_us is not None:
            self._offset_us = self._frozen_us - int(self._wall() * MICROS)
            self._frozen_us = None
        self._changed()

    def advance(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError("seconds must not be negative; use set to move the clock back")
        delta = round(seconds * MICROS)
        if self._frozen_us is not None:
            self._frozen_us += delta
        else:
            self._offset_us += delta
        self._changed()

    def set(self, when: datetime) -> None:
        target = from_datetime(when)
        if self._frozen_us is not None:
            self._frozen_us = target
        else:
            self._offset_us = target - int(self._wall() * MICROS)
        self._last_stamp_us = 0
        self._changed()

    def set_real_time(self) -> None:
        """Back to the wall clock: unfrozen, no offset."""
        self._frozen_us = None
        self._offset_us = 0
        self._last_stamp_us = 0
        self._changed()

    def on_change(self, listener: Callable[[], None]) -> None:
        """Schedulers subscribe so a jump in virtual time wakes them at once."""
        self._listeners.append(listener)

    def _changed(self) -> None:
        for listener in self._listeners:
            listener()

    def describe(self) -> dict:
        now = self.now_us()
        return {
            "now": rfc3339(now),
            "frozen": self.frozen,
            "offset_seconds": (now - int(self._wall() * MICROS)) / MICROS,
        }

    def snapshot(self) -> dict:
        return {"now_us": self.now_us(), "frozen": self.frozen, "last_stamp_us": self.last_stamp_us}

    def restore(self, data: dict) -> None:
        now_us = int(data["now_us"])
        if data.get("frozen"):
            self._frozen_us = now_us
        else:
            self._frozen_us = None
            self._offset_us = now_us - int(self._wall() * MICROS)
        self._last_stamp_us = int(data.get("last_stamp_us", 0))
        self._changed()
