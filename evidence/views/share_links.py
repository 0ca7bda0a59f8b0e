"""Share links on the web: the learning partner's "Share this brief" page (make and
revoke links), and the page a link opens for someone who is not signed in.

The signed-out page has a layout of its own, with no navigation and no link to any
signed-in page; it answers 404 (a page saying the link does not work) for a malformed,
unknown, revoked or expired token, and counts a view only when it shows the brief. Its
answers tell the browser not to keep the page, not to send the address on as a
referrer, and search engines not to index it: the token is the only key.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.identity import request_user
from evidence.access.briefs import BriefAction, access_brief, access_share_link
from evidence.forms import ShareLinkForm
from evidence.models import InsightBrief
from evidence.periods import Period, london_today
from evidence.selectors.share_links import share_link_open, share_links_of
from evidence.services.share_links import (
    share_link_count_view,
    share_link_create,
    share_link_revoke,
    share_url,
)
from evidence.sharing import SHARE_FORMATS, gone_response, share_response
from evidence.views.briefs import brief_page, render_page
from learnhub.forms import service_errors_to

T = "evidence/share/"


# --- The learning partner's page ------------------------------------------------------------


def _manage(
    request: HttpRequest, brief: InsightBrief, form: ShareLinkForm, status: int = 200
) -> HttpResponse:
    today = london_today()
    links = [
        {
            "link": link,
            "url": share_url(link),
            "expired": link.expires_on is not None and link.expires_on < today,
        }
        for link in share_links_of(brief=brief)
    ]
    return render_page(
        request,
        f"{T}manage.html",
        brief.partnership,
        {
            "brief": brief,
            "period": Period(brief.period_start, brief.period_end).describe(),
            "links": links,
            "form": form,
            "hints": ShareLinkForm.AUDIENCE_HINTS,
        },
        status=status,
    )


@brief_page
@require_http_methods(["GET", "POST"])
def share_links_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The links to a brief, and the form to make one (the learning partner)."""
    user = request_user(request)
    brief = access_brief(user=user, pk=pk, action=BriefAction.SHARE)
    if request.method != "POST":
        return _manage(request, brief, ShareLinkForm())
    form = ShareLinkForm(request.POST)
    if form.is_valid():
        with service_errors_to(form) as call:
            link = share_link_create(
                brief=brief,
                audience=form.cleaned_data["audience"],
                expires_on=form.cleaned_data["expires_on"],
                by=user,
            )
        if not call.failed:
            messages.success(
                request,
                f"The link for {link.get_audience_display().lower()} is ready to copy. Every "
                "organisation in the partnership has been told.",
            )
            return redirect("evidence:share-links", pk=brief.pk)
        return _manage(request, brief, form, status=call.status)
    return _manage(request, brief, form, status=400)


@brief_page
@require_POST
def share_link_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    link = access_share_link(user=user, pk=pk)
    share_link_revoke(link=link, by=user)
    messages.success(
        request,
        f"The link for {link.get_audience_display().lower()} is revoked: it no longer works. "
        "Every organisation in the partnership has been told.",
    )
    return redirect("evidence:share-links", pk=link.brief_id)


# --- The signed-out page ---------------------------------------------------------------------


@require_GET
def share_page_view(request: HttpRequest, token: str) -> HttpResponse:
    """What a share link shows, signed out: the published brief (``public``) or the
    "you said, we did" page (``community``); ``?format=pdf`` for its PDF. A view is
    counted only when the page is shown."""
    link = share_link_open(token=token)
    fmt = request.GET.get("format", "html")
    if link is None or fmt not in SHARE_FORMATS:
        return gone_response(request)
    response = share_response(request, link, fmt)
    share_link_count_view(link=link)
    return response


urlpatterns: list[URLPattern] = [
    path("briefs/<id:pk>/share/", share_links_view, name="share-links"),
    path("share-links/<id:pk>/revoke/", share_link_revoke_view, name="share-link-revoke"),
    path("share/<str:token>/", share_page_view, name="share-page"),
]
