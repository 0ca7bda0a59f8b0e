"""The charts on the evidence pages, read as a person would read the page: a statistic's
series, the list's working / not working balance and the coverage chart, each drawing
and describing only what the reader may see, at no more than one extra query."""

import datetime
import re
import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from evidence.models import Evidence
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    SHARE_WITH_PARTIES,
    agree_question,
    build_evidence_scene,
    grant,
    page,
    web_client,
)

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def chart(html: str, element_id: str) -> ET.Element | None:
    """The ``<svg>`` whose id prefix is ``element_id`` in ``html``, parsed, or None."""
    match = re.search(rf'<svg [^>]*aria-labelledby="{element_id}-title".*?</svg>', html, flags=re.S)
    if match is None:
        return None
    return ET.fromstring(match.group(0))  # noqa: S314 - our own page's markup


def words(svg: ET.Element) -> tuple[str, str]:
    title, desc = svg.find(f"{SVG}title"), svg.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    return title.text or "", desc.text or ""


def measure(party: Any, value: str, day: datetime.date, **extra: Any) -> Evidence:
    item: Evidence = EvidenceFactory.create(
        party=party,
        kind=Evidence.Kind.STATISTIC,
        title=extra.pop("title", "Families helped"),
        value=Decimal(value),
        unit=extra.pop("unit", "families"),
        occurred_on=day,
        **extra,
    )
    return item


# --- A statistic's page ---------------------------------------------------------------------


def test_a_statistic_shows_its_measure_over_the_periods_the_reader_may_see() -> None:
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    grant(scene.other_grantee_party, PARTICIPATE)  # takes part, but shares with nobody
    for month, value in ((7, "10"), (8, "12"), (9, "15")):
        measure(scene.grantee_party, value, datetime.date(2026, month, 5))
    october = measure(scene.grantee_party, "18", datetime.date(2026, 10, 3), baseline=Decimal(8))
    # The same measure, written differently, from a grantee that keeps it from the funder:
    # later in October, so it would be October's figure if it counted.
    measure(
        scene.other_grantee_party,
        "99",
        datetime.date(2026, 10, 20),
        title="  families   HELPED ",
        unit="Families",
    )
    measure(scene.grantee_party, "500", datetime.date(2026, 10, 4), title="Meals served")
    measure(scene.grantee_party, "700", datetime.date(2026, 3, 1))  # before the six periods

    response = web_client(scene.funder_member).get(page("evidence-detail", pk=october.pk))

    html = response.content.decode()
    svg = chart(html, f"series-chart-{october.pk}")
    assert svg is not None
    assert svg.get("role") == "img"
    title, desc = words(svg)
    assert title == "Families helped (families)"
    assert desc == (
        "July 2026: 10 families; August 2026: 12 families; September 2026: 15 families; "
        "October 2026: 18 families. Baseline: 8 families."
    )
    drawn = [
        t.text for t in svg.iter(f"{SVG}text") if "brief-chart-value" in (t.get("class") or "")
    ]
    assert drawn == ["10 families", "12 families", "15 families", "18 families"]
    assert "99 families" not in html
    assert "500" not in desc
    assert "This measure over time" in html
    assert desc in html.split("<figcaption", 1)[1]  # the same words, visible on the page

    # The grantee that kept its figure back sees its own, as October's, on its own item.
    own = Evidence.objects.get(value=99)
    response = web_client(scene.other_grantee_member).get(page("evidence-detail", pk=own.pk))
    html = response.content.decode()
    assert "brief-chart" not in html  # one period with a figure: nothing to draw
    assert "This measure over time" not in html


def test_the_statistic_chart_follows_the_consent_the_moment_it_is_given() -> None:
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    grant(scene.other_grantee_party, PARTICIPATE)
    september = measure(scene.other_grantee_party, "30", datetime.date(2026, 9, 9))
    october = measure(scene.grantee_party, "18", datetime.date(2026, 10, 3))
    url = page("evidence-detail", pk=october.pk)
    client = web_client(scene.funder_member)

    assert "brief-chart" not in client.get(url).content.decode()

    grant(scene.other_grantee_party, SHARE_WITH_FUNDER)

    svg = chart(client.get(url).content.decode(), f"series-chart-{october.pk}")
    assert svg is not None
    assert words(svg)[1] == "September 2026: 30 families; October 2026: 18 families."
    assert september.pk


