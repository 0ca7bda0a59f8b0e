"""Building 360Giving files for the grants tests."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from openpyxl import Workbook

from grants.standard import FIELDS

COLUMNS = [field.column for field in FIELDS]


def grant_row(n: int, **changes: str) -> dict[str, str]:
    """A valid grant, keyed by 360Giving column title."""
    row = {
        "Identifier": f"360G-TEST-{n:04d}",
        "Title": f"Respite breaks for young carers {n}",
        "Description": "Short breaks and peer support for young carers in Leeds.",
        "Currency": "GBP",
        "Amount Awarded": "15000",
        "Award Date": "2025-03-01",
        "Recipient Org:Identifier": f"GB-CHC-{1000 + n}",
        "Recipient Org:Name": f"Carers Trust {n}",
        "Funding Org:Identifier": "GB-CHC-9999",
        "Funding Org:Name": "Test Foundation",
    }
    row.update(changes)
    return row


def csv_bytes(rows: list[dict[str, str]], columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue().encode()


def xlsx_bytes(rows: list[dict[str, Any]]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "grants"
    sheet.append(COLUMNS)
    for row in rows:
        sheet.append([row[column] for column in COLUMNS])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def json_bytes(rows: list[dict[str, str]]) -> bytes:
    grants = [
        {
            "id": row["Identifier"],
            "title": row["Title"],
            "description": row["Description"],
            "currency": row["Currency"],
            "amountAwarded": float(row["Amount Awarded"]) if row["Amount Awarded"] else None,
            "awardDate": row["Award Date"],
            "recipientOrganization": [
                {"id": row["Recipient Org:Identifier"], "name": row["Recipient Org:Name"]}
            ],
            "fundingOrganization": [
                {"id": row["Funding Org:Identifier"], "name": row["Funding Org:Name"]}
            ],
        }
        for row in rows
    ]
    return json.dumps({"grants": grants}).encode()
