"""The words of the "you said, we did" page: a published brief told back to the community
its evidence came from, in short plain sentences (a reading age of about 9).

Pure functions over what a ``BriefReading`` already holds (its findings and its learning
actions), so the page can say nothing the published brief may not: consent was decided
before these run. ``evidence.selectors.share_links`` gathers the inputs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from evidence.sections import Finding, Section

#: "A handful": the most sentences "What you told us" shows.
TOLD_MAX = 5
#: The most actions each of "What we changed" and "What happens next" lists.
ACTIONS_MAX = 3
#: The most words of one quote, action or outcome: its first sentence, cut short with
#: "…" beyond this (the whole text stays on the signed-in pages). With ``TOLD_MAX`` and
#: ``ACTIONS_MAX`` this keeps the poster to one A4 page, whatever was written.
WORDS_MAX = 20
#: Beyond this many words the poster is printed in smaller type (``dense``).
POSTER_WORDS = 230

_QUOTE = re.compile(r"“([^”]+)”")
LEADS = {
    "working": "You told us this works",
    "not_working": "You told us this is not working",
    "mixed": "Some of you felt two ways",
}
#: Plainer words for the drafting engine's phrases in figure findings.
PLAINER = (
    (" since the last period", " since last time"),
    (", compared with the baseline", ", compared with when we started"),
)


@dataclass(frozen=True)
class Action:
    """One learning action as the page says it."""

    id: int
    who: str
    text: str
    outcome: str = ""


@dataclass
class CommunityPage:
    told: list[str] = field(default_factory=list)
    changed: list[Action] = field(default_factory=list)
    next: list[Action] = field(default_factory=list)
    next_update: date | None = None

    @property
    def dense(self) -> bool:
        """Whether the poster needs its smaller type to stay on one page."""
        return len(self.words().split()) > POSTER_WORDS

    def words(self) -> str:
        """Every sentence of the page's three parts, for measuring how easy it is to read."""
        parts = [*self.told]
        parts += [f"{a.who}: {a.text} {a.outcome}".strip() for a in [*self.changed, *self.next]]
        return " ".join(parts)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?", "”", "…")) else f"{text}."


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")


def short(text: str, words: int = WORDS_MAX) -> str:
    """The first sentence of ``text``, at most ``words`` words (then "…")."""
    first = _SENTENCE_END.split(" ".join(text.split()), maxsplit=1)[0]
    kept = first.split()
    if len(kept) <= words:
        return first
    return " ".join(kept[:words]).rstrip(",;:") + "…"


def told_sentence(finding: Finding) -> str | None:
    """``finding`` said plainly to the people it came from; None for what is not theirs
    to hear (a gap in the evidence is the partnership's work, not news)."""
    kind = finding["kind"]
    text = finding["text"]
    if kind == "figure":
        for engine, plain in PLAINER:
            text = text.replace(engine, plain)
        return _sentence(short(text, 30))
    if kind in LEADS:
        quote = _QUOTE.search(text)
        if quote is None:
            return None
        return f"{LEADS[kind]}: “{_sentence(short(quote.group(1)))}”"
    return None


def told(sections: Sequence[Section]) -> list[str]:
    """A handful of sentences from the findings: each research question's first (what
    people said before the figures), then the rest in the brief's order. The overall
    section is used only when no question has findings (its findings count research
    questions, which mean nothing to the community)."""
    asked = [s for s in sections if s.get("question") is not None]
    findings = [f for s in asked for f in s.get("findings", [])] or [
        f for s in sections for f in s.get("findings", [])
    ]
    ordered = sorted(findings, key=lambda f: f["kind"] == "figure")
    sentences: list[str] = []
    for finding in ordered:
        sentence = told_sentence(finding)
        if sentence and sentence not in sentences:
            sentences.append(sentence)
        if len(sentences) == TOLD_MAX:
            break
    return sentences


def actions(rows: Iterable[Action]) -> list[Action]:
    """``rows`` without repeats, at most ``ACTIONS_MAX``, each description a sentence."""
    seen: set[int] = set()
    kept: list[Action] = []
    for row in rows:
        if row.id in seen:
            continue
        seen.add(row.id)
        kept.append(
            Action(
                id=row.id,
                who=row.who,
                text=_sentence(short(row.text)),
                outcome=_sentence(short(row.outcome)) if row.outcome.strip() else "",
            )
        )
    return kept[:ACTIONS_MAX]