def test_the_series_follows_the_partnerships_brief_periods() -> None:
    scene = build_evidence_scene()
    scene.partnership.brief_cadence = "quarterly"
    scene.partnership.save(update_fields=["brief_cadence"])
    measure(scene.grantee_party, "4", datetime.date(2026, 4, 2))
    measure(scene.grantee_party, "5", datetime.date(2026, 5, 2))  # the quarter's latest
    august = measure(scene.grantee_party, "9", datetime.date(2026, 8, 30))
    measure(scene.grantee_party, "11", datetime.date(2026, 10, 1))  # after the item's quarter

    html = web_client(scene.grantee_member).get(page("evidence-detail", pk=august.pk)).content
    svg = chart(html.decode(), f"series-chart-{august.pk}")

    assert svg is not None
    assert words(svg)[1] == "April to June 2026: 5 families; July to September 2026: 9 families."


def test_a_statistic_page_costs_one_query_more_than_a_story_page(
    django_assert_max_num_queries: Any,
) -> None:
    scene = build_evidence_scene()
    story = EvidenceFactory.create(party=scene.grantee_party)
    for month in range(5, 11):
        figure = measure(scene.grantee_party, str(month), datetime.date(2026, month, 2))
    client = web_client(scene.grantee_member)
    client.get(page("evidence-detail", pk=story.pk))  # sessions and caches warmed

    with CaptureQueriesContext(connection) as story_queries:
        client.get(page("evidence-detail", pk=story.pk))
    with CaptureQueriesContext(connection) as figure_queries:
        response = client.get(page("evidence-detail", pk=figure.pk))

    assert chart(response.content.decode(), f"series-chart-{figure.pk}") is not None
    assert len(figure_queries) == len(story_queries) + 1


# --- The list's balance -----------------------------------------------------------------------


def test_the_list_balance_counts_only_what_the_reader_may_see() -> None:
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    grant(scene.other_grantee_party, PARTICIPATE)  # not shared with the funder
    for valence in ("working", "working", "not_working", "unclear"):
        EvidenceFactory.create(party=scene.grantee_party, valence=valence)
    for _ in range(5):
        EvidenceFactory.create(party=scene.other_grantee_party, valence="mixed")
    url = page("evidence-list", partnership_pk=scene.partnership.pk)

    html = web_client(scene.funder_member).get(url).content.decode()

    svg = chart(html, "balance-chart")
    assert svg is not None
    title, desc = words(svg)
    assert title == "Is it working? All the evidence you can see"
    assert desc == "Working: 2; Not working: 1; Mixed: 0; Unclear: 1. 4 pieces of evidence in all."
    keys = [t.text for t in svg.iter(f"{SVG}text")]
    assert keys == ["Working: 2", "Not working: 1", "Mixed: 0", "Unclear: 1"]
    parts = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "balance-chart-part"]
    assert [p.get("data-label") for p in parts] == ["Working", "Not working", "Unclear"]
    widths = [float(p.get("width") or 0) for p in parts]
    assert abs(widths[0] - 2 * widths[1]) < 0.2
    assert widths[1] == widths[2]

    # The other grantee sees its own five mixed items too.
    svg = chart(web_client(scene.other_grantee_member).get(url).content.decode(), "balance-chart")
    assert svg is not None
    assert "Mixed: 5" in words(svg)[1]

    # Filtered, the bar is over what the filters found.
    html = web_client(scene.funder_member).get(url + "?valence=working").content.decode()
    svg = chart(html, "balance-chart")
    assert svg is not None
    assert words(svg) == (
        "Is it working? The evidence listed here",
        "Working: 2; Not working: 0; Mixed: 0; Unclear: 0. 2 pieces of evidence in all.",
    )


def test_an_empty_list_draws_no_balance() -> None:
    scene = build_evidence_scene()
    EvidenceFactory.create(party=scene.other_grantee_party)  # no consent: seen by nobody else

    html = (
        web_client(scene.funder_member)
        .get(page("evidence-list", partnership_pk=scene.partnership.pk))
        .content.decode()
    )

    assert "There is no evidence here that you can see yet." in html
    assert chart(html, "balance-chart") is None


