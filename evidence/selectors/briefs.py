"""Reads of insight briefs and learning actions.

Two rules shape every read here:

- Who sees a brief (PRODUCT.md): published briefs every accepted party; drafts the
  learning partner, and every accepted party when the partnership learns *with* its
  parties. The partnership itself has already been checked by the gateway.
- A brief never shows evidence its party has not consented to *now*. A stored brief is
  a snapshot; after a withdrawal the re-render task (``evidence.rerender_briefs_for_party``)
  brings it up to date, and until it has, ``brief_readings`` notices the stale snapshot
  and re-computes the brief in memory from the evidence still citable, with a pending
  redaction note. So the API, pages and exports are right within the same request.

Which evidence may be cited, and how a quote is attributed, is asked of
``consent.selectors``; ``evidence.synthesis`` does the computing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from consent.models import ConsentRecord
from consent.selectors import (
    consent_active,
    evidence_citable,
    evidence_visible_to,
    evidence_visible_to_party,
    quote_attribution,
)
from evidence import synthesis
from evidence.models import Evidence, InsightBrief, LearningAction
from evidence.periods import Period, london_start_of, previous_period
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of, my_parties_in, questions_with_status

Stage = Literal["draft", "published"]
Purpose = ConsentRecord.Purpose

CitedThrough = InsightBrief.cited_evidence.through
ComparedThrough = InsightBrief.compared_evidence.through


# --- Who sees which brief ------------------------------------------------------------------


def is_learning_partner(*, user: User, partnership: Partnership) -> bool:
    """``user`` belongs to an accepted learning partner party of ``partnership``."""
    return (
        my_parties_in(user=user, partnership=partnership)
        .filter(role=Party.Role.LEARNING_PARTNER, status=Party.Status.ACCEPTED)
        .exists()
    )


def briefs_visible_to(*, user: User, partnership: Partnership) -> QuerySet[InsightBrief]:
    """The partnership's briefs ``user`` (an accepted party) may read, newest period first.

    Published briefs: everyone in the partnership. Drafts (and briefs being drafted): the
    learning partner, and everyone when the partnership learns with its parties.
    """
    briefs = InsightBrief.objects.filter(partnership=partnership).select_related("partnership")
    sees_drafts = partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH or (
        is_learning_partner(user=user, partnership=partnership)
    )
    if not sees_drafts:
        briefs = briefs.filter(status=InsightBrief.Status.PUBLISHED)
    return briefs.order_by("-period_end", "-period_start", "-id")


def briefs_to_review_for(*, user: User) -> QuerySet[InsightBrief]:
    """Draft briefs waiting for ``user``'s learning partner organisation to finish and
    publish: for the dashboard, oldest period first."""
    reviewer = Party.objects.filter(
        partnership=OuterRef("partnership"),
        role=Party.Role.LEARNING_PARTNER,
        status=Party.Status.ACCEPTED,
        organisation__memberships__user=user,
    )
    return (
        InsightBrief.objects.filter(Exists(reviewer), status=InsightBrief.Status.DRAFT)
        .select_related("partnership")
        .order_by("period_end", "id")
    )


def stage_of(brief: InsightBrief) -> Stage:
    """Drafts cite evidence with ``participate`` consent; published briefs also need ``publish``."""
    return "published" if brief.status == InsightBrief.Status.PUBLISHED else "draft"


# --- Composing a brief from the database ----------------------------------------------------


@dataclass
class Basis:
    """Which evidence a composition may use: ``None`` means "everything citable in the
    period"; a set restricts it to those ids (a published brief's snapshot)."""

    current: set[int] | None = None
    previous: set[int] | None = None


def _items(rows: Iterable[Evidence]) -> list[synthesis.Item]:
    return [
        synthesis.Item(
            id=row.pk,
            party_id=row.party_id,
            kind=row.kind,
            title=row.title,
            body=row.body,
            valence=row.valence,
            occurred_on=row.occurred_on,
            questions=frozenset(q.pk for q in row.questions.all()),
            value=row.value,
            unit=row.unit,
            baseline=row.baseline,
            attribution=quote_attribution(row),
            named=bool(getattr(row, "may_name", False)),
            extra_text=getattr(row, "prompt_text", "") or "",
        )
        for row in rows
    ]


def citable_parties(*, partnership: Partnership, stage: Stage) -> QuerySet[Party]:
    """Accepted parties whose evidence a brief at ``stage`` may cite now."""
    parties = accepted_parties_of(partnership=partnership).filter(
        consent_active(Purpose.PARTICIPATE, "pk")
    )
    if stage == "published":
        parties = parties.filter(consent_active(Purpose.PUBLISH, "pk"))
    return parties


