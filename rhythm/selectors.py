"""Reads of learning sessions that depend on who is asking.

Who reads a session: the people of its attending parties, and the people who may
schedule sessions in its partnership (``manages_sessions``). Everyone else, inside the
partnership or out, is told nothing about it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from partnerships.models import Partnership, Party
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import partnership_permissions_for
from rhythm.models import LearningSession

#: Who may schedule, change and cancel sessions: the learning partner's people (who hold
#: ``lead_discovery``) and the commissioning funder's admins (``manage_partnership``).
MANAGING_PERMISSIONS = frozenset(
    {PartnershipPermission.LEAD_DISCOVERY, PartnershipPermission.MANAGE}
)
#: Sessions the dashboard lists.
DASHBOARD_SESSIONS = 5


def manages_sessions(*, user: User, partnership: Partnership) -> bool:
    """Whether ``user`` (an accepted party) may schedule, change and cancel sessions."""
    return bool(
        MANAGING_PERMISSIONS & partnership_permissions_for(user=user, partnership=partnership)
    )


def _attending(user: User) -> Exists:
    """A session one of ``user``'s organisations attends as an accepted party."""
    return Exists(
        Party.objects.filter(
            learning_sessions=OuterRef("pk"),
            status=Party.Status.ACCEPTED,
            organisation__memberships__user=user,
        )
    )


def _with_parties(sessions: QuerySet[LearningSession]) -> QuerySet[LearningSession]:
    return sessions.select_related("partnership").prefetch_related(
        Prefetch(
            "parties",
            queryset=Party.objects.select_related("organisation").order_by(
                "-is_commissioner", "organisation__name", "pk"
            ),
        )
    )


def sessions_visible_to(
    *, user: User, partnership: Partnership, manager: bool | None = None
) -> QuerySet[LearningSession]:
    """The partnership's sessions ``user`` (an accepted party) may read, soonest first,
    each with its parties. ``manager``: ``manages_sessions``, when the caller knows it."""
    if manager is None:
        manager = manages_sessions(user=user, partnership=partnership)
    sessions = LearningSession.objects.filter(partnership=partnership)
    if not manager:
        sessions = sessions.filter(_attending(user))
    return _with_parties(sessions)


def session_for(*, user: User, pk: int, manager_of: frozenset[int]) -> LearningSession | None:
    """Session ``pk`` if ``user`` attends it or manages its partnership's sessions
    (``manager_of``: the partnerships whose sessions ``user`` manages)."""
    found = _with_parties(LearningSession.objects.filter(pk=pk)).filter(
        Q(partnership_id__in=manager_of) | _attending(user)
    )
    return found.first()


def sessions_split(
    sessions: QuerySet[LearningSession], *, now: datetime.datetime | None = None
) -> tuple[list[LearningSession], list[LearningSession]]:
    """(upcoming soonest first, past latest first): a session is past once it has ended."""
    now = now or timezone.now()
    upcoming: list[LearningSession] = []
    past: list[LearningSession] = []
    for session in sessions:
        ends = session.starts_at + datetime.timedelta(minutes=session.duration_minutes)
        (upcoming if ends > now else past).append(session)
    past.reverse()
    return upcoming, past


def next_sessions_for(*, user: User) -> QuerySet[LearningSession]:
    """The next sessions (not cancelled, not yet started) of every partnership ``user``'s
    organisations attend as accepted parties: the dashboard's section, in one query."""
    return (
        LearningSession.objects.filter(
            _attending(user), cancelled_at__isnull=True, starts_at__gte=timezone.now()
        )
        .select_related("partnership")
        .order_by("starts_at", "pk")[:DASHBOARD_SESSIONS]
    )


def london_range(
    first_day: datetime.date, last_day: datetime.date
) -> tuple[datetime.datetime, datetime.datetime]:
    """The moments from the start of ``first_day`` to the end of ``last_day``, London time."""
    zone = timezone.get_default_timezone()
    return (
        datetime.datetime.combine(first_day, datetime.time.min, tzinfo=zone),
        datetime.datetime.combine(
            last_day + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone
        ),
    )


def sessions_held_within(
    periods: Iterable[tuple[int, datetime.date, datetime.date]],
) -> QuerySet[LearningSession]:
    """Sessions not cancelled, already started, that started within any of ``periods``
    (partnership id, first day, last day; London days), each with its attending parties,
    in the order they were held. One query and the parties' prefetch, however many."""
    wanted = Q(pk__in=[])
    for partnership_id, first_day, last_day in periods:
        start, end = london_range(first_day, last_day)
        wanted |= Q(partnership_id=partnership_id, starts_at__gte=start, starts_at__lt=end)
    return _with_parties(
        LearningSession.objects.filter(
            wanted, cancelled_at__isnull=True, starts_at__lte=timezone.now()
        )
    )


def attendees_of(*, session: LearningSession) -> list[int]:
    """The organisations of the session's accepted attending parties."""
    return sorted(
        {p.organisation_id for p in session.parties.all() if p.status == Party.Status.ACCEPTED}
    )
