"""Web pages of learning sessions: the partnership's Sessions tab, scheduling, changing
and cancelling one, and a session's page. Thin: a gateway, then one service or selector."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_safe

from accounts.identity import request_user
from learnhub.forms import service_errors_to
from learnhub.pages import refusal_page
from partnerships.models import Partnership
from partnerships.navigation import render_partnership_tab
from partnerships.selectors import accepted_parties_of
from rhythm.access import SessionAction, access_partnership_sessions, access_session
from rhythm.forms import ConfirmForm, SessionForm
from rhythm.outputs import session_outputs_for
from rhythm.selectors import sessions_split, sessions_visible_to
from rhythm.services import session_cancel, session_schedule, session_update

app_name = "rhythm"
T = "rhythm/"
session_page = refusal_page("partnerships/partnership/forbidden.html")


def _render(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any],
    *,
    status: int = 200,
) -> HttpResponse:
    return render_partnership_tab(
        request,
        f"{T}{template}",
        partnership=partnership,
        tab="sessions",
        context=context,
        status=status,
    )


@session_page
@require_safe
def session_list_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership_sessions(
        user=user, pk=partnership_pk, action=SessionAction.VIEW
    )
    manager = partnership.manages_sessions  # type: ignore[attr-defined]  # gateway-set
    upcoming, past = sessions_split(
        sessions_visible_to(user=user, partnership=partnership, manager=manager)
    )
    return _render(
        request,
        "list.html",
        partnership,
        {"upcoming": upcoming, "past": past, "manages_sessions": manager},
    )


@session_page
@require_http_methods(["GET", "POST"])
def session_create_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership_sessions(
        user=user, pk=partnership_pk, action=SessionAction.MANAGE
    )
    parties = list(accepted_parties_of(partnership=partnership))
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        parties=parties,
        initial={"parties": [p.pk for p in parties], "duration_minutes": 90},
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            session = session_schedule(
                partnership=partnership, by=user, fields=form.session_fields()
            )
        if not call.failed:
            messages.success(request, f"“{session.title}” is scheduled. Its attendees are told.")
            return redirect(session)
    return _render(
        request,
        "form.html",
        partnership,
        {"form": form, "heading": "Schedule a learning session", "session": None},
        status=400 if request.method == "POST" else 200,
    )


@session_page
@require_safe
def session_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = access_session(user=user, pk=pk, action=SessionAction.VIEW)
    return _render(
        request,
        "detail.html",
        session.partnership,
        {
            "session": session,
            "heading": session.title,
            "outputs": session_outputs_for(user=user, session=session),
            "manages_sessions": session.manages_sessions,  # type: ignore[attr-defined]
            "evidence_kind": session.evidence_kind,
        },
    )


@session_page
@require_http_methods(["GET", "POST"])
def session_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = access_session(user=user, pk=pk, action=SessionAction.MANAGE)
    parties = list(accepted_parties_of(partnership=session.partnership))
    form = SessionForm(
        request.POST if request.method == "POST" else None,
        parties=parties,
        initial=SessionForm.initial_of(session),
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            session_update(session=session, by=user, fields=form.session_fields())
        if not call.failed:
            messages.success(
                request, "The session is changed. Its attendees are told of a new time."
            )
            return redirect(session)
    return _render(
        request,
        "form.html",
        session.partnership,
        {"form": form, "heading": f"Change “{session.title}”", "session": session},
        status=400 if request.method == "POST" else 200,
    )


@session_page
@require_http_methods(["GET", "POST"])
def session_cancel_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    session = access_session(user=user, pk=pk, action=SessionAction.MANAGE)
    form = ConfirmForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            session_cancel(session=session, by=user)
        if not call.failed:
            messages.success(request, f"“{session.title}” is cancelled. Its attendees are told.")
            return redirect(session)
    return _render(
        request,
        "cancel.html",
        session.partnership,
        {"form": form, "session": session, "heading": f"Cancel “{session.title}”"},
        status=409 if request.method == "POST" else 200,
    )


urlpatterns: list[URLPattern] = [
    path("partnerships/<id:partnership_pk>/sessions/", session_list_view, name="session-list"),
    path(
        "partnerships/<id:partnership_pk>/sessions/new/",
        session_create_view,
        name="session-create",
    ),
    path("sessions/<id:pk>/", session_detail_view, name="session-detail"),
    path("sessions/<id:pk>/change/", session_edit_view, name="session-edit"),
    path("sessions/<id:pk>/cancel/", session_cancel_view, name="session-cancel"),
]
