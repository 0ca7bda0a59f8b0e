"""The "so what?" scaffold: a starting text for the learning partner, never published as it
stands.

A brief must say what its evidence means before it is published (an empty "so what?" is a
409). To make that quick, the edit page starts an empty "so what?" with three plain headings
— what we learned, what it means, what next — and under the first, the brief's own points
of what is working and what is not (from the whole-partnership section the learning
partner may read). The learning partner edits it; nothing is stored until they save.
"""

from __future__ import annotations

from collections.abc import Sequence

from evidence.sections import Section

LEARNED = "What we learned"
MEANS = "What it means"
NEXT = "What next"
#: How many points the scaffold lists under "What we learned", of each kind.
POINTS_EACH = 3


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "!", "?")) else f"{text}."


def so_what_scaffold(sections: Sequence[Section]) -> str:
    """The starting text: the three headings, with what is working and what is not under
    the first (at most three of each), and a prompt under the others."""
    whole = sections[0] if sections else None
    learned: list[str] = []
    if whole is not None:
        learned += [f"- Working: {_sentence(p['text'])}" for p in whole["working"][:POINTS_EACH]]
        learned += [
            f"- Not working: {_sentence(p['text'])}" for p in whole["not_working"][:POINTS_EACH]
        ]
    if not learned:
        learned = ["- (What did the evidence show?)"]
    return "\n".join(
        [
            f"{LEARNED}:",
            *learned,
            "",
            f"{MEANS}:",
            "- (What does this mean for the people the partnership serves?)",
            "",
            f"{NEXT}:",
            "- (What will each organisation do, and by when?)",
        ]
    )
