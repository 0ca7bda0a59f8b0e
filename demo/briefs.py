"""Demo data for insight briefs: consent, evidence over three periods, a published brief,
a draft brief and learning actions, in the demo's active partnership.

Called by ``seed_demo`` (``make run``). Everything goes through the services, and only
when missing: once the partnership has briefs, nothing more is added. The evidence of
the current period is there so that, after ``manage.py demo_advance_clock``, the beat
schedule drafts a new brief with something in it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import User
from consent.models import ChallengeRecord, ConsentState
from consent.services import challenge_record, consent_record
from evidence.cleaning import clean_evidence
from evidence.models import Evidence, InsightBrief
from evidence.periods import Period, last_ended_period, london_today, period_containing
from evidence.services.briefs import (
    brief_acknowledge,
    brief_draft,
    brief_notify_challenged,
    brief_publish,
    brief_request,
    brief_update,
)
from evidence.services.items import evidence_submit
from evidence.services.learning_actions import learning_action_create
from partnerships.models import Membership, Partnership, Party, ResearchQuestion

PURPOSES_BY_ROLE = {
    Party.Role.GRANTEE: ("participate", "publish", "attribute", "share_with_funder"),
    Party.Role.FUNDER: ("participate", "publish"),
}


def _admin(party: Party) -> User:
    membership = (
        Membership.objects.filter(organisation=party.organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    assert membership is not None, f"{party.organisation} has no admin"  # noqa: S101
    return membership.user


def _consent(party: Party) -> None:
    admin = _admin(party)
    held = set(
        ConsentState.objects.filter(party=party, granted=True).values_list("purpose", flat=True)
    )
    for purpose in PURPOSES_BY_ROLE.get(Party.Role(party.role), ()):
        if purpose not in held:
            consent_record(party=party, purpose=purpose, decision="grant", by=admin)
    if (
        party.role == Party.Role.GRANTEE
        and not ChallengeRecord.objects.filter(party=party).exists()
    ):
        challenge_record(
            party=party,
            decision="grant",
            areas=["*"],
            channels=["workshop", "private_report", "published_brief"],
            conditions="Please talk to us first, in private.",
            notify_before_publish=True,
            by=admin,
        )


def _day(period: Period, offset: int, today: datetime.date) -> datetime.date:
    return min(period.start + datetime.timedelta(days=offset), today)


def _evidence(
    partnership: Partnership,
    party: Party,
    questions: list[ResearchQuestion],
    period: Period,
    today: datetime.date,
    *,
    visits: int,
    advised: int,
) -> None:
    """One period's evidence: figures, a quote and a story each way, a learning log."""
    advice, return_visits = questions
    by = _admin(party)
    items: list[dict[str, Any]] = [
        {
            "kind": "statistic",
            "title": "Households back for a second parcel within six months",
            "body": (
                "Fewer families came back for a second parcel once an adviser saw them on the "
                "same day."
            ),
            "value": Decimal(visits),
            "baseline": Decimal(48),
            "unit": "households",
            "valence": "working" if visits < 48 else "not_working",
            "questions": [advice.pk],
            "occurred_on": _day(period, 20, today),
        },
        {
            "kind": "statistic",
            "title": "People given same-day benefits advice",
            "body": "The adviser now sits in the waiting room on parcel days.",
            "value": Decimal(advised),
            "unit": "people",
            "valence": "working",
            "questions": [advice.pk],
            "occurred_on": _day(period, 21, today),
        },
        {
            "kind": "quote",
            "title": "Advice on the day",
            "body": (
                "Sorting my Universal Credit on the same day meant I didn't have to come back "
                "the next week."
            ),
            "valence": "working",
            "attribution": "named",
            "speaker": "service_user",
            "questions": [advice.pk],
            "occurred_on": _day(period, 3, today),
        },
        {
            "kind": "quote",
            "title": "Waiting room",
            "body": "The wait for an adviser was two hours and I had to collect my kids.",
            "valence": "not_working",
            "speaker": "service_user",
            "questions": [return_visits.pk],
            "occurred_on": _day(period, 5, today),
        },
        {
            "kind": "story",
            "title": "A family who stopped needing parcels",
            "body": (
                "A mother of three came for a parcel, saw an adviser the same morning and found "
                "she was owed carer's allowance. She has not needed a parcel since."
            ),
            "valence": "working",
            "questions": [advice.pk],
            "occurred_on": _day(period, 8, today),
        },
        {
            "kind": "story",
            "title": "Shift workers miss the advice sessions",
            "body": (
                "Several people on night shifts told volunteers they could never make the "
                "morning advice sessions, so they only ever get the parcel."
            ),
            "valence": "not_working",
            "speaker": "volunteer",
            "questions": [return_visits.pk],
            "occurred_on": _day(period, 12, today),
        },
        {
            "kind": "learning_log",
            "title": "What I learnt on the Tuesday session",
            "body": "",
            "valence": "mixed",
            "questions": [return_visits.pk],
            "prompts": {
                "learned": "People trust advisers more when a volunteer they know introduces them.",
                "patterns": "Evening sessions fill up; morning ones have empty slots.",
            },
            "occurred_on": _day(period, 14, today),
        },
    ]
    for data in items:
        if data["occurred_on"] < period.start:
            continue
        data = {**data, "occurred_on": data["occurred_on"].isoformat()}
        if Evidence.objects.filter(
            partnership=partnership, title=data["title"], occurred_on=data["occurred_on"]
        ).exists():
            continue
        item = clean_evidence(data, partnership=partnership)
        evidence_submit(partnership=partnership, party=party, by=by, item=item)


