"""An item's text as sentences with their character offsets: what the excerpt form offers
to choose from, so an excerpt can be picked with a keyboard, a screen reader or a phone
as well as by selecting text with a mouse. Pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass

#: A sentence ends at ., ! or ? (with any closing quotes or brackets) before a space, or
#: at a line break.
_SENTENCE = re.compile(r"[^\n]+?(?:[.!?][\"'”’)\]]*(?=\s)|$)", re.MULTILINE)
#: How much of a sentence a choice shows.
LABEL_CHARS = 70


@dataclass(frozen=True)
class Sentence:
    number: int  # from 1
    start: int
    end: int  # excluded
    text: str

    @property
    def label(self) -> str:
        words = self.text if len(self.text) <= LABEL_CHARS else self.text[: LABEL_CHARS - 1] + "…"
        return f"{self.number}. {words}"


def sentences(text: str) -> list[Sentence]:
    """The sentences of ``text``, each trimmed of surrounding spaces, with offsets such
    that ``text[start:end] == sentence.text``."""
    found: list[Sentence] = []
    for match in _SENTENCE.finditer(text):
        raw = match.group(0)
        stripped = raw.strip()
        if not stripped:
            continue
        start = match.start() + (len(raw) - len(raw.lstrip()))
        found.append(Sentence(len(found) + 1, start, start + len(stripped), stripped))
    return found