def test_the_balance_is_the_query_that_counts_the_list() -> None:
    scene = build_evidence_scene()
    client = web_client(scene.grantee_member)
    url = page("evidence-list", partnership_pk=scene.partnership.pk)
    EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for valence in ("working", "mixed", "not_working") * 10:
        EvidenceFactory.create(
            party=scene.grantee_party, valence=valence, questions=[scene.question]
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert "Working: 11" in response.content.decode()
    assert len(many) == len(few)
    balance = [
        q
        for q in many.captured_queries
        if 'FILTER (WHERE "evidence_evidence"."valence"' in q["sql"]
    ]
    assert len(balance) == 1
    # It also counts the list's pages: no other query counts the items.
    assert not [
        q
        for q in many.captured_queries
        if 'SELECT COUNT(*) AS "__count" FROM "evidence_evidence"' in q["sql"]
    ]
    assert "31 items" in response.content.decode()


# --- The coverage page ------------------------------------------------------------------------


def test_the_coverage_chart_shows_the_tables_numbers_and_no_withheld_count() -> None:
    scene = build_evidence_scene()
    grant(scene.grantee_party, SHARE_WITH_FUNDER)
    grant(scene.other_grantee_party, PARTICIPATE)  # not shared with the funder
    for _ in range(3):
        EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    EvidenceFactory.create(party=scene.grantee_party)
    for _ in range(7):
        EvidenceFactory.create(party=scene.other_grantee_party, questions=[scene.question])
    url = page("evidence-coverage", partnership_pk=scene.partnership.pk)

    html = web_client(scene.funder_member).get(url).content.decode()

    svg = chart(html, "coverage-chart")
    assert svg is not None
    title, desc = words(svg)
    assert title == "Evidence you can see, by research question and party"
    grantee = scene.grantee_party.organisation.name
    other = scene.other_grantee_party.organisation.name
    assert f"{scene.question.text}:" in desc
    assert f"Question {scene.question.pk}" not in desc
    assert f"{grantee} 3" in desc
    assert f"{other} not shared with you" in desc
    assert f"Not linked to an agreed question: {scene.funder_party.organisation.name} 0" in desc
    assert f"{grantee} 1" in desc.split("Not linked", 1)[1]
    assert not re.search(r" 7[,.]", desc)
    rows = [
        tuple(t.text for t in row.iter(f"{SVG}text"))
        for row in svg.iter(f"{SVG}g")
        if row.get("class") == "grouped-chart-row"
    ]
    assert (grantee, "3") in rows
    assert (grantee, "1") in rows
    assert rows.count((other, "not shared with you")) == 2  # the question and "not linked"
    assert not any(value == "7" for _, value in rows)
    bars = [r for r in svg.iter(f"{SVG}rect") if r.get("class") == "grouped-chart-bar"]
    assert len(bars) == len([row for row in rows if row[1] != "not shared with you"])

    # The other grantee sees its own seven.
    svg = chart(web_client(scene.other_grantee_member).get(url).content.decode(), "coverage-chart")
    assert svg is not None
    assert f"{other} 7" in words(svg)[1]


def test_the_coverage_page_costs_the_same_queries_for_more_items_and_parties() -> None:
    scene = build_evidence_scene()
    EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question])
    client = web_client(scene.grantee_member)
    url = page("evidence-coverage", partnership_pk=scene.partnership.pk)
    client.get(url)

    with CaptureQueriesContext(connection) as few:
        client.get(url)
    grant(scene.other_grantee_party, PARTICIPATE, SHARE_WITH_PARTIES)
    second = agree_question(scene.partnership, "What stops families asking for help?")
    for _ in range(6):
        EvidenceFactory.create(party=scene.other_grantee_party, questions=[second])
        EvidenceFactory.create(party=scene.grantee_party, questions=[scene.question, second])
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    svg = chart(response.content.decode(), "coverage-chart")
    assert svg is not None
    assert f"{scene.other_grantee_party.organisation.name} 6" in words(svg)[1]
    assert len(many) == len(few)
