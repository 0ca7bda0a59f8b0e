"""The demo's 360Giving sample: the committed file is what the command writes, it is in
the standard's columns, and the demo imports it once."""

import csv
import io

import pytest

from demo.sample_grants import SAMPLE_CSV, sample_csv, seed_sample_grants
from grants.models import Grant, GrantImport
from grants.selectors import grants_like
from grants.standard import FIELDS
from tests.partnerships.factories import UserFactory


def test_the_committed_sample_is_what_the_command_writes() -> None:
    assert SAMPLE_CSV.read_text(encoding="utf-8") == sample_csv()


def test_the_sample_has_fifty_grants_in_the_standard_columns() -> None:
    rows = list(csv.DictReader(io.StringIO(SAMPLE_CSV.read_text(encoding="utf-8"))))

    assert len(rows) == 50
    assert list(rows[0]) == [field.column for field in FIELDS]
    assert len({row["Identifier"] for row in rows}) == 50
    assert {row["Currency"] for row in rows} == {"GBP"}


@pytest.mark.django_db
def test_the_demo_imports_the_sample_once_and_similar_work_finds_it() -> None:
    operator = UserFactory.create(is_staff=True)

    assert seed_sample_grants(by=operator) == 50
    assert seed_sample_grants(by=operator) == 50

    assert GrantImport.objects.count() == 1
    assert Grant.objects.count() == 50
    found = grants_like(
        texts=["Learning how Hillcrest's respite days and school support help young carers."]
    )
    assert "young carers" in found[0].grant.title
    assert found[0].reason.startswith("Shares: young carers")
