"""Reads of the evidence recorded from learning sessions, scoped to the reader by the
one visibility rule (``consent.selectors.evidence_visible_to``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import Count, QuerySet
from django.utils import timezone

from accounts.models import User
from consent.selectors import evidence_visible_to
from evidence.models import Evidence, InsightBrief
from evidence.sections import SessionHeld
from rhythm.models import LearningSession
from rhythm.selectors import london_range, sessions_held_within


def evidence_of_session(*, user: User, session: LearningSession) -> QuerySet[Evidence]:
    """The items recorded from learning ``session`` that ``user`` may see, newest first,
    with their party (the session page's list)."""
    return evidence_visible_to(
        user=user, queryset=Evidence.objects.filter(session=session)
    ).select_related("party__organisation")


def session_evidence_counts(*, user: User, session_ids: Iterable[int]) -> dict[int, int]:
    """How many items of each session ``user`` may see, by session id (one query)."""
    rows = (
        evidence_visible_to(
            user=user, queryset=Evidence.objects.filter(session_id__in=list(session_ids))
        )
        .order_by()
        .values("session_id")
        .annotate(n=Count("pk"))
        .values_list("session_id", "n")
    )
    return dict(rows)


def sessions_held_in_briefs(
    *, user: User, briefs: Sequence[InsightBrief]
) -> dict[int, list[SessionHeld]]:
    """For each brief, the learning sessions held in its period as ``user`` reads them:
    date, kind, title, attending parties and how many items from each ``user`` may see.
    Three queries for any number of briefs (none for none)."""
    if not briefs:
        return {}
    sessions = list(
        sessions_held_within((b.partnership_id, b.period_start, b.period_end) for b in briefs)
    )
    counts = (
        session_evidence_counts(user=user, session_ids=[s.pk for s in sessions]) if sessions else {}
    )
    held: dict[int, list[SessionHeld]] = {brief.pk: [] for brief in briefs}
    for brief in briefs:
        start, end = london_range(brief.period_start, brief.period_end)
        for session in sessions:
            if session.partnership_id == brief.partnership_id and start <= session.starts_at < end:
                held[brief.pk].append(
                    {
                        "session": session.pk,
                        "date": timezone.localtime(session.starts_at).date().isoformat(),
                        "kind": session.kind,
                        "kind_label": session.get_kind_display(),
                        "title": session.title,
                        "parties": [p.organisation.name for p in session.parties.all()],
                        "evidence": counts.get(session.pk, 0),
                    }
                )
    return held
