"""Reads of the pulse. Results come per period and only for the whole partnership: no
read here takes or returns a person, a party or an organisation with an answer, and a
period's scores, distribution and comments are ``None`` until the period has ended with
at least ``MIN_RESPONSES`` answers.

Why only once the period has ended: results that changed with each answer would tell
anyone who compares them before and after a colleague answered what that colleague said.
Once a period is over its answers are fixed, so its results say nothing about any one of
them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import Any, TypedDict, cast

from django.db.models import Case, Count, DateField, Exists, OuterRef, Q, QuerySet, Sum, Value, When
from django.utils import timezone

from accounts.models import User
from learnhub.periods import CADENCES, Period, london_today, period_containing
from partnerships.models import Membership, Partnership, PartnershipGroupObjectPermission, Party
from partnerships.permissions import PartnershipPermission
from pulse.models import PulseAnswer, PulseAnswered, PulseFlag
from pulse.statements import KEYS, MIN_RESPONSES, SCALE

#: How long a flag stays on the learning partner's dashboard.
FLAG_SHOWN_DAYS = 92
DASHBOARD_LIMIT = 10


class PulseResult(TypedDict):
    """One period's results as the API and the pages give them."""

    period_start: date
    period_end: date
    responses: int
    scores: dict[str, float] | None
    distribution: dict[str, dict[str, int]] | None
    comments: list[str] | None


@dataclass(frozen=True)
class PeriodTotals:
    """A period's exact sums and counts, for the flags (means as fractions, never floats)."""

    period: Period
    responses: int
    sums: dict[str, int]
    counts: dict[str, dict[int, int]]
    ended: bool

    @property
    def shown(self) -> bool:
        return self.ended and self.responses >= MIN_RESPONSES

    def mean(self, key: str) -> Fraction:
        return Fraction(self.sums[key], self.responses)


def pulse_period(*, partnership: Partnership, today: date | None = None) -> Period:
    """The period a pulse answer is for now: the partnership's brief period containing
    today (London's calendar)."""
    return period_containing(today or london_today(), partnership.brief_cadence)


def pulse_answered(*, user: User, partnership: Partnership, period: Period) -> bool:
    """Whether ``user`` has answered ``partnership``'s pulse of ``period`` (and not what)."""
    return PulseAnswered.objects.filter(
        user=user, partnership=partnership, period_start=period.start
    ).exists()


def _aggregates() -> dict[str, Any]:
    aggregates: dict[str, Any] = {"responses": Count("pk")}
    for key in KEYS:
        aggregates[f"{key}__sum"] = Sum(key)
        for value in SCALE:
            aggregates[f"{key}__{value}"] = Count("pk", filter=Q(**{key: value}))
    return aggregates


def pulse_totals(*, partnership: Partnership, today: date | None = None) -> list[PeriodTotals]:
    """Every period of ``partnership`` with answers, newest first (one query); a period
    has ended when its last day is before ``today`` (London's calendar)."""
    today = today or london_today()
    # django-stubs cannot see the annotated totals of values().annotate().
    rows = cast(
        Iterable[dict[str, Any]],
        PulseAnswer.objects.filter(partnership=partnership)
        .values("period_start", "period_end")
        .annotate(**_aggregates())
        .order_by("-period_start", "-period_end"),
    )
    return [
        PeriodTotals(
            period=Period(row["period_start"], row["period_end"]),
            responses=row["responses"],
            sums={key: row[f"{key}__sum"] or 0 for key in KEYS},
            counts={key: {value: row[f"{key}__{value}"] for value in SCALE} for key in KEYS},
            ended=row["period_end"] < today,
        )
        for row in rows
    ]


def _result(totals: PeriodTotals, comments: list[str]) -> PulseResult:
    if not totals.shown:
        return PulseResult(
            period_start=totals.period.start,
            period_end=totals.period.end,
            responses=totals.responses,
            scores=None,
            distribution=None,
            comments=None,
        )
    return PulseResult(
        period_start=totals.period.start,
        period_end=totals.period.end,
        responses=totals.responses,
        scores={key: round(float(totals.mean(key)), 2) for key in KEYS},
        distribution={
            key: {str(value): count for value, count in totals.counts[key].items()} for key in KEYS
        },
        comments=comments,
    )


def pulse_results(*, partnership: Partnership, today: date | None = None) -> list[PulseResult]:
    """The partnership's pulse per period, newest first, the current period always first
    (with its count so far). Two queries: the totals, and the comments of the periods that
    show results, in alphabetical order (never in the order they were written)."""
    today = today or london_today()
    current = pulse_period(partnership=partnership, today=today)
    totals = pulse_totals(partnership=partnership, today=today)
    if not any(t.period.start == current.start for t in totals):
        empty = dict.fromkeys(KEYS, 0)
        zero = {key: dict.fromkeys(SCALE, 0) for key in KEYS}
        totals.append(
            PeriodTotals(period=current, responses=0, sums=empty, counts=zero, ended=False)
        )
        totals.sort(key=lambda t: (t.period.start, t.period.end), reverse=True)
    shown = [t.period.start for t in totals if t.shown]
    comments: dict[date, list[str]] = {start: [] for start in shown}
    if shown:
        for start, comment in (
            PulseAnswer.objects.filter(partnership=partnership, period_start__in=shown)
            .exclude(comment="")
            .order_by("comment")
            .values_list("period_start", "comment")
        ):
            comments[start].append(comment)
    return [_result(t, comments.get(t.period.start, [])) for t in totals]


def _current_start_of_partnership(today: date) -> Case:
    """The start of each partnership's current brief period, by its cadence, in SQL."""
    return Case(
        *(
            When(brief_cadence=cadence, then=Value(period_containing(today, cadence).start))
            for cadence in CADENCES
        ),
        output_field=DateField(),
    )


def pulses_waiting_for(*, user: User, today: date | None = None) -> QuerySet[Partnership]:
    """Partnerships (not closed) where ``user`` may answer the pulse and has not answered
    this period's yet (one query)."""
    may_answer = PartnershipGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"),
        permission__codename=PartnershipPermission.CONTRIBUTE,
        group__user=user,
    )
    answered = PulseAnswered.objects.filter(
        user=user, partnership=OuterRef("pk"), period_start=OuterRef("pulse_period_start")
    )
    return (
        Partnership.objects.exclude(status=Partnership.Status.CLOSED)
        .annotate(pulse_period_start=_current_start_of_partnership(today or london_today()))
        .filter(Exists(may_answer))
        .exclude(Exists(answered))
        .order_by("title", "pk")[:DASHBOARD_LIMIT]
    )


def pulse_flags_for(*, user: User) -> QuerySet[PulseFlag]:
    """Recent low or falling pulses of partnerships where ``user`` works for the accepted
    learning partner (one query)."""
    learning_partner = Party.objects.filter(
        partnership=OuterRef("partnership"),
        role=Party.Role.LEARNING_PARTNER,
        status=Party.Status.ACCEPTED,
        organisation__in=Membership.objects.filter(user=user).values("organisation"),
    )
    since = timezone.now() - timedelta(days=FLAG_SHOWN_DAYS)
    return (
        PulseFlag.objects.filter(Exists(learning_partner), flagged_at__gte=since)
        .select_related("partnership")
        .order_by("-flagged_at", "-pk")[:DASHBOARD_LIMIT]
    )
