"""The drafting engine: from a period's consented evidence to the computed parts of a brief.

Everything here is a pure function of plain values (``Item``, ``Question``, ...), with no
database access: ``evidence.services.briefs`` loads the rows in a fixed number of queries,
after ``consent.selectors`` has decided which evidence may be cited and how quotes are
attributed, and stores what these functions return. Nothing here decides consent.

A brief has one section for the partnership as a whole and one per agreed research
question. Each section holds counts (by kind and by working / not working, with the
change from the previous period), statistics (the latest value of each measure with its
unit, baseline and change), representative quotes and stories, reflections (prompt
answers of learning logs, after action reviews and reflection sessions, under their
labels), what is working and what is not, themes found in the text, and gaps. Every
quote, figure, reflection and theme carries the id of the evidence it came from.
"""

from __future__ import annotations

import functools
import re
import warnings
from collections import Counter, defaultdict
from collections.abc import Callable, Container, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from rapidfuzz import fuzz, utils
from textstat.textstat import textstatistics

from evidence import findings as finding_rules
from evidence.coded_themes import CodedExcerpt, coded_themes
from evidence.plain_words import SENTENCE_END as _SENTENCE_END
from evidence.plain_words import excerpt as _excerpt
from evidence.plain_words import plain_words_hints
from evidence.plain_words import sentences as _sentences
from evidence.sections import (
    ActionChange,
    Counts,
    Finding,
    Gap,
    KindCount,
    PlainLanguageReport,
    Point,
    Quote,
    Reflection,
    Section,
    SeriesPoint,
    Statistic,
    StatisticPoint,
    Story,
    Theme,
    ThemeQuote,
    ValenceCount,
)

# Labels (plural) of evidence kinds and valences, as a brief prints them.
KIND_LABELS: dict[str, str] = {
    "statistic": "Statistics",
    "story": "Stories",
    "quote": "Quotes",
    "learning_log": "Learning logs",
    "interview_note": "Interview notes",
    "survey_result": "Survey results",
    "after_action_review": "After action reviews",
    "reflection": "Reflection sessions",
    "document": "Documents",
}
VALENCE_LABELS: dict[str, str] = {
    "working": "Working",
    "not_working": "Not working",
    "mixed": "Mixed",
    "unclear": "Unclear",
}
VALENCE_ORDER = ("working", "not_working", "mixed", "unclear")

QUOTE_KINDS = frozenset({"quote"})
# The kinds that ask prompts (learning logs, after action reviews, reflection sessions)
# are shown by their answers, under each prompt's label, as reflections: not as stories.
STORY_KINDS = frozenset({"story", "interview_note"})

MAX_QUOTES = 4
MAX_STORIES = 3
MAX_REFLECTIONS = 4
REFLECTION_CHARS = 300
MAX_POINTS = 5
LITTLE_EVIDENCE = 3  # fewer items than this about a question is a gap worth naming
QUOTE_CHARS = 400
EXPLANATION_CHARS = 300
STORY_CHARS = 600
MIN_THEME_DOCUMENTS = 4
MIN_THEME_ITEMS = 2  # one item alone is not a theme
MAX_THEMES = 3
MAX_TERMS = 2000  # the most frequent words and pairs a theme is found among
OVERALL_HEADING = "The partnership as a whole"


@dataclass(frozen=True)
class Item:
    """One piece of citable evidence, as the engine needs it."""

    id: int
    party_id: int
    kind: str
    title: str
    body: str
    valence: str
    occurred_on: date
    questions: frozenset[int] = frozenset()
    value: Decimal | None = None
    unit: str = ""
    baseline: Decimal | None = None
    attribution: str = "a grantee"  # as consent.selectors.attribution_text says
    named: bool = False  # whether ``attribution`` names the organisation
    extra_text: str = ""  # prompt answers, for the theme analysis
    speaker: str = ""  # whose words (``Evidence.Speaker``), "" when not said
    party_role: str = ""  # the role of the party that added it (coded themes count by it)
    #: The answers to the kind's prompts, ``(key, label, text)``, most telling first
    #: (``evidence.kinds.prompt_answers``).
    prompts: tuple[tuple[str, str, str], ...] = ()

    @property
    def text(self) -> str:
        """Title, body and prompt answers, a line each (a theme's label never runs from
        one into the next)."""
        return "\n".join(part for part in (self.title, self.body, self.extra_text) if part)


@dataclass(frozen=True)
class Question:
    id: int
    text: str


@dataclass(frozen=True)
class PartyRef:
    id: int
    name: str
    role: str


@dataclass(frozen=True)
class ActionDone:
    id: int
    description: str
    outcome: str
    party: str
    done_on: date


@dataclass(frozen=True)
class Period:
    start: date
    end: date


@dataclass
class Draft:
    """What the engine computed for one brief."""

    sections: list[Section]
    cited: list[int]
    compared: list[int]
    what_changed: list[ActionChange] = field(default_factory=list)


# --- Numbers ------------------------------------------------------------------------------


def number_text(value: Decimal | None) -> str | None:
    """A decimal as people write it: ``40`` not ``40.0000``, ``2.5`` not ``2.5000``."""
    if value is None:
        return None
    normalised = value.normalize()
    if normalised == normalised.to_integral_value():
        return f"{normalised.to_integral_value():f}"
    return f"{normalised:f}"


def signed_text(value: Decimal | None) -> str | None:
    text = number_text(value)
    if text is None:
        return None
    return text if text.startswith("-") or text == "0" else f"+{text}"


# --- Counts -------------------------------------------------------------------------------


