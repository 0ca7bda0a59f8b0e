"""Figures in a brief keep what the evidence says about them (``explanation``), carry the
measure's value in the brief's period and the five before (``series``), drawn as an
accessible chart, and near-duplicate measures are shown together (``similar_group``).
Expectations are written by hand from the small data sets each test builds."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest

from evidence.models import InsightBrief
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import (
    api,
    brief_scene,
    client_for,
    drafted,
    statistic,
)
from tests.evidence.test_brief_findings import _list_queries
from tests.evidence.test_brief_pages import browser, page

pytestmark = pytest.mark.django_db

REMINDERS = (
    "Fewer people came back after we stopped sending text reminders. "
    "We will start them again in November. "
    "The phone company changed its prices in the summer, and the reminders cost three "
    "times as much, so we paused them while we looked for money. A volunteer has offered "
    "to ring people instead, which some older visitors prefer to a text message."
)


def _day(month: int, day: int = 10) -> datetime.date:
    return datetime.date(2026, month, day)


def _body(scene, brief):  # type: ignore[no-untyped-def]
    return client_for(scene.lp_member).get(api("brief-detail", pk=brief.pk)).json()


def _figures(body, question=None):  # type: ignore[no-untyped-def]
    section = next(s for s in body["sections"] if s["question"] == question)
    return section["statistics"]


def test_a_figure_keeps_its_explanation_in_whole_sentences():
    scene = brief_scene()
    item = statistic(
        scene.grantee_party,
        "People who booked again",
        "38",
        "%",
        body=REMINDERS,
        baseline="52",
    )

    [figure] = _figures(_body(scene, drafted(scene)))

    assert figure["evidence"] == item.pk
    # The first three sentences take 242 characters; with the fourth (99) it would be 342,
    # over 300, so the fourth is left out whole rather than cut.
    assert figure["explanation"] == (
        "Fewer people came back after we stopped sending text reminders. "
        "We will start them again in November. "
        "The phone company changed its prices in the summer, and the reminders cost three "
        "times as much, so we paused them while we looked for money."
    )


def test_a_figure_without_words_has_no_explanation_and_one_long_sentence_is_cut_at_a_word():
    scene = brief_scene()
    statistic(scene.grantee_party, "Meals served", "120", "meals")
    long_sentence = "We served " + "hot and cold meals, " * 30 + "every day."
    statistic(scene.grantee2_party, "Visits", "40", "visits", body=long_sentence)

    figures = {f["measure"]: f for f in _figures(_body(scene, drafted(scene)))}

    assert figures["Meals served"]["explanation"] is None
    cut = figures["Visits"]["explanation"]
    assert cut.endswith("…")
    assert len(cut) <= 301
    assert long_sentence.startswith(cut[:-1])
    assert long_sentence[len(cut) - 1] in " ,"  # cut between words, not inside one


def test_a_series_covers_the_brief_period_and_the_five_before_from_the_first_figure():
    scene = brief_scene()
    march = statistic(
        scene.grantee_party, "People who booked again", "60", "%", occurred_on=_day(3)
    )
    may = statistic(scene.grantee_party, "People who booked again", "45", "%", occurred_on=_day(5))
    june_early = statistic(
        scene.grantee_party, "People who booked again", "47", "%", occurred_on=_day(6, 2)
    )
    june = statistic(
        scene.grantee_party, "People who booked again", "44", "%", occurred_on=_day(6, 20)
    )
    # Nothing in July.
    august = statistic(
        scene.grantee_party, "people who booked AGAIN", "41", "%", occurred_on=_day(8)
    )
    september = statistic(
        scene.grantee_party, "People who booked again", "40", "%", occurred_on=_day(9)
    )
    october = statistic(
        scene.grantee_party, "People who booked again", "38", "%", occurred_on=_day(10)
    )
    # Another measure's earlier figures are not this one's.
    statistic(scene.grantee_party, "Volunteer hours", "12", "hours", occurred_on=_day(6))

    brief = drafted(scene)
    body = _body(scene, brief)
    [figure] = _figures(body)

    def month(start, end, value, item):  # type: ignore[no-untyped-def]
        return {
            "period_start": start,
            "period_end": end,
            "value": value,
            "evidence": item.pk if item else None,
        }

    assert figure["series"] == [
        month("2026-05-01", "2026-05-31", "45", may),
        month("2026-06-01", "2026-06-30", "44", june),
        month("2026-07-01", "2026-07-31", None, None),
        month("2026-08-01", "2026-08-31", "41", august),
        month("2026-09-01", "2026-09-30", "40", september),
        month("2026-10-01", "2026-10-31", "38", october),
    ]
    # March is seven periods back: outside the series. The figures a series shows from
    # before the brief's period are compared, not cited.
    compared = set(brief.compared_evidence.values_list("pk", flat=True))
    assert {may.pk, june.pk, august.pk, september.pk} <= compared
    assert march.pk not in compared
    assert june_early.pk not in compared
    assert body["cited_evidence"] == [october.pk]


def test_a_series_shows_only_figures_consent_allows_and_a_withdrawal_takes_them_out_at_once():
    scene = brief_scene()
    ours = statistic(scene.grantee_party, "Families helped", "30", "families", occurred_on=_day(10))
    theirs = statistic(
        scene.grantee2_party, "Families helped", "25", "families", occurred_on=_day(8)
    )
    brief = drafted(scene)
    [figure] = _figures(_body(scene, brief))
    assert [p["evidence"] for p in figure["series"]] == [theirs.pk, None, ours.pk]

    decide(scene.grantee2_party, "participate", "withdraw")

    body = _body(scene, brief)
    [figure] = _figures(body)
    assert [p["evidence"] for p in figure["series"]] == [ours.pk]
    assert theirs.pk not in body["cited_evidence"]


def test_near_duplicate_measures_are_shown_together_and_said_once():
    scene = brief_scene()
    statistic(scene.grantee_party, "People who booked a second visit", "38", "%", baseline="52")
    statistic(scene.grantee2_party, "second visit booked, people", "41", "per cent", baseline="50")
    statistic(scene.grantee_party, "Meals served", "120", "meals")
    statistic(scene.grantee_party, "Number of people who booked", "200", "people")

    body = _body(scene, drafted(scene))
    figures = _figures(body)

    assert [(f["measure"], f["similar_group"]) for f in figures] == [
        ("Meals served", None),
        ("Number of people who booked", None),  # people, not a percentage
        ("People who booked a second visit", 1),
        ("second visit booked, people", 1),
    ]
    figure_findings = [f["text"] for f in body["sections"][0]["findings"] if f["kind"] == "figure"]
    assert not any("second visit booked" in text for text in figure_findings)
    assert any(text.startswith("People who booked a second visit fell") for text in figure_findings)

    html = browser(scene.lp_member).get(page("brief-detail", drafted(scene).pk)).content.decode()
    assert "These 2 measures are nearly the same, so they are shown together." in html


def test_the_chart_has_a_text_alternative_and_the_exports_keep_the_words():
    scene = brief_scene()
    statistic(scene.grantee_party, "People who booked again", "45", "%", occurred_on=_day(9))
    item = statistic(
        scene.grantee_party, "People who booked again", "38", "%", body=REMINDERS, baseline="52"
    )
    brief = drafted(scene)

    html = browser(scene.lp_member).get(page("brief-detail", brief.pk)).content.decode()
    [svg_text] = re.findall(
        r"<svg[^>]*class=\"brief-chart brief-chart--360\".*?</svg>", html, flags=re.S
    )
    svg = ET.fromstring(svg_text)  # noqa: S314 - the product's own markup, in a test
    ns = {"s": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img"
    assert svg.findtext("s:title", namespaces=ns) == "People who booked again (%)"
    assert (
        svg.findtext("s:desc", namespaces=ns)
        == "September 2026: 45%; October 2026: 38%. Baseline: 52%."
    )
    assert "Fewer people came back after we stopped sending text reminders." in html

    client = client_for(scene.lp_member)
    markdown = client.get(api("brief-export", pk=brief.pk), {"format": "md"}).content.decode()
    assert "  Fewer people came back after we stopped sending text reminders. " in markdown
    assert "  Over time: September 2026: 45%; October 2026: 38%." in markdown
    # The figure's line ends with its evidence, linked.
    assert re.search(
        rf"^- \*\*People who booked again\*\*: 38% \(baseline 52%, change -14\).* — "
        rf"\[evidence {item.pk}\]\(",
        markdown,
        flags=re.M,
    )


def _stored_before_series(brief):  # type: ignore[no-untyped-def]
    sections = [
        {
            **s,
            "statistics": [
                {k: v for k, v in f.items() if k not in ("series", "explanation", "similar_group")}
                for f in s["statistics"]
            ],
        }
        for s in brief.sections
    ]
    InsightBrief.objects.filter(pk=brief.pk).update(sections=sections)


def test_briefs_stored_before_series_are_read_with_them_at_a_fixed_cost(
    django_assert_max_num_queries,
):
    scene = brief_scene()
    statistic(scene.grantee_party, "Families helped", "30", "families", body=REMINDERS)
    _stored_before_series(drafted(scene))
    one, body = _list_queries(scene, django_assert_max_num_queries)
    figure = body["results"][0]["sections"][0]["statistics"][0]
    assert figure["explanation"].startswith("Fewer people came back")
    assert [p["value"] for p in figure["series"]] == ["30"]

    for period in ((datetime.date(2026, 8, 1), datetime.date(2026, 8, 31)),):
        statistic(scene.grantee_party, "Families helped", "20", "families", occurred_on=_day(8))
        _stored_before_series(drafted(scene, period))
    two, body = _list_queries(scene, django_assert_max_num_queries)
    assert body["count"] == 2
    assert two == one
