"""How a brief is shown: the web page's content, and the HTML, PDF, Markdown and JSON
exports. Every format starts from the same ``BriefReading`` (``evidence.selectors.briefs``),
so none can show evidence another would not: consent is decided before rendering.

A figure's chart is drawn by ``evidence.charts`` (an inline SVG with a text alternative,
every value written in text); near-duplicate measures are grouped (``figure_groups``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.safestring import mark_safe

from evidence.charts import series_chart, series_description
from evidence.findings import amount_text
from evidence.library import brief_title
from evidence.models import InsightBrief
from evidence.periods import Period
from evidence.redactions import RedactionShown, redaction_shown
from evidence.sections import BriefData, KindCount, Theme
from evidence.selectors.briefs import BriefReading
from evidence.so_what import so_what_scaffold
from learnhub.pdf import html_to_pdf
from partnerships.models import Party, ResearchQuestion

FORMATS = ("html", "pdf", "md", "json")
CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
}
BRIEF_CSS = Path(settings.BASE_DIR) / "static" / "css" / "brief.css"

ALL_AREAS = "*"
#: How many of a finding's evidence items the brief lists by number.
FINDING_REFS = 5
VALENCE_WORDS = {
    "working": "what is working",
    "not_working": "what is not working",
    "mixed": "a mixed picture",
    "unclear": "not yet clear",
}


# --- Output as data (API and JSON export) ----------------------------------------------------


def brief_data(reading: BriefReading) -> BriefData:
    """The brief as the API contract shapes it (plus ``stories``, ``themes``,
    ``what_changed`` and ``drafted_at`` in each section or at the top)."""
    brief = reading.brief
    return {
        "id": brief.pk,
        "partnership": brief.partnership_id,
        "period_start": brief.period_start.isoformat(),
        "period_end": brief.period_end.isoformat(),
        "status": brief.status,
        "sections": reading.sections,
        "so_what": brief.so_what,
        "so_what_scaffold": (
            so_what_scaffold(reading.sections)
            if brief.status == InsightBrief.Status.DRAFT and not brief.so_what.strip()
            else ""
        ),
        "recommendations": brief.recommendations,
        "challenges": reading.challenges,
        "cited_evidence": reading.cited,
        "redactions": reading.redactions,
        "plain_language": brief.plain_language or {},
        "what_changed": reading.what_changed,
        "drafted_at": brief.drafted_at.isoformat() if brief.drafted_at else None,
        "published_at": brief.published_at.isoformat() if brief.published_at else None,
        "partial_view": reading.partial,
        "sessions_held": reading.sessions_held,
    }


# --- Figures -----------------------------------------------------------------------------


def figure_groups(statistics: Sequence[Mapping[str, Any]]) -> list[list[Mapping[str, Any]]]:
    """``statistics`` in their order, near-duplicates (the same ``similar_group``, which
    the engine lists one after another) in one group, every other measure alone."""
    groups: list[list[Mapping[str, Any]]] = []
    for statistic in statistics:
        group = statistic.get("similar_group")
        if group is not None and groups and groups[-1][0].get("similar_group") == group:
            groups[-1].append(statistic)
        else:
            groups.append([statistic])
    return groups


# --- The document (web page and exports share it) --------------------------------------------


@dataclass
class Document:
    """Everything the brief templates need, labels resolved."""

    reading: BriefReading
    title: str
    period: str
    sections: list[dict[str, Any]]
    challenges: list[dict[str, Any]]
    redactions: list[RedactionShown]
    what_changed: list[Mapping[str, Any]]
    evidence_url: Callable[[int], str | None]
    audience: str

    @property
    def brief(self) -> InsightBrief:
        return self.reading.brief

    @property
    def partial(self) -> bool:
        return self.reading.partial


#: One item of each kind, as a sentence counts it ("1 learning log", "3 learning logs").
KIND_SINGULAR = {
    "statistic": "statistic",
    "story": "story",
    "quote": "quote",
    "learning_log": "learning log",
    "interview_note": "interview note",
    "survey_result": "survey result",
    "after_action_review": "after action review",
    "reflection": "reflection session",
    "document": "document",
}


def kinds_text(by_kind: Sequence[KindCount]) -> str:
    """The period's evidence by kind, in one line: "4 statistics, 1 story and 2 quotes"."""
    parts = [
        f"{row['count']} "
        + (
            KIND_SINGULAR.get(row["kind"], row["label"].lower())
            if row["count"] == 1
            else row["label"].lower()
        )
        for row in by_kind
        if row["count"]
    ]
    return (
        parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}" if parts else ""
    )


