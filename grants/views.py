"""Web pages of grants data: search, importing a 360Giving file and following its
progress, and a partnership's "Similar work". Thin: a gateway, then one service or
selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.middleware import HtmxDetails

from accounts.identity import request_user
from grants.access import access_grant_import, importing_organisation, may_import
from grants.forms import GrantImportForm, GrantSearchForm, SimilarWorkForm
from grants.selectors import grant_imports_of, grants_search, grants_similar_to, with_reasons
from grants.services import grant_import_start
from learnhub.forms import service_errors_to
from learnhub.pages import refusal_page
from partnerships.access import PartnershipAction, access_partnership
from partnerships.navigation import render_partnership_tab

app_name = "grants"

grants_page = refusal_page("grants/forbidden.html")
partnership_page = refusal_page("partnerships/partnership/forbidden.html")

#: The id of the import page's part that updates itself (htmx asks for it alone).
PROGRESS_ID = "import-progress"
PAGE_SIZE = 20


@grants_page
@require_safe
def grant_search_view(request: HttpRequest) -> HttpResponse:
    form = GrantSearchForm(request.GET or None)
    text = form.cleaned_data["search"] if form.is_valid() else ""
    page_obj = None
    matches: list[Any] = []
    if form.is_bound and form.is_valid():
        page_obj = Paginator(grants_search(text=text), PAGE_SIZE).get_page(request.GET.get("page"))
        matches = with_reasons(list(page_obj.object_list), text=text)
    context = {
        "form": form,
        "search": text,
        "page_obj": page_obj,
        "matches": matches,
        "may_import": may_import(user=request_user(request)),
    }
    return render(request, "grants/search.html", context)


@grants_page
@require_http_methods(["GET", "POST"])
def grant_import_create_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    importing_organisation(user=user)
    form = (
        GrantImportForm(request.POST, request.FILES)
        if request.method == "POST"
        else GrantImportForm()
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            grant_import = grant_import_start(by=user, upload=form.cleaned_data["file"])
        if not call.failed:
            messages.success(request, "Your file is uploaded. We are importing it now.")
            return redirect(grant_import)
        status = call.status
    elif request.method == "POST":
        status = 400
    imports = list(grant_imports_of(user=user)[:10])
    return render(
        request, "grants/import_create.html", {"form": form, "imports": imports}, status=status
    )


@grants_page
@require_safe
def grant_import_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The import's page; while it runs its progress region asks again every 2 seconds
    (htmx, ``HX-Target: import-progress``) and gets back only that part, which stops
    asking once the import has finished."""
    grant_import = access_grant_import(user=request_user(request), pk=pk)
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    part = htmx is not None and bool(htmx) and htmx.target == PROGRESS_ID
    template = "grants/_import_progress.html" if part else "grants/import_detail.html"
    response = render(
        request,
        template,
        {"grant_import": grant_import, "progress_id": PROGRESS_ID, "part": part},
    )
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


@partnership_page
@require_safe
def similar_work_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    partnership = access_partnership(
        user=request_user(request), pk=partnership_pk, action=PartnershipAction.VIEW
    )
    form = SimilarWorkForm(request.GET or None)
    q = form.cleaned_data["q"] if form.is_bound and form.is_valid() else ""
    matches = grants_similar_to(partnership=partnership, q=q) if not form.errors else []
    return render_partnership_tab(
        request,
        "grants/similar_work.html",
        partnership=partnership,
        tab="similar",
        context={"form": form, "q": q, "matches": matches},
        status=400 if form.errors else 200,
    )


urlpatterns: list[URLPattern] = [
    path("grants/", grant_search_view, name="grant-search"),
    path("grants/imports/new/", grant_import_create_view, name="import-create"),
    path("grants/imports/<id:pk>/", grant_import_detail_view, name="import-detail"),
    path(
        "partnerships/<id:partnership_pk>/similar-work/",
        similar_work_view,
        name="similar-work",
    ),
]
