"""How a share link's page is shown: the published brief (``public``) or the "you said,
we did" page (``community``), as HTML or PDF, with the headers that keep the token to the
people who have it.

Both start from ``evidence.selectors.share_links.shared_reading`` (the brief as every
signed-in page reads it, with no evidence the reader may open), so no format can show
what another would not. Every PDF is made by ``learnhub.pdf.html_to_pdf``.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from evidence.http import download_started
from evidence.models import ShareLink
from evidence.periods import Period
from evidence.rendering import document, export_filename, render_pdf
from evidence.selectors.briefs import BriefReading
from evidence.selectors.share_links import community_page, shared_reading
from learnhub.pdf import html_to_pdf

T = "evidence/share/"
#: What ``?format=`` may ask of a share link (HTML when absent).
SHARE_FORMATS = ("html", "pdf")


def private(response: HttpResponse) -> HttpResponse:
    """Keep the token to the person who has it: no referrer, no cache, no index."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    response["Cache-Control"] = "no-store"
    return response


def gone_response(request: HttpRequest) -> HttpResponse:
    """The 404 page of a link that does not work (malformed, unknown, revoked, ended)."""
    return private(HttpResponse(render_to_string(f"{T}gone.html", request=request), status=404))


def _community_context(reading: BriefReading, *, for_print: bool) -> dict[str, Any]:
    brief = reading.brief
    return {
        "partnership": brief.partnership,
        "period": Period(brief.period_start, brief.period_end).describe(),
        "page": community_page(reading=reading),
        "redactions": reading.redactions,
        "for_print": for_print,
    }


def community_html(reading: BriefReading, request: HttpRequest | None = None) -> str:
    return render_to_string(
        f"{T}community.html", _community_context(reading, for_print=False), request=request
    )


def community_pdf(reading: BriefReading) -> bytes:
    """The "you said, we did" page printed as its A4 poster (its print stylesheet)."""
    return html_to_pdf(
        render_to_string(f"{T}community.html", _community_context(reading, for_print=True))
    )


def public_html(reading: BriefReading, request: HttpRequest | None = None) -> str:
    return render_to_string(
        f"{T}public.html",
        {"doc": document(reading), "partnership": reading.brief.partnership},
        request=request,
    )


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    download_started(response)
    return response


def share_response(request: HttpRequest, link: ShareLink, fmt: str) -> HttpResponse:
    """What ``link`` shows in ``fmt`` (one of ``SHARE_FORMATS``), as a private response."""
    reading = shared_reading(link=link)
    filename = export_filename(reading.brief, "pdf")
    if link.audience == ShareLink.Audience.COMMUNITY:
        if fmt == "pdf":
            poster = filename.replace("insight-brief-", "you-said-we-did-", 1)
            return private(_pdf(community_pdf(reading), poster))
        return private(HttpResponse(community_html(reading, request)))
    if fmt == "pdf":
        return private(_pdf(render_pdf(reading), filename))
    return private(HttpResponse(public_html(reading, request)))
