"""The shapes of a brief's computed parts, as stored in its JSON fields and shown by the
API: sections (counts, statistics, quotes, stories, reflections, points, themes, gaps),
what changed, the plain-language report, challenges and redaction notes.

Types only, so mypy checks every producer and reader against one description. This module
imports nothing from the rest of ``evidence``: the drafting engine, the selectors, the
rendering, the services and the API all use it. The dictionaries are built as before,
key by key, so the stored JSON is unchanged.
"""

from __future__ import annotations

from typing import NotRequired, TypedDict

# --- Sections ---------------------------------------------------------------------------------


class KindCount(TypedDict):
    kind: str
    label: str
    count: int
    previous: int
    change: int


class ValenceCount(TypedDict):
    valence: str
    label: str
    count: int
    previous: int
    change: int


class Counts(TypedDict):
    """How much evidence a section counts, and the ids it counts (``evidence``)."""

    total: int
    previous_total: int
    change: int
    by_kind: list[KindCount]
    by_valence: list[ValenceCount]
    evidence: list[int]


class StatisticPoint(TypedDict):
    """One bar of a statistic's chart."""

    label: str
    value: str | None
    evidence: int
    baseline: bool


class SeriesPoint(TypedDict):
    """A measure's latest value in one period (None: no figure that period)."""

    period_start: str
    period_end: str
    value: str | None
    evidence: int | None


class Statistic(TypedDict):
    """The latest value of a measure (numbers as text, as people write them), with what
    the evidence says about it (``explanation``), its value in the brief's period and the
    periods before (``series``, oldest first) and, when another measure in the section is
    nearly the same (same kind of unit, a similar title), the number of their group
    (``similar_group``, shared by the group's statistics, which sit together)."""

    measure: str
    unit: str
    value: str | None
    occurred_on: str
    evidence: int
    baseline: str | None
    change: str | None
    previous_value: str | None
    change_from_previous: str | None
    previous_evidence: int | None
    points: list[StatisticPoint]
    explanation: str | None
    series: list[SeriesPoint]
    similar_group: int | None


class Quote(TypedDict):
    text: str
    attribution: str
    named: bool
    valence: str
    evidence: int


class Story(TypedDict):
    title: str
    text: str
    kind: str
    attribution: str
    named: bool
    valence: str
    evidence: int


class Reflection(TypedDict):
    """A prompt answer of a learning log, after action review or reflection session:
    ``prompt`` is its key in ``evidence.kinds.PROMPTS``, ``label`` how the brief names it
    ("What we would do differently")."""

    evidence: int
    prompt: str
    label: str
    text: str


class Point(TypedDict):
    """One item of what is working, or of what is not."""

    text: str
    kind: str
    evidence: int


class Finding(TypedDict):
    """One short sentence of what a section's evidence says (``evidence.findings``):
    ``kind`` is "working", "not_working", "mixed", "figure" or "gap"; ``evidence`` the ids
    it rests on (never empty)."""

    text: str
    kind: str
    evidence: list[int]


class ThemeQuote(TypedDict):
    """The words of one item that stand for a theme best (a sentence or a short excerpt)."""

    text: str
    evidence: int


class PartyKindCount(TypedDict):
    """How many of a coded theme's excerpts come from parties of one kind (``kind``: a
    party's role, "funder", "grantee" or "learning_partner")."""

    kind: str
    label: str
    count: int


class ThemeCounts(TypedDict):
    excerpts: int
    by_party_kind: list[PartyKindCount]


class Theme(TypedDict):
    """Something several items talk about: ``label`` is a phrase found in their text or,
    when the partnership codes its evidence, a code's name; a coded theme also has its
    ``code``, its excerpts' ``counts`` and the code's memo as its ``note``."""

    label: str
    evidence: list[int]
    quote: ThemeQuote | None
    code: NotRequired[int]
    counts: NotRequired[ThemeCounts]
    note: NotRequired[str]


class Gap(TypedDict):
    """Something missing: ``kind`` is "question", "not_working", "party" or "period"."""

    kind: str
    text: str
    question: NotRequired[int]
    party: NotRequired[int]


class Section(TypedDict):
    """The partnership as a whole (``question`` None, always first), or one research
    question."""

    question: int | None
    heading: str
    counts: Counts
    findings: list[Finding]
    statistics: list[Statistic]
    quotes: list[Quote]
    stories: list[Story]
    reflections: list[Reflection]
    working: list[Point]
    not_working: list[Point]
    themes: list[Theme]
    gaps: list[Gap]


class ActionChange(TypedDict):
    """A learning action done since the last brief (``what_changed``)."""

    action: int
    description: str
    outcome: str
    party: str
    done_on: str


# --- The plain-language report ---------------------------------------------------------------


class LongSentence(TypedDict):
    text: str
    words: int


class Acronym(TypedDict):
    term: str
    count: int


class Jargon(TypedDict):
    term: str
    instead: str
    count: int


class PlainWordsHints(TypedDict):
    """What the plain-words check finds in a text (``evidence.plain_words``)."""

    long_sentences: list[LongSentence]
    acronyms: list[Acronym]
    jargon: list[Jargon]


class PlainLanguageReport(PlainWordsHints):
    reading_ease: float | None
    reading_ease_label: str
    word_count: int
    warnings: list[str]


# --- What the learning partner adds, and what consent took away ------------------------------


class Challenge(TypedDict):
    """A challenge as stored: a party id, an area (a research question id, or "*" for
    the party's work as a whole) and the text."""

    party: int
    area: int | str
    text: str


class Redaction(TypedDict):
    """A redaction note as stored: when, and how many items left the brief (never whose)."""

    at: str
    items_removed: int


# --- The brief as data (API and JSON export) ---------------------------------------------


class SessionHeld(TypedDict):
    """A learning session held in a brief's period, as its reader sees it: ``evidence``
    counts only the items from it that reader may see."""

    session: int
    date: str
    kind: str
    kind_label: str
    title: str
    parties: list[str]
    evidence: int


class BriefData(TypedDict):
    id: int
    partnership: int
    period_start: str
    period_end: str
    status: str
    sections: list[Section]
    so_what: str
    so_what_scaffold: str
    recommendations: str
    challenges: list[Challenge]
    cited_evidence: list[int]
    redactions: list[Redaction]
    plain_language: PlainLanguageReport | dict[str, object]
    what_changed: list[ActionChange]
    drafted_at: str | None
    published_at: str | None
    partial_view: bool
    sessions_held: list[SessionHeld]
