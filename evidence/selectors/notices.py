"""Pre-publication notices: which parties a brief's challenges must be told about before
it is published, and where each notice stands.

A party that asked to be told first (``notify_before_publish`` on its permission to be
challenged in published briefs) holds publishing back until the learning partner has
sent it a notice of the challenges naming it, and it either acknowledged that notice or
``LEARNHUB_CHALLENGE_NOTICE_DAYS`` passed since it was sent. A notice covers the
challenges it listed: change them and it must be sent again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from accounts.models import User
from consent.models import ChallengeRecord
from consent.selectors import ChallengeArea, challenge_current, challenges_needing_notice
from evidence.models import InsightBrief, PrePublicationNotice
from partnerships.models import Membership, Partnership, Party

ALL_AREAS = "*"
#: Where a notice stands (``NoticeStatus.state``).
NOTICE_STATES = ("not_sent", "outdated", "waiting", "acknowledged", "period_passed")


@dataclass
class NoticeStatus:
    """Where one challenged party's notice stands. ``state`` is ``not_sent``,
    ``outdated`` (the challenges changed since it was sent), ``waiting`` (sent, not
    acknowledged, the notice period still running), ``acknowledged`` or ``period_passed``."""

    party: Party
    challenges: list[dict[str, Any]]
    conditions: str
    notice: PrePublicationNotice | None
    state: str
    publish_after: datetime | None

    @property
    def ready(self) -> bool:
        return self.state in ("acknowledged", "period_passed")


def notice_days() -> int:
    return int(getattr(settings, "LEARNHUB_CHALLENGE_NOTICE_DAYS", 5))


def challenges_naming(brief: InsightBrief, party_id: int) -> list[dict[str, Any]]:
    """The brief's challenges naming ``party_id``, as a notice lists them."""
    return [
        {"area": str(c["area"]), "text": c["text"]}
        for c in brief.challenges or []
        if str(c.get("party")) == str(party_id)
    ]


def notice_statuses(brief: InsightBrief, *, now: datetime | None = None) -> list[NoticeStatus]:
    """Each party the brief's challenges name that asked to be told first, with where
    its notice stands (three queries), in the order the challenges name them."""
    now = now or timezone.now()
    areas = []
    for challenge in brief.challenges or []:
        try:
            named = int(challenge["party"])
            question = None if challenge["area"] == ALL_AREAS else int(challenge["area"])
        except (KeyError, TypeError, ValueError):
            continue  # a malformed challenge is refused on saving; nothing to notify
        areas.append(ChallengeArea(party=named, question=question))
    flagged = challenges_needing_notice(partnership=brief.partnership, challenges=areas)
    party_ids = list(dict.fromkeys(area.party for area in areas if area in flagged))
    if not party_ids:
        return []
    parties = {
        party.pk: party
        for party in Party.objects.filter(pk__in=party_ids)
        .select_related("organisation")
        .prefetch_related("challenge_states")
    }
    notices = {n.party_id: n for n in PrePublicationNotice.objects.filter(brief=brief)}
    days = timedelta(days=notice_days())
    statuses = []
    for party_id in party_ids:
        party = parties[party_id]
        challenges = challenges_naming(brief, party_id)
        notice = notices.get(party_id)
        publish_after = notice.sent_at + days if notice else None
        if notice is None:
            state = "not_sent"
        elif notice.challenges != challenges:
            state = "outdated"
        elif notice.acknowledged_at is not None:
            state = "acknowledged"
        elif publish_after is not None and publish_after <= now:
            state = "period_passed"
        else:
            state = "waiting"
        conditions = sorted(
            {s.conditions for s in party.challenge_states.all() if s.conditions.strip()}
        )
        statuses.append(
            NoticeStatus(
                party=party,
                challenges=challenges,
                conditions=" ".join(conditions),
                notice=notice,
                state=state,
                publish_after=publish_after,
            )
        )
    return statuses


def party_terms(partnership: Partnership) -> list[dict[str, Any]]:
    """What each party asked when it let the learning partner challenge it in published
    briefs: its conditions and whether it must be told first (shown beside challenges)."""
    terms = []
    for current in challenge_current(partnership=partnership):
        published = [
            s for s in current.permissions if s.channel == ChallengeRecord.Channel.PUBLISHED_BRIEF
        ]
        conditions = list(dict.fromkeys(s.conditions for s in published if s.conditions))
        notify_first = any(s.notify_before_publish for s in published)
        if conditions or notify_first:
            terms.append(
                {
                    "party": current.party.pk,
                    "name": current.party.organisation.name,
                    "conditions": conditions,
                    "notify_first": notify_first,
                }
            )
    return terms


@dataclass(frozen=True)
class WaitingNotice:
    """A notice waiting for its party's acknowledgement: the learning partner may publish
    without it after ``publish_after``, in ``days_left`` days (rounded up)."""

    notice: PrePublicationNotice
    publish_after: datetime
    days_left: int


def notices_waiting_for(*, user: User, now: datetime | None = None) -> list[WaitingNotice]:
    """Notices ``user`` may acknowledge (an admin of the accepted party they were sent
    to, as ``access.briefs.may_acknowledge`` says) that still hold a draft brief back:
    not acknowledged, still covering the challenges naming the party, and the notice
    period still running. Oldest first; one query."""
    now = now or timezone.now()
    period = timedelta(days=notice_days())
    notices = (
        PrePublicationNotice.objects.filter(
            acknowledged_at__isnull=True,
            sent_at__gt=now - period,
            brief__status=InsightBrief.Status.DRAFT,
            party__status=Party.Status.ACCEPTED,
            party__organisation__memberships__user=user,
            party__organisation__memberships__role=Membership.Role.ADMIN,
        )
        .exclude(brief__partnership__status=Partnership.Status.CLOSED)
        .select_related("brief__partnership", "party__organisation")
        .order_by("sent_at", "pk")
    )
    waiting = []
    for notice in notices:
        if notice.challenges != challenges_naming(notice.brief, notice.party_id):
            continue  # outdated: the learning partner must send it again
        publish_after = notice.sent_at + period
        days_left = math.ceil((publish_after - now) / timedelta(days=1))
        waiting.append(
            WaitingNotice(notice=notice, publish_after=publish_after, days_left=days_left)
        )
    return waiting
