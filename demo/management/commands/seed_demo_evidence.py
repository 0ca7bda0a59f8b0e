"""``manage.py seed_demo_evidence``: the demo's evidence, so a newcomer sees a living
partnership (``seed_demo`` runs it last).

The active demo partnership gets evidence of every kind from every party — numbers and
stories, what works and what does not — in plain words. Each party that adds evidence
gives the consent it needs (only where it has not decided yet): the food bank takes part
and shares with the funder and other grantees, the funder shares with the grantees, and
the learning partner only takes part, so what each person sees follows the rules.

Everything goes through the services, and only what is missing is made: running it again
changes nothing. Without an active partnership of the demo organisations it does nothing.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consent.models import ConsentRecord, ConsentState
from consent.services import consent_record
from evidence.cleaning import clean_evidence
from evidence.models import Evidence
from evidence.services import evidence_submit
from partnerships.models import Membership, Partnership, Party, ResearchQuestion
from partnerships.selectors import questions_with_status

Purpose = ConsentRecord.Purpose

FOOD_BANK = "Riverside Food Bank"
LEARNING_PARTNER = "Open Ground Learning Co-operative"
FUNDER = "Northbridge Community Foundation"

CONSENTS: dict[str, tuple[str, ...]] = {
    FOOD_BANK: (Purpose.PARTICIPATE, Purpose.SHARE_WITH_FUNDER, Purpose.SHARE_WITH_PARTIES),
    LEARNING_PARTNER: (Purpose.PARTICIPATE,),
    FUNDER: (Purpose.PARTICIPATE, Purpose.SHARE_WITH_PARTIES),
}


@dataclass(frozen=True)
class DemoItem:
    organisation: str
    kind: str
    title: str
    valence: str
    days_ago: int
    body: str = ""
    prompts: dict[str, str] = field(default_factory=dict)
    questions: tuple[int, ...] = ()  # positions in the partnership's agreed questions
    attribution: str = Evidence.Attribution.ANONYMOUS
    speaker: str = ""  # whose words: briefs attribute quotes by it
    value: Decimal | None = None
    unit: str = ""
    baseline: Decimal | None = None
    period_days: int | None = None  # the figure covers this many days up to the date
    attachment: tuple[str, bytes] | None = None


def _pdf(lines: list[str]) -> bytes:
    """A small, valid one-page PDF with ``lines`` of text (Helvetica)."""
    text = "\n".join(
        f"({line.replace(chr(92), '').replace('(', '[').replace(')', ']')}) Tj 0 -18 Td"
        for line in lines
    )
    stream = f"BT /F1 12 Tf 60 760 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


ITEMS: tuple[DemoItem, ...] = (
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.STATISTIC,
        "Households back for a second emergency parcel within six months",
        Evidence.Valence.WORKING,
        days_ago=6,
        body="Of households who saw an adviser on the day of their first visit. Counted "
        "from our referral records.",
        questions=(0,),
        value=Decimal(23),
        unit="% of households",
        baseline=Decimal(31),
        period_days=182,
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.STORY,
        "A dad who came back to volunteer",
        Evidence.Valence.WORKING,
        days_ago=20,
        body="He first came in the winter after losing his job. The adviser sorted out his "
        "Universal Credit claim that same morning. Six months later he asked if he could "
        "help on Saturdays. He now runs the fruit and veg table and says it got him out of "
        "the house when nothing else did.",
        questions=(0,),
        attribution=Evidence.Attribution.NAMED,
        speaker=Evidence.Speaker.STAFF,
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.AFTER_ACTION_REVIEW,
        "Moving advice sessions to the church hall",
        Evidence.Valence.NOT_WORKING,
        days_ago=34,
        prompts={
            "planned": "Move the advice desk to the bigger church hall over two weeks, with "
            "no gap in sessions.",
            "happened": "We had to cancel a whole Saturday because the keys were not ready. "
            "About twelve people who were booked in did not get their advice.",
            "why_different": "We agreed the move by phone and nobody owned the handover of "
            "the keys or telling people who were booked.",
            "do_differently": "Write down who does what before a change, and text everyone "
            "who is booked a week ahead.",
        },
        questions=(1,),
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.QUOTE,
        "“I don’t feel judged here”",
        Evidence.Valence.WORKING,
        days_ago=13,
        body="I don’t feel judged here. They ask how the kids are, not why I need help. "
        "— a mum who comes for advice",
        questions=(1,),
        speaker=Evidence.Speaker.SERVICE_USER,
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.SURVEY_RESULT,
        "Winter survey of people who came for advice",
        Evidence.Valence.MIXED,
        days_ago=48,
        body="41 people answered. Most said the advice helped, but a third cannot get to us "
        "without a bus, and the Thursday bus has been cut.",
        questions=(1,),
        value=Decimal(34),
        unit="% who need a bus to reach us",
        attachment=(
            "winter-survey-summary.csv",
            b"question,yes,no\nThe advice helped me,35,6\nI need a bus to get here,14,27\n",
        ),
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.LEARNING_LOG,
        "What I noticed at the advice desk this month",
        Evidence.Valence.UNCLEAR,
        days_ago=3,
        prompts={
            "learned": "People tell us more when we sit down with them than at the counter.",
            "patterns": "The same three worries come up every week: energy bills, school "
            "uniform, and whether we will still be open in the spring.",
        },
        questions=(0,),
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.INTERVIEW_NOTE,
        "Talking with a mum who stopped coming for advice",
        Evidence.Valence.NOT_WORKING,
        days_ago=9,
        body="She came twice, then stopped. Her second appointment clashed with the school "
        "run and she did not want to ring up to change it. She said a text the day before "
        "would have helped, and that she still has a letter from the council she does not "
        "understand.",
        questions=(1,),
        speaker=Evidence.Speaker.SERVICE_USER,
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.STATISTIC,
        "People who came back for a second advice appointment",
        Evidence.Valence.NOT_WORKING,
        days_ago=15,
        body="Fewer people came back after we stopped sending text reminders in the summer "
        "to save money.",
        questions=(1,),
        value=Decimal(38),
        unit="% of people booked",
        baseline=Decimal(52),
        period_days=91,
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.DOCUMENT,
        "How we run same-day advice sessions",
        Evidence.Valence.WORKING,
        days_ago=60,
        body="A one-page guide our volunteers use, shared for the question about same-day advice.",
        questions=(0,),
        attachment=(
            "same-day-advice-guide.pdf",
            _pdf(
                [
                    "Riverside Food Bank - how we run same-day advice",
                    "1. Offer every new visitor a chat with an adviser before they leave.",
                    "2. Check benefits, energy debts and school uniform grants.",
                    "3. Book a follow-up and send a text reminder the day before.",
                ]
            ),
        ),
    ),
    DemoItem(
        FOOD_BANK,
        Evidence.Kind.REFLECTION,
        "Team reflection after the first six months",
        Evidence.Valence.MIXED,
        days_ago=40,
        prompts={
            "what_we_did": "Offered same-day advice to everyone on their first visit.",
            "what_happened": "Most people took it up, and fewer came back for a second "
            "emergency parcel. But follow-up appointments were often missed.",
            "what_it_means": "The first conversation works. Keeping in touch afterwards is "
            "where we lose people, so that is where to put our effort next.",
        },
        questions=(0, 1),
    ),
    DemoItem(
        LEARNING_PARTNER,
        Evidence.Kind.LEARNING_LOG,
        "Notes from the first learning workshop",
        Evidence.Valence.UNCLEAR,
        days_ago=25,
        prompts={
            "learned": "Everyone worries about the same thing: people who stop coming "
            "without telling anyone.",
            "patterns": "Transport and the time of day come up in every conversation.",
        },
        questions=(1,),
    ),
    DemoItem(
        FUNDER,
        Evidence.Kind.REFLECTION,
        "What our grants committee heard",
        Evidence.Valence.WORKING,
        days_ago=18,
        prompts={
            "what_we_did": "Shared the early findings with our grants committee.",
            "what_happened": "Trustees asked for numbers first, but the stories changed the "
            "discussion.",
            "what_it_means": "We should ask grantees for fewer figures and more accounts of "
            "what changed.",
        },
        questions=(0,),
    ),
)


def demo_partnership() -> Partnership | None:
    """The oldest active partnership in which the demo food bank takes part."""
    return (
        Partnership.objects.filter(
            status=Partnership.Status.ACTIVE,
            parties__organisation__name=FOOD_BANK,
            parties__status=Party.Status.ACCEPTED,
        )
        .order_by("created_at", "id")
        .first()
    )


def _submitter(party: Party) -> User:
    """A plain member of the party's organisation if it has one, else its first admin."""
    membership = (
        Membership.objects.filter(organisation=party.organisation)
        .select_related("user")
        .order_by("-role", "id")  # "member" sorts after "admin": members first
        .first()
    )
    assert membership is not None, f"{party.organisation} has nobody"  # noqa: S101
    return membership.user


