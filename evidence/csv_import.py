"""Evidence as CSV: the import template, reading an uploaded file, and the export.

The columns are the same both ways, so a party's export can be edited and imported
again (the export's extra columns — ``id``, ``party``, ``submitted_by``, ``submitted_at``,
``attachments`` — are ignored on import). Row numbers count the header as row 1, as a
spreadsheet does.

Reading is forgiving where people's spreadsheets differ (a byte-order mark, Excel's
Windows encoding, ";" or tab separators, a choice's label or code in any case — "After
action review" for ``after_action_review``, "Not working" for ``not_working``, by
``evidence.schema.choice_value`` — and dates as 31/03/2025) and strict about everything
else: a column we do not know, or a row with a problem, stops the whole import with a
message per row.
"""

from __future__ import annotations

import _csv
import csv
import datetime
import io
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from evidence.cleaning import CleanEvidence, clean_evidence
from evidence.kinds import ALL_PROMPT_KEYS
from evidence.models import Evidence
from evidence.schema import CHOICE_WORDS, CSV_COLUMNS, CSV_REQUIRED_COLUMNS, choice_value
from learnhub.inputs import as_id
from partnerships.models import Partnership

#: The evidence fields' columns (``evidence.schema``), the same both ways.
COLUMNS: tuple[str, ...] = CSV_COLUMNS
REQUIRED_COLUMNS: tuple[str, ...] = CSV_REQUIRED_COLUMNS
EXPORT_ONLY_COLUMNS: tuple[str, ...] = (
    "id",
    "party",
    "submitted_by",
    "submitted_at",
    "attachments",
)
EXPORT_COLUMNS: tuple[str, ...] = (
    "id",
    "party",
    *COLUMNS,
    "submitted_by",
    "submitted_at",
    "attachments",
)

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 1000

# Spreadsheets run text that starts with these as a formula: exported cells get a "'".
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class RowProblem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = f"Row {self.row}" if self.row else "The file"
        return (
            f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"
        )


class ImportRejected(ValidationError):
    """The file, or some of its rows, cannot be imported; nothing was.

    ``problems`` lists each one with its row number (0 for the file as a whole).
    """

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = problems
        key = "rows" if any(p.row for p in problems) else "file"
        super().__init__({key: [str(problem) for problem in problems]})


@dataclass(frozen=True)
class ParsedRow:
    """One row's cells as evidence fields; ``problems``: cells that could not be read
    (the row is still checked as evidence, so every problem is reported at once)."""

    row: int
    data: dict[str, Any]
    problems: tuple[RowProblem, ...] = ()


def _normalise(word: str) -> str:
    return re.sub(r"[\s\-]+", "_", word.strip().lower())


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "",
                    "We could not read the file's text. Save it as “CSV UTF-8” and try again.",
                )
            ]
        ) from error


def _reader(text: str) -> _csv.Reader:
    first_line = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=first_line.count)
    return csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)


def _unescape(cell: str) -> str:
    """Undo the export's guard against spreadsheet formulas ("'=..." back to "=...")."""
    cell = cell.strip()
    if cell.startswith("'") and cell[1:2] in _FORMULA_START:
        return cell[1:]
    return cell


