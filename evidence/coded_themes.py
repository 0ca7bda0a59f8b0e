"""A brief's themes from the partnership's coding: each code with excerpts of the
section's items is a theme named by the code, with how many excerpts each kind of party
gave, its strongest excerpt as the quote and the code's memo as the note. Pure functions;
the selectors read the excerpts (``evidence.selectors.briefs``).

An excerpt counts only while its words still match its item's text (a stale excerpt's
words are no longer the evidence), and only for items the section shows, which are
already the items that may be cited (and, for a reader's draft, that the reader may see),
so a withdrawal removes a party's excerpts from the themes with its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from evidence.plain_words import excerpt as shorten
from evidence.sections import PartyKindCount, Theme

#: The most coded themes a section shows (the most used first).
MAX_CODED_THEMES = 8
#: How long a theme's quote may be.
QUOTE_CHARS = 200
KIND_LABELS = {
    "grantee": "Grantees",
    "funder": "Funders",
    "learning_partner": "Learning partners",
}


@dataclass(frozen=True)
class CodeRef:
    id: int
    name: str
    memo: str


@dataclass(frozen=True)
class CodedExcerpt:
    """One excerpt as the engine reads it."""

    id: int
    evidence: int
    text: str
    codes: tuple[CodeRef, ...]


def _strength(excerpt: CodedExcerpt, coded_in_item: int) -> tuple[int, int, int]:
    """The strongest excerpt of a code comes from the item the code marks most often
    (where the code is most present), then says the most (up to a quote's length), then
    was coded first."""
    return (-coded_in_item, -min(len(excerpt.text), QUOTE_CHARS), excerpt.id)


def coded_themes(excerpts: Sequence[CodedExcerpt], party_kinds: Mapping[int, str]) -> list[Theme]:
    """The themes of ``excerpts`` (those of the items ``party_kinds`` names: item id ->
    its party's role), most excerpts first, then by name."""
    by_code: dict[int, list[CodedExcerpt]] = defaultdict(list)
    codes: dict[int, CodeRef] = {}
    for excerpt in excerpts:
        if excerpt.evidence not in party_kinds:
            continue
        for code in excerpt.codes:
            codes[code.id] = code
            by_code[code.id].append(excerpt)
    themes: list[Theme] = []
    for code_id, found in by_code.items():
        code = codes[code_id]
        per_item: dict[int, int] = defaultdict(int)
        per_kind: dict[str, int] = defaultdict(int)
        for excerpt in found:
            per_item[excerpt.evidence] += 1
            per_kind[party_kinds[excerpt.evidence]] += 1
        strongest = min(found, key=lambda e: _strength(e, per_item[e.evidence]))
        by_kind: list[PartyKindCount] = [
            {"kind": kind, "label": KIND_LABELS.get(kind, kind), "count": per_kind[kind]}
            for kind in KIND_LABELS
            if per_kind.get(kind)
        ]
        theme: Theme = {
            "label": code.name,
            "evidence": sorted(per_item),
            "quote": {"text": shorten(strongest.text, QUOTE_CHARS), "evidence": strongest.evidence},
            "code": code.id,
            "counts": {"excerpts": len(found), "by_party_kind": by_kind},
        }
        if code.memo:
            theme["note"] = code.memo
        themes.append(theme)
    themes.sort(key=lambda t: (-t["counts"]["excerpts"] if "counts" in t else 0, t["label"]))
    return themes[:MAX_CODED_THEMES]
