"""Reads of share links: the learning partner's list, the link a token opens, and what
the signed-out page shows.

The page shows a published brief through the same read every signed-in page uses
(``brief_readings``, which ``brief_readings_for`` starts from), so consent and the
redaction after a withdrawal apply at once, before the re-render task has run. A person
with the link is nobody in the partnership: they may open no evidence (no provenance
links), exactly as the public preview shows it.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta

from django.db.models import Q, QuerySet

from evidence import community
from evidence.models import InsightBrief, LearningAction, ShareLink
from evidence.periods import london_today, period_containing
from evidence.selectors.briefs import BriefReading, brief_readings, citable_parties
from partnerships.models import Partnership

#: What ``secrets.token_urlsafe(32)`` makes: 43 URL-safe characters. Anything else is
#: answered 404 without a query.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def share_links_of(*, brief: InsightBrief) -> QuerySet[ShareLink]:
    """Every link to ``brief``, newest first (the learning partner's list)."""
    return ShareLink.objects.filter(brief=brief).order_by("-created_at", "-id")


def share_link_open(*, token: str) -> ShareLink | None:
    """The link ``token`` opens now, with its brief and partnership: None when the token
    is malformed or unknown, the link is revoked, its last day (London) has passed, or
    its brief is not published."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    return (
        ShareLink.objects.select_related("brief__partnership")
        .filter(
            Q(expires_on__isnull=True) | Q(expires_on__gte=london_today()),
            token=token,
            revoked_at__isnull=True,
            brief__status=InsightBrief.Status.PUBLISHED,
        )
        .first()
    )


def shared_reading(*, link: ShareLink) -> BriefReading:
    """What the link shows: the published brief as it reads now, with no evidence the
    reader may open."""
    reading = brief_readings([link.brief])[link.brief_id]
    return replace(reading, visible_evidence=set())


def community_page(*, reading: BriefReading) -> community.CommunityPage:
    """The "you said, we did" page of a published brief's ``reading``.

    What we changed: the learning actions done that the brief reports, and those done
    that were recorded against it. What happens next: actions recorded against it that
    are planned or under way, and when the next brief is due while the partnership is
    active. Only the actions of parties whose evidence the published brief may cite now
    (``publish`` consent) are told, so a withdrawal takes them off the page at once.
    """
    brief = reading.brief
    partnership = brief.partnership
    parties = citable_parties(partnership=partnership, stage="published")
    reported = [int(change["action"]) for change in reading.what_changed]
    rows = list(
        LearningAction.objects.filter(
            Q(pk__in=reported) | Q(brief=brief), partnership=partnership, party__in=parties
        )
        .select_related("party__organisation")
        .order_by("done_at", "created_at", "pk")
    )
    order = {pk: number for number, pk in enumerate(reported)}
    done = sorted(
        (a for a in rows if a.status == LearningAction.Status.DONE),
        key=lambda a: order.get(a.pk, len(order)),
    )
    planned = [a for a in rows if a.status != LearningAction.Status.DONE and a.brief_id == brief.pk]
    next_update = None
    if partnership.status == Partnership.Status.ACTIVE:
        next_update = period_containing(london_today(), partnership.brief_cadence).end + timedelta(
            days=1
        )
    return community.CommunityPage(
        told=community.told(reading.sections),
        changed=community.actions(
            community.Action(
                id=a.pk, who=a.party.organisation.name, text=a.description, outcome=a.outcome
            )
            for a in done
        ),
        next=community.actions(
            community.Action(id=a.pk, who=a.party.organisation.name, text=a.description)
            for a in planned
        ),
        next_update=next_update,
    )
