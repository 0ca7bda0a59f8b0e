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

import operator
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from typing import Any, Literal

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.utils import timezone

from accounts.models import User
from consent.selectors import (
    attribution_text,
    evidence_citable_in,
    evidence_visible_to,
    evidence_visible_to_party,
    parties_citable_in,
    roles_shared,
)
from evidence import synthesis
from evidence.coded_themes import CodedExcerpt, CodeRef
from evidence.kinds import prompt_answers
from evidence.models import Evidence, Excerpt, InsightBrief, LearningAction
from evidence.periods import Period, london_start_of, periods_up_to
from evidence.redactions import redaction_note
from evidence.sections import ActionChange, Challenge, Redaction, Section, SessionHeld
from evidence.selectors.sessions import sessions_held_in_briefs
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import my_parties_in, questions_with_status_in

Stage = Literal["draft", "published"]

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


def reads_drafts(*, user: User, partnership: Partnership) -> bool:
    """Whether ``user`` (an accepted party) reads ``partnership``'s drafts: the learning
    partner always, everyone when the partnership learns with its parties."""
    return partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH or (
        is_learning_partner(user=user, partnership=partnership)
    )


def briefs_visible_to(*, user: User, partnership: Partnership) -> QuerySet[InsightBrief]:
    """The partnership's briefs ``user`` (an accepted party) may read, newest period first.

    Published briefs: everyone in the partnership. Drafts (and briefs being drafted): the
    learning partner, and everyone when the partnership learns with its parties.
    """
    briefs = InsightBrief.objects.filter(partnership=partnership).select_related("partnership")
    if not reads_drafts(user=user, partnership=partnership):
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


#: How many periods a measure's series covers: the brief's and the five before.
SERIES_PERIODS = 6

#: What drafting reads of each evidence item (``values()``: no model instances).
ITEM_FIELDS = (
    "id",
    "partnership_id",
    "party_id",
    "kind",
    "title",
    "body",
    "valence",
    "occurred_on",
    "value",
    "unit",
    "baseline",
    "prompt_text",
    "speaker",
    "prompts",
    "may_name",
    "party__role",
    "party__organisation__name",
)


def _item(
    row: dict[str, Any], questions: dict[int, set[int]], shared: frozenset[str]
) -> synthesis.Item:
    """``row`` as the engine reads it; ``shared``: the roles that more than one party
    whose evidence the brief cites holds (``consent.selectors.roles_shared``)."""
    return synthesis.Item(
        id=row["id"],
        party_id=row["party_id"],
        kind=row["kind"],
        title=row["title"],
        body=row["body"],
        valence=row["valence"],
        occurred_on=row["occurred_on"],
        questions=frozenset(questions.get(row["id"], ())),
        value=row["value"],
        unit=row["unit"],
        baseline=row["baseline"],
        attribution=attribution_text(
            may_name=bool(row["may_name"]),
            organisation_name=row["party__organisation__name"],
            role=row["party__role"],
            speaker=row["speaker"],
            role_shared=row["party__role"] in shared,
        ),
        named=bool(row["may_name"]),
        extra_text=row["prompt_text"] or "",
        speaker=row["speaker"],
        prompts=prompt_answers(row["kind"], row["prompts"]),
        party_role=row["party__role"],
    )


def _questions_of(evidence_ids: Sequence[int]) -> dict[int, set[int]]:
    """The research questions each evidence item is about (one query)."""
    through = Evidence.questions.through
    found: dict[int, set[int]] = defaultdict(set)
    for evidence_id, question_id in through.objects.filter(
        evidence_id__in=list(evidence_ids)
    ).values_list("evidence_id", "researchquestion_id"):
        found[evidence_id].add(question_id)
    return found


def excerpt_still_reads(prefix: str = "") -> Q:
    """An excerpt's words still match its text at its offsets: its item's body, or the
    text of its attached file. ``prefix``: the path to the excerpt (``"excerpt__"``)."""

    def reads(field: str) -> Q:
        start, end = F(f"{prefix}start"), F(f"{prefix}end")
        words = Substr(F(f"{prefix}{field}"), start + 1, end - start)
        return Q(**{f"{prefix}text": words})

    body = Q(**{f"{prefix}attachment__isnull": True}) & reads("evidence__body")
    file = Q(**{f"{prefix}attachment__isnull": False}) & reads("attachment__text")
    return body | file