def _actions_done(brief: InsightBrief) -> list[synthesis.ActionDone]:
    """Learning actions done since the last brief before this one, up to this period's end."""
    last = (
        InsightBrief.objects.filter(
            partnership_id=brief.partnership_id, period_end__lt=brief.period_start
        )
        .order_by("-period_end", "-id")
        .values_list("period_end", flat=True)
        .first()
    )
    actions = LearningAction.objects.filter(
        partnership_id=brief.partnership_id,
        status=LearningAction.Status.DONE,
        done_at__lt=london_start_of(brief.period_end + timedelta(days=1)),
    ).select_related("party__organisation")
    if last is not None:
        actions = actions.filter(done_at__gte=london_start_of(last + timedelta(days=1)))
    return [
        synthesis.ActionDone(
            id=action.pk,
            description=action.description,
            outcome=action.outcome,
            party=action.party.organisation.name,
            done_on=timezone.localtime(action.done_at).date() if action.done_at else date.min,
        )
        for action in actions.order_by("done_at", "pk")
    ]


def brief_compose(
    brief: InsightBrief, *, stage: Stage, basis: Basis | None = None
) -> synthesis.Draft:
    """Compute ``brief``'s sections from the database in a fixed number of queries
    (questions, parties, evidence with its questions, learning actions), whatever the
    amount of evidence.

    The period's evidence and the previous period's come in one query, already limited
    by ``consent.selectors.evidence_citable`` for ``stage`` and, when ``basis`` says so,
    to a snapshot's ids.
    """
    basis = basis or Basis()
    partnership = brief.partnership
    period = Period(brief.period_start, brief.period_end)
    before = previous_period(period)

    questions = [
        synthesis.Question(id=q.pk, text=q.text)
        for q in questions_with_status(partnership=partnership)
        .filter(status=ResearchQuestion.Status.AGREED)  # type: ignore[misc] # an annotation
        .prefetch_related(None)
    ]
    parties = [
        synthesis.PartyRef(id=p.pk, name=p.organisation.name, role=p.role)
        for p in citable_parties(partnership=partnership, stage=stage)
    ]

    rows = evidence_citable(
        queryset=Evidence.objects.all(), partnership=partnership, stage=stage
    ).prefetch_related(Prefetch("questions", queryset=ResearchQuestion.objects.only("id")))
    in_period = Q(occurred_on__gte=period.start, occurred_on__lte=period.end)
    in_previous = Q(occurred_on__gte=before.start, occurred_on__lte=before.end)
    if basis.current is not None:
        in_period &= Q(pk__in=sorted(basis.current))
    if basis.previous is not None:
        in_previous &= Q(pk__in=sorted(basis.previous))
    current: list[Evidence] = []
    previous: list[Evidence] = []
    for row in rows.filter(in_period | in_previous).order_by("occurred_on", "pk"):
        (current if row.occurred_on in period else previous).append(row)

    return synthesis.synthesise(
        questions=questions,
        parties=parties,
        current=_items(current),
        previous=_items(previous),
        actions_done=_actions_done(brief),
    )


# --- Reading a brief: stored, or re-computed when consent changed since ----------------------


@dataclass
class BriefReading:
    """What a brief shows now. ``recomputed`` is set when the stored snapshot cited
    evidence that may no longer be shown, so it was computed again at read time."""

    brief: InsightBrief
    sections: list[dict[str, Any]]
    what_changed: list[dict[str, Any]]
    cited: list[int]
    redactions: list[dict[str, Any]]
    recomputed: bool = False
    visible_evidence: set[int] = field(default_factory=set)
    left_out: int = 0  # draft evidence a published version would leave out (previews)

    @property
    def challenges(self) -> list[dict[str, Any]]:
        return list(self.brief.challenges or [])


def snapshot_ids(sections: list[dict[str, Any]] | None) -> set[int]:
    """The evidence stored sections counted (the overall section counts everything)."""
    if sections and isinstance(sections[0], dict):
        return set(sections[0].get("counts", {}).get("evidence", []))
    return set()


