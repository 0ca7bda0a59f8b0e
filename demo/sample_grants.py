"""A small 360Giving file of made-up but plausible UK grants, for the demo and the tests.

``write_sample_grants`` (``manage.py write_sample_grants``) writes it to ``SAMPLE_CSV``,
which is committed; ``seed_sample_grants`` imports it through the grants services, as an
operator's upload would be. The grants, funders and recipients are invented: the
identifiers use made-up registration numbers.
"""

from __future__ import annotations

import csv
import datetime
import io
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import User
from grants.models import Grant
from grants.services import grant_import_run, grant_import_start
from grants.standard import FIELDS

SAMPLE_CSV = Path(__file__).resolve().parent / "data" / "360giving-sample-grants.csv"

PLACES = ("Leeds", "Bradford", "Hull", "Sheffield", "York")

FUNDERS = (
    ("GB-CHC-1190001", "Northern Lights Community Trust", "NLCT"),
    ("GB-CHC-1190002", "Harbour Foundation", "HF"),
    ("GB-CHC-1190003", "Millbrook Charitable Trust", "MCT"),
)

# (title, description, recipient), each with {place}.
THEMES = (
    (
        "Respite breaks for young carers in {place}",
        "Day trips, short breaks and peer support so young carers aged 8 to 18 in {place} "
        "get time to rest and have fun.",
        "{place} Young Carers Network",
    ),
    (
        "School support for young carers in {place}",
        "A young carers lead works with schools in {place} so teachers understand caring "
        "roles and pupils keep up with lessons.",
        "{place} Carers Centre",
    ),
    (
        "Benefits advice at {place} food bank",
        "An adviser at the food bank helps households claim the benefits they are owed, so "
        "fewer need emergency food parcels again.",
        "{place} Food Bank",
    ),
    (
        "Emergency food parcels and referrals in {place}",
        "Food parcels with same-day referrals to debt and housing advice for households in crisis.",
        "{place} Community Pantry",
    ),
    (
        "Debt and money advice drop-ins in {place}",
        "Weekly drop-in sessions where volunteers help people deal with debt, energy bills "
        "and benefits claims.",
        "{place} Money Matters",
    ),
    (
        "Creative arts sessions for older people in {place}",
        "Painting, music and drama groups that reduce loneliness among older people living alone.",
        "{place} Arts for All",
    ),
    (
        "Community football for young people in {place}",
        "Free weekly football coaching and mentoring for young people aged 11 to 16.",
        "{place} Youth Sport",
    ),
    (
        "Community garden in {place}",
        "Volunteers turn unused land into a garden growing fruit and vegetables and bringing "
        "neighbours together.",
        "{place} Green Spaces Trust",
    ),
    (
        "Peer support for mental health in {place}",
        "Trained peer supporters run groups for adults living with anxiety and depression.",
        "{place} Mind Matters",
    ),
    (
        "Digital skills for job seekers in {place}",
        "Laptops, data and one-to-one coaching so people can apply for jobs and manage "
        "benefits online.",
        "{place} Digital Access",
    ),
)


def sample_rows() -> list[dict[str, str]]:
    """The sample's grants, keyed by 360Giving column title: ten kinds of work in five
    places, funded by three trusts."""
    rows = []
    for theme_index, (title, description, recipient) in enumerate(THEMES):
        for place_index, place in enumerate(PLACES):
            number = theme_index * len(PLACES) + place_index
            funder_id, funder_name, prefix = FUNDERS[number % len(FUNDERS)]
            awarded = datetime.date(2024, 1, 15) + datetime.timedelta(days=(number * 13) % 700)
            values = {
                "identifier": f"360G-{prefix}-{awarded.year}-{number + 1:03d}",
                "title": title.format(place=place),
                "description": description.format(place=place),
                "currency": "GBP",
                "amount_awarded": str(5000 + (number * 7919 % 46) * 1000),
                "award_date": awarded.isoformat(),
                "recipient_identifier": f"GB-CHC-{1180000 + number * 37}",
                "recipient_name": recipient.format(place=place),
                "funder_identifier": funder_id,
                "funder_name": funder_name,
            }
            rows.append({field.column: values[field.name] for field in FIELDS})
    return rows


def sample_csv() -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=[field.column for field in FIELDS], lineterminator="\n")
    writer.writeheader()
    writer.writerows(sample_rows())
    return out.getvalue()


def write_sample_grants(path: Path = SAMPLE_CSV) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sample_csv(), encoding="utf-8")
    return path


def seed_sample_grants(*, by: User) -> int:
    """Import the committed sample file as ``by`` (an operator) unless its grants are
    already there; the number of sample grants afterwards."""
    identifiers = [row["Identifier"] for row in sample_rows()]
    if Grant.objects.filter(identifier__in=identifiers).count() < len(identifiers):
        upload = SimpleUploadedFile(SAMPLE_CSV.name, SAMPLE_CSV.read_bytes(), "text/csv")
        grant_import = grant_import_start(by=by, upload=upload)
        grant_import_run(import_id=grant_import.pk)
    return Grant.objects.filter(identifier__in=identifiers).count()
