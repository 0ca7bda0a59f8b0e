"""The coded data for other tools: a CSV file (one row for each code of each excerpt the
reader may see, and one for each code with none) and a REFI-QDA project (``.qdpx``), so
the codebook, the excerpts and the memos move to Atlas.ti, MAXQDA, NVivo or Taguette.
Pure: it writes what the selectors read."""

from __future__ import annotations

import csv
import io
import uuid
import zipfile
from collections.abc import Iterable, Sequence
from datetime import datetime
from xml.etree import ElementTree as ET  # noqa: S405 - writes XML, never parses it

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
    "file",
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
                excerpt.attachment.original_name if excerpt.attachment else "",
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


# --- REFI-QDA ---------------------------------------------------------------------------------

#: The REFI-QDA Project exchange standard's namespace (``project.qde``, version 1.0).
QDA_NAMESPACE = "urn:QDA-XML:project:1.0"
_GUIDS = uuid.UUID("6f1d7c52-93a4-4d7e-9a55-1c3e0f6b2a10")


def _guid(kind: str, pk: int) -> str:
    """A stable GUID for a row, so exporting twice names everything the same."""
    return str(uuid.uuid5(_GUIDS, f"{kind}:{pk}"))


def coded_data_qdpx(
    *, title: str, codes: Sequence[Code], excerpts: Sequence[Excerpt], exported_at: datetime
) -> bytes:
    """The codebook and the excerpts as a REFI-QDA project (``.qdpx``: a zip of
    ``project.qde`` and each item's text under ``Sources/``), for Atlas.ti, MAXQDA, NVivo,
    QDA Miner or Taguette. An item is a text source (its text as it reads now), and so is
    each attached file with coded text; an excerpt a plain-text selection at its offsets,
    coded to its codes, its memo the selection's description; a code's memo is a note it
    refers to. A stale excerpt (its words no longer at its offsets) is left out, as its
    offsets no longer point at it."""
    ET.register_namespace("", QDA_NAMESPACE)

    def tag(name: str) -> str:
        return f"{{{QDA_NAMESPACE}}}{name}"

    when = exported_at.isoformat()
    project = ET.Element(
        tag("Project"), {"name": title, "origin": "LearnHub", "creationDateTime": when}
    )
    fresh = [e for e in excerpts if not getattr(e, "stale", False)]
    authors = {e.author.pk: e.author for e in fresh if e.author is not None}
    if authors:
        users = ET.SubElement(project, tag("Users"))
        for pk, author in sorted(authors.items()):
            ET.SubElement(
                users, tag("User"), {"guid": _guid("user", pk), "name": author.display_name}
            )
    codebook = ET.SubElement(ET.SubElement(project, tag("CodeBook")), tag("Codes"))
    elements: dict[int, ET.Element] = {}
    for code in sorted(codes, key=lambda c: (c.parent_id is not None, c.name, c.pk)):
        parent = elements.get(code.parent_id) if code.parent_id is not None else None
        element = ET.SubElement(
            codebook if parent is None else parent,
            tag("Code"),
            {"guid": _guid("code", code.pk), "name": code.name, "isCodable": "true"},
        )
        if code.description:
            ET.SubElement(element, tag("Description")).text = code.description
        if code.memo:
            ET.SubElement(element, tag("NoteRef"), {"targetGUID": _guid("code-memo", code.pk)})
        elements[code.pk] = element
    files: dict[str, str] = {}
    by_source: dict[tuple[int, int], list[Excerpt]] = {}
    for excerpt in fresh:
        by_source.setdefault((excerpt.evidence_id, excerpt.attachment_id or 0), []).append(excerpt)
    if by_source:
        sources = ET.SubElement(project, tag("Sources"))
        for (evidence_id, attachment_id), coded in sorted(by_source.items()):
            evidence, attachment = coded[0].evidence, coded[0].attachment
            if attachment is None:
                guid, name, text = _guid("evidence", evidence_id), evidence.title, evidence.body
            else:
                guid = _guid("attachment", attachment_id)
                name = f"{evidence.title}: {attachment.original_name}"
                text = attachment.text
            files[f"Sources/{guid}.txt"] = text
            source = ET.SubElement(
                sources,
                tag("TextSource"),
                {"guid": guid, "name": name, "plainTextPath": f"internal://{guid}.txt"},
            )
            for excerpt in coded:
                selection = ET.SubElement(
                    source,
                    tag("PlainTextSelection"),
                    {
                        "guid": _guid("excerpt", excerpt.pk),
                        "name": excerpt.text[:60],
                        "startPosition": str(excerpt.start),
                        "endPosition": str(excerpt.end),
                        "creationDateTime": excerpt.created_at.isoformat(),
                        **(
                            {"creatingUser": _guid("user", excerpt.author_id)}
                            if excerpt.author_id is not None and excerpt.author_id in authors
                            else {}
                        ),
                    },
                )
                if excerpt.memo:
                    ET.SubElement(selection, tag("Description")).text = excerpt.memo
                for code in excerpt.codes.all():
                    coding = ET.SubElement(
                        selection,
                        tag("Coding"),
                        {"guid": _guid(f"coding-{code.pk}", excerpt.pk)},
                    )
                    ET.SubElement(coding, tag("CodeRef"), {"targetGUID": _guid("code", code.pk)})
    memos = [code for code in codes if code.memo]
    if memos:
        notes = ET.SubElement(project, tag("Notes"))
        for code in memos:
            note = ET.SubElement(
                notes,
                tag("Note"),
                {"guid": _guid("code-memo", code.pk), "name": f"Memo: {code.name}"},
            )
            ET.SubElement(note, tag("PlainTextContent")).text = code.memo
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "project.qde", ET.tostring(project, encoding="utf-8", xml_declaration=True)
        )
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return out.getvalue()