def _coded_excerpts(evidence_ids: Sequence[int]) -> dict[int, list[CodedExcerpt]]:
    """The excerpts of ``evidence_ids`` whose words still match their text (the item's
    body or its file's), with their codes, by item (one query)."""
    found: dict[int, dict[int, tuple[int, str, list[CodeRef]]]] = defaultdict(dict)
    rows = (
        Excerpt.codes.through.objects.filter(excerpt__evidence_id__in=list(evidence_ids))
        .filter(excerpt_still_reads("excerpt__"))
        .order_by("excerpt_id", "code__name", "code_id")
        .values_list(
            "excerpt_id",
            "excerpt__evidence_id",
            "excerpt__text",
            "code_id",
            "code__name",
            "code__memo",
        )
    )
    for excerpt_id, evidence_id, text, code_id, name, memo in rows:
        entry = found[evidence_id].setdefault(excerpt_id, (evidence_id, text, []))
        entry[2].append(CodeRef(id=code_id, name=name, memo=memo))
    return {
        evidence_id: [
            CodedExcerpt(id=pk, evidence=evidence, text=text, codes=tuple(codes))
            for pk, (evidence, text, codes) in excerpts.items()
        ]
        for evidence_id, excerpts in found.items()
    }


def citable_parties(*, partnership: Partnership, stage: Stage) -> QuerySet[Party]:
    """Accepted parties whose evidence a brief at ``stage`` may cite now."""
    return citable_parties_in(partnership_ids=[partnership.pk], stage=stage)


def citable_parties_in(*, partnership_ids: Iterable[int], stage: Stage) -> QuerySet[Party]:
    """``citable_parties`` of several partnerships at once, commissioner first in each
    (the rule is ``consent.selectors.parties_citable_in``)."""
    return parties_citable_in(partnership_ids=partnership_ids, stage=stage)


def action_done(action: LearningAction) -> synthesis.ActionDone:
    """A done learning action as the drafting engine reads it (``done_at`` is set)."""
    return synthesis.ActionDone(
        id=action.pk,
        description=action.description,
        outcome=action.outcome,
        party=action.party.organisation.name,
        done_on=timezone.localtime(action.done_at).date(),
    )


def _actions_done(briefs: Sequence[InsightBrief]) -> dict[int, list[synthesis.ActionDone]]:
    """For each brief: the learning actions done since the last brief before it (by
    period), up to its period's end. Two queries for any number of briefs."""
    partnership_ids = {brief.partnership_id for brief in briefs}
    ended: dict[int, list[date]] = defaultdict(list)
    for partnership_id, period_end in InsightBrief.objects.filter(
        partnership_id__in=partnership_ids
    ).values_list("partnership_id", "period_end"):
        ended[partnership_id].append(period_end)
    actions: dict[int, list[LearningAction]] = defaultdict(list)
    for action in (
        LearningAction.objects.filter(
            partnership_id__in=partnership_ids,
            status=LearningAction.Status.DONE,
            done_at__isnull=False,
        )
        .select_related("party__organisation")
        .order_by("done_at", "pk")
    ):
        actions[action.partnership_id].append(action)
    done: dict[int, list[synthesis.ActionDone]] = {}
    for brief in briefs:
        until = london_start_of(brief.period_end + timedelta(days=1))
        last = max(
            (end for end in ended[brief.partnership_id] if end < brief.period_start),
            default=None,
        )
        since = london_start_of(last + timedelta(days=1)) if last is not None else None
        done[brief.pk] = [
            action_done(action)
            for action in actions[brief.partnership_id]
            if action.done_at is not None
            and action.done_at < until
            and (since is None or action.done_at >= since)
        ]
    return done


def brief_compose(
    brief: InsightBrief, *, stage: Stage, basis: Basis | None = None
) -> synthesis.Draft:
    """Compute ``brief``'s sections from the database in a fixed number of queries
    (``briefs_compose`` for one brief)."""
    return briefs_compose([brief], stage=stage, bases={brief.pk: basis or Basis()})[brief.pk]


