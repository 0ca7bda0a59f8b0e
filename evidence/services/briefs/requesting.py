"""Asking for a brief: the one row for a partnership and period, and its drafting queued
through the outbox (``evidence.draft_brief``, or ``evidence.draft_briefs`` in batches)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from evidence.models import InsightBrief
from evidence.periods import EARLIEST_DAY, LATEST_DAY, Period, london_today
from learnhub.errors import Conflict
from learnhub.outbox import outbox_pending, outbox_send, outbox_send_many
from partnerships.models import Partnership
from partnerships.services import activity_record

from .shared import Status, acting_organisation, locked, not_a_draft, period_words, who

MAX_PERIOD_DAYS = 366
#: The drafting tasks (``evidence.tasks``), sent by name through the outbox.
DRAFT_BRIEF_TASK = "evidence.draft_brief"
DRAFT_BRIEFS_TASK = "evidence.draft_briefs"


# --- Queueing the drafting ---------------------------------------------------------------------


def queue_drafting(brief: InsightBrief) -> None:
    """Record, with the write that made the brief "drafting", that it must be drafted."""
    outbox_send(task=DRAFT_BRIEF_TASK, args=[brief.pk])


def queue_drafting_in_batches(brief_ids: Sequence[int]) -> None:
    """Record ``evidence.draft_briefs`` for ``brief_ids`` in the outbox (sent after
    commit), in batches of ``LEARNHUB_BRIEF_DRAFT_BATCH``."""
    size = max(1, int(settings.LEARNHUB_BRIEF_DRAFT_BATCH))
    count = -(-len(brief_ids) // size)  # batches of even sizes: none much longer than another
    outbox_send_many(
        (
            DRAFT_BRIEFS_TASK,
            [list(brief_ids[n * len(brief_ids) // count : (n + 1) * len(brief_ids) // count])],
            {},
        )
        for n in range(count)
    )


def briefs_on_their_way() -> set[int]:
    """Briefs whose drafting task is recorded and has not succeeded yet (waiting in the
    outbox, queued, running or retrying): queueing them again would only repeat it."""
    found: set[int] = set()
    for row in outbox_pending(tasks=(DRAFT_BRIEF_TASK, DRAFT_BRIEFS_TASK)):
        first = row.args[0] if row.args else None
        if isinstance(first, int):
            found.add(first)
        elif isinstance(first, list):
            found.update(pk for pk in first if isinstance(pk, int))
    return found


# --- Asking for a brief ------------------------------------------------------------------------


def _clean_period(period_start: date, period_end: date) -> Period:
    if period_end < period_start:
        raise ValidationError(
            {"period_end": ["The last day of the period must be on or after its first day."]}
        )
    if period_start > london_today():
        raise ValidationError(
            {"period_start": ["That period has not started yet: choose one that has."]}
        )
    if period_start < EARLIEST_DAY or period_end > LATEST_DAY:
        raise ValidationError(
            {
                ("period_start" if period_start < EARLIEST_DAY else "period_end"): [
                    f"Choose a period from {EARLIEST_DAY:%-d %B %Y} to {LATEST_DAY:%-d %B %Y}."
                ]
            }
        )
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": ["A brief can cover at most a year."]})
    return Period(period_start, period_end)


@transaction.atomic
def brief_request(
    *,
    partnership: Partnership,
    period_start: date,
    period_end: date,
    by: User | None,
    queue: bool = True,
) -> tuple[InsightBrief, bool]:
    """The brief for ``partnership`` and the period, made (and queued for drafting) if it
    does not exist yet. Returns ``(brief, created)``. ``queue`` False leaves the queueing
    to the caller (the schedule queues its briefs in batches).

    One brief per partnership and period is a database constraint; ``get_or_create``
    on it means two requests at once still make one. Who may ask is the gateway's rule
    (the learning partner); ``by`` is None when the schedule asks.
    """
    period = _clean_period(period_start, period_end)
    brief, created = InsightBrief.objects.get_or_create(
        partnership=partnership,
        period_start=period.start,
        period_end=period.end,
        defaults={"requested_by": by, "status": Status.DRAFTING},
    )
    if created:
        activity_record(
            partnership=partnership,
            actor=by,
            organisation=acting_organisation(by, partnership) if by else None,
            verb="brief_requested",
            summary=(
                f"{who(by, partnership)} asked for an insight brief for {period.describe()}."
                if by
                else f"An insight brief for {period.describe()} is being drafted on schedule."
            ),
        )
    if queue and brief.status == Status.DRAFTING:
        queue_drafting(brief)
    return brief, created


def brief_redraft(*, brief: InsightBrief, by: User) -> InsightBrief:
    """Draft a draft again from the evidence there is now (new evidence, changed consent).

    The so-what, recommendations and challenges are kept.
    """
    with transaction.atomic():
        brief = locked(brief)
        if brief.status != Status.DRAFT:
            raise Conflict(not_a_draft(brief))
        brief.status = Status.DRAFTING
        brief.save(update_fields=["status", "updated_at"])
        activity_record(
            partnership=brief.partnership,
            actor=by,
            organisation=acting_organisation(by, brief.partnership),
            verb="brief_redrafted",
            summary=(
                f"{who(by, brief.partnership)} asked for the brief for {period_words(brief)} "
                "to be drafted again from the latest evidence."
            ),
        )
        queue_drafting(brief)
        return brief
