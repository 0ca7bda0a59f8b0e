"""Web pages of insight briefs (learning actions: ``evidence.views.learning_actions``).

The briefs tab lists the briefs a person may read and lets the learning partner ask for
one; a brief's page shows it (with downloads, and for the learning partner the
plain-language report); the learning partner edits it, previews it as each party or the
public would see it once published, and publishes it after checking the answers.
Views stay thin: a gateway, then one service or selector; refusals come back as the
same plain messages the API gives.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from accounts.identity import request_user
from evidence.access.briefs import (
    BriefAction,
    access_brief,
    access_notice,
    access_partnership_briefs,
    may_acknowledge,
    parties_user_may_record_for,
)
from evidence.forms import (
    BriefEditForm,
    BriefRequestForm,
    ChallengeFormSet,
    CommentForm,
    challenge_formset_with_blanks,
    comment_form,
)
from evidence.http import brief_export_response
from evidence.models import InsightBrief
from evidence.periods import Period, last_ended_period, london_today, period_containing
from evidence.rendering import FORMATS, Document, document
from evidence.sections import Challenge
from evidence.selectors.briefs import (
    PUBLIC,
    brief_preview,
    brief_reading_for,
    briefs_visible_to,
    is_learning_partner,
    learning_actions_of,
    reads_drafts,
)
from evidence.selectors.comments import comments_on_brief, open_comments_of
from evidence.selectors.notices import (
    challenges_naming,
    notice_days,
    notice_statuses,
    party_terms,
)
from evidence.services.briefs import (
    CHALLENGES_ADVICE,
    CHALLENGES_MAX,
    SO_WHAT_MISSING,
    NotReadyToPublish,
    brief_acknowledge,
    brief_notify_challenged,
    brief_publish,
    brief_redraft,
    brief_request,
    brief_update,
    unpermitted_challenges,
)
from evidence.so_what import so_what_scaffold, so_what_written
from learnhub.errors import Conflict
from learnhub.forms import form_add_service_errors, service_errors_to
from learnhub.pages import refusal_page
from partnerships.models import Partnership, Party
from partnerships.navigation import TABS
from partnerships.selectors import accepted_parties_of, questions_with_status

T = "evidence/briefs/"
BLANK_CHALLENGE_ROWS = 2

View = Callable[..., HttpResponseBase]


#: Sign-in required; a refusal (``Forbidden``) becomes a 403 page that says why.
brief_page = refusal_page("partnerships/partnership/forbidden.html")


def render_page(
    request: HttpRequest,
    template: str,
    partnership: Partnership,
    context: dict[str, Any] | None = None,
    *,
    tab: str = "briefs",
    status: int = 200,
) -> HttpResponse:
    """A page under the partnership's ``tab`` (briefs, or learning actions)."""
    page: dict[str, Any] = {
        "partnership": partnership,
        "tab": tab,
        "tabs": TABS,
        "is_learning_partner": is_learning_partner(
            user=request_user(request), partnership=partnership
        ),
    }
    page.update(context or {})
    return render(request, template, page, status=status)


# --- The briefs tab ------------------------------------------------------------------------------


def _suggested_period(partnership: Partnership) -> Period:
    return last_ended_period(london_today(), partnership.brief_cadence)


@brief_page
@require_GET
def brief_list_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership_briefs(user=user, pk=partnership_pk, action=BriefAction.VIEW)
    suggested = _suggested_period(partnership)
    form = BriefRequestForm(initial={"period_start": suggested.start, "period_end": suggested.end})
    return _brief_list(request, partnership, form)


def _brief_list(
    request: HttpRequest, partnership: Partnership, form: BriefRequestForm, status: int = 200
) -> HttpResponse:
    current = period_containing(london_today(), partnership.brief_cadence)
    return render_page(
        request,
        f"{T}list.html",
        partnership,
        {
            "briefs": list(briefs_visible_to(user=request_user(request), partnership=partnership)),
            "form": form,
            "current_period": current,
            "next_draft_day": current.end + datetime.timedelta(days=1),
            "schedule_on": partnership.status == Partnership.Status.ACTIVE,
        },
        status=status,
    )


