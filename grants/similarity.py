"""The words a partnership is about, and the words a grant shares with it.

Pure functions, no queries: ``key_terms`` picks the most frequent content words of a
partnership's texts (and the two-word phrases they form); ``shared_terms`` names those a
grant's words contain, phrases first ("young carers" rather than "young" and "carers").
Words are compared after a light stemming (lower case, a plural "s" dropped), so "carer"
and "Carers" agree; PostgreSQL's own English stemmer does the ranking.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

_WORD = re.compile(r"[^\W\d_][\w'’-]*[^\W_]|[^\W\d_]")

#: Common English words, and words every partnership and grant uses, which say nothing
#: about what a piece of work is about.
_STOP_WORDS_TEXT = """
    a about above after again against all also am an and any are as at be because been
    before being below between both but by can could did do does doing down during each
    few for from further had has have having he her here hers herself him himself his how
    i if in into is it its itself just me more most my myself no nor not now of off on
    once only or other our ours ourselves out over own same she should so some such than
    that the their theirs them themselves then there these they this those through to too
    under until up very was we were what when where which while who whom why will with
    would you your yours yourself yourselves us via per within across around among upon
    want wants wanted need needs needed make makes made use used using get gets got
    learn learning learned learnt partnership partnerships partner partners project
    projects programme programmes grant grants fund funding funded funder funders work
    works working worked help helps helping helped support supports supporting supported
    new many much well better best good way ways year years time times people person
    organisation organisations charity charities provide provides providing delivery
    deliver delivering service services activity activities question questions evidence
    brief impact outcome outcomes aim aims including include includes like local area
    areas one two three first second what's doesn't don't isn't it's we're they're
day days week weeks month months say says said fewer less reduce reduces
"""
STOP_WORDS = frozenset(_STOP_WORDS_TEXT.split())

MAX_TERMS = 15
MAX_PHRASES = 10
MAX_SHOWN = 4


@dataclass(frozen=True)
class Term:
    """A word or two-word phrase: ``key`` compares, ``shown`` is how the partnership wrote it."""

    key: str
    shown: str
    weight: int


def _stem(word: str) -> str:
    word = word.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    return word


def _words(text: str) -> list[tuple[str, str]]:
    """Each word of ``text`` as (stem, as written), stop words as an empty stem."""
    found = []
    for match in _WORD.finditer(text):
        written = match.group(0).strip("'’-")
        stem = _stem(written)
        found.append(("" if stem in STOP_WORDS or len(stem) < 3 else stem, written))
    return found


def key_terms(texts: Iterable[str]) -> list[Term]:
    """The partnership's most frequent content words (at most ``MAX_TERMS``) and the
    phrases of two of them it uses (at most ``MAX_PHRASES``), most frequent first."""
    words: Counter[str] = Counter()
    phrases: Counter[str] = Counter()
    shown: dict[str, str] = {}
    for text in texts:
        found = _words(text)
        for index, (stem, written) in enumerate(found):
            if not stem:
                continue
            words[stem] += 1
            shown.setdefault(stem, written)
            if index + 1 < len(found) and found[index + 1][0]:
                key = f"{stem} {found[index + 1][0]}"
                phrases[key] += 1
                shown.setdefault(key, f"{written} {found[index + 1][1]}")
    top_words = [Term(key, shown[key], n) for key, n in words.most_common(MAX_TERMS)]
    chosen = {term.key for term in top_words}
    top_phrases = [
        Term(key, shown[key], n)
        for key, n in phrases.most_common()
        if all(part in chosen for part in key.split())
    ][:MAX_PHRASES]
    return top_phrases + top_words


def query_words(terms: Iterable[Term]) -> list[str]:
    """The single words to search for (a phrase's words are among them)."""
    return [term.shown for term in terms if " " not in term.key]


def stems_of(text: str) -> list[str]:
    """The stems of ``text``'s words, stop words included as empty strings."""
    return [stem for stem, _ in _words(text)]


def shared_terms(terms: Iterable[Term], text: str) -> list[str]:
    """The terms ``text`` contains, phrases before the words they hold, at most
    ``MAX_SHOWN``, as the partnership wrote them."""
    stems = stems_of(text)
    present = set(stems)
    pairs = {f"{a} {b}" for a, b in zip(stems, stems[1:], strict=False) if a and b}
    shown: list[str] = []
    covered: set[str] = set()
    for term in terms:
        if " " in term.key:
            if term.key in pairs and not set(term.key.split()) <= covered:
                shown.append(term.shown)
                covered.update(term.key.split())
        elif term.key in present and term.key not in covered:
            shown.append(term.shown)
            covered.add(term.key)
        if len(shown) == MAX_SHOWN:
            break
    return shown


def reason(shared: list[str]) -> str:
    if not shared:
        return "Similar words in its title or description"
    return "Shares: " + ", ".join(shared)
