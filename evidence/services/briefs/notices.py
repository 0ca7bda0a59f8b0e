"""Pre-publication notices: the learning partner tells a challenged party, which asked to
be told first, what the brief will say about it; the party acknowledges. Publishing waits
for both, or for the notice period (``evidence.selectors.notices``)."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from evidence.models import InsightBrief, PrePublicationNotice
from evidence.selectors.notices import NoticeStatus, notice_days, notice_statuses
from learnhub.errors import Conflict
from notifications.services import notify
from partnerships.models import Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of
from partnerships.services import activity_record

from .shared import (
    ALL_AREAS,
    Status,
    acting_organisation,
    locked,
    not_a_draft,
    people_of,
    period_words,
    who,
)

NOTHING_TO_SEND = (
    "No challenge in this brief needs a notice now: no party it names asked to be told "
    "first, or each has been told about the challenges as they are."
)


def notice_url(brief: InsightBrief) -> str:
    return reverse("evidence:brief-notice", args=[brief.pk])


def _challenge_lines(brief: InsightBrief, status: NoticeStatus) -> str:
    questions = dict(
        ResearchQuestion.objects.filter(partnership=brief.partnership).values_list("pk", "text")
    )
    lines = []
    for challenge in status.challenges:
        about = (
            "its work as a whole"
            if challenge["area"] == ALL_AREAS
            else f"“{questions.get(int(challenge['area']), 'a research question')}”"
        )
        lines.append(f"On {about}: {challenge['text']}")
    return "\n".join(lines)


@transaction.atomic
def brief_notify_challenged(*, brief: InsightBrief, by: User) -> list[PrePublicationNotice]:
    """Send a notice to each challenged party that asked to be told first and has not been
    told about the challenges as they are now (sending again clears an acknowledgement).
    Conflict (409) when the brief is not a draft or there is nobody to tell."""
    brief = locked(brief)
    if brief.status != Status.DRAFT:
        raise Conflict(not_a_draft(brief))
    due = [s for s in notice_statuses(brief) if s.state in ("not_sent", "outdated")]
    if not due:
        raise Conflict(NOTHING_TO_SEND)
    now = timezone.now()
    sent = []
    for status in due:
        notice, _ = PrePublicationNotice.objects.update_or_create(
            brief=brief,
            party=status.party,
            defaults={
                "challenges": status.challenges,
                "sent_at": now,
                "sent_by": by,
                "acknowledged_at": None,
                "acknowledged_by": None,
            },
        )
        sent.append(notice)
        name = status.party.organisation.name
        activity_record(
            partnership=brief.partnership,
            actor=by,
            organisation=acting_organisation(by, brief.partnership),
            verb="brief_notice_sent",
            summary=f"{who(by, brief.partnership)} told {name} what the brief for "
            f"{period_words(brief)} will say about it before publishing.",
        )
        notify(
            recipients=people_of([status.party]),
            kind="brief_notice",
            subject=f"Before publishing: the insight brief for {period_words(brief)} "
            f"challenges {name}",
            body=(
                f"{name} asked to be told before a published brief challenges it. The "
                f"learning partner plans to publish the brief for {period_words(brief)} in "
                f"“{brief.partnership.title}” with this:\n\n{_challenge_lines(brief, status)}"
                f"\n\nAn admin of {name} can acknowledge it, or tell the learning partner "
                f"what you think. It can be published after {notice_days()} days even "
                "without a reply."
            ),
            url=notice_url(brief),
            partnership=brief.partnership,
        )
    return sent


@transaction.atomic
def brief_acknowledge(*, brief: InsightBrief, party: Party, by: User) -> PrePublicationNotice:
    """``party`` (an admin acting for it) acknowledges the notice it was sent. The
    learning partner is told. Conflict (409) when the brief is no longer a draft."""
    brief = locked(brief)
    if brief.status != Status.DRAFT:
        raise Conflict(not_a_draft(brief))
    notice = PrePublicationNotice.objects.select_for_update().get(brief=brief, party=party)
    if notice.acknowledged_at is None:
        notice.acknowledged_at = timezone.now()
        notice.acknowledged_by = by
        notice.save(update_fields=["acknowledged_at", "acknowledged_by"])
        name = party.organisation.name
        activity_record(
            partnership=brief.partnership,
            actor=by,
            organisation=party.organisation,
            verb="brief_notice_acknowledged",
            summary=f"{by.display_name} ({name}) acknowledged the notice about the brief "
            f"for {period_words(brief)}.",
        )
        learning_partner = accepted_parties_of(partnership=brief.partnership).filter(
            role=Party.Role.LEARNING_PARTNER
        )
        notify(
            recipients=people_of(learning_partner),
            kind="brief_notice_acknowledged",
            subject=f"{name} acknowledged the notice: {period_words(brief)}",
            body=f"{name} acknowledged what the brief for {period_words(brief)} will say "
            "about it. Nothing they were told about holds back publishing now.",
            url=reverse("evidence:brief-publish", args=[brief.pk]),
            partnership=brief.partnership,
        )
    return notice