def brief_readings(briefs: Sequence[InsightBrief]) -> dict[int, BriefReading]:
    """What each brief shows now, in a fixed number of queries for the whole list
    (unless a brief must be re-computed, which is rare and brief).

    A stored brief is shown as it is when everything it refers to is still citable at
    its stage and each quote is attributed as consent allows now. Otherwise it is
    re-computed in memory from the evidence it cited that is still citable, and a
    published brief gets a pending redaction note (when, how many items; never whose).
    """
    if not briefs:
        return {}
    ids = [brief.pk for brief in briefs]
    cited: dict[int, set[int]] = defaultdict(set)
    for brief_id, evidence_id in CitedThrough.objects.filter(insightbrief_id__in=ids).values_list(
        "insightbrief_id", "evidence_id"
    ):
        cited[brief_id].add(evidence_id)
    compared: dict[int, set[int]] = defaultdict(set)
    for brief_id, evidence_id in ComparedThrough.objects.filter(
        insightbrief_id__in=ids
    ).values_list("insightbrief_id", "evidence_id"):
        compared[brief_id].add(evidence_id)

    citable: dict[tuple[int, Stage], dict[int, bool]] = {}
    wanted: dict[tuple[int, Stage], list[int]] = defaultdict(list)
    for brief in briefs:
        wanted[(brief.partnership_id, stage_of(brief))].append(brief.pk)
    for (partnership_id, stage), brief_ids in wanted.items():
        used = Exists(
            CitedThrough.objects.filter(insightbrief_id__in=brief_ids, evidence=OuterRef("pk"))
        ) | Exists(
            ComparedThrough.objects.filter(insightbrief_id__in=brief_ids, evidence=OuterRef("pk"))
        )
        partnership = next(b.partnership for b in briefs if b.partnership_id == partnership_id)
        citable[(partnership_id, stage)] = dict(
            evidence_citable(queryset=Evidence.objects.all(), partnership=partnership, stage=stage)
            .filter(used)
            .values_list("pk", "may_name")  # type: ignore[misc] # an annotation
        )

    readings = {}
    for brief in briefs:
        allowed = citable[(brief.partnership_id, stage_of(brief))]
        referenced = synthesis.evidence_ids_in(brief.sections)
        still_there = cited[brief.pk] | compared[brief.pk]
        named = synthesis.named_evidence_in(brief.sections or [])
        fresh = (
            referenced <= still_there
            and still_there <= set(allowed)
            and all(allowed.get(pk, False) == was_named for pk, was_named in named.items())
        )
        if fresh:
            readings[brief.pk] = BriefReading(
                brief=brief,
                sections=list(brief.sections or []),
                what_changed=list(brief.what_changed or []),
                cited=sorted(cited[brief.pk]),
                redactions=list(brief.redactions or []),
            )
            continue
        basis = Basis(
            current=cited[brief.pk] & set(allowed), previous=compared[brief.pk] & set(allowed)
        )
        draft = brief_compose(brief, stage=stage_of(brief), basis=basis)
        redactions = list(brief.redactions or [])
        removed = len(snapshot_ids(brief.sections) - set(draft.cited))
        if brief.status == InsightBrief.Status.PUBLISHED and removed:
            redactions.append({"at": timezone.now().isoformat(), "items_removed": removed})
        readings[brief.pk] = BriefReading(
            brief=brief,
            sections=draft.sections,
            what_changed=draft.what_changed,
            cited=draft.cited,
            redactions=redactions,
            recomputed=True,
        )
    return readings


def brief_reading(brief: InsightBrief) -> BriefReading:
    return brief_readings([brief])[brief.pk]


def brief_reading_for(*, brief: InsightBrief, user: User) -> BriefReading:
    """``brief_reading`` plus which cited evidence ``user`` may open (provenance links)."""
    reading = brief_reading(brief)
    reading.visible_evidence = set(
        evidence_visible_to(
            user=user, queryset=Evidence.objects.filter(pk__in=reading.cited)
        ).values_list("pk", flat=True)
    )
    return reading


# --- Previews: the brief as it would be published -------------------------------------------

PUBLIC: Literal["public"] = "public"


def brief_preview(*, brief: InsightBrief, audience: Party | Literal["public"]) -> BriefReading:
    """The brief as it will read once published, seen by ``audience`` (a party of the
    partnership, or the public).

    Published briefs cite only evidence whose party also consents to ``publish``, so the
    preview re-computes the draft from its own evidence at the published stage. A party
    can open the raw evidence behind a figure only where consent lets it see that item;
    the public can open none.
    """
    reading = brief_reading(brief)
    draft_cited = set(reading.cited)
    if brief.status == InsightBrief.Status.PUBLISHED:
        sections, what_changed, cited = reading.sections, reading.what_changed, reading.cited
    else:
        compared = set(
            ComparedThrough.objects.filter(insightbrief=brief).values_list("evidence_id", flat=True)
        )
        composed = brief_compose(
            brief, stage="published", basis=Basis(current=draft_cited, previous=compared)
        )
        sections, what_changed, cited = composed.sections, composed.what_changed, composed.cited
    visible: set[int] = set()
    if isinstance(audience, Party):
        visible = set(
            evidence_visible_to_party(
                party=audience, queryset=Evidence.objects.filter(pk__in=cited)
            ).values_list("pk", flat=True)
        )
    return BriefReading(
        brief=brief,
        sections=sections,
        what_changed=what_changed,
        cited=cited,
        redactions=reading.redactions,
        recomputed=True,
        visible_evidence=visible,
        left_out=len(draft_cited - set(cited)),
    )


# --- Learning actions ----------------------------------------------------------------------


def learning_actions_of(*, partnership: Partnership) -> QuerySet[LearningAction]:
    """Every learning action of the partnership (every accepted party sees them all),
    newest first, with the party and brief they belong to."""
    return (
        LearningAction.objects.filter(partnership=partnership)
        .select_related("party__organisation", "brief", "created_by")
        .order_by("-created_at", "-id")
    )


def briefs_for_actions(*, user: User, partnership: Partnership) -> QuerySet[InsightBrief]:
    """Briefs a learning action may be recorded against: those ``user`` can read."""
    return briefs_visible_to(user=user, partnership=partnership).exclude(
        status=InsightBrief.Status.DRAFTING
    )
