"""The grants bench at a small scale: its seed writes searchable grants with COPY, and a
search costs a fixed number of queries (times are never asserted)."""

import pytest

from bench import grants
from grants.models import Grant
from grants.selectors import grants_like, grants_search

pytestmark = [pytest.mark.needs_postgres, pytest.mark.django_db]


def test_the_seed_writes_searchable_grants_once() -> None:
    assert grants.seed_grants(500) == 500
    assert grants.seed_grants(500) == 0

    assert Grant.objects.filter(identifier__startswith=grants.PREFIX).count() == 500
    assert grants_search(text="young carers").count() > 0
    assert len(grants_like(texts=grants.PARTNERSHIP_TEXTS[0], limit=10)) == 10


def test_the_measurement_reports_each_target() -> None:
    grants.seed_grants(300)

    result = grants.measure(rounds=1)
    targets = grants.targets(result)

    assert result["grants"] == 300
    assert result["search"]["requests"] == len(grants.SEARCHES)
    assert result["search"]["queries"] <= grants.MAX_QUERIES
    assert result["similar"]["runs"] == result["similar_cached"]["runs"] == 3
    assert [t["goal"] for t in targets] == [
        "< 200 ms",
        "< 200 ms",
        "< 200 ms",
        f"≤ {grants.MAX_QUERIES}",
    ]
