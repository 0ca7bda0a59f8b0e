"""Reads of the codebook and its excerpts that depend on who is asking.

Two rules shape every read here:

- An excerpt is evidence: a reader sees an excerpt only while they may see its item
  (``consent.selectors.evidence_visible_to``, the rule every evidence list obeys), so a
  withdrawal hides it from every list, code page, matrix and export at once. Counts of
  excerpts are counts of the excerpts the reader may see.
- The codebook is edited by the learning partner's people and, when the partnership
  learns *with* its parties, by every accepted party's people (``edits_codebook``);
  every accepted party reads it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import (
    BooleanField,
    Case,
    Count,
    Prefetch,
    Q,
    QuerySet,
    Value,
    When,
)

from accounts.models import User
from consent.selectors import evidence_visible_to
from evidence.models import Code, Evidence, Excerpt
from evidence.selectors.briefs import excerpt_still_reads, is_learning_partner
from partnerships.models import Partnership, Party, ResearchQuestion
from partnerships.selectors import accepted_parties_of

MatrixBy = Literal["party", "question"]


def edits_codebook(*, user: User, partnership: Partnership) -> bool:
    """Whether ``user`` (an accepted party) may change ``partnership``'s codebook and code
    its evidence: the learning partner always, everyone when it learns with its parties."""
    return partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH or (
        is_learning_partner(user=user, partnership=partnership)
    )


def _visible_items(*, user: User, partnership: Partnership) -> QuerySet[Evidence, Any]:
    """The partnership's items ``user`` may see (a subquery)."""
    return evidence_visible_to(
        user=user, queryset=Evidence.objects.filter(partnership=partnership)
    ).values("pk")


def _stale() -> Case:
    """True when an excerpt's words no longer match its text at its offsets."""
    return Case(
        When(excerpt_still_reads(), then=Value(False)),
        default=Value(True),
        output_field=BooleanField(),
    )


def excerpts_visible_to(
    *, user: User, partnership: Partnership, code: Code | None = None
) -> QuerySet[Excerpt]:
    """The partnership's excerpts ``user`` may see (of items they may see), each with
    ``stale``, its item and party, codes and questions; ``code``: only those coded to it."""
    excerpts = Excerpt.objects.filter(
        evidence__in=_visible_items(user=user, partnership=partnership)
    )
    if code is not None:
        excerpts = excerpts.filter(codes=code)
    return _with_details(excerpts)


def excerpts_of_item(*, evidence: Evidence) -> QuerySet[Excerpt]:
    """The excerpts of ``evidence`` (an item the caller's gateway let them see)."""
    return _with_details(Excerpt.objects.filter(evidence=evidence))


def excerpt_for(*, pk: int) -> Excerpt | None:
    """Excerpt ``pk`` with its details, for the gateway (which checks who may see it)."""
    return _with_details(Excerpt.objects.filter(pk=pk)).first()


def _with_details(excerpts: QuerySet[Excerpt]) -> QuerySet[Excerpt]:
    return (
        excerpts.annotate(stale=_stale())
        .select_related("evidence__party__organisation", "attachment", "author")
        # A file's text is up to 100,000 characters: read only where it is used (.qdpx).
        .defer("attachment__text")
        .prefetch_related(
            Prefetch("codes", queryset=Code.objects.order_by("name", "pk")),
            Prefetch("questions", queryset=ResearchQuestion.objects.order_by("created_at", "pk")),
        )
        .order_by("evidence__occurred_on", "evidence_id", "start", "end", "pk")
    )


def codes_of(*, user: User, partnership: Partnership) -> QuerySet[Code]:
    """The partnership's codebook by name, each with ``excerpt_count`` and
    ``visible_excerpts``: the excerpts coded to it that ``user`` may see."""
    visible = _visible_items(user=user, partnership=partnership)
    return (
        Code.objects.filter(partnership=partnership)
        .annotate(
            excerpt_count=Count("excerpts", filter=Q(excerpts__evidence__in=visible), distinct=True)
        )
        .prefetch_related(
            Prefetch(
                "excerpts",
                queryset=Excerpt.objects.filter(evidence__in=visible).only("pk").order_by("pk"),
                to_attr="visible_excerpts",
            )
        )
        .order_by("name", "pk")
    )


def codebook_codes(*, partnership: Partnership) -> list[Code]:
    """The partnership's codes by name, each with its parent (one query): the choices of
    the coding forms."""
    return list(
        Code.objects.filter(partnership=partnership).select_related("parent").order_by("name", "pk")
    )


def codebook_code(*, partnership: Partnership, pk: int) -> Code | None:
    """Code ``pk`` of ``partnership``'s codebook, or None when it has no such code."""
    return Code.objects.filter(partnership=partnership, pk=pk).first()


def codebook_questions(*, partnership: Partnership) -> list[ResearchQuestion]:
    """The partnership's research questions in the order they were asked (one query): the
    columns of the code × question matrix and the choices of the coding forms."""
    return list(
        ResearchQuestion.objects.filter(partnership=partnership).order_by("created_at", "pk")
    )


def code_tree(codes: list[Code]) -> list[tuple[Code, list[Code]]]:
    """``codes`` (a whole codebook) as top-level codes, each with its sub-codes, by name."""
    children: dict[int, list[Code]] = defaultdict(list)
    for code in codes:
        if code.parent_id is not None:
            children[code.parent_id].append(code)
    return [(code, children[code.pk]) for code in codes if code.parent_id is None]


@dataclass(frozen=True)
class MatrixColumn:
    id: int
    label: str
    kind: str  # a party's role, or "question"


@dataclass(frozen=True)
class CodeMatrix:
    """How many excerpts (that the reader may see) each code has in each column."""

    by: MatrixBy
    codes: list[Code]
    columns: list[MatrixColumn]
    counts: list[list[int]]

    @property
    def rows(self) -> list[tuple[Code, list[int]]]:
        return list(zip(self.codes, self.counts, strict=True))


def code_matrix(*, user: User, partnership: Partnership, by: MatrixBy) -> CodeMatrix:
    """The code × party (the party whose item it is) or code × research question (the
    questions the excerpt is tagged to) matrix of counts of the excerpts ``user`` may
    see. An excerpt counts once in each cell it belongs to. Three queries."""
    codes = list(Code.objects.filter(partnership=partnership).order_by("name", "pk"))
    visible = _visible_items(user=user, partnership=partnership)
    links = Excerpt.codes.through.objects.filter(
        code__partnership=partnership, excerpt__evidence__in=visible
    )
    columns: list[MatrixColumn]
    if by == "party":
        parties: list[Party] = list(
            accepted_parties_of(partnership=partnership).order_by(
                "-is_commissioner", "role", "organisation__name", "pk"
            )
        )
        columns = [MatrixColumn(p.pk, p.organisation.name, p.role) for p in parties]
        cells = links.values_list("code_id", "excerpt__evidence__party_id").annotate(
            n=Count("excerpt_id", distinct=True)
        )
    else:
        columns = [
            MatrixColumn(q.pk, q.text, "question")
            for q in codebook_questions(partnership=partnership)
        ]
        cells = (
            links.filter(excerpt__questions__isnull=False)
            .values_list("code_id", "excerpt__questions")
            .annotate(n=Count("excerpt_id", distinct=True))
        )
    found = {(code_id, column_id): n for code_id, column_id, n in cells}
    return CodeMatrix(
        by=by,
        codes=codes,
        columns=columns,
        counts=[[found.get((code.pk, column.id), 0) for column in columns] for code in codes],
    )