def _admin(party: Party) -> User:
    membership = (
        Membership.objects.filter(organisation=party.organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    assert membership is not None, f"{party.organisation} has no admin"  # noqa: S101
    return membership.user


def _give_consent(party: Party) -> None:
    for purpose in CONSENTS.get(party.organisation.name, ()):
        if not ConsentState.objects.filter(party=party, purpose=purpose).exists():
            consent_record(party=party, purpose=purpose, decision="grant", by=_admin(party))


def _data(item: DemoItem, questions: list[ResearchQuestion]) -> dict[str, Any]:
    occurred_on = timezone.localdate() - datetime.timedelta(days=item.days_ago)
    data: dict[str, Any] = {
        "kind": item.kind,
        "title": item.title,
        "body": item.body,
        "valence": item.valence,
        "attribution": item.attribution,
        "speaker": item.speaker,
        "occurred_on": occurred_on,
        "prompts": item.prompts,
        "questions": [questions[i].pk for i in item.questions if i < len(questions)],
        "value": item.value,
        "unit": item.unit,
        "baseline": item.baseline,
    }
    if item.period_days is not None:
        data["period_start"] = occurred_on - datetime.timedelta(days=item.period_days)
        data["period_end"] = occurred_on
    return data


@transaction.atomic
def seed_demo_evidence() -> int:
    """Add whatever demo evidence is missing; returns how many items were added."""
    partnership = demo_partnership()
    if partnership is None:
        return 0
    parties = {
        party.organisation.name: party
        for party in partnership.parties.filter(status=Party.Status.ACCEPTED).select_related(
            "organisation"
        )
    }
    questions = list(
        questions_with_status(partnership=partnership).filter(
            # django-stubs cannot see the ``status`` annotation questions_with_status adds.
            status=ResearchQuestion.Status.AGREED  # type: ignore[misc]
        )
    )
    added = 0
    for item in ITEMS:
        party = parties.get(item.organisation)
        if party is None:
            continue
        _give_consent(party)
        if Evidence.objects.filter(party=party, title=item.title).exists():
            continue
        attachment = None
        if item.attachment is not None:
            name, content = item.attachment
            attachment = SimpleUploadedFile(name, content)
        evidence_submit(
            partnership=partnership,
            party=party,
            by=_submitter(party),
            item=clean_evidence(
                _data(item, questions), partnership=partnership, attachment=attachment
            ),
        )
        added += 1
    return added


class Command(BaseCommand):
    help = "Add the demo evidence to the active demo partnership (safe to run again)."

    def handle(self, *args: Any, **options: Any) -> None:
        added = seed_demo_evidence()
        if options["verbosity"] > 1:
            self.stdout.write(f"Demo evidence: {added} item(s) added.")