def _parse_date(cell: str) -> datetime.date | str:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.datetime.strptime(cell, pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    return cell  # left for the checks to refuse with their own words


def _row_data(cells: Mapping[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    """One row's cells as evidence fields, plus problems the cells alone show."""
    problems: list[tuple[str, str]] = []
    data: dict[str, Any] = {}
    for name in CHOICE_WORDS:
        data[name] = choice_value(name, cells.get(name, ""))
    data["title"] = cells.get("title", "")
    data["body"] = cells.get("body", "")
    for name in ("occurred_on", "period_start", "period_end"):
        cell = cells.get(name, "")
        data[name] = _parse_date(cell) if cell else None
    unit = cells.get("unit", "")
    for name in ("value", "baseline"):
        cell = cells.get(name, "").replace(",", "").replace(" ", "")
        if cell.endswith("%"):
            cell = cell[:-1]
            unit = unit or "%"
        data[name] = cell or None
    data["unit"] = unit
    questions: list[int] = []
    for part in re.split(r"[;,\s]+", cells.get("questions", "")):
        if not part:
            continue
        number = as_id(part.lstrip("#Qq"))
        if number is None:
            problems.append(
                (
                    "questions",
                    f"“{part}” is not a question number. Write numbers separated by "
                    "semicolons, like 12; 15.",
                )
            )
            continue
        questions.append(number)
    data["questions"] = questions
    prompts = {key: cells[key] for key in ALL_PROMPT_KEYS if cells.get(key)}
    data["prompts"] = prompts
    return data, problems


def read_rows(upload: UploadedFile[bytes]) -> list[ParsedRow]:
    """The rows of an uploaded CSV file as evidence fields (not yet checked as evidence).

    Raises ``ImportRejected`` for a file that cannot be read, has unknown or missing
    columns, or rows with the wrong number of cells. Cells that cannot be understood are
    left in each row's ``problems``.
    """
    size = upload.size or 0
    if size > MAX_FILE_BYTES:
        raise ImportRejected(
            [
                RowProblem(
                    0,
                    "",
                    f"The file is {filesizeformat(size)}. Import files of up to "
                    f"{filesizeformat(MAX_FILE_BYTES)} (about {MAX_ROWS:,} rows) at a time.",
                )
            ]
        )
    upload.seek(0)
    text = _decode(upload.read())
    if "\x00" in text:
        raise ImportRejected(
            [RowProblem(0, "", "This is not a CSV file. Save your spreadsheet as CSV.")]
        )
    reader = _reader(text)
    try:
        header = next(reader, None)
        if header is None or not any(cell.strip() for cell in header):
            raise ImportRejected([RowProblem(0, "", "The file is empty. Start from the template.")])
        columns = [_normalise(cell) for cell in header]
        unknown = [
            header[i]
            for i, column in enumerate(columns)
            if column and column not in COLUMNS and column not in EXPORT_ONLY_COLUMNS
        ]
        missing = [column for column in REQUIRED_COLUMNS if column not in columns]
        problems = []
        if unknown:
            problems.append(
                RowProblem(
                    1,
                    "",
                    "We do not recognise the column"
                    + ("s " if len(unknown) > 1 else " ")
                    + ", ".join(f"“{name}”" for name in unknown)
                    + ". Use the column names in the template.",
                )
            )
        if missing:
            problems.append(
                RowProblem(
                    1,
                    "",
                    "The file needs the column"
                    + ("s " if len(missing) > 1 else " ")
                    + ", ".join(f"“{name}”" for name in missing)
                    + ".",
                )
            )
        duplicates = sorted({c for c in columns if c and columns.count(c) > 1})
        if duplicates:
            problems.append(
                RowProblem(1, "", "These columns appear twice: " + ", ".join(duplicates) + ".")
            )
        if problems:
            raise ImportRejected(problems)
        rows: list[ParsedRow] = []
        row_problems: list[RowProblem] = []
        for number, cells in enumerate(reader, start=2):
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(columns) and any(c.strip() for c in cells[len(columns) :]):
                row_problems.append(
                    RowProblem(
                        number,
                        "",
                        f"This row has {len(cells)} cells but the header has {len(columns)} "
                        "columns. Check for a stray separator.",
                    )
                )
                continue
            named = {
                column: _unescape(cells[i]) if i < len(cells) else ""
                for i, column in enumerate(columns)
                if column in COLUMNS
            }
            data, problems_here = _row_data(named)
            rows.append(
                ParsedRow(
                    number,
                    data,
                    tuple(RowProblem(number, col, msg) for col, msg in problems_here),
                )
            )
            if len(rows) > MAX_ROWS:
                raise ImportRejected(
                    [
                        RowProblem(
                            0,
                            "",
                            f"The file has more than {MAX_ROWS:,} rows. Split it into smaller "
                            "files and import each.",
                        )
                    ]
                )
    except csv.Error as error:
        raise ImportRejected(
            [
                RowProblem(
                    reader.line_num,
                    "",
                    "This line cannot be read as CSV (check its quotation marks).",
                )
            ]
        ) from error
    if row_problems:
        raise ImportRejected(row_problems)
    if not rows:
        raise ImportRejected([RowProblem(0, "", "The file has a header but no rows of evidence.")])
    return rows


def problems_from(row: int, error: ValidationError) -> list[RowProblem]:
    """A row's ``ValidationError`` (from the evidence checks) as problems with its number."""
    return [
        RowProblem(row, field if field != "__all__" else "", message)
        for field, messages in error.message_dict.items()
        for message in messages
    ]


def clean_rows(upload: UploadedFile[bytes], *, partnership: Partnership) -> list[CleanEvidence]:
    """Every row of an uploaded CSV file as clean evidence for ``partnership``, each
    checked by ``clean_evidence`` exactly as the form and the API check one item.

    Raises ``ImportRejected`` listing each problem with its row number if any row (or
    the file) has one.
    """
    rows = read_rows(upload)
    known = set(partnership.questions.values_list("pk", flat=True))
    cleaned: list[CleanEvidence] = []
    problems: list[RowProblem] = []
    for row in rows:
        problems.extend(row.problems)
        try:
            cleaned.append(
                clean_evidence(row.data, partnership=partnership, partnership_questions=known)
            )
        except ValidationError as error:
            problems.extend(p for p in problems_from(row.row, error) if p not in row.problems)
    if problems:
        raise ImportRejected(problems)
    return cleaned


# --- Writing ------------------------------------------------------------------------------


def _safe(value: object) -> str:
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


_NUMERIC_COLUMNS = frozenset({"id", "value", "baseline"})


def _number(value: Decimal | None) -> str:
    return "" if value is None else format(value.normalize(), "f")


def template_csv() -> str:
    """The import template: the header row only (the import page explains each column)."""
    out = io.StringIO()
    csv.writer(out).writerow(COLUMNS)
    return "\ufeff" + out.getvalue()


def export_rows(items: Iterable[Evidence]) -> Iterator[str]:
    """The items as CSV lines (the header first), for a streaming download.

    Items need their party, submitter, questions and attachments loaded
    (``evidence.selectors.with_details``).
    """
    out = io.StringIO()
    writer = csv.writer(out)

    def flush() -> str:
        line = out.getvalue()
        out.seek(0)
        out.truncate()
        return line

    writer.writerow(EXPORT_COLUMNS)
    yield "\ufeff" + flush()
    for item in items:
        prompts = item.prompts or {}
        values: dict[str, object] = {
            "id": item.pk,
            "party": item.party.organisation.name,
            "kind": item.kind,
            "title": item.title,
            "body": item.body,
            "occurred_on": item.occurred_on.isoformat(),
            "valence": item.valence,
            "attribution": item.attribution,
            "speaker": item.speaker,
            "questions": "; ".join(str(q.pk) for q in item.questions.all()),
            "value": _number(item.value),
            "unit": item.unit,
            "baseline": _number(item.baseline),
            "period_start": item.period_start.isoformat() if item.period_start else "",
            "period_end": item.period_end.isoformat() if item.period_end else "",
            "submitted_by": item.submitted_by.display_name if item.submitted_by else "",
            "submitted_at": timezone.localtime(item.created_at).isoformat(timespec="seconds"),
            "attachments": "; ".join(a.original_name for a in item.attachments.all()),
            **{key: prompts.get(key, "") for key in ALL_PROMPT_KEYS},
        }
        writer.writerow(
            [
                values[column] if column in _NUMERIC_COLUMNS else _safe(values[column])
                for column in EXPORT_COLUMNS
            ]
        )
        yield flush()