def _evidence_path(pk: int) -> str | None:
    try:
        return reverse("evidence:evidence-detail", args=[pk])
    except NoReverseMatch:
        return None


def evidence_linker(reading: BriefReading, *, absolute: bool) -> Callable[[int], str | None]:
    """A function giving the link to an evidence item the reader may open, else None."""
    visible = reading.visible_evidence
    prefix = settings.LEARNHUB_SITE_URL if absolute else ""

    def link(pk: int) -> str | None:
        if pk not in visible:
            return None
        path = _evidence_path(pk)
        return f"{prefix}{path}" if path else None

    return link


def document(
    reading: BriefReading, *, audience: str = "", absolute_links: bool = False
) -> Document:
    """Resolve party and question names (two queries) and build the charts."""
    brief = reading.brief
    party_ids = {int(c["party"]) for c in reading.challenges}
    question_ids = {int(c["area"]) for c in reading.challenges if c["area"] != ALL_AREAS}
    names = (
        dict(Party.objects.filter(pk__in=party_ids).values_list("pk", "organisation__name"))
        if party_ids
        else {}
    )
    questions = (
        dict(ResearchQuestion.objects.filter(pk__in=question_ids).values_list("pk", "text"))
        if question_ids
        else {}
    )
    challenges = [
        {
            "party": names.get(int(c["party"]), "A former party"),
            "area": (
                "its work as a whole"
                if c["area"] == ALL_AREAS
                else f"“{questions.get(int(c['area']), 'a research question')}”"
            ),
            "text": c["text"],
        }
        for c in reading.challenges
    ]
    link = evidence_linker(reading, absolute=absolute_links)

    def linked(entry: Mapping[str, Any]) -> dict[str, Any]:
        return {**entry, "link": link(entry["evidence"])}

    sections = []
    for number, section in enumerate(reading.sections):
        statistics = [
            {
                **linked(statistic),
                "amount": amount_text(statistic["value"] or "", statistic["unit"]),
                "baseline_amount": (
                    amount_text(baseline, statistic["unit"])
                    if (baseline := statistic.get("baseline")) is not None
                    else None
                ),
                "chart": series_chart(statistic, chart_id=f"chart-{brief.pk}-{number}-{index}"),
            }
            for index, statistic in enumerate(section.get("statistics", []))
        ]
        sections.append(
            {
                **section,
                "statistics": statistics,
                "figure_groups": figure_groups(statistics),
                "quotes": [linked(q) for q in section.get("quotes", [])],
                "stories": [
                    {**linked(s), "valence_label": VALENCE_WORDS.get(s.get("valence", ""), "")}
                    for s in section.get("stories", [])
                ],
                "findings": [
                    {
                        **f,
                        "links": [(pk, link(pk)) for pk in f["evidence"][:FINDING_REFS]],
                        "more": max(0, len(f["evidence"]) - FINDING_REFS),
                    }
                    for f in section.get("findings", [])
                ],
                "reflections": [linked(r) for r in section.get("reflections", [])],
                "working": [linked(p) for p in section.get("working", [])],
                "not_working": [linked(p) for p in section.get("not_working", [])],
                "themes": [
                    {
                        **t,
                        "links": [(pk, link(pk)) for pk in t["evidence"]],
                        "quote": linked(quote) if (quote := t.get("quote")) else None,
                        "counts_text": theme_counts_text(t),
                    }
                    for t in section.get("themes", [])
                ],
                "number": number,
                "kinds_text": kinds_text(section["counts"]["by_kind"]),
                # A question's findings already say what its gaps say.
                "gaps_in_findings": section["question"] is not None
                and any(f["kind"] == "gap" for f in section.get("findings", [])),
            }
        )
    redactions = [redaction_shown(note) for note in reading.redactions]
    what_changed: list[Mapping[str, Any]] = [
        {**action, "done_on": date.fromisoformat(action["done_on"])}
        if isinstance(action.get("done_on"), str)
        else action
        for action in reading.what_changed
    ]
    return Document(
        reading=reading,
        title=brief_title(brief),
        period=Period(brief.period_start, brief.period_end).describe(),
        sections=sections,
        challenges=challenges,
        redactions=redactions,
        what_changed=what_changed,
        evidence_url=link,
        audience=audience,
    )


def _css() -> str:
    return BRIEF_CSS.read_text(encoding="utf-8") if BRIEF_CSS.exists() else ""


