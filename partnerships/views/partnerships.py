"""Web pages of a learning partnership: list, start, and the tabs of one partnership
(overview, parties, discovery, questions, timeline), with the forms behind them.

Every page calls one gateway first, so outsiders get 404 and a party without the right
gets a 403 page that says why; the services decide and write, the forms only parse.
"""

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.identity import request_user
from learnhub.errors import Conflict
from learnhub.forms import form_add_service_errors, service_errors_to
from partnerships.access import (
    PartnershipAction,
    access_acting_party,
    access_invitation,
    access_partnership,
    access_party,
    access_party_to_leave,
    access_question,
)
from partnerships.forms import (
    CADENCE_HINTS,
    DECISION_HINTS,
    LEARNING_MODE_HINTS,
    PRIORITY_AUDIENCE_HINTS,
    AgreeForm,
    DiscoveryBriefForm,
    PartnershipCreateForm,
    PartnershipDetailsForm,
    QuestionForm,
    ResponseForm,
)
from partnerships.models import DiscoveryBrief, Partnership, Party, ResearchQuestion
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import (
    EVERY_PARTY,
    DiscoveryStanding,
    accepted_parties_of,
    acting_parties_for,
    activity_of,
    discovery_brief_of,
    funder_organisations_for,
    invited_parties_of,
    learning_mode_needs_agreement,
    my_parties_in,
    parties_seen_by,
    partnerships_for_user,
    questions_with_status,
)
from partnerships.services import (
    Complexity,
    PartnershipNotReady,
    discovery_brief_agree,
    discovery_brief_update,
    discovery_recommendation,
    partnership_create,
    partnership_missing_for_active,
    partnership_set_status,
    partnership_update,
    party_accept,
    party_decline,
    party_leave,
    party_remove,
    question_propose,
    question_respond,
)
from partnerships.services.partnerships import discovery_brief_complexity
from partnerships.views.tabs import T, choices, partnership_page, posted, render_tab

LIST_PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 50
SEARCH_RESULTS = 50


def _pk_of_party_field(form: forms.Form) -> int | None:
    value = form.cleaned_data.get("party")
    return int(value) if value is not None else None


# --- List and start ------------------------------------------------------------------


@login_required
@require_safe
def partnership_list(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    page = Paginator(partnerships_for_user(user=user), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        f"{T}list.html",
        {"page_obj": page, "can_start": funder_organisations_for(user=user).exists()},
    )


def _details_context(form: PartnershipDetailsForm) -> dict[str, Any]:
    return {
        "form": form,
        "learning_mode_choices": (
            choices(form["learning_mode"], LEARNING_MODE_HINTS)
            if "learning_mode" in form.fields
            else []
        ),
        "priority_audience_choices": choices(form["priority_audience"], PRIORITY_AUDIENCE_HINTS),
        "brief_cadence_choices": choices(form["brief_cadence"], CADENCE_HINTS),
    }


@login_required
@require_http_methods(["GET", "POST"])
def partnership_create_view(request: HttpRequest) -> HttpResponse:
    user = request_user(request)
    funders = funder_organisations_for(user=user)
    form = PartnershipCreateForm(posted(request), funders=funders)
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            partnership = partnership_create(by=user, **form.cleaned_data)
        if not call.failed:
            messages.success(
                request,
                f"You started “{partnership.title}”. Next, invite a learning partner to lead "
                "discovery.",
            )
            return redirect(partnership)
    context = _details_context(form)
    context["has_funders"] = funders.exists()
    return render(request, f"{T}create.html", context)


# --- Overview and details --------------------------------------------------------------


def _discovery_tasks(partnership: Partnership) -> list[dict[str, object]]:
    """The discovery task list: what is done and what is still needed to become active."""
    brief = discovery_brief_of(partnership=partnership)
    lp_joined = (
        accepted_parties_of(partnership=partnership)
        .filter(role=Party.Role.LEARNING_PARTNER)
        .exists()
    )
    question_agreed = (
        questions_with_status(partnership=partnership)
        .filter(Q(status=ResearchQuestion.Status.AGREED))  # the derived status annotation
        .exists()
    )
    lp_invited = (
        invited_parties_of(partnership=partnership)
        .filter(role=Party.Role.LEARNING_PARTNER)
        .exists()
    )
    return [
        {
            "label": "A learning partner joins",
            "done": lp_joined,
            "tab": "parties",
            # Only a partnership manager can invite; while one is invited, say so.
            "waiting": "A learning partner is invited and has not answered yet."
            if lp_invited and not lp_joined
            else "",
            "action": ("Invite a learning partner", "partnerships:partnership-invite")
            if not lp_invited
            else None,
            "who": "manage",
        },
        {
            "label": "The learning partner writes the discovery brief",
            "done": brief.version > 0,
            "tab": "discovery",
            "action": ("Write the discovery brief", "partnerships:partnership-discovery-edit"),
            "who": "lead_discovery",
        },
        {
            "label": "Every party agrees the discovery brief"
            if partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH
            else "The funder and the learning partner agree the discovery brief",
            "done": brief.status == DiscoveryBrief.Status.AGREED,
            "tab": "discovery",
            "action": ("Read and agree the discovery brief", "partnerships:partnership-discovery")
            if brief.version > 0
            else None,
            "who": "agree_discovery",
        },
        {
            "label": "Every party agrees at least one research question",
            "done": question_agreed,
            "tab": "questions",
            "action": (
                "Propose or answer research questions",
                "partnerships:partnership-questions",
            ),
            "who": "contribute",
        },
    ]


@partnership_page
@require_safe
def partnership_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW_INVITATION)
    my_parties = list(my_parties_in(user=user, partnership=partnership))
    if partnership.my_party_status != "accepted":  # type: ignore[attr-defined]  # selector-set attribute
        return render(
            request,
            f"{T}invitation.html",
            {"partnership": partnership, "invitations": my_parties},
        )
    context: dict[str, Any] = {
        "my_parties": my_parties,
        "learning_mode_hint": LEARNING_MODE_HINTS.get(partnership.learning_mode, ""),
    }
    if partnership.status == Partnership.Status.DISCOVERY:
        context["tasks"] = _discovery_tasks(partnership)
        context["ready"] = all(task["done"] for task in context["tasks"])
    return render_tab(request, "overview.html", partnership, "overview", context)


