"""``manage.py demo_advance_clock``: move the demo partnership's timeline back by whole
brief periods, as if time had moved on, so the beat schedule drafts a new brief.

Real clocks cannot be wound forward for a demo, so the partnership's dates are moved
back instead: its evidence, briefs (period, drafted and published dates), learning
actions, reminders and the day it became active all shift by the same number of whole
cadence periods (a calendar month stays a calendar month). The evidence of the period in
progress then lies in a period that has ended with no brief, and the next run of
``evidence.draft_due_briefs`` (every few minutes under ``make run``; ``--draft-now`` runs
it at once) drafts it.

For demos only: it refuses to run unless this is a demo site (``LEARNHUB_DEMO_SITE``, on
under ``learnhub.settings.local``) or ``--allow-without-debug`` is given.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from evidence.models import Evidence, EvidenceReminder, InsightBrief, LearningAction
from evidence.periods import (
    Period,
    last_ended_period,
    london_today,
    shift_day,
    shift_period,
)
from partnerships.models import Partnership

DEMO_TITLE = "Food security in Riverside"


def _shift_moment(moment: datetime.datetime | None, cadence: str, periods: int) -> Any:
    if moment is None:
        return None
    return datetime.datetime.combine(shift_day(moment.date(), cadence, periods), moment.timetz())


@transaction.atomic
def advance_clock(partnership: Partnership, periods: int) -> Period:
    """Move every date of ``partnership`` back by ``periods`` cadence periods; returns
    the period that has now ended and will be drafted next."""
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    cadence = partnership.brief_cadence
    back = -periods
    for item in Evidence.objects.filter(partnership=partnership).only(
        "pk", "occurred_on", "period_start", "period_end"
    ):
        Evidence.objects.filter(pk=item.pk).update(
            occurred_on=shift_day(item.occurred_on, cadence, back),
            period_start=(
                shift_day(item.period_start, cadence, back) if item.period_start else None
            ),
            period_end=shift_day(item.period_end, cadence, back) if item.period_end else None,
        )
    # Oldest first, so no brief lands on a period another still holds.
    for brief in InsightBrief.objects.filter(partnership=partnership).order_by("period_start"):
        moved = shift_period(Period(brief.period_start, brief.period_end), cadence, back)
        InsightBrief.objects.filter(pk=brief.pk).update(
            period_start=moved.start,
            period_end=moved.end,
            drafted_at=_shift_moment(brief.drafted_at, cadence, back),
            published_at=_shift_moment(brief.published_at, cadence, back),
        )
    for action in LearningAction.objects.filter(partnership=partnership, done_at__isnull=False):
        LearningAction.objects.filter(pk=action.pk).update(
            done_at=_shift_moment(action.done_at, cadence, back)
        )
    for reminder in EvidenceReminder.objects.filter(partnership=partnership).order_by(
        "period_start"
    ):
        moved = shift_period(Period(reminder.period_start, reminder.period_end), cadence, back)
        EvidenceReminder.objects.filter(pk=reminder.pk).update(
            period_start=moved.start, period_end=moved.end
        )
    Partnership.objects.filter(pk=partnership.pk).update(
        status_changed_at=_shift_moment(partnership.status_changed_at, cadence, back)
    )
    return last_ended_period(london_today(), cadence)


class Command(BaseCommand):
    help = (
        "Move the demo partnership's timeline back by whole brief periods, so the beat "
        "schedule drafts the brief of the period that was in progress."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--periods", type=int, default=1, help="How many brief periods to move (default 1)."
        )
        parser.add_argument(
            "--partnership",
            type=int,
            help=f"The partnership's id (default: the demo's “{DEMO_TITLE}”).",
        )
        parser.add_argument(
            "--draft-now",
            action="store_true",
            help="Run the schedule's check now instead of waiting for the next beat.",
        )
        parser.add_argument(
            "--allow-without-debug",
            action="store_true",
            help="Change the dates on a site that is not a demo site. Only ever for a demo.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.LEARNHUB_DEMO_SITE and not options["allow_without_debug"]:
            raise CommandError(
                "This is not a demo site (LEARNHUB_DEMO_SITE is off), so it may be a real "
                "site: this command rewrites dates and is for demos only. Use "
                "--allow-without-debug if you really mean it."
            )
        periods = options["periods"]
        if not 1 <= periods <= 24:
            raise CommandError("Move the clock by 1 to 24 periods.")
        partnership = (
            Partnership.objects.filter(pk=options["partnership"]).first()
            if options["partnership"]
            else Partnership.objects.filter(title=DEMO_TITLE).order_by("pk").first()
        )
        if partnership is None:
            raise CommandError("No such partnership. Run `make seed` (or `make run`) first.")
        if partnership.status != Partnership.Status.ACTIVE:
            raise CommandError(
                f"“{partnership.title}” is not active, so no briefs are drafted on its schedule."
            )
        ended = advance_clock(partnership, periods)
        exists = InsightBrief.objects.filter(
            partnership=partnership, period_start=ended.start, period_end=ended.end
        ).exists()
        word = "period" if periods == 1 else "periods"
        self.stdout.write(
            f"Moved “{partnership.title}” back by {periods} {partnership.brief_cadence} {word}."
        )
        if exists:
            self.stdout.write(f"The brief for {ended.describe()} already exists.")
            return
        if options["draft_now"]:
            from evidence.tasks import draft_due_briefs

            draft_due_briefs.delay()
            self.stdout.write(
                self.style.SUCCESS(f"Asked a worker to draft the brief for {ended.describe()} now.")
            )
        else:
            minutes = max(1, round(settings.LEARNHUB_BRIEF_SCHEDULE_SECONDS / 60))
            self.stdout.write(
                self.style.SUCCESS(
                    f"The period {ended.describe()} has now ended without a brief: the beat "
                    f"schedule drafts it within {minutes} minute{'s' if minutes != 1 else ''} "
                    "(with `make run` running)."
                )
            )
