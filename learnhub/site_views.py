"""The site's own pages, open to everyone: help, privacy notice, accessibility statement,
contact (linked from every page's footer; their words: ``learnhub.site_pages``) and the
glossary (its words: ``learnhub.glossary``)."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import path
from django.views.decorators.http import require_GET

from learnhub.glossary import TERMS
from learnhub.models import SitePage
from learnhub.site_pages import site_page


def _view(slug: str) -> Callable[[HttpRequest], HttpResponse]:
    @require_GET
    def page(request: HttpRequest) -> HttpResponse:
        return render(request, "site/page.html", {"page": site_page(slug)})

    page.__name__ = f"site_{slug}"
    return page


@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "site/glossary.html", {"terms": TERMS})


urlpatterns = [
    *(path(f"{slug}/", _view(slug), name=f"site-{slug}") for slug in SitePage.Slug.values),
    path("glossary/", glossary, name="site-glossary"),
]