def _counts(current: Sequence[Item], previous: Sequence[Item]) -> Counts:
    kinds_now = Counter(item.kind for item in current)
    kinds_before = Counter(item.kind for item in previous)
    valences_now = Counter(item.valence for item in current)
    valences_before = Counter(item.valence for item in previous)
    by_kind: list[KindCount] = [
        {
            "kind": kind,
            "label": label,
            "count": kinds_now[kind],
            "previous": kinds_before[kind],
            "change": kinds_now[kind] - kinds_before[kind],
        }
        for kind, label in KIND_LABELS.items()
        if kinds_now[kind] or kinds_before[kind]
    ]
    by_valence: list[ValenceCount] = [
        {
            "valence": valence,
            "label": VALENCE_LABELS[valence],
            "count": valences_now[valence],
            "previous": valences_before[valence],
            "change": valences_now[valence] - valences_before[valence],
        }
        for valence in VALENCE_ORDER
    ]
    return {
        "total": len(current),
        "previous_total": len(previous),
        "change": len(current) - len(previous),
        "by_kind": by_kind,
        "by_valence": by_valence,
        "evidence": sorted(item.id for item in current),
    }


# --- Statistics ---------------------------------------------------------------------------


def _measure_key(item: Item) -> tuple[str, str]:
    return (" ".join(item.title.split()).casefold(), item.unit.strip().casefold())


def _latest(items: Iterable[Item]) -> Item:
    return max(items, key=lambda item: (item.occurred_on, item.id))


def explanation(text: str, limit: int = EXPLANATION_CHARS) -> str | None:
    """What the evidence says about its figure: the whole sentences of ``text`` that fit
    in ``limit`` characters (the first sentence cut at a word when it alone is longer)."""
    kept: list[str] = []
    length = 0
    for sentence in _sentences(text):
        if length + len(sentence) + (1 if kept else 0) > limit:
            break
        kept.append(sentence)
        length += len(sentence) + (1 if len(kept) > 1 else 0)
    if kept:
        return " ".join(kept)
    return _excerpt(text, limit) or None


def _series(items: Sequence[Item], periods: Sequence[Period]) -> list[SeriesPoint]:
    """A measure's latest value in each of ``periods`` (oldest first), from the first
    period that has one; a later period without a figure says so (``value`` None)."""
    series: list[SeriesPoint] = []
    for period in periods:
        inside = [i for i in items if period.start <= i.occurred_on <= period.end]
        if not inside and not series:
            continue
        latest = _latest(inside) if inside else None
        series.append(
            {
                "period_start": period.start.isoformat(),
                "period_end": period.end.isoformat(),
                "value": number_text(latest.value) if latest else None,
                "evidence": latest.id if latest else None,
            }
        )
    return series


#: Units written differently that measure the same thing (after ``_unit_family``'s
#: case folding and plural stripping).
UNIT_FAMILIES: dict[str, str] = {
    "%": "percent",
    "percent": "percent",
    "per cent": "percent",
    "percentage": "percent",
    "pct": "percent",
    "£": "pounds",
    "gbp": "pounds",
    "pound": "pounds",
    "hour": "hours",
    "hr": "hours",
    "h": "hours",
    "day": "days",
    "minute": "minutes",
    "min": "minutes",
    "people": "person",
    "person": "person",
}
SIMILAR_TITLES = 90  # RapidFuzz token set ratio at or above which two titles are "similar"


def _unit_family(unit: str) -> str:
    folded = " ".join(unit.casefold().split()).strip(".")
    if folded in UNIT_FAMILIES:
        return UNIT_FAMILIES[folded]
    singular = folded[:-1] if len(folded) > 3 and folded.endswith("s") else folded
    return UNIT_FAMILIES.get(singular, singular)


def _similar_groups(statistics: list[Statistic]) -> list[Statistic]:
    """``statistics`` (sorted by measure) with near-duplicates numbered and moved together:
    the same family of unit ("%" and "per cent") and titles sharing nearly all their
    words (RapidFuzz's token set ratio, which ignores word order and case)."""
    count = len(statistics)
    group = list(range(count))

    def root(index: int) -> int:
        while group[index] != index:
            index = group[index]
        return index

    titles = [utils.default_process(s["measure"]) for s in statistics]
    families = [_unit_family(s["unit"]) for s in statistics]
    for a in range(count):
        for b in range(a + 1, count):
            if families[a] == families[b] and (
                fuzz.token_set_ratio(titles[a], titles[b], processor=None) >= SIMILAR_TITLES
            ):
                group[root(b)] = root(a)
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(count):
        members[root(index)].append(index)
    ordered: list[Statistic] = []
    number = 0
    for index in range(count):
        if root(index) != index:
            continue  # placed with the first of its group
        together = members[index]
        if len(together) > 1:
            number += 1
        for member in together:
            statistics[member]["similar_group"] = number if len(together) > 1 else None
            ordered.append(statistics[member])
    return ordered


def _statistics(
    current: Sequence[Item],
    previous: Sequence[Item],
    earlier: Sequence[Item] = (),
    periods: Sequence[Period] = (),
) -> list[Statistic]:
    """The latest value of each measure (title and unit), with baseline and change, what
    its evidence says about it, and its series over ``periods`` (the brief's period and
    those before it, oldest first; ``previous`` and ``earlier`` hold their items)."""
    measures: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in current:
        if item.value is not None:
            measures[_measure_key(item)].append(item)
    # Every item below has a value: only those were grouped.
    before_now: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in previous:
        if item.value is not None:
            before_now[_measure_key(item)].append(item)
    long_ago: dict[tuple[str, str], list[Item]] = defaultdict(list)
    for item in earlier:
        if item.value is not None and _measure_key(item) in measures:
            long_ago[_measure_key(item)].append(item)

    statistics: list[Statistic] = []
    for key, items in measures.items():
        items.sort(key=lambda item: (item.occurred_on, item.id))
        latest = items[-1]
        value = latest.value or Decimal(0)
        baseline_item = next((i for i in reversed(items) if i.baseline is not None), None)
        baseline = baseline_item.baseline if baseline_item else None
        before = _latest(before_now[key]) if before_now.get(key) else None
        points: list[StatisticPoint] = []
        if baseline is not None and baseline_item is not None:
            points.append(
                {
                    "label": "Baseline",
                    "value": number_text(baseline),
                    "evidence": baseline_item.id,
                    "baseline": True,
                }
            )
        if before is not None:
            points.append(
                {
                    "label": f"Previous period ({before.occurred_on:%-d %b %Y})",
                    "value": number_text(before.value),
                    "evidence": before.id,
                    "baseline": False,
                }
            )
        points.extend(
            {
                "label": f"{item.occurred_on:%-d %b %Y}",
                "value": number_text(item.value),
                "evidence": item.id,
                "baseline": False,
            }
            for item in items
        )
        statistics.append(
            {
                "measure": " ".join(latest.title.split()),
                "unit": latest.unit,
                "value": number_text(value),
                "occurred_on": latest.occurred_on.isoformat(),
                "evidence": latest.id,
                "baseline": number_text(baseline),
                "change": signed_text(value - baseline) if baseline is not None else None,
                "previous_value": number_text(before.value) if before else None,
                "change_from_previous": (
                    signed_text(value - before.value)
                    if before is not None and before.value is not None
                    else None
                ),
                "previous_evidence": before.id if before else None,
                "points": points,
                "explanation": explanation(latest.body),
                "series": _series([*long_ago[key], *before_now[key], *items], periods),
                "similar_group": None,
            }
        )
    statistics.sort(key=lambda s: (str(s["measure"]).casefold(), str(s["unit"]).casefold()))
    return _similar_groups(statistics)


