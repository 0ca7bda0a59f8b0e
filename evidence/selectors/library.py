"""Reads of the library of published learning: every published brief of the partnerships
a person takes part in, searchable, and the research questions that recur across a
funder's partnerships.

Who reads which brief is ``partnerships.selectors.partnership_taken_part_in`` (an
accepted party: a partnership left or never joined shows nothing) and, inside each
partnership, the published briefs only (drafts are never in the library, whatever the
learning mode). What a brief says is read through ``brief_readings_for``, the reading
the brief's own page shows, so a search or a summary never finds words a withdrawal has
taken out, even before the re-render task has run. Fixed queries for any number of
briefs and partnerships.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import overload

from django.db.models import Exists, OuterRef, QuerySet

from accounts.models import User
from evidence.library import (
    AskedQuestion,
    answered_questions,
    brief_title,
    contains_all,
    partnership_count,
    question_groups,
    question_headings,
    reading_text,
    search_words,
    shared_words,
    summary,
)
from evidence.models import InsightBrief
from evidence.selectors.briefs import BriefReading, brief_readings_for
from partnerships.models import Organisation, Partnership, Party, ResearchQuestion
from partnerships.selectors import partnership_taken_part_in, questions_with_status_in

# --- The library -------------------------------------------------------------------------


def library_briefs(*, user: User) -> QuerySet[InsightBrief]:
    """The published briefs of every partnership ``user`` takes part in, newest
    publication first."""
    return (
        InsightBrief.objects.filter(
            partnership_taken_part_in(user=user, partnership_ref="partnership"),
            status=InsightBrief.Status.PUBLISHED,
        )
        .select_related("partnership")
        .order_by("-published_at", "-period_end", "-id")
    )


def library_partnerships(*, user: User) -> QuerySet[Partnership]:
    """The partnerships with a brief in ``user``'s library (the partnership filter's
    choices), by title."""
    published = InsightBrief.objects.filter(
        partnership=OuterRef("pk"), status=InsightBrief.Status.PUBLISHED
    )
    return (
        Partnership.objects.filter(partnership_taken_part_in(user=user), Exists(published))
        .only("id", "title")
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class LibraryFilters:
    """What a reader asks the library for; empty means everything."""

    search: str = ""
    partnership: int | None = None
    year: int | None = None
    question: str = ""


@dataclass(frozen=True)
class LibraryRow:
    """One brief in the library, as its reader may read it now."""

    brief: InsightBrief
    title: str
    summary: str

    @property
    def partnership(self) -> Partnership:
        return self.brief.partnership

    @property
    def period_start(self) -> date:
        return self.brief.period_start

    @property
    def period_end(self) -> date:
        return self.brief.period_end

    @property
    def published_at(self) -> datetime | None:
        return self.brief.published_at


def _row(reading: BriefReading) -> LibraryRow:
    return LibraryRow(
        brief=reading.brief, title=brief_title(reading.brief), summary=summary(reading)
    )


@dataclass
class Library(Sequence[LibraryRow]):
    """The library's rows for one reader and filters, for a paginator to slice.

    Without words to look for, the database counts and slices the briefs and only the
    page's briefs are read. With words (``search``, ``question``), every brief the other
    filters leave is read as its reader may read it now and matched in memory: a stored
    text is never searched, as a withdrawal may have changed what the reader reads.
    """

    user: User
    briefs: QuerySet[InsightBrief]
    search: list[str] = field(default_factory=list)
    question: list[str] = field(default_factory=list)

    @cached_property
    def _matched(self) -> list[LibraryRow]:
        briefs = list(self.briefs)
        readings = brief_readings_for(briefs=briefs, user=self.user)
        return [
            _row(readings[brief.pk])
            for brief in briefs
            if contains_all(reading_text(readings[brief.pk]), self.search)
            and contains_all(question_headings(readings[brief.pk]), self.question)
        ]

    @property
    def _words(self) -> bool:
        return bool(self.search or self.question)

    def __len__(self) -> int:
        return len(self._matched) if self._words else self.briefs.count()

    @overload
    def __getitem__(self, index: int) -> LibraryRow: ...

    @overload
    def __getitem__(self, index: slice) -> list[LibraryRow]: ...

    def __getitem__(self, index: int | slice) -> LibraryRow | list[LibraryRow]:
        if self._words:
            return self._matched[index]
        if isinstance(index, int):
            return self[index : index + 1][0]
        briefs = list(self.briefs[index])
        readings = brief_readings_for(briefs=briefs, user=self.user)
        return [_row(readings[brief.pk]) for brief in briefs]


def library_for(*, user: User, filters: LibraryFilters) -> Library:
    """``user``'s library with ``filters``: a partnership they take part in (another id
    finds nothing), briefs whose period falls in ``year`` (in part), words in what the
    reader may read (``search``) and in the research questions the brief reports on
    (``question``)."""
    briefs = library_briefs(user=user)
    if filters.partnership is not None:
        briefs = briefs.filter(partnership_id=filters.partnership)
    if filters.year is not None:
        briefs = briefs.filter(
            period_start__lte=date(filters.year, 12, 31), period_end__gte=date(filters.year, 1, 1)
        )
    return Library(
        user=user,
        briefs=briefs,
        search=search_words(filters.search),
        question=search_words(filters.question),
    )


def library_years(*, user: User) -> list[int]:
    """The years the briefs in ``user``'s library cover, newest first (one query)."""
    years: set[int] = set()
    for start, end in (
        library_briefs(user=user).order_by().values_list("period_start", "period_end")
    ):
        years.update(range(start.year, end.year + 1))
    return sorted(years, reverse=True)


