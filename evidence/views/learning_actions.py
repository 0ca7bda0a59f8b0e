"""Web pages of learning actions: the partnership's list (where a party records what it
will change) and editing one. Thin, like the brief pages: a gateway, then one service or
selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods

from accounts.identity import request_user
from evidence.access.briefs import (
    ActionAccess,
    access_action_party,
    access_learning_action,
    parties_user_may_record_for,
)
from evidence.forms import LearningActionEditForm, LearningActionForm
from evidence.models import LearningAction
from evidence.selectors.briefs import briefs_for_actions, learning_actions_of
from evidence.services.learning_actions import learning_action_create, learning_action_update
from evidence.views.briefs import brief_page, render_page
from learnhub.errors import Forbidden
from learnhub.forms import service_errors_to
from learnhub.inputs import as_id
from partnerships.access import PartnershipAction, access_partnership

A = "evidence/actions/"


@brief_page
@require_http_methods(["GET", "POST"])
def action_list_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=partnership_pk, action=PartnershipAction.VIEW)
    parties = parties_user_may_record_for(user=user, partnership=partnership)
    briefs = list(briefs_for_actions(user=user, partnership=partnership))
    initial: dict[str, Any] = {"status": LearningAction.Status.PLANNED}
    if (brief_id := as_id(request.GET.get("brief"))) is not None:
        initial["brief"] = brief_id
    if len(parties) == 1:
        initial["party"] = parties[0].pk
    form = LearningActionForm(
        request.POST if request.method == "POST" else None,
        parties=parties,
        briefs=briefs,
        initial=initial,
    )
    if request.method == "POST":
        if not parties:
            raise Forbidden(
                "Only people in a party of this partnership can record learning actions."
            )
        if form.is_valid():
            data = form.cleaned_data
            with service_errors_to(form) as call:
                party = access_action_party(
                    user=user, partnership=partnership, party_id=data["party"]
                )
                brief = next((b for b in briefs if b.pk == data["brief"]), None)
                learning_action_create(
                    partnership=partnership,
                    party=party,
                    by=user,
                    description=data["description"],
                    status=data["status"],
                    outcome=data["outcome"],
                    brief=brief,
                )
            if not call.failed:
                messages.success(request, "The learning action is recorded.")
                return redirect("evidence:action-list", partnership_pk=partnership.pk)
    return render_page(
        request,
        f"{A}list.html",
        partnership,
        {
            "actions": list(learning_actions_of(partnership=partnership)),
            "form": form,
            "can_record": bool(parties),
            "editable": {p.pk for p in parties},
        },
        tab="actions",
        status=400 if request.method == "POST" else 200,
    )


@brief_page
@require_http_methods(["GET", "POST"])
def action_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    action = access_learning_action(user=user, pk=pk, action=ActionAccess.CHANGE)
    form = LearningActionEditForm(
        request.POST if request.method == "POST" else None,
        initial={
            "description": action.description,
            "status": action.status,
            "outcome": action.outcome,
        },
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            learning_action_update(action=action, by=user, **form.cleaned_data)
        if not call.failed:
            messages.success(request, "The learning action is updated.")
            return redirect("evidence:action-list", partnership_pk=action.partnership_id)
    return render_page(
        request,
        f"{A}edit.html",
        action.partnership,
        {"action": action, "form": form},
        tab="actions",
        status=400 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path(
        "partnerships/<id:partnership_pk>/learning-actions/",
        action_list_view,
        name="action-list",
    ),
    path("learning-actions/<id:pk>/edit/", action_edit_view, name="action-edit"),
]