def briefs_compose(
    briefs: Sequence[InsightBrief],
    *,
    stage: Stage,
    bases: dict[int, Basis] | None = None,
) -> dict[int, synthesis.Draft]:
    """Compute each brief's sections from the database, by brief id, in a fixed number
    of queries (questions, parties, evidence with its questions and coded excerpts,
    earlier briefs, learning actions) whatever the number of briefs and the amount of evidence.

    The periods' evidence and the previous periods' come in one query, already limited
    by ``consent.selectors.evidence_citable_in`` for ``stage`` and, when a brief's
    ``Basis`` says so, to a snapshot's ids. A quote's attribution depends on the brief's
    own evidence (a role held by one party in it is not named), so it changes only when
    what the brief cites does.
    """
    if not briefs:
        return {}
    bases = bases or {}
    partnership_ids = sorted({brief.partnership_id for brief in briefs})

    questions: dict[int, list[synthesis.Question]] = defaultdict(list)
    for question in (
        questions_with_status_in(partnership_ids=partnership_ids)
        .filter(status=ResearchQuestion.Status.AGREED)  # type: ignore[misc] # an annotation
        .select_related(None)
        .prefetch_related(None)
        .only("id", "text", "partnership_id")
    ):
        questions[question.partnership_id].append(
            synthesis.Question(id=question.pk, text=question.text)
        )
    parties: dict[int, list[synthesis.PartyRef]] = defaultdict(list)
    for party in citable_parties_in(partnership_ids=partnership_ids, stage=stage):
        parties[party.partnership_id].append(
            synthesis.PartyRef(id=party.pk, name=party.organisation.name, role=party.role)
        )

    periods: dict[int, list[Period]] = {}
    # Briefs for the same period (the schedule drafts a period's due briefs together)
    # share one condition: their partnerships' evidence from the start of the period
    # before to the end of theirs, and their figures from the periods before that (a
    # measure's series). The rows are sorted into each brief's periods below.
    spans: dict[tuple[date, date, date], set[int]] = defaultdict(set)
    wanted: list[Q] = []
    for brief in briefs:
        span = periods_up_to(Period(brief.period_start, brief.period_end), SERIES_PERIODS)
        periods[brief.pk] = span
        period, before, first = span[-1], span[-2], span[0]
        basis = bases.get(brief.pk) or Basis()
        if basis.current is None and basis.previous is None:
            spans[(first.start, before.start, period.end)].add(brief.partnership_id)
            continue
        in_period = Q(occurred_on__gte=period.start, occurred_on__lte=period.end)
        in_previous = Q(occurred_on__gte=first.start, occurred_on__lte=before.end)
        if basis.current is not None:
            in_period &= Q(pk__in=sorted(basis.current))
        if basis.previous is not None:
            in_previous &= Q(pk__in=sorted(basis.previous))
        wanted.append(Q(partnership_id=brief.partnership_id) & (in_period | in_previous))
    wanted += [
        Q(partnership_id__in=sorted(partnerships))
        & (
            Q(occurred_on__range=(before_start, end))
            | Q(occurred_on__range=(first_start, before_start), value__isnull=False)
        )
        for (first_start, before_start, end), partnerships in sorted(spans.items())
    ]
    rows: dict[int, list[dict[str, Any]]] = defaultdict(list)
    found = (
        evidence_citable_in(
            queryset=Evidence.objects.all(), partnership_ids=partnership_ids, stage=stage
        )
        .filter(reduce(operator.or_, wanted))
        .order_by("occurred_on", "pk")
        .values(*ITEM_FIELDS)
    )
    for row in found:
        rows[row["partnership_id"]].append(row)
    about = _questions_of([row["id"] for partnership in rows.values() for row in partnership])
    coded = _coded_excerpts([row["id"] for partnership in rows.values() for row in partnership])

    actions_done = _actions_done(briefs)
    drafts = {}
    for brief in briefs:
        span = periods[brief.pk]
        period, before = span[-1], span[-2]
        basis = bases.get(brief.pk) or Basis()
        current: list[dict[str, Any]] = []
        previous: list[dict[str, Any]] = []
        earlier: list[dict[str, Any]] = []
        for row in rows[brief.partnership_id]:
            pk, day = row["id"], row["occurred_on"]
            if day in period:
                if basis.current is None or pk in basis.current:
                    current.append(row)
            elif basis.previous is not None and pk not in basis.previous:
                continue
            elif day in before:
                previous.append(row)
            elif span[0].start <= day < before.start and row["value"] is not None:
                earlier.append(row)
        shared = roles_shared((row["party_id"], row["party__role"]) for row in current)
        drafts[brief.pk] = synthesis.synthesise(
            questions=questions[brief.partnership_id],
            parties=parties[brief.partnership_id],
            current=[_item(row, about, shared) for row in current],
            previous=[_item(row, about, shared) for row in previous],
            actions_done=actions_done[brief.pk],
            earlier=[_item(row, about, shared) for row in earlier],
            periods=[synthesis.Period(p.start, p.end) for p in span],
            coded=[excerpt for row in current for excerpt in coded.get(row["id"], ())],
        )
    return drafts


