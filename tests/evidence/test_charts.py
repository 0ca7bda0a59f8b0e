"""The server-rendered SVG charts: what they draw, what they say in words, and that they
stay well-formed and escaped whatever the figures."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal
from typing import Any

import pytest

from evidence.charts import (
    BALANCE_COLOURS,
    COLUMN_COLOUR,
    balance_chart,
    bar_chart,
    grouped_count_chart,
    series_chart,
)

SVG = "{http://www.w3.org/2000/svg}"
MONTHS = [
    ("2026-05-01", "2026-05-31"),
    ("2026-06-01", "2026-06-30"),
    ("2026-07-01", "2026-07-31"),
    ("2026-08-01", "2026-08-31"),
    ("2026-09-01", "2026-09-30"),
    ("2026-10-01", "2026-10-31"),
]


def statistic(
    values: list[str | None],
    periods: list[tuple[str, str]] | None = None,
    *,
    baseline: str | None = None,
    unit: str = "%",
    measure: str = "People who booked a second visit",
) -> dict[str, Any]:
    return {
        "measure": measure,
        "unit": unit,
        "value": values[-1] if values else None,
        "baseline": baseline,
        "evidence": 17,
        "series": [
            {
                "period_start": start,
                "period_end": end,
                "value": value,
                "evidence": None if value is None else 3,
            }
            for value, (start, end) in zip(
                values, MONTHS[: len(values)] if periods is None else periods, strict=True
            )
        ],
    }


def parse(svg: str) -> ET.Element:
    assert svg, "expected a chart"
    return ET.fromstring(svg)  # noqa: S314 - our own markup, parsed to check it


def by_class(root: ET.Element, name: str) -> list[ET.Element]:
    return [e for e in root.iter() if name in (e.get("class") or "").split()]


def texts(root: ET.Element, name: str) -> list[str]:
    return [e.text or "" for e in by_class(root, name)]


def labels(root: ET.Element) -> list[tuple[str, ...]]:
    return [
        tuple(t.text or "" for t in group.iter(f"{SVG}text"))
        for group in by_class(root, "brief-chart-label")
    ]


def columns(root: ET.Element) -> list[ET.Element]:
    return by_class(root, "brief-chart-column")


def number(element: ET.Element, attribute: str) -> float:
    return float(element.get(attribute) or "nan")


def test_monthly_series_with_baseline() -> None:
    root = parse(
        series_chart(
            statistic(["45", None, "40", "20", "33", "38"], baseline="52"),
            chart_id="chart-12-0-1",
        )
    )

    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-12-0-1-title"
    assert root.get("aria-describedby") == "chart-12-0-1-desc"
    assert root.get("focusable") == "false"
    assert root.get("class") == "brief-chart brief-chart--360"
    assert root.get("viewBox", "").split()[2] == "360"
    assert root.get("width") == "100%"
    assert root.get("style") is None  # no inline style under the Content-Security-Policy
    assert root.get("class") == "brief-chart brief-chart--360"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.get("id") == "chart-12-0-1-title"
    assert title.text == "People who booked a second visit (%)"
    assert desc.get("id") == "chart-12-0-1-desc"
    assert desc.text == (
        "May 2026: 45%; June 2026: no figure; July 2026: 40%; August 2026: 20%; "
        "September 2026: 33%; October 2026: 38%. Baseline: 52%."
    )
    assert labels(root) == [
        ("May", "2026"),
        ("Jun", "2026"),
        ("Jul", "2026"),
        ("Aug", "2026"),
        ("Sep", "2026"),
        ("Oct", "2026"),
    ]
    assert len(columns(root)) == 5
    assert texts(root, "brief-chart-value") == ["45%", "40%", "20%", "33%", "38%"]
    assert texts(root, "brief-chart-no-figure") == ["–"]
    # The dash sits in June's place: the second of the six period groups.
    periods = by_class(root, "brief-chart-period")
    assert len(periods) == 6
    assert by_class(periods[1], "brief-chart-no-figure")
    assert not by_class(periods[1], "brief-chart-column")
    (line,) = by_class(root, "brief-chart-baseline")
    assert line.get("stroke-dasharray")
    assert number(line, "y1") == number(line, "y2")
    assert texts(root, "brief-chart-baseline-label") == ["Baseline 52%"]
    # The baseline is the highest figure: its line is above every column's top.
    assert all(number(line, "y1") <= number(c, "y") for c in columns(root))
    # Every text is at least 12 units high.
    sizes = [float(e.get("font-size") or "0") for e in root.iter() if e.get("font-size")]
    assert sizes
    assert min(sizes) >= 12


def test_column_heights_are_proportional_and_the_newest_stands_out() -> None:
    root = parse(series_chart(statistic(["10", "40", "20", "30"], MONTHS[:4]), chart_id="chart-1"))

    heights = [number(c, "height") for c in columns(root)]
    assert abs(heights[1] - 2 * heights[2]) <= 1
    assert abs(heights[1] - 4 * heights[0]) <= 1
    assert abs(3 * heights[2] - 2 * heights[3]) <= 1
    # All stand on the same zero line.
    (zero,) = by_class(root, "brief-chart-zero")
    assert {round(number(c, "y") + number(c, "height"), 1) for c in columns(root)} == {
        number(zero, "y1")
    }
    fills = [c.get("fill") for c in columns(root)]
    assert fills == ["#1d70b8", "#1d70b8", "#1d70b8", "#0b0c0c"]
    assert "brief-chart-current" in (columns(root)[-1].get("class") or "")
    assert [g.get("font-weight") for g in by_class(root, "brief-chart-label")] == [
        "normal",
        "normal",
        "normal",
        "bold",
    ]


def test_negative_and_zero_values_draw_from_the_zero_line() -> None:
    root = parse(series_chart(statistic(["-5", "0", "10"], MONTHS[:3]), chart_id="chart-2"))

    negative, nought, positive = columns(root)
    (zero,) = by_class(root, "brief-chart-zero")
    zero_y = number(zero, "y1")
    for element in root.iter():
        for attribute in ("width", "height"):
            if element.get(attribute) not in (None, "100%"):
                assert number(element, attribute) >= 0
    assert number(negative, "y") == zero_y  # hangs below the zero line
    assert number(positive, "y") + number(positive, "height") == zero_y
    assert number(nought, "height") == 0
    assert abs(2 * number(negative, "height") - number(positive, "height")) <= 1
    values = by_class(root, "brief-chart-value")
    assert [v.text for v in values] == ["-5%", "0%", "10%"]
    assert number(values[0], "y") > zero_y  # the negative value is written below it
    assert number(values[2], "y") < zero_y


def test_all_zero_values_draw_without_dividing_by_zero() -> None:
    root = parse(series_chart(statistic(["0", "0", "0"], MONTHS[:3]), chart_id="chart-3"))

    assert [number(c, "height") for c in columns(root)] == [0, 0, 0]
    assert texts(root, "brief-chart-value") == ["0%", "0%", "0%"]

    root = parse(series_chart(statistic(["0", "0"], MONTHS[:2], baseline="0"), chart_id="c"))
    assert texts(root, "brief-chart-baseline-label") == ["Baseline 0%"]


def test_quarterly_labels() -> None:
    quarters = [("2026-01-01", "2026-03-31"), ("2026-04-01", "2026-06-30")]
    quarters.append(("2026-07-01", "2026-09-30"))
    root = parse(
        series_chart(statistic(["12", "15", "9"], quarters, unit="families"), chart_id="q")
    )

    assert labels(root) == [("Jan–Mar", "2026"), ("Apr–Jun", "2026"), ("Jul–Sep", "2026")]
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "January to March 2026: 12 families; April to June 2026: 15 families; "
        "July to September 2026: 9 families."
    )
    # Three columns leave room for the unit beside each value.
    assert texts(root, "brief-chart-value") == ["12 families", "15 families", "9 families"]


def test_weekly_labels_name_the_first_day() -> None:
    weeks = [("2025-12-29", "2026-01-04"), ("2026-01-05", "2026-01-11")]
    weeks.append(("2026-01-26", "2026-02-01"))
    root = parse(series_chart(statistic(["3", "4", "5"], weeks), chart_id="w"))

    assert labels(root) == [("29 Dec", "2025"), ("5 Jan", "2026"), ("26 Jan", "2026")]
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "29 December 2025 to 4 January 2026: 3%; 5 to 11 January 2026: 4%; "
        "26 January to 1 February 2026: 5%."
    )


def test_a_long_unit_moves_to_the_title_when_the_columns_are_narrow() -> None:
    six = parse(
        series_chart(
            statistic(["120", "130", "110", "90", "100", "125"], unit="households"),
            chart_id="h",
        )
    )
    two = parse(series_chart(statistic(["120", "125"], unit="households"), chart_id="h"))

    assert texts(six, "brief-chart-value") == ["120", "130", "110", "90", "100", "125"]
    title = six.find(f"{SVG}title")
    assert title is not None
    assert title.text == "People who booked a second visit (households)"
    desc = six.find(f"{SVG}desc")
    assert desc is not None
    assert "May 2026: 120 households;" in (desc.text or "")
    assert texts(two, "brief-chart-value") == ["120 households", "125 households"]


def test_the_baseline_label_moves_off_the_newest_value() -> None:
    root = parse(
        series_chart(statistic(["10", "20", "30", "40", "45", "50"], baseline="50"), chart_id="b")
    )

    (label,) = by_class(root, "brief-chart-baseline-label")
    newest = by_class(root, "brief-chart-value")[-1]
    assert newest.text == "50%"
    # The newest value is written at the right end, just above the baseline, so the
    # label goes to the left end instead.
    assert label.get("text-anchor") == "start"
    assert number(label, "x") < 50


def test_fewer_than_two_numbers_draw_nothing() -> None:
    assert series_chart(statistic(["45"], MONTHS[:1]), chart_id="c") == ""
    assert series_chart(statistic(["45", None, "abc"], MONTHS[:3]), chart_id="c") == ""
    assert series_chart(statistic([], [], baseline="52"), chart_id="c") == ""
    assert series_chart({"measure": "No series", "unit": "%"}, chart_id="c") == ""
    # One value beside its baseline is no change over time: the sentence says it all.
    assert series_chart(statistic(["45"], MONTHS[:1], baseline="52"), chart_id="c") == ""
    root = parse(series_chart(statistic(["45", "40"], MONTHS[:2], baseline="52"), chart_id="c"))
    assert len(columns(root)) == 2


def test_an_invalid_value_is_no_figure() -> None:
    root = parse(
        series_chart(statistic(["45", "abc", "40", "1e3", "NaN"], MONTHS[:5]), chart_id="c")
    )

    assert texts(root, "brief-chart-value") == ["45%", "40%"]
    assert len(by_class(root, "brief-chart-no-figure")) == 3
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "May 2026: 45%; June 2026: no figure; July 2026: 40%; August 2026: no figure; "
        "September 2026: no figure."
    )


def test_text_is_escaped() -> None:
    measure = "<script>alert(1)</script> & co"
    svg = series_chart(
        statistic(["1", "2"], measure=measure, unit='"<b>"'), chart_id='x" onload="y'
    )

    assert "<script" not in svg
    assert "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in svg
    root = parse(svg)
    assert root.get("onload") is None
    title = root.find(f"{SVG}title")
    assert title is not None
    assert title.text == f'{measure} ("<b>")'
    # The id is made usable in id and aria-labelledby attributes.
    ids = {e.get("id") for e in root.iter() if e.get("id")}
    assert {root.get("aria-labelledby"), root.get("aria-describedby")} <= ids
    assert all(" " not in i and '"' not in i for i in ids if i)


def test_bar_chart() -> None:
    svg = bar_chart(
        chart_id="chart-9",
        title="Visits (%)",
        description="Baseline: 52%; Previous period: 40%; This period: 20%",
        bars=[
            ("Baseline", Decimal("52"), True),
            ("Previous period", Decimal("40"), False),
            ("Not reported", None, False),
            ("This period", Decimal("20"), False),
        ],
        unit="%",
    )
    root = parse(svg)

    rows = by_class(root, "brief-chart-bar")
    assert [[t.text for t in row.iter(f"{SVG}text")] for row in rows] == [
        ["Baseline", "52%"],
        ["Previous period", "40%"],
        ["Not reported", "no figure"],
        ["This period", "20%"],
    ]
    bars = [row.find(f"{SVG}rect") for row in rows]
    assert bars[2] is None
    baseline, previous, current = (b for b in bars if b is not None)
    assert baseline.get("fill") == "url(#chart-9-hatch)"
    assert previous.get("fill") == current.get("fill") == "#0b0c0c"
    pattern = root.find(f"{SVG}defs/{SVG}pattern")
    assert pattern is not None
    assert pattern.get("id") == "chart-9-hatch"
    assert abs(number(previous, "width") - 2 * number(current, "width")) <= 1
    desc, title = root.find(f"{SVG}desc"), root.find(f"{SVG}title")
    assert desc is not None
    assert title is not None
    assert desc.text == "Baseline: 52%; Previous period: 40%; This period: 20%"
    assert title.text == "Visits (%)"
    assert root.get("aria-labelledby") == "chart-9-title"
    assert root.get("aria-describedby") == "chart-9-desc"

    one = bar_chart(
        chart_id="c", title="t", description="d", bars=[("Only", Decimal(1), False)], unit=""
    )
    assert one == ""


# --- The balance bar and the grouped counts ---------------------------------------------------

BALANCE = [("Working", 6), ("Not working", 2), ("Mixed", 0), ("Unclear", 1)]


def test_balance_chart_draws_each_part_by_its_share_and_names_every_count() -> None:
    root = parse(balance_chart(chart_id="balance 1", title="Is it working?", parts=BALANCE))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "balance-1-title"
    assert root.get("aria-describedby") == "balance-1-desc"
    assert root.get("viewBox", "").split()[2] == "360"
    assert root.get("width") == "100%"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title is not None
    assert desc is not None
    assert title.text == "Is it working?"
    assert desc.text == "Working: 6; Not working: 2; Mixed: 0; Unclear: 1. 9 items in all."
    # Every count is written in the key, the part of zero included.
    assert texts(root, "balance-chart-value") == [
        "Working: 6",
        "Not working: 2",
        "Mixed: 0",
        "Unclear: 1",
    ]
    parts = by_class(root, "balance-chart-part")
    assert [p.get("data-label") for p in parts] == ["Working", "Not working", "Unclear"]
    widths = [number(p, "width") for p in parts]
    assert abs(widths[0] - 3 * widths[1]) <= 0.2
    assert abs(widths[1] - 2 * widths[2]) <= 0.2
    assert abs(sum(widths) - (360 - 12)) <= 0.3  # the whole bar, edge to edge
    # Parts follow one another from the left.
    assert number(parts[1], "x") == pytest.approx(number(parts[0], "x") + widths[0], abs=0.11)
    fills = [p.get("fill") for p in parts]
    assert len(set(fills)) == 3
    # Every key swatch sits just left of its words (colour is never the only carrier).
    for key in by_class(root, "balance-chart-key"):
        swatch, words = key.find(f"{SVG}rect"), key.find(f"{SVG}text")
        assert swatch is not None
        assert words is not None
        assert number(words, "x") == number(swatch, "x") + 20
    height = float(root.get("viewBox", "").split()[3])
    assert all(number(t, "y") <= height for t in root.iter(f"{SVG}text"))
    assert min(float(t.get("font-size") or 0) for t in root.iter(f"{SVG}text")) >= 14


@pytest.mark.parametrize("colour", BALANCE_COLOURS + (COLUMN_COLOUR,))
def test_chart_colours_stand_out_from_white(colour: str) -> None:
    def luminance(hex_colour: str) -> float:
        channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (1.05) / (luminance(colour) + 0.05) >= 4.5


def test_balance_chart_is_empty_when_there_is_nothing_to_count() -> None:
    assert balance_chart(chart_id="b", title="t", parts=[("Working", 0), ("Mixed", 0)]) == ""
    assert balance_chart(chart_id="b", title="t", parts=[]) == ""
    one = parse(balance_chart(chart_id="b", title="t", parts=[("Working", 0), ("Mixed", 4)]))
    (part,) = by_class(one, "balance-chart-part")
    assert number(part, "width") == 348


def test_balance_chart_escapes_labels_and_has_no_script() -> None:
    svg = balance_chart(
        chart_id="b", title="<script>alert(1)</script>", parts=[("A & <b>", 1), ("B", 2)]
    )
    root = parse(svg)

    assert "<script" not in svg
    assert not list(root.iter(f"{SVG}script"))
    assert texts(root, "balance-chart-value")[0] == "A & <b>: 1"


GROUPS = [
    (
        "Question 3 – What keeps families coming back?",
        [("Riverside Youth Trust", 4), ("Hope", None), ("Acme", 0)],
    ),
    (
        "Not linked to an agreed question",
        [("Riverside Youth Trust", 2), ("Hope", None), ("Acme", 1)],
    ),
]


def test_grouped_count_chart_writes_every_count_and_never_a_withheld_one() -> None:
    root = parse(grouped_count_chart(chart_id="coverage", title="By question", groups=GROUPS))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "coverage-title"
    assert root.get("viewBox", "").split()[2] == "360"
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert desc.text == (
        "Question 3 – What keeps families coming back?: Riverside Youth Trust 4, "
        "Hope not shared with you, Acme 0. Not linked to an agreed question: "
        "Riverside Youth Trust 2, Hope not shared with you, Acme 1."
    )
    assert texts(root, "grouped-chart-heading") == [
        "Question 3 – What keeps families coming back?",
        "Not linked to an agreed question",
    ]
    assert texts(root, "grouped-chart-value") == [
        "4",
        "not shared with you",
        "0",
        "2",
        "not shared with you",
        "1",
    ]
    bars = by_class(root, "grouped-chart-bar")
    assert len(bars) == 4  # none for a count kept from the reader
    widths = [number(b, "width") for b in bars]
    assert widths[0] == 2 * widths[2]
    assert widths[1] == 0
    assert widths[2] == 2 * widths[3]
    # Nothing is drawn past the right edge.
    for text in by_class(root, "grouped-chart-value"):
        assert number(text, "x") + len(text.text or "") * 12 * 0.58 <= 360
    height = float(root.get("viewBox", "").split()[3])
    assert all(number(t, "y") <= height for t in root.iter(f"{SVG}text"))


def test_grouped_count_chart_shortens_long_names_only_in_the_drawing() -> None:
    long_name = "The Northern Community Families Partnership Association"
    root = parse(
        grouped_count_chart(chart_id="c", title="t", groups=[("Q " * 40, [(long_name, 3)])])
    )

    (label,) = texts(root, "grouped-chart-label")
    assert label.endswith("…")
    assert len(label) <= 22
    (heading,) = texts(root, "grouped-chart-heading")
    assert len(heading) <= 52
    desc = root.find(f"{SVG}desc")
    assert desc is not None
    assert f"{long_name} 3" in (desc.text or "")


def test_grouped_count_chart_with_no_rows_or_only_zeros() -> None:
    assert grouped_count_chart(chart_id="c", title="t", groups=[]) == ""
    assert grouped_count_chart(chart_id="c", title="t", groups=[("Q", [])]) == ""
    root = parse(grouped_count_chart(chart_id="c", title="t", groups=[("Q", [("A", 0), ("B", 0)])]))
    assert [number(b, "width") for b in by_class(root, "grouped-chart-bar")] == [0, 0]
    assert texts(root, "grouped-chart-value") == ["0", "0"]
