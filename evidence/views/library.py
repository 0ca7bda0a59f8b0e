"""Web pages of the library of published learning: every published brief of the
partnerships a person takes part in, searchable and filtered; and, for a funder
organisation's people, the research questions that recur across its partnerships.
Views stay thin: the selectors decide what each reader may read."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET

from accounts.identity import request_user
from evidence.access.library import access_funder_organisation
from evidence.forms import LibraryFilterForm
from evidence.selectors.library import (
    LibraryFilters,
    library_for,
    library_partnerships,
    library_years,
    recurring_questions,
)
from learnhub.inputs import as_id
from learnhub.pages import refusal_page
from partnerships.selectors import funder_organisations_for

T = "evidence/library/"
#: Briefs on a page of the library.
LIBRARY_PAGE_SIZE = 20

library_page = refusal_page("evidence/library/forbidden.html")


@library_page
@require_GET
def library_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    form = LibraryFilterForm(
        request.GET or None,
        partnerships=library_partnerships(user=user),
        years=library_years(user=user),
    )
    filters = form.filters()
    page = Paginator(library_for(user=user, filters=filters), LIBRARY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        f"{T}list.html",
        {
            "form": form,
            "filtered": filters != LibraryFilters(),
            "page_obj": page,
            "query": query.urlencode(),
            "is_funder": funder_organisations_for(user=user).exists(),
        },
    )


@library_page
@require_GET
def recurring_questions_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    organisation = request.GET.get("organisation")
    funder = access_funder_organisation(user=user, pk=as_id(organisation) if organisation else None)
    return render(
        request,
        f"{T}questions.html",
        {
            "funder": funder,
            "groups": recurring_questions(user=user, organisation=funder.organisation),
        },
    )


urlpatterns: list[URLPattern] = [
    path("library/", library_view, name="library"),
    path("library/questions/", recurring_questions_view, name="library-questions"),
]