# --- Quotes, stories, working and not working ---------------------------------------------


def representative(items: Sequence[Item], limit: int) -> list[Item]:
    """Up to ``limit`` items chosen to show the range: working, not working, mixed and
    unclear in turn, each time preferring a party not yet heard from, newest first."""
    pools: dict[str, list[Item]] = {valence: [] for valence in VALENCE_ORDER}
    for item in sorted(items, key=lambda i: (i.occurred_on, i.id), reverse=True):
        pools.setdefault(item.valence, []).append(item)
    chosen: list[Item] = []
    heard: set[int] = set()
    while len(chosen) < limit and any(pools.values()):
        for valence in VALENCE_ORDER:
            pool = pools[valence]
            if not pool or len(chosen) >= limit:
                continue
            pick = next((i for i in pool if i.party_id not in heard), pool[0])
            pool.remove(pick)
            chosen.append(pick)
            heard.add(pick.party_id)
    return chosen


def _quote(item: Item) -> Quote:
    return {
        "text": _excerpt(item.body or item.title, QUOTE_CHARS),
        "attribution": item.attribution,
        "named": item.named,
        "valence": item.valence,
        "evidence": item.id,
    }


def _story(item: Item) -> Story:
    return {
        "title": " ".join(item.title.split()),
        "text": _excerpt(item.body or item.extra_text, STORY_CHARS),
        "kind": item.kind,
        "attribution": item.attribution,
        "named": item.named,
        "valence": item.valence,
        "evidence": item.id,
    }


def reflections(items: Sequence[Item]) -> list[Reflection]:
    """Up to ``MAX_REFLECTIONS`` prompt answers that show what the section's items learnt.

    Each item gives its most telling answer first (``Item.prompts`` come in the order
    of ``evidence.kinds.REFLECTION_ORDER``: what we would do differently, what we
    learnt, what it means...), newest items first, each time preferring a party not
    yet heard from; only when every item has given one does an item give a second.
    Shown newest first, each cut to about ``REFLECTION_CHARS`` characters at a word.
    """
    newest = sorted(
        (item for item in items if item.prompts),
        key=lambda i: (i.occurred_on, i.id),
        reverse=True,
    )
    chosen: list[tuple[Item, int]] = []  # an item and which of its answers
    heard: set[int] = set()
    depth = 0
    while len(chosen) < MAX_REFLECTIONS and any(len(i.prompts) > depth for i in newest):
        waiting = [item for item in newest if len(item.prompts) > depth]
        while waiting and len(chosen) < MAX_REFLECTIONS:
            pick = next((item for item in waiting if item.party_id not in heard), waiting[0])
            waiting.remove(pick)
            chosen.append((pick, depth))
            heard.add(pick.party_id)
        depth += 1
    chosen.sort(key=lambda entry: (entry[0].occurred_on, entry[0].id, -entry[1]), reverse=True)
    shown: list[Reflection] = []
    for item, answer in chosen:
        key, label, text = item.prompts[answer]
        shown.append(
            {
                "evidence": item.id,
                "prompt": key,
                "label": label,
                "text": _excerpt(text, REFLECTION_CHARS),
            }
        )
    return shown


def _points(items: Sequence[Item], valence: str) -> list[Point]:
    matching = [item for item in items if item.valence == valence]
    picked = representative(matching, MAX_POINTS)
    return [
        {"text": " ".join(item.title.split()), "kind": item.kind, "evidence": item.id}
        for item in picked
    ]


# --- Themes -------------------------------------------------------------------------------

# A word: three letters or more, no digits, with its "'s" ("carer's", "Riverside’s"); a
# word shortened with an apostrophe ("don't", "we’ll") is left out, as stop words are:
# "I don’t feel judged" gives "feel judged", never "don feel".
TOKEN_PATTERN = r"(?u)\b[^\W\d_]{3,}(?:['’]s)?\b(?!['’][^\W\d_])"  # noqa: S105 - not a secret
# Words that say nothing about what a theme is: a label is never made of these alone.
GENERIC_WORDS = frozenset(
    {
        "day", "days", "week", "weeks", "month", "months", "year", "years", "time", "times",
        "people", "person", "thing", "things", "lot", "lots", "way", "ways", "bit", "kind",
    }
)  # fmt: skip
# Words a label never starts or ends with, besides stop words: what people said or did in
# passing ("told volunteers", "people given", "keeps students away"), not what it was about.
EDGE_WORDS = frozenset(
    {
        "said", "say", "says", "told", "tell", "tells", "asked", "ask", "asks", "got",
        "gets", "came", "come", "comes", "went", "goes", "given", "gives", "make", "makes",
        "want", "wants", "wanted", "need", "needs", "needed", "like", "really", "just",
        "used", "using", "led", "leads", "let's", "let’s", "reported", "report", "reports",
        "keeps", "away",
    }
)  # fmt: skip
# Quotes and stories show a theme before other writing, figures' explanations last.
_QUOTE_RANK = dict.fromkeys(QUOTE_KINDS | STORY_KINDS, 0) | {"statistic": 2}
_WORD = re.compile(TOKEN_PATTERN)
LABEL_TERMS = 30  # a theme's leading terms its label is chosen among
PHRASE_SHARE = 0.4  # a phrase names a theme before a single word from this share of the top
THEME_QUOTE_CHARS = 200


