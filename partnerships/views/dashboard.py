"""The home page and the dashboard that answers “what needs me now?”."""

from typing import cast

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.views.decorators.http import require_safe

from accounts.models import User
from partnerships.dashboard import DASHBOARD_SECTIONS
from partnerships.selectors import (
    INVITATION_REPLIES_DAYS,
    discovery_agreements_awaited_for,
    email_verified,
    invitation_replies_for,
    invitations_for_user,
    invitations_pending_for_user,
    memberships_for_user,
    partnerships_for_user,
    questions_awaiting_answer,
)

DASHBOARD_LIST_SIZE = 10


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("dashboard")
    return render(request, "partnerships/home.html")


def dashboard_context(user: User) -> dict[str, object]:
    """What the dashboard shows ``user``, each item from a selector scoped to them.

    Items that need the person come first in the template; add new sections as new keys.
    """
    return {
        "organisation_invitations": list(invitations_pending_for_user(user=user)),
        "email_verified": email_verified(user=user),
        "memberships": list(memberships_for_user(user=user)),
        "partnership_invitations": list(invitations_for_user(user=user)),
        "questions_awaiting_answer": list(
            questions_awaiting_answer(user=user)[: DASHBOARD_LIST_SIZE + 1]
        ),
        "discovery_agreements_awaited": list(
            discovery_agreements_awaited_for(user=user)[: DASHBOARD_LIST_SIZE + 1]
        ),
        "invitation_replies": list(invitation_replies_for(user=user)[:DASHBOARD_LIST_SIZE]),
        "invitation_replies_days": INVITATION_REPLIES_DAYS,
        "partnerships": list(partnerships_for_user(user=user)[: DASHBOARD_LIST_SIZE + 1]),
        "dashboard_list_size": DASHBOARD_LIST_SIZE,
        **{key: section(user) for key, section in DASHBOARD_SECTIONS.items()},
    }


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    context = dashboard_context(cast(User, request.user))
    return render(request, "partnerships/dashboard.html", context)


urlpatterns = [
    path("", home, name="home"),
    path("dashboard/", dashboard, name="dashboard"),
]
