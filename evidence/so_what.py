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

#: The scaffold's prompts, each on its own line: a "so what?" still holding one is not
#: written yet, so the brief cannot be published with it.
EVIDENCE_PROMPT = "- (What did the evidence show?)"
MEANS_PROMPT = "- (What does this mean for the people the partnership serves?)"
NEXT_PROMPT = "- (What will each organisation do, and by when?)"
PROMPTS = (EVIDENCE_PROMPT, MEANS_PROMPT, NEXT_PROMPT)

LEARNED = "What we learned"
MEANS = "What it means"
NEXT = "What next"
#: How many findings the scaffold lists under "What we learned".
MOST_FINDINGS = 6
#: Findings that say something was learned (gaps say what is missing).
LEARNED_KINDS = ("figure", "working", "not_working", "mixed")


def so_what_scaffold(sections: Sequence[Section]) -> str:
    """The starting text: the three headings, with the brief's findings under the first
    (at most six: what each question found, figures first), and a prompt under the
    others."""
    asked = [section for section in sections if section["question"] is not None]
    learned: list[str] = []
    for chosen in (asked, sections[:1]):
        learned = [
            f"- {finding['text']}"
            for section in chosen
            for finding in section.get("findings", [])
            if finding["kind"] in LEARNED_KINDS
        ][:MOST_FINDINGS]
        if learned:
            break
    if not learned:
        learned = [EVIDENCE_PROMPT]
    return "\n".join(
        [
            f"{LEARNED}:",
            *learned,
            "",
            f"{MEANS}:",
            MEANS_PROMPT,
            "",
            f"{NEXT}:",
            NEXT_PROMPT,
        ]
    )


def so_what_written(text: str) -> bool:
    """Whether a "so what?" is written: not blank, and none of the scaffold's prompts
    left in it."""
    lines = {line.strip() for line in text.splitlines()}
    return bool(text.strip()) and not lines & set(PROMPTS)
