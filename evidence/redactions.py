"""What a redaction note contains and what it says: the one place for both.

A published brief shown again without evidence whose consent was withdrawn gets a note:
when, and how many items left it — never which, nor whose. The re-render task stores
it (``evidence.services.briefs.rerendering``); a read that comes before the task shows a
pending one (``evidence.selectors.briefs.brief_readings``); every page and export words
it with ``redaction_shown``. Plain values only, no database.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import TypedDict

from evidence.sections import Redaction


class RedactionShown(TypedDict):
    """A redaction note as the pages and exports show it."""

    at: str
    items_removed: int
    when: datetime | None
    sentence: str


def redaction_note(
    *, published: bool, shown: Iterable[int], still_shown: Iterable[int], at: datetime
) -> Redaction | None:
    """The note a brief gets when it is shown again citing ``still_shown`` instead of
    ``shown``: None unless it is published (a draft is simply drafted again) and some
    items have left it."""
    removed = len(set(shown) - set(still_shown))
    if not published or not removed:
        return None
    return {"at": at.isoformat(), "items_removed": removed}


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None


def redaction_shown(note: Redaction) -> RedactionShown:
    """``note`` with its time read back and the sentence every format prints."""
    when = _when(note.get("at", ""))
    count = note.get("items_removed", 0)
    items = "piece" if count == 1 else "pieces"
    day = f"On {when:%-d %B %Y}" if when else "Since it was published"
    sentence = (
        f"{day}, {count} {items} of evidence {'was' if count == 1 else 'were'} removed from "
        "this brief because consent to use them was withdrawn."
    )
    return {**note, "when": when, "sentence": sentence}