@brief_page
@require_POST
def brief_request_view(request: HttpRequest, partnership_pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership_briefs(
        user=user, pk=partnership_pk, action=BriefAction.REQUEST
    )
    form = BriefRequestForm(request.POST)
    if form.is_valid():
        with service_errors_to(form) as call:
            brief, created = brief_request(partnership=partnership, by=user, **form.cleaned_data)
        if not call.failed:
            # A new brief's page says it is being drafted (and updates by itself).
            if not created:
                messages.info(request, "There is already a brief for that period: here it is.")
            return redirect("evidence:brief-detail", pk=brief.pk)
    return _brief_list(request, partnership, form, status=400)


# --- One brief ---------------------------------------------------------------------------------


def _brief_context(request: HttpRequest, brief: InsightBrief) -> dict[str, Any]:
    reading = brief_reading_for(brief=brief, user=request_user(request))
    return {
        "brief": brief,
        "doc": document(reading),
        "period": Period(brief.period_start, brief.period_end).describe(),
        "formats": [
            ("html", "Web page (HTML)"),
            ("pdf", "PDF"),
            ("md", "Markdown"),
            ("json", "Data (JSON)"),
        ],
    }


#: The id of the part of the brief's page that updates by itself while it is drafted.
BRIEF_CONTENT_ID = "brief-content"
#: Drafting usually takes under a minute; after this long the page stops asking by itself
#: and says it is taking longer than usual (the outbox keeps retrying the drafting).
DRAFTING_SLOW_AFTER = datetime.timedelta(minutes=10)


@brief_page
@require_GET
def brief_detail_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The brief's page; while it is being drafted its status region asks again every few
    seconds (htmx, ``HX-Target: brief-content``) and gets back only that part of the page,
    which once the draft is ready is the brief itself (so the asking stops)."""
    brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.VIEW)
    response = brief_detail_page(request, brief, part=_asks_for_content(request))
    patch_vary_headers(response, ["HX-Request", "HX-Target"])
    return response


def _asks_for_content(request: HttpRequest) -> bool:
    htmx: HtmxDetails | None = getattr(request, "htmx", None)
    return htmx is not None and bool(htmx) and htmx.target == BRIEF_CONTENT_ID


def brief_detail_page(
    request: HttpRequest,
    brief: InsightBrief,
    *,
    failed: CommentForm | None = None,
    status: int = 200,
    part: bool = False,
) -> HttpResponse:
    """The brief's page; for the readers of its draft, with its comments beside each
    section and (on a draft) a form to comment, ``failed`` being one sent back in error.
    With ``part``, only the page's content under its tabs (what the drafting status
    region swaps in)."""
    user = request_user(request)
    context = _brief_context(request, brief)
    context["actions"] = list(
        learning_actions_of(partnership=brief.partnership).filter(brief=brief)
    )
    context["can_record_action"] = bool(
        parties_user_may_record_for(user=user, partnership=brief.partnership)
    )
    if reads_drafts(user=user, partnership=brief.partnership):
        context.update(_comments_context(brief, context["doc"], failed))
    context["content_id"] = BRIEF_CONTENT_ID
    # Swapped in once the draft is ready: the status region says so, then stops asking.
    context["ready_news"] = part and brief.status != InsightBrief.Status.DRAFTING
    context["drafting_slow"] = (
        brief.status == InsightBrief.Status.DRAFTING
        and timezone.now() - brief.updated_at > DRAFTING_SLOW_AFTER
    )
    template = f"{T}_content.html" if part else f"{T}detail.html"
    return render_page(request, template, brief.partnership, context, status=status)


def _comments_context(
    brief: InsightBrief, doc: Document, failed: CommentForm | None
) -> dict[str, Any]:
    """Each section of ``doc`` gets its ``comments`` (and on a draft its
    ``comment_form``); the whole brief's come back as ``whole_comments``."""
    comments = comments_on_brief(
        brief=brief, headings=[str(section.get("heading", "")) for section in doc.sections]
    )
    open_for = brief.status == InsightBrief.Status.DRAFT

    def form_for(section: int | None) -> CommentForm | None:
        if not open_for:
            return None
        if failed is not None and failed.section_at == section:
            return failed
        return comment_form(section)

    for number, section in enumerate(doc.sections):
        section["comments"] = comments.by_section.get(number, [])
        section["comment_form"] = form_for(number)
        # Once published, only the sections that were commented on say so.
        section["show_comments"] = open_for or bool(section["comments"])
    return {
        "show_comments": True,
        "show_whole_comments": open_for or bool(comments.whole),
        "failed_comment_form": failed,
        "whole_comments": comments.whole,
        "whole_comment_form": form_for(None),
        "open_comments": comments.open_count,
        "comments_open": open_for,
    }


