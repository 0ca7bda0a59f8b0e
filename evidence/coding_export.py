"""The coded data as a CSV file: one row for each code of each excerpt the reader may
see, and one for each code with none, so the file carries the codebook, the excerpts
and the memos to other tools. Pure: it writes what the selectors read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from evidence.models import Code, Excerpt

COLUMNS = (
    "code",
    "parent_code",
    "code_description",
    "code_memo",
    "excerpt",
    "evidence",
    "evidence_title",
    "party",
    "start",
    "end",
    "text",
    "stale",
    "questions",
    "excerpt_memo",
    "coded_by",
    "coded_at",
)


def _safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP's CSV injection advice)."""
    return f"'{value}" if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def coded_data_csv(*, codes: Iterable[Code], excerpts: Iterable[Excerpt]) -> str:
    by_code: dict[int, list[Excerpt]] = {}
    for excerpt in excerpts:
        for code in excerpt.codes.all():
            by_code.setdefault(code.pk, []).append(excerpt)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for code in codes:
        head = [
            code.name,
            code.parent.name if code.parent else "",
            code.description,
            code.memo,
        ]
        rows = by_code.get(code.pk, [])
        if not rows:
            writer.writerow([_safe(v) for v in head] + [""] * (len(COLUMNS) - len(head)))
        for excerpt in rows:
            evidence = excerpt.evidence
            cells = [
                *head,
                str(excerpt.pk),
                str(evidence.pk),
                evidence.title,
                evidence.party.organisation.name,
                str(excerpt.start),
                str(excerpt.end),
                excerpt.text,
                "yes" if getattr(excerpt, "stale", False) else "no",
                "; ".join(q.text for q in excerpt.questions.all()),
                excerpt.memo,
                excerpt.author.display_name if excerpt.author else "",
                excerpt.created_at.isoformat(),
            ]
            writer.writerow([_safe(v) for v in cells])
    return out.getvalue()
