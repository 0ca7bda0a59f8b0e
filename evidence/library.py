"""The library of published learning, as plain functions: what a brief's row in the
library says, the words a search reads, and which research questions recur across a
funder's partnerships.

Everything here works on a ``BriefReading`` (``evidence.selectors.briefs``: the brief as
its reader may read it now, after any withdrawal) or on plain values, with no database
access: ``evidence.selectors.library`` loads them and decides who reads what.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from evidence import synthesis
from evidence.models import InsightBrief
from evidence.periods import Period
from evidence.selectors.briefs import BriefReading

#: At most this many words of a search are looked for (the rest are ignored).
SEARCH_WORDS = 12
_SEARCH_WORD = re.compile(r"\w+")


def brief_title(brief: InsightBrief) -> str:
    """The brief's title, as its page and every export print it."""
    return f"Insight brief: {Period(brief.period_start, brief.period_end).describe()}"


# --- A brief in the library ----------------------------------------------------------------


def summary(reading: BriefReading) -> str:
    """One line for the brief's row: its first finding as the reader may read it (the
    partnership as a whole comes first), else the first line of its "so what?"."""
    for section in reading.sections:
        for finding in section.get("findings", []):
            return finding["text"]
    lines = [line.strip() for line in reading.brief.so_what.splitlines() if line.strip()]
    return lines[0] if lines else ""


def _section_texts(reading: BriefReading) -> Iterable[str]:
    for section in reading.sections:
        yield section["heading"]
        for finding in section.get("findings", []):
            yield finding["text"]
        for statistic in section.get("statistics", []):
            yield statistic["measure"]
            yield statistic.get("explanation") or ""
        for quote in section.get("quotes", []):
            yield quote["text"]
            yield quote["attribution"]
        for story in section.get("stories", []):
            yield story["title"]
            yield story["text"]
            yield story["attribution"]
        for reflection in section.get("reflections", []):
            yield reflection["label"]
            yield reflection["text"]
        for theme in section.get("themes", []):
            yield theme["label"]
            theme_quote = theme.get("quote")
            yield theme_quote["text"] if theme_quote else ""
        for gap in section.get("gaps", []):
            yield gap["text"]


def reading_text(reading: BriefReading) -> str:
    """Every word of the brief its reader may read on its page, in lower case: the title,
    the learning partner's words, and the sections as they read now (so a withdrawal
    takes an item's words out at once)."""
    brief = reading.brief
    parts = [brief_title(brief), brief.so_what, brief.recommendations]
    parts += _section_texts(reading)
    parts += [challenge["text"] for challenge in reading.challenges]
    for action in reading.what_changed:
        parts += [action["party"], action["description"], action["outcome"]]
    return "\n".join(part for part in parts if part).casefold()


def question_headings(reading: BriefReading) -> str:
    """The research questions the brief reports on, in lower case."""
    return "\n".join(
        section["heading"] for section in reading.sections if section["question"] is not None
    ).casefold()


def answered_questions(reading: BriefReading) -> set[int]:
    """The research questions the brief reports evidence about."""
    return {
        section["question"]
        for section in reading.sections
        if section["question"] is not None and section["counts"]["total"] > 0
    }


def search_words(text: str) -> list[str]:
    """The words of a search box, in lower case (the first ``SEARCH_WORDS``)."""
    return _SEARCH_WORD.findall(text.casefold())[:SEARCH_WORDS]


def contains_all(text: str, words: Sequence[str]) -> bool:
    """Every one of ``words`` is in ``text`` (both lower case), as a word or part of one."""
    return all(word in text for word in words)


# --- Questions that recur ------------------------------------------------------------------

#: Cosine similarity of two questions' TF-IDF vectors (normalised words and pairs of
#: words) at or above which they ask the same thing.
SIMILAR_QUESTIONS = 0.4
#: How many of a group's shared words are shown.
GROUP_WORDS = 6


@dataclass(frozen=True)
class AskedQuestion:
    """A research question of one of the funder's partnerships."""

    id: int
    text: str
    status: str
    partnership_id: int


def normal_word(word: str) -> str:
    """A word as questions are compared: a plain English plural made singular ("families"
    → "family", "carers" → "carer") and an "-ing" taken off ("asking" → "ask"), so that
    different forms of one word match; other words as they are."""
    if len(word) > 4 and word.endswith("ies"):
        return f"{word[:-3]}y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(SINGULAR_ENDINGS):
        return word[:-1]
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    return word


#: Words ending so are not plurals ("class", "bus", "this", "does").
SINGULAR_ENDINGS = ("ss", "us", "is", "oes", "'s", "’s")


def _words(text: str) -> list[tuple[str, str]]:
    """Each of ``text``'s words as written (lower case, the themes engine's words, stop
    words left out) with its ``normal_word``."""
    return [(word, normal_word(word)) for word in synthesis.content_words(text)]


def question_words(text: str) -> list[str]:
    """A question's words as they are compared (``normal_word``)."""
    return [normal for _, normal in _words(text)]


def question_groups(questions: Sequence[AskedQuestion]) -> list[list[AskedQuestion]]:
    """``questions`` in groups that ask the same thing: two questions are alike when the
    TF-IDF vectors of their normalised words (``synthesis.tfidf``, the themes engine's)
    have a cosine similarity of ``SIMILAR_QUESTIONS`` or more, and a group holds every
    question linked to another by that. Groups asked by the most partnerships come first;
    within a group, questions keep their order."""
    if not questions:
        return []
    matrix, _ = synthesis.tfidf([" ".join(question_words(q.text)) for q in questions])
    similarity = matrix @ matrix.T
    parent = list(range(len(questions)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    for a in range(len(questions)):
        for b in range(a + 1, len(questions)):
            if similarity[a, b] >= SIMILAR_QUESTIONS:
                parent[root(b)] = root(a)
    members: dict[int, list[AskedQuestion]] = {}
    for index, question in enumerate(questions):
        members.setdefault(root(index), []).append(question)
    groups = list(members.values())
    groups.sort(key=lambda group: (-partnership_count(group), -len(group)))
    return groups


def partnership_count(group: Sequence[AskedQuestion]) -> int:
    """How many partnerships ask the group's question."""
    return len({question.partnership_id for question in group})


def shared_words(group: Sequence[AskedQuestion]) -> list[str]:
    """The words the group's questions share (in two or more of them, the most shared
    first, each as first written), or a lone question's words."""
    seen: Counter[str] = Counter()
    written: dict[str, str] = {}
    for question in group:
        words = _words(question.text)
        for normal in dict.fromkeys(normal for _, normal in words):
            seen[normal] += 1
        for word, normal in words:
            written.setdefault(normal, word)
    order = list(written)
    least = 2 if len(group) > 1 else 1
    kept = [normal for normal, count in seen.items() if count >= least]
    kept.sort(key=lambda normal: (-seen[normal], order.index(normal)))
    return [written[normal] for normal in kept[:GROUP_WORDS]]