@brief_page
@require_GET
def brief_download_view(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.VIEW)
    if fmt not in FORMATS:
        raise Http404("No such download format.")
    return brief_export_response(brief_reading_for(brief=brief, user=request_user(request)), fmt)


@brief_page
@require_POST
def brief_redraft_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    brief = access_brief(user=user, pk=pk, action=BriefAction.EDIT)
    try:
        brief_redraft(brief=brief, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(request, "The brief is being drafted again from the latest evidence.")
    return redirect("evidence:brief-detail", pk=brief.pk)


# --- Editing --------------------------------------------------------------------------------------


def _challenge_choices(
    partnership: Partnership,
) -> tuple[list[tuple[int, str]], list[tuple[str, str]]]:
    parties = [
        (p.pk, f"{p.organisation.name} ({p.get_role_display().lower()})")
        for p in accepted_parties_of(partnership=partnership).exclude(
            role=Party.Role.LEARNING_PARTNER
        )
    ]
    areas = [("*", "Its work as a whole")] + [
        (str(q.pk), q.text)
        for q in questions_with_status(partnership=partnership).prefetch_related(None)
    ]
    return parties, areas


def _edit_forms(request: HttpRequest, brief: InsightBrief) -> tuple[BriefEditForm, Any]:
    parties, areas = _challenge_choices(brief.partnership)
    if request.method == "POST":
        form = BriefEditForm(request.POST)
        formset = ChallengeFormSet(
            request.POST, prefix="challenge", form_kwargs={"parties": parties, "areas": areas}
        )
    else:
        # An empty "so what?" starts from the scaffold (never stored until saved).
        so_what = brief.so_what or so_what_scaffold(
            brief_reading_for(brief=brief, user=request_user(request)).sections
        )
        form = BriefEditForm(initial={"so_what": so_what, "recommendations": brief.recommendations})
        initial = [
            {"party": c["party"], "area": str(c["area"]), "text": c["text"]}
            for c in brief.challenges or []
        ]
        blanks = min(BLANK_CHALLENGE_ROWS, CHALLENGES_MAX - len(initial))
        formset = challenge_formset_with_blanks(blanks)(
            initial=initial, prefix="challenge", form_kwargs={"parties": parties, "areas": areas}
        )
    return form, formset


def _challenges_from(formset: Any) -> list[Challenge]:
    return [
        {
            "party": f.cleaned_data["party"],
            "area": f.cleaned_data["area"] or "*",
            "text": f.cleaned_data["text"],
        }
        for f in formset.forms
        if not f.cleaned_data.get("remove") and not f.is_blank
    ]


@brief_page
@require_http_methods(["GET", "POST"])
def brief_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    brief = access_brief(user=user, pk=pk, action=BriefAction.EDIT)
    if brief.status != InsightBrief.Status.DRAFT:
        messages.error(
            request,
            "This brief has been published, so it can no longer be changed."
            if brief.status == InsightBrief.Status.PUBLISHED
            else "This brief is still being drafted. Try again in a minute.",
        )
        return redirect("evidence:brief-detail", pk=brief.pk)
    form, formset = _edit_forms(request, brief)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            brief_update(
                brief=brief,
                by=user,
                so_what=form.cleaned_data["so_what"],
                recommendations=form.cleaned_data["recommendations"],
                challenges=_challenges_from(formset),
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("evidence:brief-detail", pk=brief.pk)
        else:
            messages.success(request, "Your changes to the brief are saved.")
            if request.POST.get("next") == "publish":
                return redirect("evidence:brief-publish", pk=brief.pk)
            return redirect("evidence:brief-detail", pk=brief.pk)
    return render_page(
        request,
        f"{T}edit.html",
        brief.partnership,
        {
            "brief": brief,
            "form": form,
            "formset": formset,
            "period": Period(brief.period_start, brief.period_end).describe(),
            "report": brief.plain_language or {},
            "party_terms": party_terms(brief.partnership),
        },
        status=400 if request.method == "POST" else 200,
    )


# --- Preview and publish ------------------------------------------------------------------------


@brief_page
@require_GET
def brief_preview_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The brief as it will read once published, as a chosen party (or the public) sees it."""
    brief = access_brief(user=request_user(request), pk=pk, action=BriefAction.EDIT)
    parties = list(accepted_parties_of(partnership=brief.partnership))
    chosen_key = request.GET.get("as", PUBLIC)
    chosen = next((party for party in parties if chosen_key == str(party.pk)), None)
    if chosen is None:
        chosen_key = PUBLIC
        label = "the public"
    else:
        label = f"{chosen.organisation.name} ({chosen.get_role_display().lower()})"
    reading = brief_preview(brief=brief, audience=chosen if chosen is not None else PUBLIC)
    return render_page(
        request,
        f"{T}preview.html",
        brief.partnership,
        {
            "brief": brief,
            "doc": document(reading, audience=f"Preview: as {label} will see it"),
            "parties": parties,
            "chosen": chosen_key,
            "audience_label": label,
            "left_out": reading.left_out,
            "period": Period(brief.period_start, brief.period_end).describe(),
        },
    )


NOTICE_WORDS = {
    "not_sent": "Not told yet: send the notice before publishing.",
    "outdated": "The challenges changed after the notice was sent: send it again.",
    "waiting": "Told; waiting for them to acknowledge it.",
    "acknowledged": "Told, and they acknowledged it.",
    "period_passed": "Told; the notice period has passed without a reply.",
}


def _publish_context(brief: InsightBrief) -> dict[str, Any]:
    parties, areas = _challenge_choices(brief.partnership)
    party_names = dict(parties)
    area_names = dict(areas)
    problems = unpermitted_challenges(brief)
    preview = brief_preview(brief=brief, audience=PUBLIC)
    terms = {term["party"]: term for term in party_terms(brief.partnership)}
    notices = notice_statuses(brief)
    return {
        "brief": brief,
        "period": Period(brief.period_start, brief.period_end).describe(),
        "challenges": [
            {
                "party": party_names.get(c["party"], "A former party"),
                "area": area_names.get(str(c["area"]), "A research question"),
                "text": c["text"],
                "terms": terms.get(int(c["party"])) if str(c["party"]).isdigit() else None,
            }
            for c in brief.challenges or []
        ],
        "notices": [
            {
                "status": status,
                "words": NOTICE_WORDS[status.state],
            }
            for status in notices
        ],
        "notices_due": any(s.state in ("not_sent", "outdated") for s in notices),
        "problems": problems,
        "so_what_missing": not so_what_written(brief.so_what),
        "so_what_problem": SO_WHAT_MISSING,
        "challenges_advice": CHALLENGES_ADVICE,
        "report": brief.plain_language or {},
        "cited": len(preview.cited),
        "left_out": preview.left_out,
        "open_comments": list(open_comments_of(brief=brief)),
    }


@brief_page
@require_http_methods(["GET", "POST"])
def brief_publish_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Check your answers, then publish. Refused (409, the same words as the API) while a
    challenge lacks its party's permission for published briefs."""
    user = request_user(request)
    brief = access_brief(user=user, pk=pk, action=BriefAction.PUBLISH)
    if brief.status != InsightBrief.Status.DRAFT:
        messages.error(
            request,
            "This brief has already been published."
            if brief.status == InsightBrief.Status.PUBLISHED
            else "This brief is still being drafted. Try again in a minute.",
        )
        return redirect("evidence:brief-detail", pk=brief.pk)
    refusal: NotReadyToPublish | None = None
    if request.method == "POST":
        try:
            brief_publish(brief=brief, by=user)
        except NotReadyToPublish as problems:
            refusal = problems
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("evidence:brief-detail", pk=brief.pk)
        else:
            messages.success(request, "The brief is published. Every party has been told.")
            return redirect("evidence:brief-detail", pk=brief.pk)
    context = _publish_context(brief)
    context["refused"] = refusal
    return render_page(
        request, f"{T}publish.html", brief.partnership, context, status=409 if refusal else 200
    )


@brief_page
@require_POST
def brief_notify_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The learning partner sends the pre-publication notices from the publish page."""
    user = request_user(request)
    brief = access_brief(user=user, pk=pk, action=BriefAction.PUBLISH)
    try:
        sent = brief_notify_challenged(brief=brief, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        names = ", ".join(notice.party.organisation.name for notice in sent)
        messages.success(request, f"The notice is sent to {names}.")
    return redirect("evidence:brief-publish", pk=brief.pk)


@brief_page
@require_http_methods(["GET", "POST"])
def brief_notice_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A challenged party reads the notice about a brief and an admin acknowledges it."""
    user = request_user(request)
    notice = access_notice(user=user, pk=pk, acknowledge=request.method == "POST")
    brief = notice.brief
    if request.method == "POST":
        try:
            brief_acknowledge(brief=brief, party=notice.party, by=user)
        except Conflict as conflict:
            messages.error(request, conflict.message)
        else:
            messages.success(request, "Thank you: the learning partner has been told.")
        return redirect("evidence:brief-notice", pk=brief.pk)
    areas = dict(_challenge_choices(brief.partnership)[1])
    return render_page(
        request,
        f"{T}notice.html",
        brief.partnership,
        {
            "brief": brief,
            "notice": notice,
            "period": Period(brief.period_start, brief.period_end).describe(),
            "challenges": [
                {"area": areas.get(c["area"], "A research question"), "text": c["text"]}
                for c in notice.challenges
            ],
            "current": notice.challenges == challenges_naming(brief, notice.party_id),
            "publish_after": notice.sent_at + datetime.timedelta(days=notice_days()),
            "is_admin": may_acknowledge(user=user, notice=notice),
        },
    )


urlpatterns: list[URLPattern] = [
    path("partnerships/<id:partnership_pk>/briefs/", brief_list_view, name="brief-list"),
    path("partnerships/<id:partnership_pk>/briefs/ask/", brief_request_view, name="brief-request"),
    path("briefs/<id:pk>/", brief_detail_view, name="brief-detail"),
    path("briefs/<id:pk>/edit/", brief_edit_view, name="brief-edit"),
    path("briefs/<id:pk>/preview/", brief_preview_view, name="brief-preview"),
    path("briefs/<id:pk>/publish/", brief_publish_view, name="brief-publish"),
    path("briefs/<id:pk>/notify/", brief_notify_view, name="brief-notify"),
    path("briefs/<id:pk>/notice/", brief_notice_view, name="brief-notice"),
    path("briefs/<id:pk>/redraft/", brief_redraft_view, name="brief-redraft"),
    path("briefs/<id:pk>/download/<str:fmt>/", brief_download_view, name="brief-download"),
]
