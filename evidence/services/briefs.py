"""Every write of insight briefs and learning actions.

The life of a brief: ``brief_request`` (the learning partner, or the beat task
``briefs_draft_due`` on the partnership's cadence) makes the one row for a partnership
and period — a database constraint guarantees there is never a second — and queues
``evidence.draft_brief`` after commit (the schedule queues ``evidence.draft_briefs``, a
batch at a time). ``briefs_draft`` (both tasks) locks the rows and computes the drafts
from evidence with ``participate`` consent, in one transaction: a worker killed
half-way leaves the briefs "drafting" for the next delivery to redo, and a second
delivery finds them drafted and changes nothing. The learning partner edits the
so-what, recommendations and challenges (``brief_update``) and publishes
(``brief_publish``), which re-computes the brief from evidence that also has ``publish``
consent and refuses while any challenge lacks its party's permission for published
briefs. After a consent change ``briefs_rerender_for_party`` re-computes drafts and
re-renders published briefs with a redaction note.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from consent.models import ChallengeRecord
from consent.selectors import ChallengeArea, challenges_publishable
from evidence import synthesis
from evidence.models import Evidence, EvidenceReminder, InsightBrief, LearningAction
from evidence.periods import (
    EARLIEST_DAY,
    LATEST_DAY,
    Period,
    last_ended_period,
    london_today,
    period_containing,
)
from evidence.selectors.briefs import (
    Basis,
    brief_compose,
    briefs_compose,
    citable_parties,
    stage_of,
)
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from learnhub.outbox import outbox_pending, outbox_send, outbox_send_many
from notifications.services import MembersMessage, notify, notify_members
from partnerships.models import (
    ActivityEvent,
    Organisation,
    Partnership,
    Party,
    ResearchQuestion,
)
from partnerships.selectors import accepted_parties_of, learning_partner_organisations_in
from partnerships.services import activity_record, activity_record_many

logger = logging.getLogger(__name__)

Status = InsightBrief.Status
CitedThrough = InsightBrief.cited_evidence.through
ComparedThrough = InsightBrief.compared_evidence.through
MAX_PERIOD_DAYS = 366
SO_WHAT_MAX = 10_000
RECOMMENDATIONS_MAX = 10_000
CHALLENGE_TEXT_MAX = 2_000
CHALLENGES_MAX = 20
ALL_AREAS = "*"
#: The drafting tasks (``evidence.tasks``), sent by name through the outbox.
DRAFT_BRIEF_TASK = "evidence.draft_brief"
DRAFT_BRIEFS_TASK = "evidence.draft_briefs"
#: How long before a period ends parties with no evidence are reminded, by cadence.
REMINDER_DAYS_BEFORE_END = {"weekly": 2, "monthly": 5, "quarterly": 14}


class ChallengesNotPermitted(Conflict):
    """Publishing refused: ``problems`` names each challenge whose party has not given
    permission for its area in published briefs."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(
            "This brief cannot be published yet. "
            + " ".join(problems)
            + " Remove or change these challenges, or ask the party for permission first."
        )


# --- People to tell ------------------------------------------------------------------------


def _people_of(parties: Any) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__parties__in=parties,
        )
        .distinct()
        .order_by("pk")
    )


def _brief_url(brief: InsightBrief) -> str:
    return reverse("evidence:brief-detail", args=[brief.pk])


def _period_words(brief: InsightBrief) -> str:
    return Period(brief.period_start, brief.period_end).describe()


def _acting_organisation(user: User, partnership: Partnership) -> Organisation | None:
    party = (
        accepted_parties_of(partnership=partnership)
        .filter(role=Party.Role.LEARNING_PARTNER, organisation__memberships__user=user)
        .first()
    )
    return party.organisation if party else None


def _who(user: User, partnership: Partnership) -> str:
    organisation = _acting_organisation(user, partnership)
    return f"{user.display_name} ({organisation.name})" if organisation else user.display_name


# --- Asking for a brief ------------------------------------------------------------------------


def _queue_drafting(brief: InsightBrief) -> None:
    """Record, with the write that made the brief "drafting", that it must be drafted."""
    outbox_send(task=DRAFT_BRIEF_TASK, args=[brief.pk])


