"""Reads of evidence items that depend on who is asking.

Which items a person may see is decided by ``consent.selectors`` (the one module that
owns the rules); every read here starts from ``evidence_visible_to`` (or, for one
partnership's list, ``evidence_parties_visible_to``: the same rule asked of its parties)
and only narrows it.
Each list is one query plus fixed prefetches, whatever its size or the number of
partnerships the person belongs to.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypedDict, Unpack, cast

from django.contrib.postgres.search import SearchQuery
from django.db import connections
from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.db.models.expressions import Combinable

from accounts.models import User
from consent.models import ConsentRecord
from consent.selectors import (
    SharingState,
    VisibleTo,
    consent_active,
    consent_granted,
    evidence_parties_visible_to,
    evidence_visible_to,
    sharing_state,
)
from evidence.models import SEARCH_CONFIG, Evidence, EvidenceAttachment, evidence_search_vector
from evidence.periods import period_containing, periods_up_to
from evidence.schema import STORED_FIELD_NAMES
from evidence.selectors.briefs import SERIES_PERIODS
from evidence.synthesis import number_text
from learnhub.errors import Forbidden
from partnerships.models import (
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
    ResearchQuestion,
)
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import accepted_parties_of, acting_parties_for, questions_with_status

#: A cell of the coverage map with fewer visible items than this is "thin".
THIN_BELOW = 3

CONTRIBUTE = PartnershipPermission.CONTRIBUTE


def participation_missing_reason(*, party: Party) -> str | None:
    """Why ``party`` may not add evidence now (no active ``participate`` consent), or None.

    The words name the missing consent and who can give it.
    """
    if consent_granted(party=party, purpose=ConsentRecord.Purpose.PARTICIPATE):
        return None
    return _missing_participation(party)


def _missing_participation(party: Party) -> str:
    return (
        "Your organisation has not given consent to take part (participate). An admin of "
        f"{party.organisation.name} can give it on the partnership’s Consent page."
    )


class ParticipationMissing(Forbidden):
    """Refused: the party has no active ``participate`` consent (the message says who can
    give it, so pages can link to the Consent page)."""


@dataclass(frozen=True)
class ContributionOptions:
    """The parties ``user`` may add evidence for now, and — when they act for parties but
    none may add — the reason why (the missing consent and who can give it)."""

    parties: list[Party]
    blocked_reason: str | None


def contribution_options(*, user: User, partnership: Partnership) -> ContributionOptions:
    """Accepted parties of ``partnership`` ``user`` contributes for that have active
    ``participate`` consent (one query)."""
    candidates = list(
        acting_parties_for(user=user, partnership=partnership, codename=CONTRIBUTE).annotate(
            participates=consent_active(ConsentRecord.Purpose.PARTICIPATE, party_ref="pk")
        )
    )
    allowed: list[Party] = [party for party in candidates if party.participates]
    reason = None
    if candidates and not allowed:
        reason = _missing_participation(candidates[0])
    return ContributionOptions(parties=allowed, blocked_reason=reason)


def _mine(user: User) -> ExpressionWrapper[Combinable]:
    """The outer item belongs to an accepted party ``user`` contributes for: the members
    group of its organisation, which ``user`` is in, holds ``contribute_partnership``."""
    if not user.is_authenticated:
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    contributes = Exists(
        PartnershipGroupObjectPermission.objects.filter(
            content_object=OuterRef("partnership"),
            permission__codename=CONTRIBUTE,
            group__user=user,
            group=OuterRef("party__organisation__members_group"),
        )
    )
    return ExpressionWrapper(
        Q(party__status=Party.Status.ACCEPTED) & contributes, output_field=BooleanField()
    )


def with_details(queryset: QuerySet[Evidence], *, user: User) -> QuerySet[Evidence]:
    """Everything a list or page shows about each item, in a fixed number of queries.

    Each item carries ``mine`` (the person can change it: it is their party's).
    """
    return (
        queryset.select_related("party__organisation", "submitted_by", "partnership")
        .prefetch_related(
            Prefetch("questions", queryset=ResearchQuestion.objects.order_by("created_at", "id")),
            Prefetch(
                "attachments", queryset=EvidenceAttachment.objects.order_by("created_at", "id")
            ),
        )
        .annotate(mine=_mine(user))
    )


def evidence_matching(queryset: QuerySet[Evidence], text: str) -> QuerySet[Evidence]:
    """``queryset`` narrowed to items whose words match ``text`` (see ``evidence_list``).

    On PostgreSQL the match is the expression the GIN index ``evidence_search_gin`` is
    built on, so the index serves it.
    """
    words = text.split()
    if not words:
        return queryset
    if connections[queryset.db].vendor == "postgresql":
        query = SearchQuery(text, config=SEARCH_CONFIG, search_type="websearch")
        return queryset.annotate(search_document=evidence_search_vector()).filter(
            search_document=query
        )
    for word in words:
        queryset = queryset.filter(
            Q(title__icontains=word) | Q(body__icontains=word) | Q(prompt_text__icontains=word)
        )
    return queryset


class EvidenceFilters(TypedDict, total=False):
    """What a list of a partnership's evidence may be narrowed by (each optional)."""

    kind: str
    question: int | None
    valence: str
    party: int | None
    search: str


def evidence_sharing(*, user: User, partnership: Partnership) -> SharingState:
    """Who may read whose evidence in ``partnership`` now, and which parties are ``user``'s
    (one query): read once for a list, then asked of each item (``visible_to``)."""
    return sharing_state(partnership=partnership, user=user)


def evidence_readers(*, user: User, evidence: Evidence) -> list[VisibleTo]:
    """The parties whose people may read ``evidence`` now, and why (one query)."""
    return evidence_sharing(user=user, partnership=evidence.partnership).visible_to(
        evidence.party_id
    )


def new_evidence_readers(*, user: User, partnership: Partnership, party: Party) -> list[VisibleTo]:
    """The parties whose people would read a new item of ``party`` if it were added now,
    and why, from the party's current consent (one query)."""
    return evidence_sharing(user=user, partnership=partnership).visible_to(party.pk)


def _listed(
    *,
    user: User,
    partnership: Partnership,
    filters: EvidenceFilters,
    sharing: SharingState | None = None,
) -> QuerySet[Evidence]:
    """The partnership's evidence ``user`` may see, narrowed by ``filters``, newest first.

    ``sharing``: the partnership's ``evidence_sharing`` for ``user``, when the caller
    already read it (to say who can see each item).
    """
    # Whether an item may be seen depends only on its party, so the rule is asked once of
    # the partnership's few parties (consent.selectors, the same rule) instead of every
    # item, and not again for the page after the count: as a subquery it cost more to
    # build and plan than the list itself (measured by ``manage.py bench``).
    if sharing is None:
        sharing = evidence_sharing(user=user, partnership=partnership)
    shared = sorted(sharing.parties_visible_to_me())
    evidence = Evidence.objects.filter(partnership=partnership, party_id__in=shared)
    if kind := filters.get("kind"):
        evidence = evidence.filter(kind=kind)
    if valence := filters.get("valence"):
        evidence = evidence.filter(valence=valence)
    if (party := filters.get("party")) is not None:
        evidence = evidence.filter(party_id=party)
    if (question := filters.get("question")) is not None:
        evidence = evidence.filter(
            Exists(
                Evidence.questions.through.objects.filter(
                    evidence=OuterRef("pk"), researchquestion_id=question
                )
            )
        )
    return evidence_matching(evidence, filters.get("search", "")).order_by("-occurred_on", "-id")


def evidence_list(
    *, user: User, partnership: Partnership, **filters: Unpack[EvidenceFilters]
) -> QuerySet[Evidence]:
    """The partnership's evidence ``user`` may see, newest first, narrowed by the filters.

    ``search`` is PostgreSQL full-text search (English stemming; quotes, "or" and "-word"
    work) on PostgreSQL, and a match of every word on other databases.
    """
    return with_details(_listed(user=user, partnership=partnership, filters=filters), user=user)


#: The columns of each row of ``evidence_list_rows`` (the item's own fields are
#: ``evidence.schema``'s).
ROW_COLUMNS: tuple[str, ...] = (
    "id",
    "partnership_id",
    "party_id",
    "party__role",
    "party__organisation_id",
    "party__organisation__name",
    "party__organisation__kind",
    *STORED_FIELD_NAMES,
    "session_id",
    "submitted_by_id",
    "submitted_by__name",
    "submitted_by__email",
    "mine",
    "created_at",
    "updated_at",
)


def evidence_list_rows(
    *,
    user: User,
    partnership: Partnership,
    sharing: SharingState | None = None,
    **filters: Unpack[EvidenceFilters],
) -> QuerySet[Evidence, dict[str, Any]]:
    """The items of ``evidence_list`` as rows of ``ROW_COLUMNS`` (their own columns, their
    party's role and organisation, who added them, and ``mine``), newest first.

    For the API's list: building five model instances and two related managers per item
    cost more than the rest of the request (measured by ``manage.py bench``). A page's
    research questions and files come from ``evidence_links``; who can see each item,
    from ``sharing`` (``evidence_sharing``, read once and passed in).
    """
    listed = _listed(user=user, partnership=partnership, filters=filters, sharing=sharing)
    # django-stubs types ``values()`` only for literal field names; these come from the schema.
    rows = listed.annotate(mine=_mine(user)).values(*ROW_COLUMNS)
    return cast("QuerySet[Evidence, dict[str, Any]]", rows)


@dataclass(frozen=True)
class EvidenceLinks:
    """The research questions (ids, in the order items show them) and files of some items,
    by item id; an item with none is missing from the dict."""

    questions: dict[int, list[int]]
    attachments: dict[int, list[EvidenceAttachment]]


def evidence_links(*, ids: Iterable[int]) -> EvidenceLinks:
    """The questions and files of the items ``ids`` (two queries).

    Only for items already read through a rule of who sees what (``evidence_list_rows``).
    """
    wanted = list(ids)
    questions: dict[int, list[int]] = defaultdict(list)
    attachments: dict[int, list[EvidenceAttachment]] = defaultdict(list)
    if not wanted:
        return EvidenceLinks(questions={}, attachments={})
    links = (
        Evidence.questions.through.objects.filter(evidence_id__in=wanted)
        .order_by("researchquestion__created_at", "researchquestion_id")
        .values_list("evidence_id", "researchquestion_id")
    )
    for evidence_id, question_id in links:
        questions[evidence_id].append(question_id)
    for attachment in EvidenceAttachment.objects.filter(evidence_id__in=wanted).order_by(
        "created_at", "id"
    ):
        attachments[attachment.evidence_id].append(attachment)
    return EvidenceLinks(questions=dict(questions), attachments=dict(attachments))


def evidence_visible(*, user: User) -> QuerySet[Evidence]:
    """Every item ``user`` may see, in any partnership, with details (for gateways)."""
    return with_details(evidence_visible_to(user=user, queryset=Evidence.objects.all()), user=user)


def parties_owning_evidence(*, user: User) -> QuerySet[Party]:
    """The parties whose evidence belongs to ``user``'s organisations, in any partnership:
    those taking part now, and those that left or were removed after adding evidence.

    What a party submitted stays its own to export whatever happens to its place in the
    partnership; a party that never added anything and is no longer in it has nothing.
    """
    added_evidence = Exists(Evidence.objects.filter(party=OuterRef("pk")))
    return Party.objects.filter(
        Q(status=Party.Status.ACCEPTED) | (Q(status=Party.Status.REMOVED) & added_evidence),
        organisation__memberships__user=user,
    )


def evidence_own(*, user: User, partnership: Partnership) -> QuerySet[Evidence]:
    """The items ``user``'s organisations submitted to ``partnership`` (to export), oldest
    first; also after they left it (``parties_owning_evidence``)."""
    own = Evidence.objects.filter(
        partnership=partnership,
        party__in=parties_owning_evidence(user=user).filter(partnership=partnership),
    )
    return with_details(own, user=user).order_by("occurred_on", "id")


def parties_left_with_evidence(*, user: User) -> QuerySet[Party]:
    """``user``'s organisations' former parties that added evidence, newest first, each
    with ``evidence_count``: where to export it from after leaving."""
    return (
        parties_owning_evidence(user=user)
        .filter(status=Party.Status.REMOVED)
        .select_related("partnership", "organisation")
        .annotate(evidence_count=Count("evidence"))
        .order_by("-responded_at", "-id")
    )


def evidence_filter_choices(
    *, partnership: Partnership
) -> tuple[QuerySet[ResearchQuestion], QuerySet[Party]]:
    """The questions and accepted parties a list of the partnership's evidence filters by."""
    return (
        questions_with_status(partnership=partnership),
        accepted_parties_of(partnership=partnership),
    )


# --- A statistic's series and the list's balance --------------------------------------------


def _measure_key(title: str, unit: str) -> tuple[str, str]:
    """What makes two statistics the same measure (as briefs group them)."""
    return (" ".join(title.split()).casefold(), unit.strip().casefold())


def evidence_statistic_series(*, user: User, evidence: Evidence) -> dict[str, Any] | None:
    """The measure of the statistic ``evidence`` over its partnership's brief periods up to
    the one it falls in (``SERIES_PERIODS`` of them, oldest first), as a brief's figure:
    ``measure``, ``unit``, ``baseline`` and ``series`` of ``period_start``, ``period_end``,
    ``value`` (the latest figure in that period, or None). Only items ``user`` may see as
    raw evidence count (one query). None when ``evidence`` is not a statistic with a value.
    """
    if evidence.kind != Evidence.Kind.STATISTIC or evidence.value is None:
        return None
    partnership = evidence.partnership
    periods = periods_up_to(
        period_containing(evidence.occurred_on, partnership.brief_cadence), SERIES_PERIODS
    )
    key = _measure_key(evidence.title, evidence.unit)
    candidates = evidence_visible_to(
        user=user,
        queryset=Evidence.objects.filter(
            partnership=partnership,
            kind=Evidence.Kind.STATISTIC,
            value__isnull=False,
            occurred_on__range=(periods[0].start, periods[-1].end),
        ),
    ).values_list("id", "title", "unit", "occurred_on", "value")
    same = [row for row in candidates if _measure_key(row[1], row[2]) == key]
    series: list[dict[str, Any]] = []
    for period in periods:
        inside = [row for row in same if period.start <= row[3] <= period.end]
        if not inside and not series:
            continue
        latest = max(inside, key=lambda row: (row[3], row[0])) if inside else None
        series.append(
            {
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "value": number_text(latest[4]) if latest else None,
                "evidence": latest[0] if latest else None,
            }
        )
    return {
        "measure": " ".join(evidence.title.split()),
        "unit": evidence.unit,
        "baseline": number_text(evidence.baseline),
        "series": series,
    }


@dataclass(frozen=True)
class Balance:
    """How many items are working, not working, mixed and unclear (``parts``, in that
    order, as ``(label, count)``), and how many there are in all (``total``)."""

    parts: list[tuple[str, int]]
    total: int


def evidence_balance(items: QuerySet[Evidence]) -> Balance:
    """The balance of ``items`` (a list already scoped to what its reader may see, e.g.
    ``evidence_list``) and their number, in one query: the list's page count can be this
    ``total`` instead of a query of its own."""
    counts = items.order_by().aggregate(
        total=Count("pk"),
        **{value: Count("pk", filter=Q(valence=value)) for value, _ in Evidence.Valence.choices},
    )
    return Balance(
        parts=[(label, int(counts[value] or 0)) for value, label in Evidence.Valence.choices],
        total=int(counts["total"] or 0),
    )


# --- Coverage map ------------------------------------------------------------------------


@dataclass
class CoverageCell:
    party: Party
    count: int | None  # None: this party's evidence is not shared with the viewer

    @property
    def shared(self) -> bool:
        return self.count is not None

    @property
    def thin(self) -> bool:
        return self.count is not None and self.count < THIN_BELOW


@dataclass
class CoverageRow:
    question: ResearchQuestion | None  # None: items linked to no agreed question
    cells: list[CoverageCell] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(cell.count or 0 for cell in self.cells)


@dataclass
class Coverage:
    parties: list[Party]
    rows: list[CoverageRow]
    thin_below: int = THIN_BELOW


def evidence_coverage(*, user: User, partnership: Partnership) -> Coverage:
    """Agreed research questions × accepted parties: how many items ``user`` can see in
    each cell. Cells of parties whose evidence is not shared with ``user`` have no count,
    so a gap is never confused with something kept private. Four queries.
    """
    questions = list(
        questions_with_status(partnership=partnership).filter(
            # django-stubs cannot see the ``status`` annotation questions_with_status adds.
            status=ResearchQuestion.Status.AGREED  # type: ignore[misc]
        )
    )
    parties = list(accepted_parties_of(partnership=partnership))
    shared = evidence_parties_visible_to(user=user, partnership=partnership)
    visible = evidence_visible_to(
        user=user, queryset=Evidence.objects.filter(partnership=partnership)
    )
    agreed_ids = [q.pk for q in questions]
    counts: dict[tuple[int | None, int], int] = {}
    linked = Evidence.questions.through.objects.filter(
        evidence__in=visible.values("pk"), researchquestion_id__in=agreed_ids
    )
    for row in linked.values("researchquestion_id", "evidence__party_id").annotate(
        n=Count("evidence_id", distinct=True)
    ):
        counts[(row["researchquestion_id"], row["evidence__party_id"])] = row["n"]
    unlinked = visible.exclude(
        Exists(
            Evidence.questions.through.objects.filter(
                evidence=OuterRef("pk"), researchquestion_id__in=agreed_ids
            )
        )
    )
    for party_row in unlinked.order_by().values("party_id").annotate(n=Count("pk")):
        counts[(None, party_row["party_id"])] = party_row["n"]

    def cells(question_id: int | None) -> list[CoverageCell]:
        return [
            CoverageCell(
                party=party,
                count=counts.get((question_id, party.pk), 0) if party.pk in shared else None,
            )
            for party in parties
        ]

    rows = [CoverageRow(question=q, cells=cells(q.pk)) for q in questions]
    rows.append(CoverageRow(question=None, cells=cells(None)))
    return Coverage(parties=parties, rows=rows)


def question_ids_of(*, partnership: Partnership, ids: Sequence[int]) -> set[int]:
    """Which of ``ids`` are research questions of ``partnership``."""
    return set(
        ResearchQuestion.objects.filter(partnership=partnership, pk__in=list(ids)).values_list(
            "pk", flat=True
        )
    )