# --- Reading a brief: stored, or re-computed when consent changed since ----------------------


@dataclass
class BriefReading:
    """What a brief shows now. ``recomputed`` is set when the stored snapshot cited
    evidence that may no longer be shown, so it was computed again at read time."""

    brief: InsightBrief
    sections: list[Section]
    what_changed: list[ActionChange]
    cited: list[int]
    redactions: list[Redaction]
    recomputed: bool = False
    visible_evidence: set[int] = field(default_factory=set)
    left_out: int = 0  # draft evidence a published version would leave out (previews)
    compared: list[int] = field(default_factory=list)
    #: A draft shown to a reader without the evidence it cites that the reader may not
    #: see as raw evidence (``brief_readings_for``).
    partial: bool = False
    #: The learning sessions held in the period, for the reader (``brief_readings_for``).
    sessions_held: list[SessionHeld] = field(default_factory=list)

    @property
    def challenges(self) -> list[Challenge]:
        return list(self.brief.challenges or [])


#: What every stored section has since the drafting engine last grew. A brief stored
#: before (without findings, say) is composed again when read, from the evidence it cited,
#: so every reader sees the brief as the engine writes it now.
SECTION_KEYS = frozenset({"findings", "reflections"})
STATISTIC_KEYS = frozenset({"explanation", "series", "similar_group"})


def has_current_shape(sections: Sequence[Section] | None) -> bool:
    """Whether stored ``sections`` have every part the engine writes now."""
    return all(
        isinstance(s, dict)
        and s.keys() >= SECTION_KEYS
        and all(
            isinstance(statistic, dict) and statistic.keys() >= STATISTIC_KEYS
            for statistic in s.get("statistics") or []
        )
        for s in sections or []
    )


def snapshot_ids(sections: Sequence[Section] | None) -> set[int]:
    """The evidence stored sections counted (the overall section counts everything)."""
    if sections and isinstance(sections[0], dict):
        return set(sections[0].get("counts", {}).get("evidence", []))
    return set()