@functools.cache
def _stop_words() -> frozenset[str]:
    """scikit-learn's English stop words, and each with "'s" ("that's", "there’s")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = set(ENGLISH_STOP_WORDS)
    return frozenset(words | {f"{word}{mark}s" for word in words for mark in "'’"})


def content_words(text: str) -> list[str]:
    """The words of ``text`` as the themes engine reads them (``TOKEN_PATTERN``, lower
    case), stop words left out: for comparing short texts, such as research questions."""
    stop_words = _stop_words()
    return [word for word in _WORD.findall(text.lower()) if word not in stop_words]


@functools.cache
def _analyser() -> Callable[[str], list[str]]:
    """Words and pairs of words (``TOKEN_PATTERN``), stop words left out: built once
    (scikit-learn checks its stop-word list each time a vectoriser builds its own)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # scikit-learn is untyped: its estimators are Any to mypy.
    return TfidfVectorizer(  # type: ignore[no-any-return]
        stop_words=_stop_words(), token_pattern=TOKEN_PATTERN, ngram_range=(1, 2)
    ).build_analyzer()


@functools.lru_cache(maxsize=1024)  # a batch of briefs; about 10 MB
def _terms_in(text: str) -> Mapping[str, int]:
    """How often each term occurs in ``text``, read-only (the cache shares it). An item
    is read for the whole partnership and again for each question it is about."""
    return MappingProxyType(Counter(_analyser()(text)))


def tfidf(texts: Sequence[str]) -> tuple[Any, list[str]]:
    """The TF-IDF matrix of ``texts`` (a dense array, a row per text) and its terms: what
    scikit-learn's ``TfidfVectorizer(sublinear_tf=True, max_features=MAX_TERMS)`` gives
    with ``_analyser``, the same numbers (tests compare the two).

    Computed here on a dense array: a period's few dozen short texts make a small matrix,
    and the vectoriser's sparse bookkeeping and input checks cost three times the
    arithmetic.
    """
    import numpy as np

    counted = [_terms_in(text) for text in texts]
    terms = sorted(set().union(*counted))
    if not terms:
        return np.zeros((len(texts), 0)), []
    column = {term: number for number, term in enumerate(terms)}
    counts = np.zeros((len(texts), len(terms)), dtype=np.int64)
    for row, words in enumerate(counted):
        for term, count in words.items():
            counts[row, column[term]] = count
    if len(terms) > MAX_TERMS:
        # The most frequent terms over all the texts, ties broken as scikit-learn does.
        kept = np.sort((-counts.sum(axis=0)).argsort()[:MAX_TERMS])
        counts = counts[:, kept]
        terms = [terms[number] for number in kept]
    present = counts > 0
    weights = np.zeros(counts.shape)
    weights[present] = np.log(counts[present]) + 1.0  # sublinear term frequency
    documents = present.sum(axis=0)
    weights *= np.log((1.0 + len(texts)) / (1.0 + documents)) + 1.0  # smoothed idf
    norms = np.sqrt((weights * weights).sum(axis=1))
    norms[norms == 0] = 1.0
    return weights / norms[:, np.newaxis], terms


def _nndsvda(matrix: Any, components: int) -> tuple[Any, Any]:
    """The starting point of the factorisation: NNDSVD (Boutsidis and Gallopoulos, 2008),
    zeros filled with the matrix's mean, as scikit-learn's ``init="nndsvda"``, but from
    the exact singular value decomposition rather than the randomized one scikit-learn
    always uses (its power iterations cost more than the whole SVD of a period's few
    dozen texts): on one native thread, as workers run, a factorisation of the seeded
    partnerships' texts takes 1.7 ms from here against 2.1 ms from the library's start,
    with the same themes."""
    import numpy as np

    left, values, right = np.linalg.svd(matrix, full_matrices=False)
    w = np.zeros((matrix.shape[0], components))
    h = np.zeros((components, matrix.shape[1]))
    w[:, 0] = np.sqrt(values[0]) * np.abs(left[:, 0])
    h[0, :] = np.sqrt(values[0]) * np.abs(right[0, :])
    for j in range(1, components):
        x, y = left[:, j], right[j, :]
        x_plus, y_plus = np.maximum(x, 0), np.maximum(y, 0)
        x_minus, y_minus = np.abs(np.minimum(x, 0)), np.abs(np.minimum(y, 0))
        plus = np.linalg.norm(x_plus) * np.linalg.norm(y_plus)
        minus = np.linalg.norm(x_minus) * np.linalg.norm(y_minus)
        if plus > minus:
            u, v, sigma = x_plus, y_plus, plus
        else:
            u, v, sigma = x_minus, y_minus, minus
        u_norm, v_norm = np.linalg.norm(u), np.linalg.norm(v)
        if u_norm and v_norm:
            scale = np.sqrt(values[j] * sigma)
            w[:, j] = scale * u / u_norm
            h[j, :] = scale * v / v_norm
    w[w < 1e-6] = 0
    h[h < 1e-6] = 0
    mean = matrix.mean()
    w[w == 0] = mean
    h[h == 0] = mean
    return w, h


