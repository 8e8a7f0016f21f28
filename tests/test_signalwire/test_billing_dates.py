"""A purchased number's next billing date: its monthly anniversary, clipped to short months."""

from __future__ import annotations

import calendar
from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from telemock.emulator.core.clock import from_datetime, to_datetime
from telemock.emulator.providers.signalwire.models import _anniversaries, next_billed_us


def months_on(moment: datetime, months: int) -> datetime:
    """The calendar's answer: the same day and time `months` later, or that month's last day."""
    index = moment.month - 1 + months
    year, month = moment.year + index // 12, index % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, calendar.monthrange(year, month)[1]))


EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def exact_us(moment: datetime) -> int:
    """Microseconds since the epoch, in integers (a float timestamp loses the last digit past 2100)."""
    return (moment - EPOCH) // timedelta(microseconds=1)


moments = st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2400, 12, 31)).map(
    lambda moment: moment.replace(tzinfo=timezone.utc))


@settings(max_examples=300, deadline=None)
@given(moments, st.integers(min_value=1, max_value=48))
def test_anniversaries_fall_on_the_calendars_day_and_time(created: datetime, months: int) -> None:
    created_us = exact_us(created)
    want = (exact_us(months_on(created, months)), exact_us(months_on(created, months + 1)))
    assert _anniversaries.__wrapped__(created_us, months) == want


def test_month_ends_and_leap_days() -> None:
    january_31 = from_datetime(datetime(2024, 1, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc))
    feb, march = _anniversaries.__wrapped__(january_31, 1)
    assert to_datetime(feb) == datetime(2024, 2, 29, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    assert to_datetime(march) == datetime(2024, 3, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    century = from_datetime(datetime(1900, 1, 30, tzinfo=timezone.utc))
    assert to_datetime(_anniversaries.__wrapped__(century, 1)[0]).day == 28  # 1900 was not a leap year
    now = from_datetime(datetime(2024, 5, 1, tzinfo=timezone.utc))  # bought on 31 January: May's comes next
    assert to_datetime(next_billed_us(january_31, now)) == datetime(2024, 5, 31, 23, 59, 59, 999_999, tzinfo=timezone.utc)

