"""The virtual clock: real time by default, frozen, advanced, set, and monotonic write stamps."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from telemock.emulator.core.clock import MICROS, VirtualClock, rfc3339


class FakeWall:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_follows_the_wall_clock_by_default():
    wall = FakeWall(1_000.0)
    clock = VirtualClock(wall)
    assert clock.now_us() == 1_000 * MICROS
    wall.now = 1_005.5
    assert clock.now_us() == 1_005_500_000


def test_freeze_advance_resume():
    wall = FakeWall(1_000.0)
    clock = VirtualClock(wall)
    clock.freeze()
    wall.now = 2_000.0
    assert clock.now_us() == 1_000 * MICROS
    clock.advance(3600)
    assert clock.now_us() == 4_600 * MICROS
    clock.resume()
    wall.now = 2_010.0
    assert clock.now_us() == 4_610 * MICROS
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_set_moves_to_an_instant_in_both_modes():
    wall = FakeWall(1_000.0)
    clock = VirtualClock(wall)
    target = datetime(2030, 1, 1, tzinfo=timezone.utc)
    clock.set(target)
    assert clock.now() == target
    wall.now += 10
    assert clock.now_us() == round(target.timestamp() * MICROS) + 10 * MICROS
    clock.freeze()
    clock.set(datetime(2020, 5, 5, tzinfo=timezone.utc))
    assert rfc3339(clock.now_us()) == "2020-05-05T00:00:00.000000Z"


def test_write_stamps_strictly_increase_on_a_frozen_clock():
    clock = VirtualClock(FakeWall(1_000.0))
    clock.freeze()
    stamps = [clock.stamp_us() for _ in range(1000)]
    assert stamps == sorted(set(stamps))
    assert stamps[0] == 1_000 * MICROS


def test_listeners_hear_every_change_and_snapshot_restores():
    clock = VirtualClock(FakeWall(1_000.0))
    heard: list[str] = []
    clock.on_change(lambda: heard.append("x"))
    clock.freeze()
    clock.advance(5)
    snapshot = clock.snapshot()
    clock.set_real_time()
    assert len(heard) == 3
    clock.restore(snapshot)
    assert clock.frozen and clock.now_us() == 1_005 * MICROS


def test_times_go_to_microseconds_and_back_exactly() -> None:
    """In integers: a float of seconds lost the last microsecond of times past 2100."""
    from datetime import timedelta

    from hypothesis import given, settings
    from hypothesis import strategies as st

    from telemock.emulator.core.clock import from_datetime, to_datetime

    epoch = datetime(1970, 1, 1, tzinfo=timezone.utc)

    @settings(max_examples=200, deadline=None)
    @given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2400, 12, 31)))
    def round_trip(naive: datetime) -> None:
        moment = naive.replace(tzinfo=timezone.utc)
        exact = (moment - epoch) // timedelta(microseconds=1)
        assert from_datetime(moment) == from_datetime(naive) == exact
        assert to_datetime(exact) == moment

    round_trip()
    assert from_datetime(datetime(2104, 7, 8, 0, 0, 0, 7, tzinfo=timezone.utc)) % MICROS == 7
