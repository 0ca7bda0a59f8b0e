"""Reading a 360Giving data file: a JSON package, or a CSV or Excel sheet with the
standard's column titles, into checked grants and per-row errors.

The fields LearnHub keeps, their JSON paths and their spreadsheet column titles are
declared once in ``FIELDS``; every format is turned into the same flat mapping and checked
by ``clean_grant``, so JSON, CSV and Excel files agree word for word. Row numbers are the
ones a person sees: in a sheet the header is row 1, so the first grant is row 2; in a JSON
package the first grant is grant 1.

360Giving's own tools (flattentool, the data quality library) need the standard's schema
fetched from its repository, which is not one of the package registries LearnHub builds
from, so the rules LearnHub needs (the standard's required fields and their formats) are
checked here.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from openpyxl import load_workbook


class UnreadableFile(Exception):
    """The file as a whole cannot be read; its message says why in plain words."""


@dataclass(frozen=True)
class Field:
    name: str
    column: str
    json_path: tuple[str, ...]
    label: str
    max_length: int


FIELDS: tuple[Field, ...] = (
    Field("identifier", "Identifier", ("id",), "identifier", 200),
    Field("title", "Title", ("title",), "title", 500),
    Field("description", "Description", ("description",), "description", 10_000),
    Field("currency", "Currency", ("currency",), "currency", 40),
    Field("amount_awarded", "Amount Awarded", ("amountAwarded",), "amount awarded", 40),
    Field("award_date", "Award Date", ("awardDate",), "award date", 40),
    Field(
        "recipient_identifier",
        "Recipient Org:Identifier",
        ("recipientOrganization", "id"),
        "recipient organisation's identifier",
        200,
    ),
    Field(
        "recipient_name",
        "Recipient Org:Name",
        ("recipientOrganization", "name"),
        "recipient organisation's name",
        500,
    ),
    Field(
        "funder_identifier",
        "Funding Org:Identifier",
        ("fundingOrganization", "id"),
        "funding organisation's identifier",
        200,
    ),
    Field(
        "funder_name",
        "Funding Org:Name",
        ("fundingOrganization", "name"),
        "funding organisation's name",
        500,
    ),
)

#: Errors kept per import: enough to fix a file, never a second copy of a huge one.
MAX_ERRORS = 500
#: Grants read from one file.
MAX_ROWS = 200_000

_CURRENCY = re.compile(r"[A-Z]{3}")
_LARGEST_AMOUNT = Decimal("99999999999999.99")


@dataclass(frozen=True)
class CleanGrant:
    identifier: str
    title: str
    description: str
    currency: str
    amount_awarded: Decimal
    award_date: datetime.date
    recipient_identifier: str
    recipient_name: str
    funder_identifier: str
    funder_name: str


@dataclass(frozen=True)
class RawRow:
    number: int
    values: Mapping[str, Any]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _amount(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        text = str(value)
    else:
        text = _text(value).replace(",", "").lstrip("£")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() else None


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def clean_grant(values: Mapping[str, Any]) -> CleanGrant | list[str]:
    """The grant ``values`` describe (keyed by ``Field.name``), or what is wrong with it."""
    problems: list[str] = []
    found: dict[str, Any] = {}
    for field in FIELDS:
        raw = values.get(field.name)
        text = _text(raw)
        if not text:
            problems.append(f"The {field.label} is missing.")
            continue
        if len(text) > field.max_length:
            problems.append(f"The {field.label} is longer than {field.max_length:,} characters.")
            continue
        found[field.name] = raw if field.name in ("amount_awarded", "award_date") else text
    if "currency" in found and not _CURRENCY.fullmatch(found["currency"]):
        problems.append("The currency must be a three-letter code such as GBP.")
    if "amount_awarded" in found:
        amount = _amount(found["amount_awarded"])
        if amount is None or amount < 0 or amount > _LARGEST_AMOUNT:
            problems.append("The amount awarded must be a number of 0 or more, such as 15000.")
        else:
            found["amount_awarded"] = amount.quantize(Decimal("0.01"))
    if "award_date" in found:
        day = _date(found["award_date"])
        if day is None or not 1900 <= day.year <= 2100:
            problems.append("The award date must be a date written as YYYY-MM-DD.")
        else:
            found["award_date"] = day
    if problems:
        return problems
    return CleanGrant(**found)


# --- Formats -------------------------------------------------------------------------------


def file_format(data: bytes) -> str:
    """``json``, ``xlsx`` or ``csv``, judged by the file's content."""
    head = data[:64].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith((b"{", b"[")):
        return "json"
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    return "csv"