def _queue_drafting_in_batches(brief_ids: Sequence[int]) -> None:
    """Record ``evidence.draft_briefs`` for ``brief_ids`` in the outbox (sent after
    commit), in batches of ``LEARNHUB_BRIEF_DRAFT_BATCH``."""
    size = max(1, int(settings.LEARNHUB_BRIEF_DRAFT_BATCH))
    count = -(-len(brief_ids) // size)  # batches of even sizes: none much longer than another
    outbox_send_many(
        (
            DRAFT_BRIEFS_TASK,
            [list(brief_ids[n * len(brief_ids) // count : (n + 1) * len(brief_ids) // count])],
            {},
        )
        for n in range(count)
    )


def _briefs_on_their_way() -> set[int]:
    """Briefs whose drafting task is recorded and has not succeeded yet (waiting in the
    outbox, queued, running or retrying): queueing them again would only repeat it."""
    found: set[int] = set()
    for row in outbox_pending(tasks=(DRAFT_BRIEF_TASK, DRAFT_BRIEFS_TASK)):
        first = row.args[0] if row.args else None
        if isinstance(first, int):
            found.add(first)
        elif isinstance(first, list):
            found.update(pk for pk in first if isinstance(pk, int))
    return found


def _clean_period(period_start: date, period_end: date) -> Period:
    if period_end < period_start:
        raise ValidationError(
            {"period_end": ["The last day of the period must be on or after its first day."]}
        )
    if period_start > london_today():
        raise ValidationError(
            {"period_start": ["That period has not started yet: choose one that has."]}
        )
    if period_start < EARLIEST_DAY or period_end > LATEST_DAY:
        raise ValidationError(
            {
                ("period_start" if period_start < EARLIEST_DAY else "period_end"): [
                    f"Choose a period from {EARLIEST_DAY:%-d %B %Y} to {LATEST_DAY:%-d %B %Y}."
                ]
            }
        )
    if (period_end - period_start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"period_end": ["A brief can cover at most a year."]})
    return Period(period_start, period_end)


@transaction.atomic
def brief_request(
    *,
    partnership: Partnership,
    period_start: date,
    period_end: date,
    by: User | None,
    queue: bool = True,
) -> tuple[InsightBrief, bool]:
    """The brief for ``partnership`` and the period, made (and queued for drafting) if it
    does not exist yet. Returns ``(brief, created)``. ``queue`` False leaves the queueing
    to the caller (the schedule queues its briefs in batches).

    One brief per partnership and period is a database constraint; ``get_or_create``
    on it means two requests at once still make one. Who may ask is the gateway's rule
    (the learning partner); ``by`` is None when the schedule asks.
    """
    period = _clean_period(period_start, period_end)
    brief, created = InsightBrief.objects.get_or_create(
        partnership=partnership,
        period_start=period.start,
        period_end=period.end,
        defaults={"requested_by": by, "status": Status.DRAFTING},
    )
    if created:
        activity_record(
            partnership=partnership,
            actor=by,
            organisation=_acting_organisation(by, partnership) if by else None,
            verb="brief_requested",
            summary=(
                f"{_who(by, partnership)} asked for an insight brief for {period.describe()}."
                if by
                else f"An insight brief for {period.describe()} is being drafted on schedule."
            ),
        )
    if queue and brief.status == Status.DRAFTING:
        _queue_drafting(brief)
    return brief, created


# --- Drafting (the task's work) ---------------------------------------------------------------


def _pause_for_tests() -> None:
    """Tests of a worker killed mid-draft set ``LEARNHUB_BRIEF_DRAFT_DELAY_SECONDS`` so
    there is time to kill it while it holds the lock. Zero everywhere else."""
    delay = float(getattr(settings, "LEARNHUB_BRIEF_DRAFT_DELAY_SECONDS", 0) or 0)
    if delay > 0:
        time.sleep(delay)


def _store(brief: InsightBrief, draft: synthesis.Draft) -> None:
    brief.sections = draft.sections
    brief.what_changed = draft.what_changed
    brief.plain_language = _plain_language(brief, draft.sections)
    brief.cited_evidence.set(draft.cited)
    brief.compared_evidence.set(draft.compared)


def _plain_language(brief: InsightBrief, sections: list[dict[str, Any]]) -> dict[str, Any]:
    return synthesis.plain_language_report(
        so_what=brief.so_what,
        recommendations=brief.recommendations,
        challenge_texts=[c.get("text", "") for c in brief.challenges or []],
        sections=sections,
    )


def _lock_parties_of(brief_ids: Sequence[int]) -> None:
    """Lock the parties of the partnerships of ``brief_ids`` as ``consent_record`` does
    (``FOR NO KEY UPDATE`` conflicts with its ``FOR UPDATE`` but lets evidence be added
    meanwhile)."""
    partnerships = InsightBrief.objects.filter(pk__in=sorted(set(brief_ids))).values("partnership")
    list(
        Party.objects.select_for_update(no_key=True)
        .filter(partnership__in=partnerships)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def brief_draft(*, brief_id: int) -> InsightBrief | None:
    """Draft the brief ``brief_id`` (``briefs_draft`` for one brief). Returns the brief,
    or None if it no longer exists."""
    drafted = briefs_draft(brief_ids=[brief_id])
    return drafted[0] if drafted else None


def briefs_draft(*, brief_ids: Sequence[int]) -> list[InsightBrief]:
    """Draft the briefs ``brief_ids`` from evidence with active ``participate`` consent.

    The schedule drafts briefs in batches: the whole batch costs a fixed number of
    queries (``briefs_compose`` reads every brief's evidence at once; the briefs, the
    evidence they cite, their timeline lines and notifications are written in one
    statement each), whatever the number of briefs and items.

    Idempotent: the rows are locked (in id order, so two batches never deadlock), and
    only briefs still "drafting" are drafted, all in one transaction, so a second
    delivery changes nothing and a delivery cut short leaves nothing half-written.
    Returns the briefs that exist, in id order, whatever their status.

    Consent decisions and drafting exclude each other: before it reads anything,
    drafting takes the row locks of the partnerships' parties that ``consent_record``
    takes (parties first, then briefs, each in id order). A decision that came first has
    committed before drafting reads consent; one that comes later waits for the draft to
    commit, and its re-render then finds the draft. So a stored brief never cites
    evidence whose consent was withdrawn before the brief was stored.
    """
    with transaction.atomic():
        _lock_parties_of(brief_ids)
        briefs = list(
            InsightBrief.objects.select_for_update(of=("self",))
            .select_related("partnership")
            .filter(pk__in=sorted(set(brief_ids)))
            .order_by("pk")
        )
        drafting = [brief for brief in briefs if brief.status == Status.DRAFTING]
        if not drafting:
            return briefs
        _pause_for_tests()
        drafts = briefs_compose(drafting, stage="draft")
        now = timezone.now()
        cited: list[Any] = []
        compared: list[Any] = []
        for brief in drafting:
            draft = drafts[brief.pk]
            brief.sections = draft.sections
            brief.what_changed = draft.what_changed
            brief.plain_language = _plain_language(brief, draft.sections)
            brief.status = Status.DRAFT
            brief.drafted_at = now
            brief.updated_at = now
            cited.extend(CitedThrough(insightbrief_id=brief.pk, evidence_id=e) for e in draft.cited)
            compared.extend(
                ComparedThrough(insightbrief_id=brief.pk, evidence_id=e) for e in draft.compared
            )
        drafted_ids = [brief.pk for brief in drafting]
        # What differs per brief in one statement, what they share in another: bulk_update
        # builds a CASE per field and brief, and the shared fields need none.
        InsightBrief.objects.bulk_update(drafting, ["sections", "what_changed", "plain_language"])
        InsightBrief.objects.filter(pk__in=drafted_ids).update(
            status=Status.DRAFT, drafted_at=now, updated_at=now
        )
        CitedThrough.objects.filter(insightbrief_id__in=drafted_ids).delete()
        ComparedThrough.objects.filter(insightbrief_id__in=drafted_ids).delete()
        CitedThrough.objects.bulk_create(cited)
        ComparedThrough.objects.bulk_create(compared)
        activity_record_many(
            ActivityEvent(
                partnership=brief.partnership,
                verb="brief_drafted",
                summary=f"The draft insight brief for {_period_words(brief)} is ready.",
            )
            for brief in drafting
        )
        organisations = learning_partner_organisations_in(
            partnership_ids={brief.partnership_id for brief in drafting}
        )
        notify_members(
            [
                MembersMessage(
                    organisation_ids=organisations.get(brief.partnership_id, []),
                    kind="brief_draft_ready",
                    subject=f"Draft insight brief ready: {_period_words(brief)}",
                    body=(
                        f"The draft insight brief for {_period_words(brief)} in "
                        f"“{brief.partnership.title}” is ready. Add the “so what?”, "
                        "recommendations and any challenges, check the plain-language "
                        "report, then publish it."
                    ),
                    url=_brief_url(brief),
                    partnership_id=brief.partnership_id,
                )
                for brief in drafting
            ]
        )
        return briefs


def brief_redraft(*, brief: InsightBrief, by: User) -> InsightBrief:
    """Draft a draft again from the evidence there is now (new evidence, changed consent).

    The so-what, recommendations and challenges are kept.
    """
    with transaction.atomic():
        brief = _locked(brief)
        if brief.status != Status.DRAFT:
            raise Conflict(_not_a_draft(brief))
        brief.status = Status.DRAFTING
        brief.save(update_fields=["status", "updated_at"])
        activity_record(
            partnership=brief.partnership,
            actor=by,
            organisation=_acting_organisation(by, brief.partnership),
            verb="brief_redrafted",
            summary=(
                f"{_who(by, brief.partnership)} asked for the brief for {_period_words(brief)} "
                "to be drafted again from the latest evidence."
            ),
        )
        _queue_drafting(brief)
        return brief


# --- Editing ------------------------------------------------------------------------------------


def _locked(brief: InsightBrief) -> InsightBrief:
    return (
        InsightBrief.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=brief.pk)
    )


def _not_a_draft(brief: InsightBrief) -> str:
    if brief.status == Status.PUBLISHED:
        return "This brief has been published, so it can no longer be changed."
    return "This brief is still being drafted. Try again in a minute."


def clean_challenges(*, partnership: Partnership, challenges: object) -> list[dict[str, Any]]:
    """Challenges as stored: ``[{"party": id, "area": question id or "*", "text"}]``.

    Each names an accepted party of the partnership other than a learning partner (the
    learning partner is the one challenging) and an area that is one of the
    partnership's research questions, or "*" for the party's work as a whole.
    """
    if not isinstance(challenges, list):
        raise ValidationError({"challenges": ["Send a list of challenges."]})
    if len(challenges) > CHALLENGES_MAX:
        raise ValidationError(
            {"challenges": [f"A brief can have at most {CHALLENGES_MAX} challenges."]}
        )
    parties = {
        p.pk: p
        for p in accepted_parties_of(partnership=partnership).exclude(
            role=Party.Role.LEARNING_PARTNER
        )
    }
    questions = set(
        ResearchQuestion.objects.filter(partnership=partnership).values_list("pk", flat=True)
    )
    cleaned = []
    messages: list[str] = []
    for number, raw in enumerate(challenges, start=1):
        if not isinstance(raw, dict):
            messages.append(f"Challenge {number}: give a party, an area and the text.")
            continue
        party = as_id(raw.get("party"))
        area_raw = raw.get("area", ALL_AREAS)
        area: int | str | None = ALL_AREAS if area_raw in (ALL_AREAS, None, "") else as_id(area_raw)
        text = raw.get("text")
        text = " ".join(text.split()) if isinstance(text, str) else ""
        problems = []
        if party not in parties:
            problems.append("choose a party of this partnership (not the learning partner)")
        if area != ALL_AREAS and area not in questions:
            problems.append("choose one of this partnership’s research questions, or “*”")
        if not text:
            problems.append("write what the challenge is")
        elif len(text) > CHALLENGE_TEXT_MAX:
            problems.append(f"keep the text to {CHALLENGE_TEXT_MAX:,} characters")
        if problems:
            messages.append(f"Challenge {number}: " + "; ".join(problems) + ".")
            continue
        cleaned.append({"party": party, "area": area, "text": text})
    if messages:
        raise ValidationError({"challenges": messages})
    return cleaned


@transaction.atomic
def brief_update(
    *,
    brief: InsightBrief,
    by: User,
    so_what: str | None = None,
    recommendations: str | None = None,
    challenges: object = None,
) -> InsightBrief:
    """Change the learning partner's parts of a draft: the so-what, recommendations and
    challenges. Only drafts change; the plain-language report is worked out again."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}
    if so_what is not None:
        if not isinstance(so_what, str):
            errors["so_what"] = ["Write the “so what?” as text."]
        elif len(so_what) > SO_WHAT_MAX:
            errors["so_what"] = [f"Keep the “so what?” to {SO_WHAT_MAX:,} characters."]
        else:
            fields["so_what"] = so_what.strip()
    if recommendations is not None:
        if not isinstance(recommendations, str):
            errors["recommendations"] = ["Write the recommendations as text."]
        elif len(recommendations) > RECOMMENDATIONS_MAX:
            errors["recommendations"] = [
                f"Keep the recommendations to {RECOMMENDATIONS_MAX:,} characters."
            ]
        else:
            fields["recommendations"] = recommendations.strip()
    if errors:
        raise ValidationError(errors)
    brief = _locked(brief)
    if challenges is not None:
        fields["challenges"] = clean_challenges(
            partnership=brief.partnership, challenges=challenges
        )
    if brief.status != Status.DRAFT:
        raise Conflict(_not_a_draft(brief))
    changed = [name for name, value in fields.items() if getattr(brief, name) != value]
    if not changed:
        return brief
    for name in changed:
        setattr(brief, name, fields[name])
    brief.plain_language = _plain_language(brief, brief.sections or [])
    brief.save(update_fields=[*changed, "plain_language", "updated_at"])
    labels = {
        "so_what": "the “so what?”",
        "recommendations": "the recommendations",
        "challenges": "the challenges",
    }
    activity_record(
        partnership=brief.partnership,
        actor=by,
        organisation=_acting_organisation(by, brief.partnership),
        verb="brief_edited",
        summary=(
            f"{_who(by, brief.partnership)} changed "
            + " and ".join(labels[name] for name in changed)
            + f" of the draft brief for {_period_words(brief)}."
        ),
    )
    return brief


# --- Publishing ------------------------------------------------------------------------------


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

    Refused (``ChallengesNotPermitted``, a 409 naming each one) while any challenge lacks
    its party's permission for that area in published briefs; refused while the brief
    is being drafted or once published.
    """
    brief = _locked(brief)
    if brief.status != Status.DRAFT:
        raise Conflict(_not_a_draft(brief))
    problems = unpermitted_challenges(brief)
    if problems:
        raise ChallengesNotPermitted(problems)
    basis = Basis(
        current=set(brief.cited_evidence.values_list("pk", flat=True)),
        previous=set(brief.compared_evidence.values_list("pk", flat=True)),
    )
    _store(brief, brief_compose(brief, stage="published", basis=basis))
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
        organisation=_acting_organisation(by, partnership),
        verb="brief_published",
        summary=f"{_who(by, partnership)} published the insight brief for {_period_words(brief)}.",
    )
    notify(
        recipients=_people_of(accepted_parties_of(partnership=partnership)),
        kind="brief_published",
        subject=f"Insight brief published: {_period_words(brief)}",
        body=(
            f"The insight brief for {_period_words(brief)} in “{partnership.title}” has been "
            "published. Read what the evidence says, download it, and record what you will "
            "change."
        ),
        url=_brief_url(brief),
        partnership=partnership,
    )
    return brief


# --- After a consent change -------------------------------------------------------------------


def brief_rerender(*, brief_id: int) -> bool:
    """Bring one brief in line with consent as it is now; True if it changed.

    A draft is drafted again from the period's citable evidence. A published brief keeps
    to the evidence it cited, less whatever is no longer citable; when items leave it, a
    redaction note records when and how many (never whose). Idempotent.
    """
    with transaction.atomic():
        brief = (
            InsightBrief.objects.select_for_update(of=("self",))
            .select_related("partnership")
            .filter(pk=brief_id)
            .first()
        )
        if brief is None or brief.status == Status.DRAFTING:
            return False
        before_sections = brief.sections
        before_cited = set(brief.cited_evidence.values_list("pk", flat=True))
        if brief.status == Status.DRAFT:
            draft = brief_compose(brief, stage="draft")
        else:
            basis = Basis(
                current=before_cited,
                previous=set(brief.compared_evidence.values_list("pk", flat=True)),
            )
            draft = brief_compose(brief, stage=stage_of(brief), basis=basis)
        snapshot = (
            set(before_sections[0].get("counts", {}).get("evidence", []) if before_sections else [])
            | before_cited
        )
        if draft.sections == before_sections and set(draft.cited) == before_cited:
            return False
        removed = len(snapshot - set(draft.cited))
        fields = ["sections", "what_changed", "plain_language", "updated_at"]
        if brief.status == Status.PUBLISHED and removed:
            brief.redactions = [
                *(brief.redactions or []),
                {"at": timezone.now().isoformat(), "items_removed": removed},
            ]
            fields.append("redactions")
        _store(brief, draft)
        brief.save(update_fields=fields)
        if brief.status == Status.PUBLISHED and removed:
            items = "item" if removed == 1 else "items"
            activity_record(
                partnership=brief.partnership,
                actor=None,
                verb="brief_redacted",
                summary=(
                    f"The published brief for {_period_words(brief)} was shown again without "
                    f"{removed} {items} of evidence after a change of consent."
                ),
            )
        return True


def briefs_rerender_for_party(*, party_id: int) -> int:
    """Re-render the briefs a party's consent change affects: every draft of its
    partnership, and every published brief that cites or compares its evidence.
    Returns how many changed."""
    party = Party.objects.filter(pk=party_id).first()
    if party is None:
        return 0
    of_party = Evidence.objects.filter(party_id=party_id)
    briefs = InsightBrief.objects.filter(partnership_id=party.partnership_id).filter(
        Q(status=Status.DRAFT)
        | Exists(of_party.filter(cited_in_briefs=OuterRef("pk")))
        | Exists(of_party.filter(compared_in_briefs=OuterRef("pk")))
    )
    changed = 0
    for brief_id in briefs.order_by("pk").values_list("pk", flat=True):
        changed += brief_rerender(brief_id=brief_id)
    return changed


# --- On the schedule ----------------------------------------------------------------------


@transaction.atomic
def briefs_draft_due(*, now: datetime | None = None) -> list[int]:
    """For every active partnership whose last cadence period (Europe/London calendar)
    has ended without a brief, make the brief; then queue (in batches, through the
    outbox) every brief of an ended period that is still "drafting" and whose drafting
    is not already on its way. Returns the ids queued.

    One transaction: the briefs and their outbox rows commit together, so no brief is
    ever made without its task. Safe to run any number of times at once: the unique
    constraint keeps one brief per period; briefs another run (or a drafting worker)
    holds are skipped, and a brief whose task is recorded and not yet done is not
    queued again, so duplicate ticks add no deliveries.
    """
    now = now or timezone.now()
    today = london_today(now)
    partnerships = Partnership.objects.filter(status=Partnership.Status.ACTIVE).order_by("pk")
    for partnership in partnerships:
        period = last_ended_period(today, partnership.brief_cadence)
        became_active = (
            london_today(partnership.status_changed_at) if partnership.status_changed_at else None
        )
        if became_active is not None and period.end < became_active:
            continue  # the period ended before the partnership was active
        brief_request(
            partnership=partnership,
            period_start=period.start,
            period_end=period.end,
            by=None,
            queue=False,
        )
    # Lock first, then read the outbox: a run that locks these rows after another run
    # committed also sees that run's outbox rows.
    drafting = list(
        InsightBrief.objects.select_for_update(skip_locked=True)
        .filter(status=Status.DRAFTING, period_end__lt=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    on_their_way = _briefs_on_their_way()
    queued = [pk for pk in drafting if pk not in on_their_way]
    _queue_drafting_in_batches(queued)
    return queued


def evidence_reminders_send(*, now: datetime | None = None) -> int:
    """Remind each party with ``participate`` consent that has added no evidence in the
    current period, once per period, when the period ends within a few days. Returns
    how many parties were reminded."""
    today = london_today(now)
    reminded = 0
    for partnership in Partnership.objects.filter(status=Partnership.Status.ACTIVE).order_by("pk"):
        period = period_containing(today, partnership.brief_cadence)
        if (period.end - today).days > REMINDER_DAYS_BEFORE_END[partnership.brief_cadence]:
            continue
        contributed = Evidence.objects.filter(
            party=OuterRef("pk"), occurred_on__gte=period.start, occurred_on__lte=period.end
        )
        quiet = (
            citable_parties(partnership=partnership, stage="draft")
            .exclude(role=Party.Role.LEARNING_PARTNER)
            .exclude(Exists(contributed))
        )
        for party in quiet:
            with transaction.atomic():
                _, created = EvidenceReminder.objects.get_or_create(
                    party=party,
                    period_start=period.start,
                    period_end=period.end,
                    defaults={"partnership": partnership},
                )
                if not created:
                    continue
                days = (period.end - today).days
                when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
                notify(
                    recipients=_people_of(Party.objects.filter(pk=party.pk)),
                    kind="evidence_reminder",
                    subject=f"Add your evidence before the period ends {when}",
                    body=(
                        f"{party.organisation.name} has not added any evidence to "
                        f"“{partnership.title}” for {period.describe()}, and the period ends "
                        f"{when}. The next insight brief is drafted from what is there then: "
                        "numbers, stories, and what is not working as well as what is."
                    ),
                    url=reverse("partnerships:partnership-detail", args=[partnership.pk]),
                    partnership=partnership,
                )
                reminded += 1
    return reminded


# --- Learning actions ---------------------------------------------------------------------

DESCRIPTION_MAX = 5_000
OUTCOME_MAX = 5_000


def _clean_action_fields(fields: dict[str, Any], *, creating: bool) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if "description" in fields or creating:
        description = fields.get("description")
        description = description.strip() if isinstance(description, str) else ""
        if not description:
            errors["description"] = ["Say what you will change."]
        elif len(description) > DESCRIPTION_MAX:
            errors["description"] = [f"Keep it to {DESCRIPTION_MAX:,} characters."]
        cleaned["description"] = description
    if "status" in fields or creating:
        status = fields.get("status") or LearningAction.Status.PLANNED
        if status not in LearningAction.Status.values:
            errors["status"] = ["Choose planned, doing or done."]
        cleaned["status"] = status
    if "outcome" in fields:
        outcome = fields.get("outcome")
        if outcome is not None and not isinstance(outcome, str):
            errors["outcome"] = ["Write what changed as text."]
        else:
            outcome = (outcome or "").strip()
            if len(outcome) > OUTCOME_MAX:
                errors["outcome"] = [f"Keep it to {OUTCOME_MAX:,} characters."]
            cleaned["outcome"] = outcome
    if errors:
        raise ValidationError(errors)
    return cleaned


def _check_brief(partnership: Partnership, brief: InsightBrief | None) -> None:
    if brief is not None and brief.partnership_id != partnership.pk:
        raise ValidationError({"brief": ["Choose a brief of this partnership."]})


@transaction.atomic
def learning_action_create(
    *,
    partnership: Partnership,
    party: Party,
    by: User,
    description: str,
    status: str = LearningAction.Status.PLANNED,
    outcome: str = "",
    brief: InsightBrief | None = None,
) -> LearningAction:
    """Record what ``party`` will change (or is changing, or changed) because of what was
    learned, optionally against a brief. Who may record for which party is the
    gateway's rule."""
    if party.partnership_id != partnership.pk or party.status != Party.Status.ACCEPTED:
        raise ValidationError({"party": ["Choose a party taking part in this partnership."]})
    _check_brief(partnership, brief)
    cleaned = _clean_action_fields(
        {"description": description, "status": status, "outcome": outcome}, creating=True
    )
    action = LearningAction.objects.create(
        partnership=partnership,
        party=party,
        brief=brief,
        created_by=by,
        done_at=timezone.now() if cleaned["status"] == LearningAction.Status.DONE else None,
        **cleaned,
    )
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="learning_action_recorded",
        summary=f"{by.display_name} recorded a learning action for {party.organisation.name}.",
    )
    return action


@transaction.atomic
def learning_action_update(*, action: LearningAction, by: User, **fields: Any) -> LearningAction:
    """Change a learning action: what will change, its status, and what changed. Marking
    it done records when, so the next brief reports it."""
    unknown = set(fields) - {"description", "status", "outcome"}
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    cleaned = _clean_action_fields(fields, creating=False)
    action = (
        LearningAction.objects.select_for_update(of=("self",))
        .select_related("party__organisation", "partnership")
        .get(pk=action.pk)
    )
    changed = [name for name, value in cleaned.items() if getattr(action, name) != value]
    if not changed:
        return action
    for name in changed:
        setattr(action, name, cleaned[name])
    if "status" in changed:
        action.done_at = timezone.now() if action.status == LearningAction.Status.DONE else None
        changed.append("done_at")
    action.save(update_fields=[*changed, "updated_at"])
    activity_record(
        partnership=action.partnership,
        actor=by,
        organisation=action.party.organisation,
        verb="learning_action_updated",
        summary=(
            f"{by.display_name} marked a learning action of {action.party.organisation.name} "
            f"as {action.get_status_display().lower()}."
            if "status" in changed
            else f"{by.display_name} updated a learning action of {action.party.organisation.name}."
        ),
    )
    return action
