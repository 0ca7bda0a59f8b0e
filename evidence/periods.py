"""Brief periods, as evidence has always imported them.

The arithmetic lives in ``learnhub.periods`` so that apps below evidence (the pulse) count
the same periods; this module keeps evidence's (and the bench's, the demo's) imports.
"""

from learnhub.periods import (
    CADENCES,
    EARLIEST_DAY,
    LATEST_DAY,
    LONDON,
    MONTHLY,
    QUARTERLY,
    WEEKLY,
    Period,
    add_days,
    add_months,
    last_ended_period,
    london_start_of,
    london_today,
    period_containing,
    periods_up_to,
    previous_period,
    shift_day,
    shift_period,
)

__all__ = [
    "CADENCES",
    "EARLIEST_DAY",
    "LATEST_DAY",
    "LONDON",
    "MONTHLY",
    "QUARTERLY",
    "WEEKLY",
    "Period",
    "add_days",
    "add_months",
    "last_ended_period",
    "london_start_of",
    "london_today",
    "period_containing",
    "periods_up_to",
    "previous_period",
    "shift_day",
    "shift_period",
]