def read_rows(data: bytes) -> Iterator[RawRow]:
    """The grants of a 360Giving file, as flat rows; ``UnreadableFile`` when the file as a
    whole is not one."""
    kind = file_format(data)
    if kind == "json":
        return _json_rows(data)
    if kind == "xlsx":
        return _sheet_rows(_xlsx_table(data))
    return _sheet_rows(_csv_table(data))


def _json_rows(data: bytes) -> Iterator[RawRow]:
    try:
        package = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as error:
        raise UnreadableFile(
            "This file is not valid JSON. Check it was saved as a 360Giving JSON file."
        ) from error
    grants = package.get("grants") if isinstance(package, dict) else None
    if not isinstance(grants, list):
        raise UnreadableFile('A 360Giving JSON file must have a list of grants under "grants".')
    if len(grants) > MAX_ROWS:
        raise UnreadableFile(f"The file has more than {MAX_ROWS:,} grants. Split it up.")
    return (RawRow(number, _from_json(grant)) for number, grant in enumerate(grants, start=1))


def _from_json(grant: Any) -> dict[str, Any]:
    if not isinstance(grant, dict):
        return {}
    values: dict[str, Any] = {}
    for field in FIELDS:
        value: Any = grant
        for step in field.json_path:
            if isinstance(value, list):
                value = value[0] if value else None
            value = value.get(step) if isinstance(value, dict) else None
        if isinstance(value, dict | list):
            value = None
        values[field.name] = value
    return values


def _csv_table(data: bytes) -> Iterator[list[Any]]:
    if b"\x00" in data:
        raise UnreadableFile("This file is not a CSV, Excel or JSON file.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            "This CSV file is not saved as UTF-8 text. Save it again as “CSV UTF-8”."
        ) from error
    csv.field_size_limit(1024 * 1024)
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as error:
        raise UnreadableFile(
            "This CSV file could not be read. Check it was saved as CSV."
        ) from error


def _xlsx_table(data: bytes) -> Iterator[list[Any]]:
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as error:
        raise UnreadableFile(
            "This Excel file could not be opened. Save it again as an .xlsx workbook."
        ) from error
    try:
        names = {name.lower(): name for name in workbook.sheetnames}
        sheet = workbook[names.get("grants", workbook.sheetnames[0])]
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    except (KeyError, ValueError, TypeError, IndexError) as error:
        raise UnreadableFile("This Excel file could not be read.") from error
    finally:
        workbook.close()


def _sheet_rows(table: Iterator[list[Any]]) -> Iterator[RawRow]:
    header = next(table, None)
    if header is None:
        raise UnreadableFile("The file is empty.")
    positions = {_text(title).lower(): index for index, title in enumerate(header)}
    missing = [f.column for f in FIELDS if f.column.lower() not in positions]
    if missing:
        raise UnreadableFile(
            "The first row must hold the 360Giving column titles. Missing: "
            + ", ".join(missing)
            + "."
        )
    columns = {f.name: positions[f.column.lower()] for f in FIELDS}
    for number, row in enumerate(table, start=2):
        if number > MAX_ROWS + 1:
            raise UnreadableFile(f"The file has more than {MAX_ROWS:,} grants. Split it up.")
        if not any(_text(cell) for cell in row):
            continue
        yield RawRow(
            number,
            {name: row[index] if index < len(row) else None for name, index in columns.items()},
        )
