"""Publishing a draft: re-computed from evidence that also has ``publish`` consent, and
refused while the "so what?" is empty or a challenge lacks its party's permission for
published briefs."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from consent.models import ChallengeRecord
from consent.selectors import ChallengeArea, challenges_publishable
from evidence.models import InsightBrief
from evidence.selectors.briefs import Basis, brief_compose
from evidence.selectors.notices import NoticeStatus, notice_statuses
from evidence.so_what import so_what_written
from learnhub.errors import Conflict
from notifications.services import notify
from partnerships.models import Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of
from partnerships.services import activity_record

from .drafting import store
from .shared import (
    ALL_AREAS,
    Status,
    acting_organisation,
    brief_url,
    locked,
    not_a_draft,
    people_of,
    period_words,
    who,
)

#: Why a brief with an empty "so what?" cannot be published.
SO_WHAT_MISSING = (
    "The “so what?” is not written yet: say what the evidence means and what happens next, "
    "in place of any bracketed prompt."
)
CHALLENGES_ADVICE = "Remove or change these challenges, or ask the party for permission first."


class NotReadyToPublish(Conflict):
    """Publishing refused (409): ``problems`` says each thing in the way, in plain
    sentences: an empty "so what?" (``so_what_missing``), each challenge whose party
    has not given permission for its area in published briefs (``challenge_problems``),
    and each challenged party that asked to be told first and is still waiting
    (``waiting``; the API answers their ids as ``waiting_for``)."""

    def __init__(
        self,
        *,
        so_what_missing: bool,
        challenge_problems: list[str],
        waiting: list[NoticeStatus] | None = None,
    ) -> None:
        self.so_what_missing = so_what_missing
        self.challenge_problems = challenge_problems
        self.waiting = waiting or []
        self.notice_problems = [waiting_sentence(status) for status in self.waiting]
        self.problems = (
            [SO_WHAT_MISSING] * so_what_missing + challenge_problems + self.notice_problems
        )
        advice = [CHALLENGES_ADVICE] if challenge_problems else []
        super().__init__(" ".join(["This brief cannot be published yet.", *self.problems, *advice]))
        self.extra = {"waiting_for": [status.party.pk for status in self.waiting]}


def waiting_sentence(status: NoticeStatus) -> str:
    """Why publishing waits for ``status``'s party, and what would end the wait."""
    name = status.party.organisation.name
    if status.state == "not_sent":
        return (
            f"{name} asked to be told before a published brief challenges it: send them the "
            "notice first."
        )
    if status.state == "outdated":
        return f"The challenges to {name} changed after they were told: send them the notice again."
    after = timezone.localtime(status.publish_after) if status.publish_after else None
    when = f" or after {after:%-d %B %Y at %H:%M}" if after else ""
    return (
        f"{name} has not acknowledged the notice yet: publishing can go ahead once they do{when}."
    )


def unpermitted_challenges(brief: InsightBrief) -> list[str]:
    """A plain sentence for each challenge whose party has not given the learning partner
    permission to challenge it on that area in a published brief (one query)."""
    challenges = list(brief.challenges or [])
    if not challenges:
        return []
    areas = [
        ChallengeArea(
            party=int(c["party"]), question=None if c["area"] == ALL_AREAS else int(c["area"])
        )
        for c in challenges
    ]
    allowed = challenges_publishable(
        partnership=brief.partnership,
        challenges=areas,
        channel=ChallengeRecord.Channel.PUBLISHED_BRIEF,
    )
    names = dict(
        Party.objects.filter(pk__in={a.party for a in areas}).values_list(
            "pk", "organisation__name"
        )
    )
    questions = dict(
        ResearchQuestion.objects.filter(
            pk__in={a.question for a in areas if a.question is not None}
        ).values_list("pk", "text")
    )
    problems = []
    for number, area in enumerate(areas, start=1):
        if allowed[area]:
            continue
        name = names.get(area.party, "A party that has left")
        about = (
            f"on “{questions.get(area.question, 'a question')}”"
            if area.question is not None
            else "on its work as a whole"
        )
        problems.append(
            f"Challenge {number} names {name} {about}, but {name} has not given permission "
            "to be challenged on this in a published brief."
        )
    return problems


@transaction.atomic
def brief_publish(*, brief: InsightBrief, by: User) -> InsightBrief:
    """Publish a draft: re-computed from its evidence whose parties consent to both
    ``participate`` and ``publish`` now, then every party is told.

    Refused (``NotReadyToPublish``, a 409 naming each problem) while the "so what?" is
    empty, any challenge lacks its party's permission for that area in published briefs,
    or a challenged party that asked to be told first has not acknowledged the notice
    (and the notice period has not passed); refused while the brief is being drafted or
    once published.
    """
    brief = locked(brief)
    if brief.status != Status.DRAFT:
        raise Conflict(not_a_draft(brief))
    so_what_missing = not so_what_written(brief.so_what)
    problems = unpermitted_challenges(brief)
    waiting = [status for status in notice_statuses(brief) if not status.ready]
    if so_what_missing or problems or waiting:
        raise NotReadyToPublish(
            so_what_missing=so_what_missing, challenge_problems=problems, waiting=waiting
        )
    basis = Basis(
        current=set(brief.cited_evidence.values_list("pk", flat=True)),
        previous=set(brief.compared_evidence.values_list("pk", flat=True)),
    )
    store(brief, brief_compose(brief, stage="published", basis=basis))
    brief.status = Status.PUBLISHED
    brief.published_at = timezone.now()
    brief.published_by = by
    brief.save(
        update_fields=[
            "sections",
            "what_changed",
            "plain_language",
            "status",
            "published_at",
            "published_by",
            "updated_at",
        ]
    )
    partnership = brief.partnership
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=acting_organisation(by, partnership),
        verb="brief_published",
        summary=f"{who(by, partnership)} published the insight brief for {period_words(brief)}.",
    )
    notify(
        recipients=people_of(accepted_parties_of(partnership=partnership)),
        kind="brief_published",
        subject=f"Insight brief published: {period_words(brief)}",
        body=(
            f"The insight brief for {period_words(brief)} in “{partnership.title}” has been "
            "published. Read what the evidence says, download it, and record what you will "
            "change."
        ),
        url=brief_url(brief),
        partnership=partnership,
    )
    return brief