@transaction.atomic
def seed_brief_demo(partnership: Partnership) -> list[InsightBrief]:
    """Give the active demo partnership a published brief (two periods ago), a draft brief
    (the last period) and evidence in the current period. Does nothing once it has briefs."""
    existing = list(InsightBrief.objects.filter(partnership=partnership).order_by("period_end"))
    if existing:
        return existing
    # The evidence demo first (idempotent), so the briefs draw on all of the demo evidence.
    from demo.management.commands.seed_demo_evidence import seed_demo_evidence

    seed_demo_evidence()
    parties = {p.role: p for p in partnership.parties.filter(status=Party.Status.ACCEPTED)}
    grantee = parties[Party.Role.GRANTEE]
    learning_partner = parties[Party.Role.LEARNING_PARTNER]
    funder = partnership.parties.get(is_commissioner=True)
    for party in (grantee, funder):
        _consent(party)
    questions = list(partnership.questions.order_by("pk")[:2])
    lp_person = _admin(learning_partner)

    today = london_today()
    cadence = partnership.brief_cadence
    last = last_ended_period(today, cadence)
    before_last = last_ended_period(last.start, cadence)
    earlier = last_ended_period(before_last.start, cadence)
    current = period_containing(today, cadence)
    # The partnership was active before the oldest period shown.
    Partnership.objects.filter(pk=partnership.pk).update(
        status_changed_at=datetime.datetime.combine(
            earlier.start, datetime.time(9), tzinfo=datetime.UTC
        )
    )
    for period, visits, advised in (
        (earlier, 51, 12),
        (before_last, 44, 19),
        (last, 39, 26),
        (current, 35, 11),
    ):
        _evidence(partnership, grantee, questions, period, today, visits=visits, advised=advised)

    published, _ = brief_request(
        partnership=partnership,
        period_start=before_last.start,
        period_end=before_last.end,
        by=lp_person,
    )
    brief_draft(brief_id=published.pk)
    published.refresh_from_db()
    brief_update(
        brief=published,
        by=lp_person,
        so_what=(
            "Same-day advice looks like it stops people needing a second parcel: fewer "
            "households came back this month. But people who work shifts cannot reach the "
            "advisers, so the ones who may need advice most are missing out."
        ),
        recommendations=(
            "Try one evening advice session a week for three months.\n\n"
            "Ask people who stop coming why, by text message, with their permission."
        ),
        challenges=[
            {
                "party": grantee.pk,
                "area": "*",
                "text": ("Morning-only advice suits volunteers more than the people who need it."),
            }
        ],
    )
    # The grantee asked to be told first: the learning partner sent the notice, and the
    # grantee acknowledged it before the brief was published.
    brief_notify_challenged(brief=published, by=lp_person)
    brief_acknowledge(brief=published, party=grantee, by=_admin(grantee))
    brief_publish(brief=published, by=lp_person)
    action = learning_action_create(
        partnership=partnership,
        party=grantee,
        by=_admin(grantee),
        brief=published,
        description="Run an evening advice session every Wednesday.",
        status="done",
        outcome="Eleven people who work days or shifts saw an adviser in the first month.",
    )
    learning_action_create(
        partnership=partnership,
        party=funder,
        by=_admin(funder),
        brief=published,
        description="Fund the adviser's extra evening hours for a year.",
        status="planned",
    )
    # The evening sessions started during the last period, so its brief reports them.
    type(action).objects.filter(pk=action.pk).update(
        done_at=datetime.datetime.combine(
            last.start + datetime.timedelta(days=10), datetime.time(12), tzinfo=datetime.UTC
        )
    )

    draft, _ = brief_request(
        partnership=partnership, period_start=last.start, period_end=last.end, by=lp_person
    )
    brief_draft(brief_id=draft.pk)
    return [published, draft]
