"""Writes of the pulse: answering once a period, and flagging low or falling results.

Nothing here logs, records an activity or tells anyone who answered: the has-answered row
and the answer row are written together, and only the period's totals are ever read back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from learnhub.errors import Conflict
from learnhub.periods import Period, london_today
from notifications.services import MembersMessage, notify_members
from partnerships.models import Partnership
from partnerships.selectors import learning_partner_organisations_in
from pulse.models import PulseAnswer, PulseAnswered, PulseFlag
from pulse.selectors import PeriodTotals, pulse_period, pulse_totals
from pulse.statements import (
    COMMENT_MAX_LENGTH,
    FALLING_DROP,
    KEYS,
    LOW_BELOW,
    MIN_RESPONSES,
    SCALE,
    STATEMENTS,
)

#: Periods that ended at most this long ago are still checked by the sweep.
SWEEP_DAYS = 100
FLAG_KIND = "pulse_flag"


def pulse_clean(*, answers: Mapping[str, object], comment: str) -> tuple[dict[str, int], str]:
    """The three answers (each a whole number on the scale) and the trimmed comment, or a
    ``ValidationError`` naming each field at fault."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, int] = {}
    for key in KEYS:
        value = answers.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value not in SCALE:
            errors[key] = [f"Choose a number from {SCALE[0]} to {SCALE[-1]}."]
        else:
            clean[key] = value
    unknown = sorted(set(answers) - set(KEYS))
    if unknown:
        errors["answers"] = [f"Answer only these statements: {', '.join(KEYS)}."]
    comment = comment.strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = [f"Write at most {COMMENT_MAX_LENGTH:,} characters."]
    if errors:
        raise ValidationError(errors)
    return clean, comment


@transaction.atomic
def pulse_answer(
    *,
    partnership: Partnership,
    answers: Mapping[str, object],
    comment: str = "",
    by: User,
    today: date | None = None,
) -> Period:
    """Record ``by``'s answers to this period's pulse, once: a second answer in the same
    period is a ``Conflict`` (the has-answered row's unique constraint decides, so two at
    once cannot both count). The answer row carries no person and no time. Results, and
    so flags, wait for the period to end (``pulse.selectors``), when beat's sweep looks."""
    clean, comment = pulse_clean(answers=answers, comment=comment)
    if partnership.status == Partnership.Status.CLOSED:
        raise Conflict("This partnership is closed, so its pulse takes no more answers.")
    period = pulse_period(partnership=partnership, today=today)
    try:
        with transaction.atomic():
            PulseAnswered.objects.create(
                user=by, partnership=partnership, period_start=period.start
            )
    except IntegrityError:
        raise Conflict("You have already answered this period’s pulse. Thank you.") from None
    PulseAnswer.objects.create(
        partnership=partnership,
        period_start=period.start,
        period_end=period.end,
        comment=comment,
        **clean,
    )
    return period


def _concerns(totals: list[PeriodTotals], period_start: date) -> tuple[list[str], list[str]]:
    """The statements of the period from ``period_start`` that are low, and that fell from
    the previous period with results (``totals`` newest first)."""
    index = next((i for i, t in enumerate(totals) if t.period.start == period_start), None)
    if index is None:
        return [], []
    current = totals[index]
    if not current.shown:
        return [], []
    low = [key for key in KEYS if current.mean(key) < LOW_BELOW]
    previous = next((t for t in totals[index + 1 :] if t.shown), None)
    falling = (
        [key for key in KEYS if previous.mean(key) - current.mean(key) >= FALLING_DROP]
        if previous is not None
        else []
    )
    return low, falling


def _flag_message(partnership: Partnership, flag: PulseFlag) -> MembersMessage:
    lines = [f"“{STATEMENTS[key]}” scored below {LOW_BELOW:g} on average." for key in flag.low]
    lines += [
        f"“{STATEMENTS[key]}” fell by {FALLING_DROP:g} or more since the last results."
        for key in flag.falling
    ]
    return MembersMessage(
        organisation_ids=learning_partner_organisations_in(partnership_ids=[partnership.pk]).get(
            partnership.pk, []
        ),
        kind=FLAG_KIND,
        subject=f"The pulse of {partnership.title} needs a look",
        body=(
            "People in the partnership may not feel safe to say what is not working. "
            + " ".join(lines)
            + " The results show no one’s answers: talk about them together."
        ),
        url=reverse("pulse:pulse", kwargs={"partnership_pk": partnership.pk}),
        partnership_id=partnership.pk,
    )


@transaction.atomic
def pulse_flag_period(
    *, partnership: Partnership, period_start: date, today: date | None = None
) -> bool:
    """Flag the period from ``period_start`` to the learning partner when its results show
    (it has ended, with enough answers) and a statement is low or fell. Once a period: the
    flag's unique constraint decides, and only the call that made the flag tells anyone,
    so a repeated or concurrent sweep never tells twice. The learning partner's people
    are all told, so being told says nothing about who answered. Returns whether this
    call made the flag."""
    totals = pulse_totals(partnership=partnership, today=today)
    low, falling = _concerns(totals, period_start)
    if not low and not falling:
        return False
    period = next(t.period for t in totals if t.period.start == period_start)
    flag, created = PulseFlag.objects.get_or_create(
        partnership=partnership,
        period_start=period_start,
        defaults={
            "period_end": period.end,
            "low": low,
            "falling": falling,
            "flagged_at": timezone.now(),
        },
    )
    if created:
        notify_members([_flag_message(partnership, flag)])
    return created


def pulse_flags_sweep(*, today: date | None = None) -> int:
    """Flag every recently ended period whose results are low or falling and not flagged
    yet (beat runs it hourly). Returns how many flags it made."""
    today = today or london_today()
    since = today - timedelta(days=SWEEP_DAYS)
    flagged = PulseFlag.objects.filter(
        partnership=OuterRef("partnership"), period_start=OuterRef("period_start")
    )
    candidates = (
        PulseAnswer.objects.filter(period_end__gte=since, period_end__lt=today)
        .exclude(Exists(flagged))
        .values("partnership_id", "period_start")
        .annotate(responses=Count("pk"))
        .filter(responses__gte=MIN_RESPONSES)
        .order_by("partnership_id", "period_start")
        .values_list("partnership_id", "period_start")
    )
    made = 0
    for partnership_id, period_start in list(candidates):
        partnership = Partnership.objects.get(pk=partnership_id)
        if pulse_flag_period(partnership=partnership, period_start=period_start, today=today):
            made += 1
    return made