def document_policy(nonce: str, *, in_document: bool = False) -> str:
    """The HTML brief's own Content-Security-Policy: nothing but its inline style (with
    ``nonce``) and images from the site. ``in_document``: the ``<meta>`` copy that still
    holds when the file is saved and opened, without what a ``<meta>`` may not say."""
    directives = [
        "default-src 'none'",
        f"style-src 'nonce-{nonce}'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'none'",
    ]
    if not in_document:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def render_html(reading: BriefReading, *, audience: str = "", nonce: str = "") -> str:
    """A complete, self-contained HTML document (styles inline, print stylesheet). With a
    ``nonce``, its style carries it and the document states its own policy."""
    doc = document(reading, audience=audience, absolute_links=True)
    return render_to_string(
        "evidence/briefs/document.html",
        {
            "doc": doc,
            "partnership": reading.brief.partnership,
            "css": mark_safe(_css()),  # noqa: S308 - our own file
            "nonce": nonce,
            "policy": document_policy(nonce, in_document=True) if nonce else "",
        },
    )


def render_pdf(reading: BriefReading, *, audience: str = "") -> bytes:
    """The HTML document printed to PDF by WeasyPrint (our static files only: ``pdf.py``)."""
    return html_to_pdf(render_html(reading, audience=audience))


_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|])")