@partnership_page
@require_http_methods(["GET", "POST"])
def partnership_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CHANGE)
    initial = {name: getattr(partnership, name) for name in PartnershipDetailsForm.base_fields}
    form = PartnershipDetailsForm(posted(request), initial=initial)
    mode_needs_agreement = learning_mode_needs_agreement(partnership)
    if mode_needs_agreement:
        # Once another party has joined, every party must agree to a change of learning
        # mode: that happens on its own page, not here.
        del form.fields["learning_mode"]
    if request.method == "POST" and form.is_valid():
        try:
            partnership_update(partnership=partnership, by=user, **form.cleaned_data)
        except ValidationError as error:
            form_add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect(partnership)
        else:
            messages.success(request, "You changed the partnership’s details.")
            return redirect(partnership)
    context = _details_context(form)
    context["mode_needs_agreement"] = mode_needs_agreement
    return render_tab(request, "edit.html", partnership, "overview", context)


# --- Parties -------------------------------------------------------------------------


@partnership_page
@require_safe
def partnership_parties(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
    mine = {p.pk: p for p in my_parties_in(user=user, partnership=partnership)}
    rows = [
        {
            "party": party,
            "mine": party.pk in mine,
            "i_am_admin": party.pk in mine and mine[party.pk].i_am_admin,  # type: ignore[attr-defined]  # selector-set attribute
        }
        for party in parties_seen_by(user=user, partnership=partnership)
    ]
    return render_tab(request, "parties.html", partnership, "parties", {"rows": rows})


@partnership_page
@require_POST
def party_accept_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    user = request_user(request)
    party = access_invitation(user=user, partnership_pk=pk, party_pk=party_pk)
    try:
        party_accept(party=party, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("dashboard")
    messages.success(
        request,
        f"{party.organisation.name} has joined “{party.partnership.title}”. Everyone in "
        f"{party.organisation.name} can now see it.",
    )
    return redirect(party.partnership)


@partnership_page
@require_POST
def party_decline_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    user = request_user(request)
    party = access_invitation(user=user, partnership_pk=pk, party_pk=party_pk)
    try:
        party_decline(party=party, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
        return redirect("dashboard")
    messages.success(
        request,
        f"You declined the invitation for {party.organisation.name} to join "
        f"“{party.partnership.title}”.",
    )
    return redirect("dashboard")


def _party_confirm(
    request: HttpRequest, party: Party, leaving: bool, error: str = "", status: int = 200
) -> HttpResponse:
    return render_tab(
        request,
        "party_confirm.html",
        party.partnership,
        "parties",
        {"party": party, "leaving": leaving, "error": error},
        status=status,
    )


@partnership_page
@require_http_methods(["GET", "POST"])
def party_remove_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    user = request_user(request)
    party = access_party(
        user=user, partnership_pk=pk, party_pk=party_pk, action=PartnershipAction.REMOVE_PARTY
    )
    if request.method == "POST":
        try:
            party_remove(party=party, by=user)
        except Conflict as conflict:
            return _party_confirm(request, party, False, conflict.message, status=409)
        messages.success(request, f"You removed {party.organisation.name} from the partnership.")
        return redirect("partnerships:partnership-parties", pk=pk)
    return _party_confirm(request, party, leaving=False)


@partnership_page
@require_http_methods(["GET", "POST"])
def party_leave_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    user = request_user(request)
    party = access_party_to_leave(user=user, partnership_pk=pk, party_pk=party_pk)
    if request.method == "POST":
        try:
            party_leave(party=party, by=user)
        except Conflict as conflict:
            return _party_confirm(request, party, True, conflict.message, status=409)
        messages.success(
            request, f"{party.organisation.name} has left “{party.partnership.title}”."
        )
        return redirect("partnerships:partnership-list")
    return _party_confirm(request, party, leaving=True)


# --- Discovery -----------------------------------------------------------------------


def _in_words(names: list[str]) -> str:
    """``["A", "B", "C"]`` → ``"A, B and C"``."""
    return " and ".join(filter(None, [", ".join(names[:-1]), *names[-1:]]))


def _agreement_gaps(partnership: Partnership, brief: DiscoveryBrief) -> str:
    """Whose agreement the current version still needs, in words ("" when none)."""
    standing: DiscoveryStanding = brief.standing  # type: ignore[attr-defined]  # selector-set attribute
    if standing.rule == EVERY_PARTY:
        return _in_words([party.organisation.name for party in standing.waiting_for])
    agreed = brief.current_agreements  # type: ignore[attr-defined]  # selector-set attribute
    gaps = []
    if not any(a.party.is_commissioner for a in agreed):
        gaps.append(f"the commissioning funder ({partnership.funder.name})")
    if not any(a.party.role == Party.Role.LEARNING_PARTNER for a in agreed):
        gaps.append("a learning partner")
    return _in_words(gaps)


def _discovery_page(
    request: HttpRequest,
    partnership: Partnership,
    agree_form: AgreeForm | None = None,
    status: int = 200,
) -> HttpResponse:
    brief = discovery_brief_of(partnership=partnership)
    agreed_party_ids = {a.party_id for a in brief.current_agreements}  # type: ignore[attr-defined]  # selector-set attribute
    can_agree_as = [
        p
        for p in acting_parties_for(
            user=request_user(request),
            partnership=partnership,
            codename=PartnershipPermission.AGREE_DISCOVERY,
        )
        if p.pk not in agreed_party_ids
    ]
    if agree_form is None and can_agree_as:
        agree_form = AgreeForm()
        agree_form.add_party_field(can_agree_as)
    context = {
        "brief": brief,
        "recommendation": discovery_recommendation(discovery_brief_complexity(brief)),
        "gaps": _agreement_gaps(partnership, brief),
        "standing": brief.standing,  # type: ignore[attr-defined]  # selector-set attribute
        "can_agree_as": can_agree_as,
        "form": agree_form,
    }
    return render_tab(request, "discovery.html", partnership, "discovery", context, status=status)


@partnership_page
@require_safe
def partnership_discovery(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(
        user=request_user(request), pk=pk, action=PartnershipAction.VIEW
    )
    return _discovery_page(request, partnership)


@partnership_page
@require_http_methods(["GET", "POST"])
def discovery_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.LEAD_DISCOVERY)
    brief = discovery_brief_of(partnership=partnership)
    taking_part = accepted_parties_of(partnership=partnership).count()
    invited = invited_parties_of(partnership=partnership).count()
    initial: dict[str, Any] = {
        "audience": brief.audience,
        "desired_impact": brief.desired_impact,
        "scope": brief.scope,
        "open_questions": brief.open_questions,
        "duration_years": brief.duration_years,
        "partner_count": brief.partner_count if brief.version else taking_part + invited,
        "workstream_count": brief.workstream_count,
        "differing_aims": brief.differing_aims,
        "power_imbalance": brief.power_imbalance,
    }
    form = DiscoveryBriefForm(posted(request), initial=initial)
    # LearnHub knows who is in the partnership: say so, and ask only about the others.
    form.fields["partner_count"].help_text = (
        f"LearnHub counts {taking_part + invited} organisation"
        f"{'' if taking_part + invited == 1 else 's'} in this partnership so far "
        f"({taking_part} taking part, {invited} invited), the funder included. Add any "
        "that take part without using LearnHub."
    )
    form.add_party_field(
        acting_parties_for(
            user=user, partnership=partnership, codename=PartnershipPermission.LEAD_DISCOVERY
        )
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        with service_errors_to(form) as call:
            party = access_acting_party(
                user=user,
                partnership=partnership,
                action=PartnershipAction.LEAD_DISCOVERY,
                party_id=_pk_of_party_field(form),
            )
            discovery_brief_update(
                partnership=partnership,
                audience=data["audience"],
                desired_impact=data["desired_impact"],
                scope=data["scope"],
                complexity=Complexity(
                    duration_years=data["duration_years"],
                    partner_count=data["partner_count"],
                    workstream_count=data["workstream_count"],
                    differing_aims=data["differing_aims"],
                    power_imbalance=data["power_imbalance"],
                ),
                open_questions=data["open_questions"],
                party=party,
                by=user,
            )
        if not call.failed:
            messages.success(
                request,
                "You saved the discovery brief. Every party taking part has been asked to agree it."
                if partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH
                else "You saved the discovery brief. Ask the funder and the learning partner’s "
                "admins to agree it.",
            )
            return redirect("partnerships:partnership-discovery", pk=pk)
    context = {
        "form": form,
        "brief": brief,
        "recommendation": discovery_recommendation(discovery_brief_complexity(brief)),
    }
    return render_tab(request, "discovery_form.html", partnership, "discovery", context)


@partnership_page
@require_POST
def discovery_agree(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.AGREE_DISCOVERY)
    form = AgreeForm(request.POST)
    form.add_party_field(
        acting_parties_for(
            user=user, partnership=partnership, codename=PartnershipPermission.AGREE_DISCOVERY
        )
    )
    if form.is_valid():
        try:
            party = access_acting_party(
                user=user,
                partnership=partnership,
                action=PartnershipAction.AGREE_DISCOVERY,
                party_id=_pk_of_party_field(form),
            )
            brief = discovery_brief_agree(partnership=partnership, party=party, by=user)
        except ValidationError as error:
            form_add_service_errors(form, error)
        except Conflict as conflict:
            messages.error(request, conflict.message)
            return redirect("partnerships:partnership-discovery", pk=pk)
        else:
            done = brief.status == DiscoveryBrief.Status.AGREED
            messages.success(
                request,
                f"{party.organisation.name} agreed version {brief.version} of the discovery "
                "brief." + (" The discovery brief is now agreed." if done else ""),
            )
            return redirect("partnerships:partnership-discovery", pk=pk)
    return _discovery_page(request, partnership, agree_form=form, status=400)


# --- Research questions ----------------------------------------------------------------


def _answers(question: ResearchQuestion, accepted: list[Party]) -> list[dict[str, object]]:
    """Every accepted party with its current answer (or none yet), so tensions stay visible."""
    by_party = {r.party_id: r for r in question.current_responses}  # type: ignore[attr-defined]  # selector-set attribute
    return [{"party": party, "response": by_party.get(party.pk)} for party in accepted]


@partnership_page
@require_safe
def partnership_questions(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
    accepted = list(accepted_parties_of(partnership=partnership))
    questions = [
        {"question": q, "answers": _answers(q, accepted)}
        for q in questions_with_status(partnership=partnership)
    ]
    return render_tab(request, "questions.html", partnership, "questions", {"questions": questions})


@partnership_page
@require_http_methods(["GET", "POST"])
def question_propose_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CONTRIBUTE)
    form = QuestionForm(posted(request))
    form.add_party_field(
        acting_parties_for(
            user=user, partnership=partnership, codename=PartnershipPermission.CONTRIBUTE
        )
    )
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            party = access_acting_party(
                user=user,
                partnership=partnership,
                action=PartnershipAction.CONTRIBUTE,
                party_id=_pk_of_party_field(form),
            )
            question_propose(
                partnership=partnership,
                party=party,
                text=form.cleaned_data["text"],
                rationale=form.cleaned_data["rationale"],
                by=user,
            )
        if not call.failed:
            messages.success(
                request, "You proposed a research question. Every party will be asked to answer it."
            )
            return redirect("partnerships:partnership-questions", pk=pk)
    return render_tab(request, "question_form.html", partnership, "questions", {"form": form})


@partnership_page
@require_http_methods(["GET", "POST"])
def question_respond_view(request: HttpRequest, pk: int, question_pk: int) -> HttpResponse:
    user = request_user(request)
    question = access_question(
        user=user, partnership_pk=pk, question_pk=question_pk, action=PartnershipAction.CONTRIBUTE
    )
    partnership = question.partnership
    acting = list(
        acting_parties_for(
            user=user, partnership=partnership, codename=PartnershipPermission.CONTRIBUTE
        )
    )
    current = {r.party_id: r for r in question.current_responses}  # type: ignore[attr-defined]  # selector-set attribute
    initial = {}
    if len(acting) == 1 and acting[0].pk in current:
        initial = {
            "decision": current[acting[0].pk].decision,
            "comment": current[acting[0].pk].comment,
        }
    form = ResponseForm(posted(request), initial=initial)
    form.add_party_field(acting)
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            party = access_acting_party(
                user=user,
                partnership=partnership,
                action=PartnershipAction.CONTRIBUTE,
                party_id=_pk_of_party_field(form),
            )
            question_respond(
                question=question,
                party=party,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                by=user,
            )
        if not call.failed:
            messages.success(request, f"You answered for {party.organisation.name}.")
            return redirect("partnerships:partnership-questions", pk=pk)
    context = {
        "form": form,
        "question": question,
        "answers": _answers(question, list(accepted_parties_of(partnership=partnership))),
        "decision_choices": choices(form["decision"], DECISION_HINTS),
    }
    return render_tab(request, "respond.html", partnership, "questions", context)


# --- Timeline ------------------------------------------------------------------------


@partnership_page
@require_safe
def partnership_timeline(request: HttpRequest, pk: int) -> HttpResponse:
    partnership = access_partnership(
        user=request_user(request), pk=pk, action=PartnershipAction.VIEW
    )
    page = Paginator(activity_of(partnership=partnership), TIMELINE_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render_tab(request, "timeline.html", partnership, "timeline", {"page_obj": page})


# --- Status ----------------------------------------------------------------------------


@partnership_page
@require_http_methods(["GET", "POST"])
def partnership_status_view(request: HttpRequest, pk: int, target: str) -> HttpResponse:
    """Check your answers, then make the partnership active or close it."""
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.CHANGE_STATUS)
    error, missing, status = "", [], 200
    if request.method == "POST":
        try:
            partnership_set_status(partnership=partnership, status=target, by=user)
        except PartnershipNotReady as not_ready:
            error, missing, status = not_ready.message, not_ready.missing, 409
        except Conflict as conflict:
            error, status = conflict.message, 409
        else:
            done = "is now active" if target == "active" else "is now closed"
            messages.success(request, f"“{partnership.title}” {done}.")
            return redirect(partnership)
    elif target == Partnership.Status.ACTIVE and partnership.status == "discovery":
        missing = partnership_missing_for_active(partnership)
    context = {"target": target, "error": error, "missing": missing}
    return render_tab(
        request, "status_confirm.html", partnership, "overview", context, status=status
    )


_P = "partnerships/<id:pk>/"

urlpatterns: list[URLPattern] = [
    path("partnerships/", partnership_list, name="partnership-list"),
    path("partnerships/start/", partnership_create_view, name="partnership-create"),
    path(_P, partnership_detail, name="partnership-detail"),
    path(f"{_P}edit/", partnership_edit, name="partnership-edit"),
    path(f"{_P}parties/", partnership_parties, name="partnership-parties"),
    path(
        f"{_P}parties/<id:party_pk>/accept/",
        party_accept_view,
        name="partnership-party-accept",
    ),
    path(
        f"{_P}parties/<id:party_pk>/decline/",
        party_decline_view,
        name="partnership-party-decline",
    ),
    path(
        f"{_P}parties/<id:party_pk>/remove/",
        party_remove_view,
        name="partnership-party-remove",
    ),
    path(f"{_P}parties/<id:party_pk>/leave/", party_leave_view, name="partnership-party-leave"),
    path(f"{_P}discovery/", partnership_discovery, name="partnership-discovery"),
    path(f"{_P}discovery/edit/", discovery_edit, name="partnership-discovery-edit"),
    path(f"{_P}discovery/agree/", discovery_agree, name="partnership-discovery-agree"),
    path(f"{_P}questions/", partnership_questions, name="partnership-questions"),
    path(f"{_P}questions/propose/", question_propose_view, name="partnership-question-propose"),
    path(
        f"{_P}questions/<id:question_pk>/respond/",
        question_respond_view,
        name="partnership-question-respond",
    ),
    path(f"{_P}timeline/", partnership_timeline, name="partnership-timeline"),
    path(
        f"{_P}make-active/",
        partnership_status_view,
        {"target": Partnership.Status.ACTIVE.value},
        name="partnership-activate",
    ),
    path(
        f"{_P}close/",
        partnership_status_view,
        {"target": Partnership.Status.CLOSED.value},
        name="partnership-close",
    ),
]
