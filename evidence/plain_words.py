"""The plain-words check: what makes a learning partner's writing harder to read.

``plain_words_hints`` is the one rule: jargon with plainer words to use instead,
acronyms never spelled out, sentences over ``LONG_SENTENCE_WORDS`` words. A brief's
plain-language report runs it when the brief is saved (``evidence.synthesis``,
``plain_language_report``) and the brief's edit page runs it as the person types
(``evidence.views.plain_words``), so both say the same. It reads the text in a fixed
number of passes, whatever is written, so checking as people type stays cheap.

``JARGON`` is a small curated list, after the GOV.UK style guide's "words to avoid" and
the Plain English Campaign's A to Z: the jargon of funding and evaluation that people in
small charities and community groups tell us they stumble over. Keep entries lower case;
a phrase matches as whole words. Add to it when the learning partners report a new one.
"""

import re

from evidence.sections import Acronym, Jargon, LongSentence, PlainWordsHints

#: A sentence longer than this many words is pointed out.
LONG_SENTENCE_WORDS = 25
#: How much of a long sentence a hint quotes.
LONG_SENTENCE_CHARS = 200

JARGON: dict[str, str] = {
    "actionable": "something you can act on",
    "best practice": "what works well",
    "beneficiaries": "the people you help",
    "capacity building": "training and support",
    "cohort": "group",
    "commence": "start",
    "deep dive": "detailed look",
    "deliverables": "what you will make or do",
    "disseminate": "share",
    "ecosystem": "the organisations involved",
    "empower": "help",
    "evidence base": "what we know",
    "facilitate": "help",
    "going forward": "from now on",
    "granular": "detailed",
    "holistic": "whole",
    "impactful": "effective",
    "in order to": "to",
    "incentivise": "encourage",
    "key learnings": "what we learned",
    "learnings": "lessons",
    "leverage": "use",
    "mainstream": "make usual",
    "methodology": "method",
    "operationalise": "put into practice",
    "optimise": "improve",
    "outcomes framework": "list of changes we hope to see",
    "paradigm": "way of thinking",
    "prior to": "before",
    "robust": "strong",
    "scalable": "able to grow",
    "stakeholders": "the people and organisations involved",
    "streamline": "simplify",
    "synergy": "working together",
    "theory of change": "how we think change happens",
    "touch base": "talk",
    "triangulate": "compare",
    "utilise": "use",
    "value add": "benefit",
    "with regard to": "about",
}

#: Acronyms so widely known that a brief need not spell them out.
WELL_KNOWN_ACRONYMS: frozenset[str] = frozenset(
    {"UK", "NHS", "GP", "GPS", "OK", "TV", "PDF", "BBC", "COVID", "AM", "PM", "ID", "IT"}
)

SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9“\"'(])")
_PARAGRAPH_END = re.compile(r"\n\s*\n|\n(?=\s*[-*•]\s)")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9]{1,}(?:s)?\b")
#: An acronym spelled out: "(KPI)" after the words, or "KPI (key performance ...)"; a
#: lookahead, so one explanation never hides another inside its brackets (bounded, so
#: a text of unclosed brackets is read in one pass).
_IN_BRACKETS = re.compile(r"\(([A-Z][A-Z0-9]*)s?\)")
_BEFORE_WORDS = re.compile(r"(?=\b([A-Z][A-Z0-9]*)s?\s*\((?!\s*[A-Z]{2,}\))[^)]{3,200}\))")
_JARGON = tuple(
    (term, instead, re.compile(rf"\b{re.escape(term)}\b")) for term, instead in JARGON.items()
)


def excerpt(text: str, limit: int) -> str:
    """``text`` on one line, cut at a word within ``limit`` characters (with "…")."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit].rsplit(" ", 1)[0]
    return cut.rstrip(",;:.") + "…"


def sentences(text: str) -> list[str]:
    """``text``'s sentences, each on one line; a paragraph or list item ends one."""
    found = []
    for paragraph in _PARAGRAPH_END.split(text):
        for sentence in SENTENCE_END.split(" ".join(paragraph.split())):
            if sentence.strip():
                found.append(sentence.strip())
    return found


def _long_sentences(text: str) -> list[LongSentence]:
    long: list[LongSentence] = []
    for sentence in sentences(text):
        count = len(sentence.split())
        if count > LONG_SENTENCE_WORDS:
            long.append({"text": excerpt(sentence, LONG_SENTENCE_CHARS), "words": count})
    return long


def _acronyms(text: str) -> list[Acronym]:
    found: dict[str, int] = {}
    for match in _ACRONYM.finditer(text):
        term = match.group(0)
        stem = term[:-1] if term.endswith("s") and term[:-1].isupper() else term
        if stem in WELL_KNOWN_ACRONYMS or len(stem) < 2:
            continue
        found[stem] = found.get(stem, 0) + 1
    explained = {match.group(1) for match in _IN_BRACKETS.finditer(text)}
    explained.update(match.group(1) for match in _BEFORE_WORDS.finditer(text))
    return [
        {"term": term, "count": count} for term, count in found.items() if term not in explained
    ]


def _jargon(text: str) -> list[Jargon]:
    lowered = text.casefold()
    found: list[Jargon] = []
    for term, instead, pattern in _JARGON:
        # Looking for the plain substring first is much faster than the pattern alone.
        count = len(pattern.findall(lowered)) if term in lowered else 0
        if count:
            found.append({"term": term, "instead": instead, "count": count})
    return found


def plain_words_hints(text: str) -> PlainWordsHints:
    """What to change in ``text`` so more people can read it: sentences over
    ``LONG_SENTENCE_WORDS`` words, acronyms never spelled out (bar ``WELL_KNOWN_ACRONYMS``),
    and jargon with the plainer words to use instead."""
    return {
        "long_sentences": _long_sentences(text),
        "acronyms": _acronyms(text),
        "jargon": _jargon(text),
    }