def _md(text: object) -> str:
    """Text safe in Markdown: special characters escaped, lines kept together."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(str(text).split()))


def _md_paragraphs(text: str) -> str:
    return "\n\n".join(_md(p) for p in re.split(r"\n\s*\n", text.strip()) if p.strip())


def _md_ref(doc: Document, pk: int) -> str:
    url = doc.evidence_url(pk)
    return f"[evidence {pk}]({url})" if url else f"evidence {pk}"


def _full_stop(text: str) -> str:
    """``text`` ending as a sentence ends, without doubling its own full stop."""
    text = text.rstrip()
    return text if text.endswith((".", "!", "?", "…")) else f"{text}."


def theme_counts_text(theme: Theme) -> str:
    """A coded theme's counts in words ("3 excerpts: Grantees 2, Funders 1"); "" for a
    theme found in the text."""
    counts = theme.get("counts")
    if not counts:
        return ""
    n = counts["excerpts"]
    kinds = ", ".join(f"{k['label']} {k['count']}" for k in counts["by_party_kind"])
    return f"{n} excerpt{'s' if n != 1 else ''}" + (f": {kinds}" if kinds else "")


def render_markdown(reading: BriefReading, *, audience: str = "") -> str:
    """The brief as Markdown, for pasting into reports and newsletters."""
    doc = document(reading, audience=audience, absolute_links=True)
    brief = doc.brief
    out: list[str] = [f"# {_md(doc.title)}", "", f"{_md(brief.partnership.title)}", ""]
    if brief.status != InsightBrief.Status.PUBLISHED:
        out += ["**Draft: not published yet.**", ""]
    elif brief.published_at:
        out += [f"Published {brief.published_at:%-d %B %Y}.", ""]
    for redaction in doc.redactions:
        out += [f"> **Evidence removed.** {redaction['sentence']}", ""]
    out += ["## So what?", "", _md_paragraphs(brief.so_what) or "Not written yet.", ""]
    if brief.recommendations:
        out += ["## Recommendations", "", _md_paragraphs(brief.recommendations), ""]
    for section in doc.sections:
        out += [f"## {_md(section['heading'])}", ""]
        counts = section["counts"]
        change = counts["change"]
        out += [
            f"{counts['total']} pieces of evidence this period "
            f"({'+' if change > 0 else ''}{change} on the previous period).",
            "",
        ]
        if counts["total"] and section["question"] is None:
            out += ["| What it shows | This period | Previous period |", "| --- | --- | --- |"]
            out += [
                f"| {_md(v['label'])} | {v['count']} | {v['previous']} |"
                for v in counts["by_valence"]
            ]
            out += [""]
        if section["findings"]:
            out += ["### What we found", ""]
            for finding in section["findings"]:
                refs = ", ".join(_md_ref(doc, pk) for pk, _ in finding["links"])
                more = f" and {finding['more']} more" if finding["more"] else ""
                out.append(f"- {_md(finding['text'])} ({refs}{more})")
            out += [""]
        if section["statistics"]:
            out += ["### Figures", ""]
            for stat in section["statistics"]:
                line = f"- **{_md(stat['measure'])}**: {_md(stat['amount'])}"
                if stat["baseline_amount"] is not None:
                    line += f" (baseline {_md(stat['baseline_amount'])}, change {stat['change']})"
                if stat.get("change_from_previous") is not None:
                    line += f"; {stat['change_from_previous']} on the previous period"
                if stat.get("similar_group") is not None:
                    line += f" (similar measure, group {stat['similar_group']})"
                out.append(f"{line} — {_md_ref(doc, stat['evidence'])}")
                if stat.get("explanation"):
                    out.append(f"  {_md(stat['explanation'])}")
                if len(stat.get("series") or []) > 1:
                    out.append(f"  Over time: {_md(series_description(stat))}")
            out += [""]
        if section["quotes"]:
            out += ["### In their words", ""]
            for quote in section["quotes"]:
                out += [
                    f"> “{_md(quote['text'])}”",
                    ">",
                    f"> — {_md(quote['attribution'])} ({_md_ref(doc, quote['evidence'])})",
                    "",
                ]
        if section.get("stories"):
            out += ["### Stories", ""]
            for story in section["stories"]:
                out += [
                    f"**{_md(story['title'])}** — {_md(story['attribution'])} "
                    f"({_md_ref(doc, story['evidence'])})",
                    "",
                    _md(story["text"]),
                    "",
                ]
        if section.get("reflections"):
            out += ["### Reflections", ""]
            out += [
                f"- **{_md(reflection['label'])}:** {_md(reflection['text'])} "
                f"({_md_ref(doc, reflection['evidence'])})"
                for reflection in section["reflections"]
            ]
            out += [""]
        if section.get("themes"):
            out += ["### Themes", ""]
            for theme in section["themes"]:
                refs = ", ".join(_md_ref(doc, pk) for pk in theme["evidence"])
                label = theme["label"][:1].upper() + theme["label"][1:]
                counted = theme_counts_text(theme)
                out.append(f"- **{_md(label)}** ({refs}){f' — {_md(counted)}' if counted else ''}")
                if quote := theme.get("quote"):
                    out.append(f"  > “{_md(quote['text'])}” ({_md_ref(doc, quote['evidence'])})")
                if note := theme.get("note"):
                    out.append(f"  Note: {_md(note)}")
            out += [""]
        if section["gaps"]:
            out += ["### Gaps", ""]
            out += [f"- {_md(gap['text'])}" for gap in section["gaps"]]
            out += [""]
    if doc.challenges:
        out += ["## Challenges", ""]
        for challenge in doc.challenges:
            out += [
                f"- **{_md(challenge['party'])}** on {_md(challenge['area'])}: "
                f"{_md(challenge['text'])}"
            ]
        out += [""]
    out += ["## What changed since the last brief", ""]
    if doc.what_changed:
        for action in doc.what_changed:
            outcome = f" What changed: {_md(action['outcome'])}" if action.get("outcome") else ""
            description = _md(_full_stop(action["description"]))
            out.append(f"- {_md(action['party'])}: {description}{outcome}")
    else:
        out.append("No learning actions were completed since the last brief.")
    out += [""]
    if doc.reading.sessions_held:
        out += ["## Learning sessions held", ""]
        for held in doc.reading.sessions_held:
            day = date.fromisoformat(held["date"])
            items = held["evidence"]
            out.append(
                f"- {day:%-d %B %Y}: {_md(held['kind_label'])}, {_md(held['title'])}. "
                f"Attending: {_md(', '.join(held['parties']))}. "
                f"{items} piece{'' if items == 1 else 's'} of evidence from it."
            )
        out += [""]
    return "\n".join(out).rstrip() + "\n"


def render_json(reading: BriefReading) -> str:
    return json.dumps(brief_data(reading), indent=2, ensure_ascii=False)


def export_filename(brief: InsightBrief, extension: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", brief.partnership.title.lower()).strip("-")[:60] or "brief"
    return f"insight-brief-{slug}-{brief.period_start}-to-{brief.period_end}.{extension}"


def render_export(reading: BriefReading, fmt: str, *, nonce: str = "") -> tuple[bytes, str, str]:
    """``(content, content type, file name)`` of the brief in ``fmt`` (HTML: its inline
    style carries ``nonce``)."""
    brief = reading.brief
    if fmt == "pdf":
        return render_pdf(reading), CONTENT_TYPES["pdf"], export_filename(brief, "pdf")
    if fmt == "md":
        return (
            render_markdown(reading).encode("utf-8"),
            CONTENT_TYPES["md"],
            export_filename(brief, "md"),
        )
    if fmt == "json":
        return (
            render_json(reading).encode("utf-8"),
            CONTENT_TYPES["json"],
            export_filename(brief, "json"),
        )
    return (
        render_html(reading, nonce=nonce).encode("utf-8"),
        CONTENT_TYPES["html"],
        export_filename(brief, "html"),
    )
