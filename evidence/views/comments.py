"""Web pages' writes of comments on draft briefs: a reader of the draft comments from the
brief's page and may delete their own while it is open; the learning partner marks a
comment resolved there or on the publish check page. The comments themselves are shown
by the brief's page (``evidence.views.briefs.brief_detail_page``) and listed on the
publish check.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path, reverse
from django.views.decorators.http import require_POST

from accounts.identity import request_user
from evidence.access.comments import (
    CommentAction,
    access_brief_comments,
    access_comment,
    commenting_party,
)
from evidence.forms import comment_form_posted
from evidence.services.comments import (
    brief_comment_create,
    brief_comment_delete,
    brief_comment_resolve,
)
from evidence.views.briefs import brief_detail_page, brief_page
from learnhub.errors import Conflict
from learnhub.forms import service_errors_to


def _at(brief_id: int, comment_id: int) -> str:
    """The brief's page, scrolled to the comment."""
    return f"{reverse('evidence:brief-detail', args=[brief_id])}#comment-{comment_id}"


@brief_page
@require_POST
def brief_comment_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    brief = access_brief_comments(user=user, pk=pk)
    form = comment_form_posted(request.POST)
    if form.is_valid():
        with service_errors_to(form) as call:
            comment = brief_comment_create(
                brief=brief,
                party=commenting_party(user=user, brief=brief),
                section=form.cleaned_data["section"],
                text=form.cleaned_data["text"],
                by=user,
            )
        if not call.failed:
            messages.success(request, "Your comment is saved. The learning partner has been told.")
            return redirect(_at(brief.pk, comment.pk))
        if call.status == 409:
            messages.error(request, " ".join(str(error) for error in form.non_field_errors()))
            return redirect("evidence:brief-detail", pk=brief.pk)
    if "section" in form.errors:
        # Not a section of this brief: shown again as a comment on the whole brief.
        data = request.POST.copy()
        data["section"] = ""
        errors = [str(error) for error in form.errors["section"]]
        form = comment_form_posted(data)
        form.is_valid()
        form.add_error("section", errors)
    return brief_detail_page(request, brief, failed=form, status=400)


@brief_page
@require_POST
def comment_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    comment = access_comment(user=user, pk=pk, action=CommentAction.RESOLVE)
    comment = brief_comment_resolve(comment=comment, by=user)
    messages.success(request, "The comment is marked as resolved.")
    if request.POST.get("next") == "publish":
        return redirect("evidence:brief-publish", pk=comment.brief_id)
    return redirect(_at(comment.brief_id, comment.pk))


@brief_page
@require_POST
def comment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Its author takes back an open comment on a draft."""
    user = request_user(request)
    comment = access_comment(user=user, pk=pk, action=CommentAction.CHANGE)
    try:
        brief_comment_delete(comment=comment, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "Your comment is deleted.")
    return redirect("evidence:brief-detail", pk=comment.brief_id)


urlpatterns: list[URLPattern] = [
    path("briefs/<id:pk>/comments/", brief_comment_view, name="brief-comment"),
    path("comments/<id:pk>/resolve/", comment_resolve_view, name="comment-resolve"),
    path("comments/<id:pk>/delete/", comment_delete_view, name="comment-delete"),
]
