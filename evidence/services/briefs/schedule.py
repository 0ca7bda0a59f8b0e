"""On the schedule (beat): the briefs of ended periods made and queued in batches, and
parties reminded to add evidence before a period ends."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from evidence.models import Evidence, EvidenceReminder, InsightBrief
from evidence.periods import last_ended_period, london_today, period_containing
from evidence.selectors.briefs import citable_parties
from notifications.services import notify
from partnerships.models import Partnership, Party

from .requesting import brief_request, briefs_on_their_way, queue_drafting_in_batches
from .shared import Status, people_of

#: How long before a period ends parties with no evidence are reminded, by cadence.
REMINDER_DAYS_BEFORE_END = {"weekly": 2, "monthly": 5, "quarterly": 14}


@transaction.atomic
def briefs_draft_due(*, now: datetime | None = None) -> list[int]:
    """For every active partnership whose last cadence period (Europe/London calendar)
    has ended without a brief, make the brief; then queue (in batches, through the
    outbox) every brief of an ended period that is still "drafting" and whose drafting
    is not already on its way. Returns the ids queued.

    One transaction: the briefs and their outbox rows commit together, so no brief is
    ever made without its task. Safe to run any number of times at once: the unique
    constraint keeps one brief per period; briefs another run (or a drafting worker)
    holds are skipped, and a brief whose task is recorded and not yet done is not
    queued again, so duplicate ticks add no deliveries.
    """
    now = now or timezone.now()
    today = london_today(now)
    partnerships = Partnership.objects.filter(status=Partnership.Status.ACTIVE).order_by("pk")
    for partnership in partnerships:
        period = last_ended_period(today, partnership.brief_cadence)
        became_active = (
            london_today(partnership.status_changed_at) if partnership.status_changed_at else None
        )
        if became_active is not None and period.end < became_active:
            continue  # the period ended before the partnership was active
        brief_request(
            partnership=partnership,
            period_start=period.start,
            period_end=period.end,
            by=None,
            queue=False,
        )
    # Lock first, then read the outbox: a run that locks these rows after another run
    # committed also sees that run's outbox rows.
    drafting = list(
        InsightBrief.objects.select_for_update(skip_locked=True)
        .filter(status=Status.DRAFTING, period_end__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    on_their_way = briefs_on_their_way()
    queued = [pk for pk in drafting if pk not in on_their_way]
    queue_drafting_in_batches(queued)
    return queued


def evidence_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each party with ``participate`` consent that has added no evidence in the
    current period, once per period, when the period ends within a few days. Returns
    how many parties were reminded."""
    today = london_today(now)
    reminded = 0
    for partnership in Partnership.objects.filter(status=Partnership.Status.ACTIVE).order_by("pk"):
        period = period_containing(today, partnership.brief_cadence)
        if (period.end - today).days > REMINDER_DAYS_BEFORE_END[partnership.brief_cadence]:
            continue
        contributed = Evidence.objects.filter(
            party=OuterRef("pk"), occurred_on__gte=period.start, occurred_on__lte=period.end
        )
        quiet = (
            citable_parties(partnership=partnership, stage="draft")
            .exclude(role=Party.Role.LEARNING_PARTNER)
            .exclude(Exists(contributed))
        )
        for party in quiet:
            with transaction.atomic():
                _, created = EvidenceReminder.objects.get_or_create(
                    party=party,
                    period_start=period.start,
                    period_end=period.end,
                    defaults={"partnership": partnership},
                )
                if not created:
                    continue
                days = (period.end - today).days
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                notify(
                    recipients=people_of(Party.objects.filter(pk=party.pk)),
                    kind="evidence_reminder",
                    subject=f"Add your evidence before the period ends {when}",
                    body=(
                        f"{party.organisation.name} has not added any evidence to "
                        f"“{partnership.title}” for {period.describe()}, and the period ends "
                        f"{when}. The next insight brief is drafted from what is there then: "
                        "numbers, stories, and what is not working as well as what is."
                    ),
                    url=reverse("partnerships:partnership-detail", args=[partnership.pk]),
                    partnership=partnership,
                )
                reminded += 1
    return reminded
