"""Demo data for learning sessions: a reflection session held in the last brief period,
with what came out of it recorded as evidence, and an after action review coming up.

Called by ``seed_demo`` after the briefs; through the services, and only when the
partnership has no sessions yet.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from evidence.cleaning import clean_evidence
from evidence.periods import last_ended_period, london_today
from evidence.services.items import evidence_submit
from partnerships.models import Membership, Partnership, Party
from rhythm.models import LearningSession
from rhythm.services import session_schedule


def _admin_of(party: Party) -> Membership:
    membership = (
        Membership.objects.filter(organisation=party.organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, f"{party.organisation} has no admin"  # noqa: S101
    return membership


@transaction.atomic
def seed_session_demo(partnership: Partnership) -> list[LearningSession]:
    """Two sessions of the active demo partnership: one held (with a reflection recorded
    from it) and one next week. Does nothing once the partnership has sessions."""
    existing = list(LearningSession.objects.filter(partnership=partnership))
    if existing:
        return existing
    parties = {p.role: p for p in partnership.parties.filter(status=Party.Status.ACCEPTED)}
    grantee = parties[Party.Role.GRANTEE]
    by = _admin_of(parties[Party.Role.LEARNING_PARTNER]).user
    zone = timezone.get_default_timezone()
    last = last_ended_period(london_today(), partnership.brief_cadence)
    held_on = last.start + datetime.timedelta(days=min(9, (last.end - last.start).days))
    held = session_schedule(
        partnership=partnership,
        by=by,
        fields={
            "kind": LearningSession.Kind.REFLECTION,
            "title": "Looking back at the evening advice sessions",
            "starts_at": datetime.datetime.combine(held_on, datetime.time(14), tzinfo=zone),
            "duration_minutes": 90,
            "prompts": [
                "What did we do?",
                "What happened, and what surprised us?",
                "What does it mean for the next month?",
            ],
        },
    )
    LearningSession.objects.filter(pk=held.pk).update(reminded_at=held.starts_at)
    item = clean_evidence(
        {
            "kind": "reflection",
            "title": "Reflection: evening advice sessions",
            "valence": "working",
            "occurred_on": held_on.isoformat(),
            "prompts": {
                "what_we_did": "Ran advice on Wednesday evenings as well as mornings.",
                "what_happened": "People who work shifts came, and most came back a second time.",
                "what_it_means": "Advice at times people can reach matters as much as the advice.",
            },
        },
        partnership=partnership,
    )
    evidence_submit(
        partnership=partnership,
        party=grantee,
        by=_admin_of(grantee).user,
        item=item,
        session_id=held.pk,
    )
    next_week = timezone.localtime(timezone.now(), zone).date() + datetime.timedelta(days=7)
    upcoming = session_schedule(
        partnership=partnership,
        by=by,
        fields={
            "kind": LearningSession.Kind.AFTER_ACTION_REVIEW,
            "title": "After action review: the winter appeal",
            "starts_at": datetime.datetime.combine(next_week, datetime.time(10), tzinfo=zone),
            "duration_minutes": 60,
            "prompts": ["What did we plan?", "What happened?", "What will we do differently?"],
        },
    )
    return [held, upcoming]
