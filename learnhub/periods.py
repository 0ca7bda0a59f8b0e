"""Brief periods: weeks (Monday to Sunday), calendar months and calendar quarters, counted
in the Europe/London calendar whatever the server's time zone, so a period ends at
midnight where the partnerships are.

The arithmetic is total: any period of dates Python can hold has a previous period and
can be shifted, clamped to the first and last days there are (``date.min``,
``date.max``), so a stored period, however odd, never makes drafting fail. Which periods a
brief may cover is narrower, ``EARLIEST_DAY`` to ``LATEST_DAY``
(``evidence.services.briefs.brief_request`` refuses others). It lives in ``learnhub``
so that every app may count periods (the pulse app sits below evidence).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
CADENCES = (WEEKLY, MONTHLY, QUARTERLY)

#: The first and last days a brief's period may include.
EARLIEST_DAY = date(2000, 1, 1)
LATEST_DAY = date(2100, 12, 31)


@dataclass(frozen=True, order=True)
class Period:
    start: date
    end: date

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def describe(self) -> str:
        """``1 to 31 October 2026``, ``29 December 2025 to 4 January 2026``."""
        if self.start.year != self.end.year:
            return f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"
        if self.start.month != self.end.month:
            return f"{self.start:%-d %B} to {self.end:%-d %B %Y}"
        return f"{self.start:%-d} to {self.end:%-d %B %Y}"


def london_today(now: datetime | None = None) -> date:
    return timezone.localtime(now or timezone.now(), LONDON).date()


def london_start_of(day: date) -> datetime:
    """The moment ``day`` begins in London, as an aware datetime."""
    return datetime.combine(day, time.min, tzinfo=LONDON)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_days(day: date, days: int) -> date:
    """``day`` moved by ``days`` days, clamped to ``date.min`` and ``date.max``."""
    return date.fromordinal(min(max(day.toordinal() + days, 1), date.max.toordinal()))


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month
    (and to January of year 1 and December of year 9999)."""
    index = day.year * 12 + day.month - 1 + months
    index = min(max(index, date.min.year * 12), date.max.year * 12 + 11)
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_containing(day: date, cadence: str) -> Period:
    """The period of ``cadence`` that ``day`` falls in."""
    if cadence == WEEKLY:
        start = add_days(day, -day.weekday())
        return Period(start, add_days(start, 6))
    if cadence == MONTHLY:
        return Period(day.replace(day=1), _month_end(day.year, day.month))
    if cadence == QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Period(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    raise ValueError(f"unknown cadence {cadence!r}")


def last_ended_period(today: date, cadence: str) -> Period:
    """The most recent period of ``cadence`` that ended before ``today``."""
    return period_containing(add_days(period_containing(today, cadence).start, -1), cadence)


def _whole_months(period: Period) -> int | None:
    """How many calendar months ``period`` spans exactly, or None if it is not whole months."""
    if period.start.day != 1 or period.end != _month_end(period.end.year, period.end.month):
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def previous_period(period: Period) -> Period:
    """The period just before ``period``, to compare with: the same number of calendar
    months when it is whole months, otherwise the same number of days."""
    if period.start == date.min:
        return Period(date.min, date.min)  # no day comes before the first one there is
    end = add_days(period.start, -1)
    months = _whole_months(period)
    if months is not None:
        return Period(add_months(period.start, -months), end)
    return Period(add_days(period.start, -period.days), end)


def shift_period(period: Period, cadence: str, periods: int) -> Period:
    """``period`` moved by whole cadence periods (negative: into the past), keeping its
    alignment: a calendar month stays a calendar month."""
    if cadence == WEEKLY:
        return Period(add_days(period.start, 7 * periods), add_days(period.end, 7 * periods))
    months = periods * (3 if cadence == QUARTERLY else 1)
    start = add_months(period.start, months)
    if _whole_months(period) is not None:
        end_month = add_months(period.end.replace(day=1), months)
        return Period(start, _month_end(end_month.year, end_month.month))
    return Period(start, add_months(period.end, months))


def shift_day(day: date, cadence: str, periods: int) -> date:
    """A date moved by whole cadence periods."""
    if cadence == WEEKLY:
        return add_days(day, 7 * periods)
    return add_months(day, periods * (3 if cadence == QUARTERLY else 1))


def periods_up_to(period: Period, count: int) -> list[Period]:
    """``period`` and the ``count - 1`` periods before it (each the ``previous_period`` of
    the next), oldest first: the periods a measure's series is drawn over."""
    periods = [period]
    while len(periods) < count:
        periods.insert(0, previous_period(periods[0]))
    return periods
