"""The product's charts' shared drawing: one approach, server-rendered SVG with a text
alternative, for every app's pages and exports.

A chart is one image (``role="img"``) named by its ``<title>`` and described in words by
its ``<desc>``; every value is also written as text beside its bar, and nothing is told
by colour alone. All markup is built with ``format_html``, so text from people is
escaped. ``evidence.charts`` draws the measures of briefs and evidence with these
helpers; ``grouped_count_chart`` (counts under headings) serves evidence's coverage page
and the pulse's distributions alike.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

TEXT_COLOUR = "#0b0c0c"
COLUMN_COLOUR = "#1d70b8"
#: The margin left and right of a chart's drawing.
SIDE = 6

_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def chart_element_id(chart_id: str) -> str:
    """``chart_id`` made usable as an id and in ``aria-labelledby`` / ``aria-describedby``
    (letters, digits, ``-`` and ``_``, starting with a letter)."""
    cleaned = _UNSAFE_ID.sub("-", chart_id.strip())
    return cleaned if cleaned[:1].isalpha() else f"chart-{cleaned}"


def coordinate(number: float) -> str:
    """A coordinate, to one decimal place, without a trailing ".0"."""
    text = f"{number:.1f}"
    text = text[:-2] if text.endswith(".0") else text
    return "0" if text == "-0" else text


def svg_image(
    *, element_id: str, width: int, height: int, title: str, desc: str, body: SafeString
) -> SafeString:
    return format_html(
        # Its largest size is a class (brief-chart--360), not a style attribute: the
        # Content-Security-Policy allows no inline style.
        '<svg xmlns="http://www.w3.org/2000/svg" class="brief-chart brief-chart--{w}" '
        'role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" '
        'focusable="false" viewBox="0 0 {w} {h}" width="100%" '
        'font-family="inherit" fill="{colour}">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        "{body}</svg>",
        id=element_id,
        w=width,
        h=height,
        colour=TEXT_COLOUR,
        title=title,
        desc=desc,
        body=body,
    )


# --- Counts by group: labelled bars under headings --------------------------------------------

GROUPED_WIDTH = 360
GROUPED_LABEL_WIDTH = 150
GROUPED_VALUE_WIDTH = 44
GROUPED_HEADING_HEIGHT = 24
GROUPED_ROW_HEIGHT = 22
GROUPED_BAR_HEIGHT = 14
#: A label longer than this is cut short (with "…") in the drawing; the description
#: (and the table beside the chart) gives it whole.
LABEL_CHARS = 22
HEADING_CHARS = 52


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else f"{text[: limit - 1].rstrip()}…"


def grouped_count_chart(
    *,
    chart_id: str,
    title: str,
    groups: Sequence[tuple[str, Sequence[tuple[str, int | None]]]],
    withheld: str = "not shared with you",
) -> SafeString:
    """Counts in groups: for each ``(heading, rows)`` a heading line, then one row per
    ``(label, count)`` with its label, a bar as long as its count (against the largest
    count in the chart) and the count in text; a count of None draws no bar and says
    ``withheld`` instead (a number kept from the reader is never drawn or described).
    Empty when there are no rows."""
    if not any(rows for _, rows in groups):
        return mark_safe("")  # noqa: S308 - nothing to draw
    element_id = chart_element_id(chart_id)
    largest = max((count or 0 for _, rows in groups for _, count in rows), default=0)
    space = GROUPED_WIDTH - GROUPED_LABEL_WIDTH - GROUPED_VALUE_WIDTH - SIDE
    parts: list[SafeString] = []
    words: list[str] = []
    y = 0
    for heading, rows in groups:
        parts.append(
            format_html(
                '<text class="grouped-chart-heading" x="{}" y="{}" font-size="14" '
                'font-weight="bold">{}</text>',
                SIDE,
                y + 17,
                _short(heading, HEADING_CHARS),
            )
        )
        y += GROUPED_HEADING_HEIGHT
        said = []
        for label, count in rows:
            middle = y + GROUPED_ROW_HEIGHT / 2
            if count is None:
                bar = SafeString("")
                value_x: float = GROUPED_LABEL_WIDTH
                text = withheld
            else:
                width = space * count / largest if largest else 0
                bar = format_html(
                    '<rect class="grouped-chart-bar" x="{}" y="{}" width="{}" height="{}" '
                    'fill="{}"/>',
                    GROUPED_LABEL_WIDTH,
                    coordinate(middle - GROUPED_BAR_HEIGHT / 2),
                    coordinate(width),
                    GROUPED_BAR_HEIGHT,
                    COLUMN_COLOUR,
                )
                value_x = GROUPED_LABEL_WIDTH + width + 6
                text = str(count)
            parts.append(
                format_html(
                    '<g class="grouped-chart-row"><text class="grouped-chart-label" x="{}" '
                    'y="{}" font-size="12">{}</text>{}<text class="grouped-chart-value" '
                    'x="{}" y="{}" font-size="12">{}</text></g>',
                    SIDE,
                    coordinate(middle + 4),
                    _short(label, LABEL_CHARS),
                    bar,
                    coordinate(value_x),
                    coordinate(middle + 4),
                    text,
                )
            )
            said.append(f"{' '.join(label.split())} {text}")
            y += GROUPED_ROW_HEIGHT
        words.append(f"{' '.join(heading.split())}: {', '.join(said) or 'nothing'}.")
        y += 4
    return svg_image(
        element_id=element_id,
        width=GROUPED_WIDTH,
        height=y,
        title=title,
        desc=" ".join(words),
        body=format_html_join("", "{}", ((part,) for part in parts)),
    )
