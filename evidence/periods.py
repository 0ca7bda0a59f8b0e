"""Brief periods: weeks (Monday to Sunday), calendar months and calendar quarters, counted
in the Europe/London calendar whatever the server's time zone, so a period ends at
midnight where the partnerships are."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

LONDON = ZoneInfo("Europe/London")

WEEKLY = "weekly"
MONTHLY = "monthly"
QUARTERLY = "quarterly"
CADENCES = (WEEKLY, MONTHLY, QUARTERLY)


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


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def period_containing(day: date, cadence: str) -> Period:
    """The period of ``cadence`` that ``day`` falls in."""
    if cadence == WEEKLY:
        start = day - timedelta(days=day.weekday())
        return Period(start, start + timedelta(days=6))
    if cadence == MONTHLY:
        return Period(day.replace(day=1), _month_end(day.year, day.month))
    if cadence == QUARTERLY:
        first_month = 3 * ((day.month - 1) // 3) + 1
        return Period(date(day.year, first_month, 1), _month_end(day.year, first_month + 2))
    raise ValueError(f"unknown cadence {cadence!r}")


def last_ended_period(today: date, cadence: str) -> Period:
    """The most recent period of ``cadence`` that ended before ``today``."""
    return period_containing(period_containing(today, cadence).start - timedelta(days=1), cadence)


def _whole_months(period: Period) -> int | None:
    """How many calendar months ``period`` spans exactly, or None if it is not whole months."""
    if period.start.day != 1 or period.end != _month_end(period.end.year, period.end.month):
        return None
    return (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1


def previous_period(period: Period) -> Period:
    """The period just before ``period``, to compare with: the same number of calendar
    months when it is whole months, otherwise the same number of days."""
    months = _whole_months(period)
    if months is not None:
        start = add_months(period.start, -months)
        return Period(start, period.start - timedelta(days=1))
    return Period(period.start - timedelta(days=period.days), period.start - timedelta(days=1))


def shift_period(period: Period, cadence: str, periods: int) -> Period:
    """``period`` moved by whole cadence periods (negative: into the past), keeping its
    alignment: a calendar month stays a calendar month."""
    if cadence == WEEKLY:
        delta = timedelta(days=7 * periods)
        return Period(period.start + delta, period.end + delta)
    months = periods * (3 if cadence == QUARTERLY else 1)
    start = add_months(period.start, months)
    if _whole_months(period) is not None:
        end_month = add_months(period.end.replace(day=1), months)
        return Period(start, _month_end(end_month.year, end_month.month))
    return Period(start, add_months(period.end, months))


def shift_day(day: date, cadence: str, periods: int) -> date:
    """A date moved by whole cadence periods."""
    if cadence == WEEKLY:
        return day + timedelta(days=7 * periods)
    return add_months(day, periods * (3 if cadence == QUARTERLY else 1))