def brief_readings(briefs: Sequence[InsightBrief]) -> dict[int, BriefReading]:
    """What each brief shows now, in a fixed number of queries for the whole list: the
    briefs that must be re-computed are composed together, one composition per stage.

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

    # One query per stage, whatever the number of partnerships (the library lists briefs
    # of every partnership a person takes part in): an item belongs to one partnership, so
    # its id alone says whether it is citable in its brief.
    citable: dict[Stage, dict[int, bool]] = {}
    wanted: dict[Stage, list[InsightBrief]] = defaultdict(list)
    for brief in briefs:
        wanted[stage_of(brief)].append(brief)
    for stage, staged in wanted.items():
        brief_ids = [brief.pk for brief in staged]
        used = Exists(
            CitedThrough.objects.filter(insightbrief_id__in=brief_ids, evidence=OuterRef("pk"))
        ) | Exists(
            ComparedThrough.objects.filter(insightbrief_id__in=brief_ids, evidence=OuterRef("pk"))
        )
        citable[stage] = dict(
            evidence_citable_in(
                queryset=Evidence.objects.all(),
                partnership_ids=sorted({brief.partnership_id for brief in staged}),
                stage=stage,
            )
            .filter(used)
            .values_list("pk", "may_name")  # type: ignore[misc] # an annotation
        )

    readings = {}
    stale: dict[Stage, dict[int, Basis]] = defaultdict(dict)
    for brief in briefs:
        allowed = citable[stage_of(brief)]
        referenced = synthesis.evidence_ids_in(brief.sections)
        still_there = cited[brief.pk] | compared[brief.pk]
        named = synthesis.named_evidence_in(brief.sections or [])
        fresh = (
            has_current_shape(brief.sections)
            and referenced <= still_there
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
                compared=sorted(compared[brief.pk]),
            )
            continue
        stale[stage_of(brief)][brief.pk] = Basis(
            current=cited[brief.pk] & set(allowed), previous=compared[brief.pk] & set(allowed)
        )
    # The stale briefs are composed together, one composition per stage (a list of briefs
    # stored before the engine grew a part costs the queries of two briefs, not of each).
    by_pk = {brief.pk: brief for brief in briefs}
    for stage, bases in stale.items():
        composed = briefs_compose([by_pk[pk] for pk in bases], stage=stage, bases=bases)
        for pk, draft in composed.items():
            brief = by_pk[pk]
            redactions = list(brief.redactions or [])
            pending = redaction_note(
                published=brief.status == InsightBrief.Status.PUBLISHED,
                shown=snapshot_ids(brief.sections),
                still_shown=draft.cited,
                at=timezone.now(),
            )
            if pending is not None:
                redactions.append(pending)
            readings[pk] = BriefReading(
                brief=brief,
                sections=draft.sections,
                what_changed=draft.what_changed,
                cited=draft.cited,
                redactions=redactions,
                recomputed=True,
                compared=draft.compared,
            )
    return readings


def brief_reading(brief: InsightBrief) -> BriefReading:
    """What ``brief`` shows, before asking who reads it: for the services and the
    re-render task. Every page, export and API answer reads ``brief_readings_for``."""
    return brief_readings([brief])[brief.pk]


def brief_readings_for(*, briefs: Sequence[InsightBrief], user: User) -> dict[int, BriefReading]:
    """What each of ``briefs`` shows ``user``, with the cited evidence ``user`` may open
    (provenance links): the reading every page, export and API answer shows.

    A published brief shows everyone in the partnership the same thing: what its
    parties consented to publish. A draft is different: it cites whatever the learning
    partner may use, and in *learning with* mode every party reads it. So a draft never
    shows a reader more of a party's evidence than the reader may see of it as raw
    evidence (``consent.selectors.evidence_visible_to``, the one rule for raw evidence):
    where a draft cites items the reader may not see, it is composed again, in memory,
    from the items the reader may see, and marked ``partial``. Counts, figures, quotes,
    themes and comparisons all come from that smaller set, so nothing of the withheld
    items shows through. Fixed queries for the list, plus one composition for all the
    partial drafts together.
    """
    readings = brief_readings(briefs)
    used: set[int] = set()
    for reading in readings.values():
        used |= set(reading.cited) | set(reading.compared)
    visible = (
        set(
            evidence_visible_to(
                user=user, queryset=Evidence.objects.filter(pk__in=sorted(used))
            ).values_list("pk", flat=True)
        )
        if used
        else set()
    )
    partial: dict[int, Basis] = {}
    for brief in briefs:
        reading = readings[brief.pk]
        if stage_of(brief) == "published":
            continue
        if set(reading.cited) | set(reading.compared) <= visible:
            continue
        partial[brief.pk] = Basis(
            current=set(reading.cited) & visible, previous=set(reading.compared) & visible
        )
    if partial:
        by_pk = {brief.pk: brief for brief in briefs}
        composed = briefs_compose([by_pk[pk] for pk in partial], stage="draft", bases=partial)
        for pk, draft in composed.items():
            earlier = readings[pk]
            readings[pk] = BriefReading(
                brief=earlier.brief,
                sections=draft.sections,
                what_changed=draft.what_changed,
                cited=draft.cited,
                redactions=earlier.redactions,
                recomputed=True,
                compared=draft.compared,
                partial=True,
            )
    held = sessions_held_in_briefs(user=user, briefs=briefs)
    for pk, reading in readings.items():
        reading.visible_evidence = set(reading.cited) & visible
        reading.sessions_held = held.get(pk, [])
    return readings


def brief_reading_for(*, brief: InsightBrief, user: User) -> BriefReading:
    """``brief_readings_for`` for one brief."""
    return brief_readings_for(briefs=[brief], user=user)[brief.pk]


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