# --- Questions across a funder's partnerships ---------------------------------------------


def portfolio_of(*, user: User, organisation: Organisation) -> QuerySet[Partnership]:
    """The partnerships ``organisation`` commissions or funds (an accepted funder party)
    that ``user`` takes part in, by title."""
    funds = Party.objects.filter(
        partnership=OuterRef("pk"),
        organisation=organisation,
        role=Party.Role.FUNDER,
        status=Party.Status.ACCEPTED,
    )
    return (
        Partnership.objects.filter(Exists(funds), partnership_taken_part_in(user=user))
        .only("id", "title")
        .order_by("title", "id")
    )


@dataclass(frozen=True)
class QuestionAsked:
    """A research question in a group, with its partnership."""

    id: int
    text: str
    status: str
    status_label: str
    partnership: Partnership


@dataclass(frozen=True)
class QuestionGroup:
    """Research questions that ask the same thing, the partnerships asking them, the
    words they share, and the published briefs that report evidence about them."""

    words: list[str]
    partnerships: int
    questions: list[QuestionAsked]
    briefs: list[LibraryRow]

    @property
    def recurs(self) -> bool:
        return self.partnerships > 1


def recurring_questions(*, user: User, organisation: Organisation) -> list[QuestionGroup]:
    """Every research question (agreed, proposed or contested) of ``organisation``'s
    partnerships that ``user`` takes part in, grouped with the questions that ask the
    same thing (``evidence.library.question_groups``), those asked by the most
    partnerships first; each with the published briefs ``user`` may read that report
    evidence about one of its questions (read as the brief's page reads them). Fixed
    queries for any portfolio."""
    portfolio = portfolio_of(user=user, organisation=organisation)
    partnerships = {partnership.pk: partnership for partnership in portfolio}
    if not partnerships:
        return []
    questions = list(
        questions_with_status_in(partnership_ids=sorted(partnerships))
        .select_related(None)
        .prefetch_related(None)
        .only("id", "text", "partnership_id")
    )
    labels = dict(ResearchQuestion.Status.choices)
    briefs = list(library_briefs(user=user).filter(partnership_id__in=sorted(partnerships)))
    readings = brief_readings_for(briefs=briefs, user=user)
    answering: dict[int, list[LibraryRow]] = defaultdict(list)
    for brief in briefs:
        reading = readings[brief.pk]
        for question_id in sorted(answered_questions(reading)):
            answering[question_id].append(_row(reading))
    asked = [
        AskedQuestion(
            id=question.pk,
            text=question.text,
            status=question.status,  # type: ignore[attr-defined] # an annotation
            partnership_id=question.partnership_id,
        )
        for question in questions
    ]
    groups = []
    for group in question_groups(asked):
        seen: set[int] = set()
        rows = []
        for question in group:
            for row in answering[question.id]:
                if row.brief.pk not in seen:
                    seen.add(row.brief.pk)
                    rows.append(row)
        groups.append(
            QuestionGroup(
                words=shared_words(group),
                partnerships=partnership_count(group),
                questions=[
                    QuestionAsked(
                        id=question.id,
                        text=question.text,
                        status=question.status,
                        status_label=labels.get(question.status, question.status),
                        partnership=partnerships[question.partnership_id],
                    )
                    for question in group
                ],
                briefs=rows,
            )
        )
    return groups
