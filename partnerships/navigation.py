"""The tabs of a partnership's pages, shared by every app that adds a page to it.

Kept out of ``views`` so that other apps' views import a plain constant rather than
another app's views. Entries name URLs, so this module imports nothing from the apps
whose pages it lists.
"""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from partnerships.models import Partnership

TABS: tuple[tuple[str, str, str], ...] = (
    ("overview", "Overview", "partnerships:partnership-detail"),
    ("parties", "Parties", "partnerships:partnership-parties"),
    ("discovery", "Discovery", "partnerships:partnership-discovery"),
    ("questions", "Research questions", "partnerships:partnership-questions"),
    ("consent", "Consent", "consent:consent-overview"),
    ("evidence", "Evidence", "evidence:evidence-list"),
    ("codebook", "Codebook", "evidence:codebook"),
    ("briefs", "Insight briefs", "evidence:brief-list"),
    ("actions", "Learning actions", "evidence:action-list"),
    ("sessions", "Learning sessions", "rhythm:session-list"),
    ("pulse", "Pulse", "pulse:pulse"),
    ("timeline", "Timeline", "partnerships:partnership-timeline"),
    ("similar", "Similar work", "grants:similar-work"),
)


def render_partnership_tab(
    request: HttpRequest,
    template: str,
    *,
    partnership: Partnership,
    tab: str,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    """A page under one of a partnership's tabs: ``template`` with the partnership, the
    tab marked as current and the tabs, plus ``context``."""
    page: dict[str, Any] = {"partnership": partnership, "tab": tab, "tabs": TABS}
    page.update(context or {})
    return render(request, template, page, status=status)