def _factorise(matrix: Any, components: int) -> tuple[Any, Any]:
    """Non-negative matrix factorisation (scikit-learn) of a ``tfidf`` matrix from the
    ``_nndsvda`` start: each text's weight in each theme, each theme's weight on each
    term."""
    # Kept rather than scikit-learn's own TfidfVectorizer and NMF(init="nndsvda"), because
    # it is worth far more than 10% of drafting time. Measured on 5 December 2026 on the
    # bench data set (839 briefs, 2,655 sections), one native thread as workers run, with
    # the same themes in every section either way: themes cost 6.5 ms a brief here
    # against 18.2 ms with the library's (medians of 5 rounds), and drafting with 2
    # worker processes ran at 2,777 and 2,359 briefs a minute here against 1,636 and
    # 1,732 with the library's: 26-41% of drafting time saved. (A busy machine: load
    # average about 8 on 2 cores; the proportions, not the absolute times, carry over.)
    import sklearn
    from sklearn.decomposition import non_negative_factorization
    from sklearn.exceptions import ConvergenceWarning

    start_w, start_h = _nndsvda(matrix, components)
    # Our own inputs need none of scikit-learn's checks (finite numbers, valid parameters),
    # which cost more than the arithmetic on a period's few dozen documents.
    with (
        sklearn.config_context(assume_finite=True, skip_parameter_validation=True),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore", ConvergenceWarning)
        # The function rather than the NMF estimator: the same factorisation without
        # the estimator's wrapping (its reconstruction error, output containers).
        weights, topics, _ = non_negative_factorization(
            matrix, W=start_w, H=start_h, n_components=components, init="custom", max_iter=400
        )
    return weights, topics


def _components(texts: int, terms: int) -> int:
    return min(MAX_THEMES, texts // 2, terms)


def factorise(texts: Sequence[str]) -> tuple[Any, Any, list[str]] | None:
    """Non-negative matrix factorisation (scikit-learn) of the texts' ``tfidf``: each
    text's weight in each theme, each theme's weight on each term, and the terms; None
    when the texts give no theme. It puts texts in the same themes, led by the same
    terms, as ``NMF(init="nndsvda")`` on scikit-learn's TF-IDF matrix (tests compare the
    two), in less time: only the start differs, by an exact SVD for a randomized one."""
    matrix, vocabulary = tfidf(texts)
    components = _components(len(texts), len(vocabulary))
    if components < 1:
        return None
    weights, topics = _factorise(matrix, components)
    return weights, topics, vocabulary


def _folded(text: str) -> str:
    """``text`` lower-cased with hyphens as spaces ("same-day" has the term "same day"),
    letter for letter: a place in one is the same place in the other."""
    folded = text.lower()
    if len(folded) != len(text):  # a letter whose lower case is two ("İ"): left as it is
        folded = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    return folded.replace("-", " ")


def _joined(text: str, at: int, step: int) -> bool:
    """Whether the character at ``at`` joins the phrase that ends (``step`` 1) or starts
    (``step`` -1) next to it to a longer word: a letter, a digit, a hyphen ("half-term"),
    or an apostrophe inside a word ("don't")."""
    if not 0 <= at < len(text):
        return False
    character = text[at]
    if character.isalnum() or character in "-_":
        return True
    beyond = at + step
    return character in "'’" and 0 <= beyond < len(text) and text[beyond].isalpha()


def _occurrence(term: str, text: str, folded: str) -> int | None:
    """Where ``term`` occurs in ``text`` (``folded``) as whole words, or None."""
    start = folded.find(term)
    while start >= 0:
        if not _joined(text, start - 1, -1) and not _joined(text, start + len(term), 1):
            return start
        start = folded.find(term, start + 1)
    return None


def _title_case(line: str) -> bool:
    """Whether most longer words of ``line`` start with a capital, as in "Waiting Room
    Times": then a capital says nothing about a name."""
    long_words = [word for word in line.split() if len(word) > 3]
    capitals = sum(1 for word in long_words if word[0].isupper())
    return len(long_words) > 1 and capitals * 2 > len(long_words)


def _as_written(text: str, title_end: int, start: int, length: int) -> str:
    """The phrase at ``start`` as the text writes it, in lower case but for names: a
    capital kept only inside a sentence ("the Tuesday session"), not at its start or in a
    title written in capitals, and an acronym ("NHS") always kept."""
    phrase = text[start : start + length]
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    before = text[line_start:start].rstrip()
    sentence_start = not before or before[-1] in ".!?:;“\"‘'(—–-•*"
    heading = start < title_end and _title_case(line)
    shown = []
    for number, word in enumerate(phrase.split(" ")):
        if word[1:] != word[1:].lower() or word == "I":
            shown.append(word)  # an acronym or a name written so: NHS, McDonald
        elif word[:1].isupper() and not heading and not (number == 0 and sentence_start):
            shown.append(word)
        else:
            shown.append(word.lower())
    return " ".join(shown)


def _nameable(term: str, stop_words: frozenset[str]) -> bool:
    """Whether ``term`` may name a theme: not starting or ending with a stop word or one
    of ``EDGE_WORDS``, not ending with a possessive ("owed carer's"), not made of
    ``GENERIC_WORDS`` alone."""
    words = term.split(" ")
    first, last = words[0], words[-1]
    if first in stop_words or last in stop_words or first in EDGE_WORDS or last in EDGE_WORDS:
        return False
    if last[-2:] in ("'s", "’s"):
        return False
    return not all(word in GENERIC_WORDS for word in words)


def _longer(
    phrase: tuple[int, int], text: str, folded: str, pairs: Container[str]
) -> tuple[int, int]:
    """The phrase at ``phrase`` (start, end) with the word after it, or else the one
    before it, when that word and its neighbour in the phrase are one of ``pairs`` too
    and ``_nameable`` ("fewer skipped" and "skipped meals" make "fewer skipped meals")."""
    stop_words = _stop_words()
    start, end = phrase
    after = _WORD.match(folded, end + 1) if folded[end : end + 1] == " " else None
    if after is not None and not _joined(text, after.end(), 1):
        pair = f"{folded[folded.rfind(' ', start, end) + 1 : end]} {after.group()}"
        if pair in pairs and _nameable(pair, stop_words):
            return start, after.end()
    if folded[start - 1 : start] == " ":
        begins = max(folded.rfind(" ", 0, start - 1), folded.rfind("\n", 0, start - 1)) + 1
        if _WORD.fullmatch(folded, begins, start - 1) and not _joined(text, begins - 1, -1):
            pair = f"{folded[begins : start - 1]} {folded[start : folded.find(' ', start)]}"
            if pair in pairs and _nameable(pair, stop_words):
                return begins, end
    return phrase


def _within(term: str, taken: Iterable[str]) -> bool:
    """Whether ``term`` is part of a label in ``taken``, or has one in it ("room" and
    "waiting room"): another theme's label would say the same again."""
    return any(term in label or label in term for label in taken)


def _label(
    vocabulary: Sequence[str],
    leading: Sequence[int],
    weights: Sequence[float],
    members: Sequence[tuple[Item, str, str, float]],
    taken: set[str],
) -> tuple[str, str] | None:
    """The theme's name as its ``members`` (item, text, folded text, closeness) write
    it, and its folded form: of its ``leading`` terms (indices in ``vocabulary``,
    heaviest first, with their ``weights``), the first phrase of two words that weighs
    at least ``PHRASE_SHARE`` of the first term (with a third word when ``_longer`` finds
    one), else the first single word; ``_nameable``, found whole in a member's text, and
    not ``_within`` a label ``taken`` already. None when no term is found."""
    enough = weights[0] * PHRASE_SHARE
    stop_words = _stop_words()
    everything = "\n".join(member[2] for member in members)
    phrases: list[str] = []
    for index, weight in zip(leading, weights, strict=True):
        if weight < enough:
            break
        if " " in vocabulary[index]:
            phrases.append(vocabulary[index])
    pairs = set(phrases)
    for term in phrases:
        if term not in everything or not _nameable(term, stop_words) or _within(term, taken):
            continue
        for item, text, folded, _ in members:
            start = _occurrence(term, text, folded)
            if start is not None:
                begins, end = _longer((start, start + len(term)), text, folded, pairs)
                if _within(folded[begins:end], taken):
                    begins, end = start, start + len(term)
                label = _as_written(text, len(item.title), begins, end - begins)
                return label, folded[begins:end]
    for index, weight in zip(leading, weights, strict=True):
        term = vocabulary[index]
        if weight <= 0:
            break
        if " " in term or term not in everything or not _nameable(term, stop_words):
            continue
        if _within(term, taken):
            continue
        for item, text, folded, _ in members:
            start = _occurrence(term, text, folded)
            if start is not None:
                return _as_written(text, len(item.title), start, len(term)), term
    return None


def _theme_quote(term: str, members: Sequence[tuple[Item, str, str, float]]) -> ThemeQuote | None:
    """Words that show the theme: of the ``members`` (item, text, folded text,
    closeness to the theme's centre) with written words (a body, else prompt answers),
    those that use its label (``term``) first, then people's own words (quotes and
    stories before other writing, figures' explanations last), then the closest to the
    centre, then the lowest id. From its words, the sentence that uses the label (or the
    first) and those after it, to ``THEME_QUOTE_CHARS``."""
    best: tuple[bool, int, float, int] | None = None
    chosen: Item | None = None
    for item, _, folded, closeness in members:
        words = item.body or item.extra_text
        if not words.strip():
            continue
        start = len(item.title) + 1 if item.title else 0  # the body or the prompt answers
        rank = 2 if item.value is not None else _QUOTE_RANK.get(item.kind, 1)
        key = (folded.find(term, start, start + len(words)) < 0, rank, -closeness, item.id)
        if best is None or key < best:
            best, chosen = key, item
    if chosen is None:
        return None
    sentences = _SENTENCE_END.split(" ".join((chosen.body or chosen.extra_text).split()))
    first = next((n for n, s in enumerate(sentences) if term in _folded(s)), 0)
    text = sentences[first]
    for sentence in sentences[first + 1 :]:
        if len(text) + 1 + len(sentence) > THEME_QUOTE_CHARS:
            break
        text = f"{text} {sentence}"
    if len(text) > THEME_QUOTE_CHARS:
        text = _excerpt(text, THEME_QUOTE_CHARS)
    return {"text": text, "evidence": chosen.id}


def themes(items: Sequence[Item]) -> list[Theme]:
    """Themes in the items' text by TF-IDF and non-negative matrix factorisation
    (scikit-learn), each named by a phrase its evidence uses (``_label``) and shown by
    the words of one item (``_theme_quote``) chosen by how close it is to the theme's
    centre: the cosine of its TF-IDF row with the mean of its members'. Deterministic
    for the same input.

    Too few documents to find a pattern give no themes rather than noise, and a theme
    of fewer than ``MIN_THEME_ITEMS`` items, or with no phrase to name it, is left out.
    """
    # Named from the factorisation's own terms with plain string work, not by a keyphrase
    # library. Measured on 5 December 2026 on seed_scale data sets (262 and 40 briefs,
    # 8.8 and 11.2 items a brief; one native thread, CPU time, medians of 15 and 31
    # rounds): themes cost 1.70 and 2.03 ms a brief before labels and quotes, 1.89 and
    # 2.19 ms with them; YAKE 0.7.3 (pure Python) on the same themes' texts took 16.3 ms
    # a brief, twice the whole of a brief's drafting.
    import numpy as np

    documents = sorted(
        ((item, text) for item in items if (text := item.text).strip()),
        key=lambda document: document[0].id,
    )
    if len(documents) < MIN_THEME_DOCUMENTS:
        return []
    matrix, vocabulary = tfidf([text for _, text in documents])
    components = _components(len(documents), len(vocabulary))
    if components < 1:
        return []
    weights, topics = _factorise(matrix, components)
    # Each text belongs to the theme it weighs most in (if any); with unit rows, its dot
    # product with the sum of its theme's rows is its cosine with their mean, times the
    # same length for every member of the theme.
    rows = np.arange(len(documents))
    strongest = weights.argmax(axis=1)
    belongs = weights[rows, strongest] > 0
    membership = np.zeros((components, len(documents)))
    membership[strongest[belongs], rows[belongs]] = 1.0
    centres = membership @ matrix
    closeness = np.round(np.einsum("ij,ij->i", matrix, centres[strongest]), 9).tolist()
    # Each theme's heaviest terms, equal weights in the vocabulary's (alphabetical) order.
    leading = np.argsort(-topics, axis=1, kind="stable")[:, :LABEL_TERMS]
    leading_weights = np.take_along_axis(topics, leading, axis=1).tolist()
    leading = leading.tolist()
    members: dict[int, list[tuple[Item, str, str, float]]] = defaultdict(list)
    for row, (theme, member) in enumerate(zip(strongest.tolist(), belongs.tolist(), strict=True)):
        if member:
            item, text = documents[row]
            members[theme].append((item, text, _folded(text), closeness[row]))
    found: list[Theme] = []
    named: set[str] = set()
    for theme, terms in enumerate(leading):
        if len(members[theme]) < MIN_THEME_ITEMS:
            continue
        labelled = _label(vocabulary, terms, leading_weights[theme], members[theme], named)
        if labelled is None:
            continue
        label, term = labelled
        named.add(term)
        found.append(
            {
                "label": label,
                "evidence": [member[0].id for member in members[theme]],
                "quote": _theme_quote(term, members[theme]),
            }
        )
    found.sort(key=lambda theme: (-len(theme["evidence"]), theme["label"]))
    return found


# --- Sections -----------------------------------------------------------------------------


def _question_gaps(question: Question, items: Sequence[Item]) -> list[Gap]:
    gaps: list[Gap] = []
    if not items:
        gaps.append(
            {
                "kind": "question",
                "question": question.id,
                "text": f"No evidence about “{question.text}” this period.",
            }
        )
    elif len(items) < LITTLE_EVIDENCE:
        pieces = "piece" if len(items) == 1 else "pieces"
        gaps.append(
            {
                "kind": "question",
                "question": question.id,
                "text": f"Only {len(items)} {pieces} of evidence about “{question.text}” "
                "this period.",
            }
        )
    if items and not any(item.valence == "not_working" for item in items):
        gaps.append(
            {
                "kind": "not_working",
                "question": question.id,
                "text": f"Nothing recorded about what is not working on “{question.text}”.",
            }
        )
    return gaps


def _section(
    *,
    question: Question | None,
    current: Sequence[Item],
    previous: Sequence[Item],
    gaps: list[Gap],
    shown: tuple[Sequence[Item], Sequence[Item]] | None = None,
    summary: Sequence[Finding] | None = None,
    earlier: Sequence[Item] = (),
    periods: Sequence[Period] = (),
    coded: Sequence[CodedExcerpt] = (),
) -> Section:
    """One section. ``current`` and ``previous`` are what it counts; ``shown`` (both of
    them unless given) what its figures, quotes, stories, points and themes come from;
    ``summary`` its findings when they are not ``current``'s own (the whole
    partnership's, which summarise the questions); ``earlier`` and ``periods`` what its
    figures' series are drawn from and over; ``coded`` the partnership's excerpts of the
    period's items: where any is of an item the section shows, its themes are the codes
    (``evidence.coded_themes``), else the themes found in the text."""
    shown_now, shown_before = (current, previous) if shown is None else shown
    found_themes = coded_themes(coded, {item.id: item.party_role for item in shown_now})
    quotes = representative([i for i in shown_now if i.kind in QUOTE_KINDS], MAX_QUOTES)
    stories = representative([i for i in shown_now if i.kind in STORY_KINDS], MAX_STORIES)
    statistics = _statistics(shown_now, shown_before, earlier, periods)
    return {
        "question": question.id if question else None,
        "heading": question.text if question else OVERALL_HEADING,
        "counts": _counts(current, previous),
        "findings": (
            list(summary) if summary is not None else finding_rules.findings(current, statistics)
        ),
        "statistics": statistics,
        "quotes": [_quote(item) for item in quotes],
        "stories": [_story(item) for item in stories],
        "reflections": reflections(shown_now),
        "working": _points(shown_now, "working"),
        "not_working": _points(shown_now, "not_working"),
        "themes": found_themes or themes(shown_now),
        "gaps": gaps,
    }


def synthesise(
    *,
    questions: Sequence[Question],
    parties: Sequence[PartyRef],
    current: Sequence[Item],
    previous: Sequence[Item],
    actions_done: Sequence[ActionDone] = (),
    earlier: Sequence[Item] = (),
    periods: Sequence[Period] = (),
    coded: Sequence[CodedExcerpt] = (),
) -> Draft:
    """Compute a brief's sections from the period's items and the previous period's.

    ``questions`` are the agreed research questions; ``parties`` those whose evidence
    may be cited (only they are named as not having contributed, so a party that
    withdrew consent is never singled out). ``periods`` are the brief's period and
    those before it, oldest first, that a measure's series is drawn over; ``earlier``
    the figures (items with a value) of the periods before the previous one; ``coded``
    the excerpts of ``current``'s items (a section's themes are its codes where any of its
    items is coded). Items of
    ``previous`` and ``earlier`` that a series shows are compared, not cited.

    The whole-partnership section counts everything, but does not repeat the questions:
    its findings summarise theirs, and its figures, quotes, stories and themes come only
    from evidence that no agreed question covers (all of it when there are none).
    """
    sections: list[Section] = []
    question_sections: list[Section] = []
    all_question_gaps: list[Gap] = []
    for question in questions:
        now = [item for item in current if question.id in item.questions]
        before = [item for item in previous if question.id in item.questions]
        gaps = _question_gaps(question, now)
        all_question_gaps.extend(gap for gap in gaps if gap["kind"] == "question")
        question_sections.append(
            _section(
                question=question,
                current=now,
                previous=before,
                gaps=gaps,
                earlier=[item for item in earlier if question.id in item.questions],
                periods=periods,
                coded=coded,
            )
        )

    contributed = {item.party_id for item in current}
    party_gaps: list[Gap] = [
        {
            "kind": "party",
            "party": party.id,
            "text": f"{party.name} has not added evidence this period.",
        }
        for party in parties
        if party.role != "learning_partner" and party.id not in contributed
    ]
    overall_gaps = list(all_question_gaps) + party_gaps
    if not current:
        overall_gaps.insert(
            0, {"kind": "period", "text": "No evidence that may be used was added this period."}
        )
    if questions:
        asked = {question.id for question in questions}
        unasked = [item for item in current if not item.questions & asked]
        unasked_before = [item for item in previous if not item.questions & asked]
        unasked_earlier = [item for item in earlier if not item.questions & asked]
        unasked_statistics = _statistics(unasked, unasked_before, unasked_earlier, periods)
        summary = finding_rules.summary_findings(
            items=current,
            questions=[
                (question.text, [item for item in current if question.id in item.questions])
                for question in questions
            ],
            unasked=finding_rules.findings(unasked, unasked_statistics),
        )
        whole = _section(
            question=None,
            current=current,
            previous=previous,
            gaps=overall_gaps,
            shown=(unasked, unasked_before),
            summary=summary,
            earlier=unasked_earlier,
            periods=periods,
            coded=coded,
        )
    else:
        whole = _section(
            question=None,
            current=current,
            previous=previous,
            gaps=overall_gaps,
            earlier=earlier,
            periods=periods,
            coded=coded,
        )
    sections.append(whole)
    sections.extend(question_sections)
    what_changed: list[ActionChange] = [
        {
            "action": action.id,
            "description": action.description,
            "outcome": action.outcome,
            "party": action.party,
            "done_on": action.done_on.isoformat(),
        }
        for action in sorted(actions_done, key=lambda a: (a.done_on, a.id))
    ]
    in_series = evidence_ids_in([s["statistics"] for s in sections])
    return Draft(
        sections=sections,
        cited=sorted(item.id for item in current),
        compared=sorted(
            {item.id for item in previous} | {item.id for item in earlier if item.id in in_series}
        ),
        what_changed=what_changed,
    )


def evidence_ids_in(value: Any) -> set[int]:
    """Every evidence id a stored brief part refers to (``"evidence"`` and
    ``"previous_evidence"`` keys, single ids or lists), at any depth."""
    found: set[int] = set()
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in ("evidence", "previous_evidence"):
                if isinstance(inner, int):
                    found.add(inner)
                elif isinstance(inner, list):
                    found.update(i for i in inner if isinstance(i, int))
            else:
                found |= evidence_ids_in(inner)
    elif isinstance(value, list):
        for inner in value:
            found |= evidence_ids_in(inner)
    return found


def named_evidence_in(sections: Sequence[Section]) -> dict[int, bool]:
    """For each quote and story in ``sections``: whether it was attributed by name."""
    named: dict[int, bool] = {}
    for section in sections:
        entries: list[Quote | Story] = [*section.get("quotes", []), *section.get("stories", [])]
        for entry in entries:
            named[entry["evidence"]] = bool(entry.get("named"))
    return named


# --- Plain-language report ----------------------------------------------------------------

_reading = textstatistics()
# "en-GB" (not "en_GB") makes textstat count syllables with pyphen's British English
# dictionary, shipped in the package, instead of downloading CMUdict at run time; the
# Flesch constants are English either way.
_reading.set_lang("en-GB")


def reading_ease_label(score: float | None) -> str:
    if score is None:
        return "Nothing written yet"
    if score >= 60:
        return "Plain English: most people can read it easily"
    if score >= 50:
        return "Fairly hard to read"
    if score >= 30:
        return "Hard to read"
    return "Very hard to read"


def reading_ease(text: str) -> float | None:
    """Flesch reading ease of ``text`` (textstat, British English syllables), held to 0 to
    100 (scores run past both ends for very short or very dense text); None for no words.
    60 and above is plain English; 70 and above, easy."""
    if not text.strip() or not _reading.lexicon_count(text):
        return None
    return round(min(100.0, max(0.0, float(_reading.flesch_reading_ease(text)))), 1)


def plain_language_report(
    *,
    so_what: str,
    recommendations: str,
    challenge_texts: Sequence[str],
    sections: Sequence[Section],
) -> PlainLanguageReport:
    """How readable the learning partner's words are, and what the brief still lacks.

    Reads the so-what, recommendations and challenges (people's quotes are theirs, not
    ours to simplify): Flesch reading ease (textstat), sentences over
    ``LONG_SENTENCE_WORDS`` words, acronyms never spelled out, jargon with plainer
    words; and warns about numbers without a story, stories without a number, and a
    missing "so what?".
    """
    text = "\n\n".join(part for part in (so_what, recommendations, *challenge_texts) if part)
    words = _reading.lexicon_count(text) if text.strip() else 0
    score = reading_ease(text)

    warnings_: list[str] = []
    if not so_what.strip():
        warnings_.append(
            "There is no “so what?” yet: say what this evidence means for the partnership."
        )
    for section in sections:
        has_numbers = bool(section.get("statistics"))
        has_stories = bool(
            section.get("quotes") or section.get("stories") or section.get("reflections")
        )
        heading = section.get("heading", "")
        if has_numbers and not has_stories:
            warnings_.append(f"“{heading}” has numbers but no story or quote to explain them.")
        if has_stories and not has_numbers:
            warnings_.append(f"“{heading}” has stories but no number to show how common they are.")
    if score is not None and score < 50:
        warnings_.append("The writing is hard to read: use shorter sentences and everyday words.")
    return {
        "reading_ease": score,
        "reading_ease_label": reading_ease_label(score),
        "word_count": words,
        **plain_words_hints(text),
        "warnings": warnings_,
    }
