"""Charts of measures: one approach for the web pages and the exports.

Every chart is an inline SVG drawn here, on the server, from the brief's stored figures:
no script, no external font or image, so the web page, the HTML export and the PDF
(WeasyPrint) show the same drawing and nothing is fetched to draw it.

The drawing is never the only way to read the figures:

* the ``<svg>`` is one image (``role="img"``) named by its ``<title>`` (the measure and its
  unit, ``aria-labelledby``) and described by its ``<desc>`` (``aria-describedby``), which
  gives every figure in words, oldest first, so a screen reader reads the chart as a
  sentence;
* every value is written as text beside its column or bar, and the current period and
  the baseline are told apart by position, a label, a dashed line or a hatch, never by
  colour alone.

Sizes are in viewBox units and the SVG is ``width="100%"`` with a ``max-width`` of its
viewBox width: the column chart is 360 units wide, so at a 390 px phone it is drawn
nearly 1:1 and its 12-14 unit text stays 12-14 px, and on an A4 PDF page it is never
wider than 360 px. Text uses the page's font (``font-family="inherit"``).

All markup is built with ``format_html`` / ``format_html_join``, so every text from
people (measure, unit, labels) is escaped; ``mark_safe`` only marks the empty string
returned when there is nothing to draw.

``series_chart`` draws a measure over time (one column a period) and ``series_description``
says it in words; ``bar_chart`` draws labelled horizontal bars (a baseline hatched), for
comparisons that are not over time. The drawing shared with other apps (the SVG image, its
id, counts under headings) is ``learnhub.charts``.
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from evidence.findings import amount_text
from learnhub.charts import (
    COLUMN_COLOUR,
    SIDE,
    TEXT_COLOUR,
    chart_element_id,
    grouped_count_chart,
)
from learnhub.charts import coordinate as _n
from learnhub.charts import svg_image as _svg

CURRENT_COLOUR = "#0b0c0c"

#: The most periods a column chart shows (the newest ones).
MAX_PERIODS = 6

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)

#: A number as people write it: "38", "-3", "12.5", "+4", ".5" (no exponent, no grouping).
_PLAIN_DECIMAL = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)")


# --- Shared helpers -----------------------------------------------------------------------


def parse_figure(value: object) -> Decimal | None:
    """The number in ``value`` ("38", "-3", "12.5"), or None when it is not a plain,
    finite decimal (None, "", "abc", "1e5", "NaN")."""
    if isinstance(value, Decimal):
        return value if value.is_finite() and math.isfinite(float(value)) else None
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    if not _PLAIN_DECIMAL.fullmatch(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        return None
    return number if math.isfinite(float(number)) else None


def _text_width(text: str, font_size: float = 12) -> float:
    """About how wide ``text`` is drawn (a generous average character width)."""
    return len(text) * font_size * 0.58


def _title(measure: str, unit: str) -> str:
    unit = " ".join(unit.split())
    return f"{measure} ({unit})" if unit else measure


# --- Periods ------------------------------------------------------------------------------


def _date(value: object) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_labels(start_text: object, end_text: object) -> tuple[str, str, str]:
    """A period's label under its column, on two short lines, and in words:
    a calendar month ("Oct", "2026", "October 2026"), a calendar quarter ("Jul–Sep",
    "2026", "July to September 2026") or any other span, by its first day ("5 Oct",
    "2026", "5 to 11 October 2026")."""
    start, end = _date(start_text), _date(end_text)
    if start is None or end is None or end < start:
        raw = f"{start_text or ''}".strip()[:10] or "?"
        return raw, "", f"{start_text or '?'} to {end_text or '?'}"
    first = MONTHS[start.month - 1]
    if start.day == 1 and end == _month_end(start.year, start.month):
        return first[:3], str(start.year), f"{first} {start.year}"
    if start.day == 1 and start.month % 3 == 1 and end == _month_end(start.year, start.month + 2):
        last = MONTHS[start.month + 1]
        return f"{first[:3]}–{last[:3]}", str(start.year), f"{first} to {last} {start.year}"
    last = MONTHS[end.month - 1]
    if start == end:
        words = f"{start.day} {first} {start.year}"
    elif start.year != end.year:
        words = f"{start.day} {first} {start.year} to {end.day} {last} {end.year}"
    elif start.month != end.month:
        words = f"{start.day} {first} to {end.day} {last} {end.year}"
    else:
        words = f"{start.day} to {end.day} {last} {end.year}"
    return f"{start.day} {first[:3]}", str(start.year), words


# --- A measure over time: columns -------------------------------------------------------------

SERIES_WIDTH = 360
SERIES_HEIGHT = 184
#: Where the scale's highest value is drawn (room above for its value text).
PLOT_TOP = 26
#: The lowest point a column or its text may reach (the period labels are below).
PLOT_LIMIT = 152
LABEL_LINES = (SERIES_HEIGHT - 18, SERIES_HEIGHT - 4)
VALUE_FONT = 12
COLUMN_MAX_WIDTH = 36


@dataclass(frozen=True)
class _Box:
    left: float
    top: float
    right: float
    bottom: float

    def overlap(self, other: _Box) -> float:
        width = min(self.right, other.right) - max(self.left, other.left)
        height = min(self.bottom, other.bottom) - max(self.top, other.top)
        return width * height if width > 0 and height > 0 else 0.0


def _text_box(x: float, y: float, text: str, anchor: str, font_size: float = 12) -> _Box:
    width = _text_width(text, font_size)
    left = x - width / 2 if anchor == "middle" else x - width if anchor == "end" else x
    return _Box(left, y - font_size * 0.8, left + width, y + font_size * 0.25)


@dataclass(frozen=True)
class _Period:
    label: tuple[str, str]
    words: str
    text: str | None  # the value as written, when it is a number
    number: Decimal | None


def _periods(statistic: Mapping[str, Any]) -> list[_Period]:
    series = statistic.get("series") or []
    periods = []
    for point in list(series)[-MAX_PERIODS:] if isinstance(series, Sequence) else []:
        if not isinstance(point, Mapping):
            continue
        line1, line2, words = period_labels(point.get("period_start"), point.get("period_end"))
        number = parse_figure(point.get("value"))
        text = str(point.get("value")).strip() if number is not None else None
        periods.append(_Period((line1, line2), words, text, number))
    return periods


def series_chart(statistic: Mapping[str, Any], *, chart_id: str) -> SafeString:
    """A column chart of a measure over its ``series`` (oldest left, the current period
    darkest), each column topped by its value, each period named beneath it, a period
    with no figure marked by a dash, and the ``baseline``, if any, as a labelled dashed
    line. Empty when fewer than two periods have a figure: one value beside its baseline
    says no more than the sentence above it, and the page is shorter without it."""
    periods = _periods(statistic)
    baseline = parse_figure(statistic.get("baseline"))
    baseline_text = str(statistic.get("baseline")).strip() if baseline is not None else None
    numbers = [p.number for p in periods if p.number is not None]
    if len(numbers) < 2:
        return mark_safe("")  # noqa: S308 - no change to draw: the figure is in the text
    element_id = chart_element_id(chart_id)
    measure = str(statistic.get("measure") or "")
    unit = str(statistic.get("unit") or "")

    count = len(periods)
    slot = (SERIES_WIDTH - 2 * SIDE) / count
    column_width = min(COLUMN_MAX_WIDTH, slot * 0.6)
    # The unit goes above the columns only if every value fits its column's space.
    written = [p.text for p in periods if p.text is not None]
    short = any(_text_width(amount_text(t, unit)) > slot - 4 for t in written)

    scale = [float(n) for n in numbers] + ([float(baseline)] if baseline is not None else [])
    low, high = min(0.0, *scale), max(0.0, *scale)
    if high == low:  # all zeros: draw them on a zero line at the foot of the plot
        high = low + 1.0
    span = high - low
    bottom = PLOT_LIMIT - (VALUE_FONT + 6) if low < 0 else PLOT_LIMIT - 4

    def y_of(value: float) -> float:
        return PLOT_TOP + (high - value) / span * (bottom - PLOT_TOP)

    zero = y_of(0.0)
    shapes: list[SafeString] = []
    texts: list[_Box] = []
    columns: list[_Box] = []
    for index, period in enumerate(periods):
        centre = SIDE + slot * index + slot / 2
        current = index == count - 1
        if period.number is None or period.text is None:
            mark_y = zero - 4
            texts.append(_text_box(centre, mark_y, "–", "middle", 14))
            mark = format_html(
                '<text class="brief-chart-no-figure" x="{}" y="{}" font-size="14" '
                'text-anchor="middle">–</text>',
                _n(centre),
                _n(mark_y),
            )
        else:
            value = float(period.number)
            top, end = y_of(max(value, 0.0)), y_of(min(value, 0.0))
            left = centre - column_width / 2
            columns.append(_Box(left, top, left + column_width, end))
            text = amount_text(period.text, unit, short=short)
            text_y = end + VALUE_FONT + 2 if value < 0 else top - 5
            box = _text_box(centre, text_y, text, "middle")
            texts.append(box)
            # The value sits on white, so the baseline's dashes never run through it.
            mark = format_html(
                '<rect class="brief-chart-column{}" x="{}" y="{}" width="{}" height="{}" '
                'fill="{}"/>{}',
                " brief-chart-current" if current else "",
                _n(left),
                _n(top),
                _n(column_width),
                _n(end - top),
                CURRENT_COLOUR if current else COLUMN_COLOUR,
                _on_white(box, "brief-chart-value", centre, text_y, "middle", text),
            )
        shapes.append(
            format_html(
                '<g class="brief-chart-period">{}<g class="brief-chart-label" font-size="12" '
                'text-anchor="middle" font-weight="{}"><text x="{}" y="{}">{}</text>'
                '<text x="{}" y="{}">{}</text></g></g>',
                mark,
                "bold" if current else "normal",
                _n(centre),
                LABEL_LINES[0],
                period.label[0],
                _n(centre),
                LABEL_LINES[1],
                period.label[1],
            )
        )

    line, label = (
        _baseline(
            y_of(float(baseline)),
            f"Baseline {amount_text(baseline_text, unit, short=short)}",
            texts,
            columns,
        )
        if baseline is not None and baseline_text is not None
        else (SafeString(""), SafeString(""))
    )
    body = format_html(
        '<line class="brief-chart-zero" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
        'stroke-width="1"/>{}{}{}',
        SIDE,
        _n(zero),
        SERIES_WIDTH - SIDE,
        _n(zero),
        TEXT_COLOUR,
        line,
        format_html_join("", "{}", ((shape,) for shape in shapes)),
        label,
    )

    return _svg(
        element_id=element_id,
        width=SERIES_WIDTH,
        height=SERIES_HEIGHT,
        title=_title(measure, unit),
        desc=series_description(statistic),
        body=body,
    )


def series_description(statistic: Mapping[str, Any]) -> str:
    """A measure's series in words, oldest first, then its baseline: "September 2026:
    45%; October 2026: 38%. Baseline: 52%." (the chart's text alternative, and what the
    Markdown export prints). Empty when there is nothing to say."""
    unit = str(statistic.get("unit") or "")
    described = "; ".join(
        f"{p.words}: {amount_text(p.text, unit) if p.text is not None else 'no figure'}"
        for p in _periods(statistic)
    )
    if parse_figure(statistic.get("baseline")) is not None:
        described += f". Baseline: {amount_text(str(statistic.get('baseline')).strip(), unit)}"
    return f"{described}." if described else ""


def _baseline(
    y: float, label: str, texts: list[_Box], columns: list[_Box]
) -> tuple[SafeString, SafeString]:
    """The dashed baseline across the plot (drawn under the columns) and its label (drawn
    over them, on white), placed where it covers the fewest value texts, then columns: at
    the right or left end, above or below the line."""
    right, left = SERIES_WIDTH - SIDE, SIDE
    candidates = [
        (right, y - 5, "end"),
        (right, y + 15, "end"),
        (left, y - 5, "start"),
        (left, y + 15, "start"),
    ]

    def cost(candidate: tuple[float, float, str]) -> float:
        box = _text_box(candidate[0], candidate[1], label, candidate[2])
        if box.top < 0 or box.bottom > LABEL_LINES[0] - 11:
            return math.inf
        return sum(10 * box.overlap(t) for t in texts) + sum(box.overlap(c) for c in columns)

    x, text_y, anchor = min(candidates, key=cost)
    box = _text_box(x, text_y, label, anchor)
    line = format_html(
        '<line class="brief-chart-baseline" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" '
        'stroke-width="2" stroke-dasharray="6 4"/>',
        left,
        _n(y),
        right,
        _n(y),
        TEXT_COLOUR,
    )
    return line, _on_white(box, "brief-chart-baseline-label", x, text_y, anchor, label)


def _on_white(box: _Box, css_class: str, x: float, y: float, anchor: str, text: str) -> SafeString:
    """``text`` (12 units) on a white box the size of ``box``, so no line runs through it."""
    return format_html(
        '<rect x="{}" y="{}" width="{}" height="{}" fill="#fff"/>'
        '<text class="{}" x="{}" y="{}" font-size="{}" text-anchor="{}">{}</text>',
        _n(box.left - 2),
        _n(box.top),
        _n(box.right - box.left + 4),
        _n(box.bottom - box.top),
        css_class,
        _n(x),
        _n(y),
        VALUE_FONT,
        anchor,
        text,
    )


# --- Labelled horizontal bars ---------------------------------------------------------------

BAR_CHART_WIDTH = 480
BAR_LABEL_WIDTH = 190
BAR_VALUE_WIDTH = 90
BAR_ROW_HEIGHT = 26
BAR_HEIGHT = 16


def bar_chart(
    *,
    chart_id: str,
    title: str,
    description: str,
    bars: Sequence[tuple[str, Decimal | None, bool]],
    unit: str,
) -> SafeString:
    """Horizontal bars, one a row in order: ``(label, value, hatched)``, each labelled on
    the left and followed by its value and unit in text; a hatched bar (e.g. a baseline)
    is told apart by its pattern, not its colour, and a bar with no value says "no
    figure". Lengths are proportional to the values' sizes. Empty when fewer than two
    bars have a value."""
    values = [parse_figure(value) for _, value, _ in bars]
    known = [abs(v) for v in values if v is not None]
    if len(known) < 2:
        return mark_safe("")  # noqa: S308 - nothing to draw: the figure is in the text
    element_id = chart_element_id(chart_id)
    largest = max(known)
    bar_space = BAR_CHART_WIDTH - BAR_LABEL_WIDTH - BAR_VALUE_WIDTH
    rows = []
    for index, ((label, _, hatched), value) in enumerate(zip(bars, values, strict=True)):
        y = 4 + index * BAR_ROW_HEIGHT
        middle = y + BAR_HEIGHT // 2
        if value is None:
            bar, after, text = SafeString(""), BAR_LABEL_WIDTH, "no figure"
        else:
            width = max(int(bar_space * float(abs(value) / largest)) if largest else 0, 1)
            bar = format_html(
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>',
                BAR_LABEL_WIDTH,
                y,
                width,
                BAR_HEIGHT,
                f"url(#{element_id}-hatch)" if hatched else TEXT_COLOUR,
                TEXT_COLOUR,
            )
            after, text = BAR_LABEL_WIDTH + width + 6, amount_text(format(value, "f"), unit)
        rows.append(
            format_html(
                '<g class="brief-chart-bar"><text x="0" y="{}" font-size="12" '
                'dominant-baseline="middle">{}</text>{}'
                '<text x="{}" y="{}" font-size="12" dominant-baseline="middle">{}</text></g>',
                middle,
                label,
                bar,
                after,
                middle,
                text,
            )
        )
    body = format_html(
        '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="{colour}" stroke-width="2"/></pattern>'
        "</defs>{rows}",
        id=element_id,
        colour=TEXT_COLOUR,
        rows=format_html_join("", "{}", ((row,) for row in rows)),
    )
    return _svg(
        element_id=element_id,
        width=BAR_CHART_WIDTH,
        height=BAR_ROW_HEIGHT * len(bars) + 8,
        title=title,
        desc=description,
        body=body,
    )


# --- A balance: one stacked bar -------------------------------------------------------------

BALANCE_WIDTH = 360
BALANCE_BAR_TOP = 4
BALANCE_BAR_HEIGHT = 24
BALANCE_ROW_HEIGHT = 22

#: Fills for the parts of a balance, in order; each passes 3:1 against white (and the
#: white gap between parts), and each part is also named, with its count, in the key.
BALANCE_COLOURS = ("#00703c", "#d4351c", "#1d70b8", "#505a5f")


def balance_chart(
    *, chart_id: str, title: str, parts: Sequence[tuple[str, int]], total_noun: str = "items"
) -> SafeString:
    """One horizontal bar split into ``parts`` (``(label, count)``, in order: e.g.
    working, not working, mixed, unclear), each part's length proportional to its count,
    and beneath it a key that names every part with its count in text (a part of zero is
    in the key, not the bar). Empty when every count is zero."""
    counts = [max(int(count), 0) for _, count in parts]
    total = sum(counts)
    if total == 0:
        return mark_safe("")  # noqa: S308 - nothing to draw: the list says there is nothing
    element_id = chart_element_id(chart_id)
    space = BALANCE_WIDTH - 2 * SIDE
    segments: list[SafeString] = []
    x = float(SIDE)
    for index, ((label, _), count) in enumerate(zip(parts, counts, strict=True)):
        if not count:
            continue
        width = space * count / total
        segments.append(
            format_html(
                '<rect class="balance-chart-part" data-label="{}" x="{}" y="{}" width="{}" '
                'height="{}" fill="{}" stroke="#fff" stroke-width="2"/>',
                label,
                _n(x),
                BALANCE_BAR_TOP,
                _n(width),
                BALANCE_BAR_HEIGHT,
                BALANCE_COLOURS[index % len(BALANCE_COLOURS)],
            )
        )
        x += width
    key_top = BALANCE_BAR_TOP + BALANCE_BAR_HEIGHT + 8
    columns_ = 2
    key: list[SafeString] = []
    for index, ((label, _), count) in enumerate(zip(parts, counts, strict=True)):
        row, column = divmod(index, columns_)
        left = SIDE + column * (space / columns_)
        top = key_top + row * BALANCE_ROW_HEIGHT
        key.append(
            format_html(
                '<g class="balance-chart-key"><rect x="{}" y="{}" width="14" height="14" '
                'fill="{}"/><text class="balance-chart-value" x="{}" y="{}" font-size="14">'
                "{}: {}</text></g>",
                _n(left),
                top,
                BALANCE_COLOURS[index % len(BALANCE_COLOURS)],
                _n(left + 20),
                top + 12,
                label,
                count,
            )
        )
    rows = -(-len(parts) // columns_)
    description = "; ".join(
        f"{label}: {count}" for (label, _), count in zip(parts, counts, strict=True)
    )
    return _svg(
        element_id=element_id,
        width=BALANCE_WIDTH,
        height=key_top + rows * BALANCE_ROW_HEIGHT,
        title=title,
        desc=f"{description}. {total} {total_noun} in all.",
        body=format_html_join("", "{}", ((part,) for part in [*segments, *key])),
    )


__all__ = [
    "COLUMN_COLOUR",
    "chart_element_id",
    "grouped_count_chart",
]
