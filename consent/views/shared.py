"""What the Consent tab's pages share: the page decorator, rendering and addresses."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from learnhub.pages import refusal_page
from partnerships.models import Partnership

# The partnership's tabs are defined with its pages; the Consent tab is one of them.
from partnerships.navigation import TABS

T = "consent/"

#: Sign-in required; a refusal (``Forbidden``) becomes a 403 page that says why.
consent_page = refusal_page(f"{T}forbidden.html")


def render_tab(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    page: dict[str, Any] = {"partnership": partnership, "tab": "consent", "tabs": TABS}
    page.update(context or {})
    return render(request, f"{T}{template}", page, status=status)


def overview_url(partnership_pk: int, anchor: str = "", **query: Any) -> str:
    url = reverse("consent:consent-overview", kwargs={"partnership_pk": partnership_pk})
    if query:
        url += "?" + urlencode(query)
    return f"{url}#{anchor}" if anchor else url
