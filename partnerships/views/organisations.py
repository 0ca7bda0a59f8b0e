"""Web pages for the organisation directory, organisation pages and invitations."""

from typing import Any

from allauth.account.adapter import get_adapter
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils import formats, timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.identity import request_user
from learnhub.errors import Forbidden, LearnHubError
from learnhub.forms import form_add_service_errors, service_errors_to
from partnerships.access import (
    OrganisationAction,
    access_organisation,
    access_organisation_invitation,
)
from partnerships.models import Membership, Organisation, OrganisationInvitation, Party
from partnerships.selectors import (
    invitation_by_token,
    membership_of,
    organisation_directory,
    organisation_invitations_open,
    organisation_members,
)
from partnerships.services import (
    invitation_accept,
    invitation_refusal,
    organisation_create,
    organisation_invitation_cancel,
    organisation_invitation_send_again,
    organisation_invite,
)

DIRECTORY_PAGE_SIZE = 25

KIND_EXPLANATIONS: dict[str, str] = {
    Organisation.Kind.FUNDER: "Gives grants, and commissions learning partnerships.",
    Organisation.Kind.GRANTEE: (
        "Receives a grant and does the work: a charity, community group or health service."
    ),
    Organisation.Kind.LEARNING_PARTNER: (
        "Helps the partnership learn: gathers evidence and writes the insight briefs."
    ),
}

ROLE_EXPLANATIONS: dict[str, str] = {
    Membership.Role.ADMIN: (
        "Manages members and acts for the organisation: accepts partnership invitations "
        "and gives consent."
    ),
    Membership.Role.MEMBER: "Takes part in the organisation’s learning partnerships.",
}


class DirectorySearchForm(forms.Form):
    search = forms.CharField(
        label="Search by name or number",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label="Kind of organisation",
        required=False,
        choices=[("", "All kinds"), *Organisation.Kind.choices],
    )


class OrganisationForm(forms.Form):
    name = forms.CharField(
        label="Organisation name",
        max_length=200,
        help_text="The name people know it by, for example “Northside Food Bank”.",
        error_messages={"required": "Enter the organisation’s name."},
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=Organisation.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose funder, grantee or learning partner."},
    )
    identifier = forms.CharField(
        label="Charity or company number (optional)",
        max_length=100,
        required=False,
        help_text="This helps others tell apart organisations with similar names.",
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        max_length=254,
        error_messages={
            "required": "Enter the email address of the person you want to invite.",
            "invalid": "Enter an email address in the correct format, like name@example.org.",
        },
    )
    role = forms.ChoiceField(
        label="Their role",
        choices=Membership.Role.choices,
        widget=forms.RadioSelect,
        initial=Membership.Role.MEMBER,
        error_messages={"required": "Choose admin or member."},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        days = settings.LEARNHUB_INVITATION_DAYS
        self.fields[
            "email"
        ].help_text = f"We will email them a link to join. It works for {days} days."


def _choice_explanations(
    field: forms.BoundField, explanations: dict[str, str]
) -> list[dict[str, object]]:
    return [
        {"radio": radio, "hint": explanations.get(str(radio.data["value"]), "")} for radio in field
    ]


@login_required
@require_safe
def organisation_list(request: HttpRequest) -> HttpResponse:
    search_form = DirectorySearchForm(request.GET or None)
    search, kind = "", ""
    if search_form.is_bound and search_form.is_valid():
        search = search_form.cleaned_data["search"]
        kind = search_form.cleaned_data["kind"]
    page = Paginator(
        organisation_directory(search=search, kind=kind), DIRECTORY_PAGE_SIZE
    ).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "partnerships/organisations/list.html",
        {
            "search_form": search_form,
            "search": search,
            "kind": kind,
            "page_obj": page,
            "query": query.urlencode(),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create_view(request: HttpRequest) -> HttpResponse:
    form = OrganisationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            organisation = organisation_create(by=request_user(request), **form.cleaned_data)
        if not call.failed:
            messages.success(request, f"You created {organisation.name}. You are its admin.")
            return redirect(organisation)
    return render(
        request,
        "partnerships/organisations/create.html",
        {"form": form, "kind_choices": _choice_explanations(form["kind"], KIND_EXPLANATIONS)},
    )


def _detail(
    request: HttpRequest,
    organisation: Organisation,
    invite_form: InvitationForm | None = None,
    status: int = 200,
) -> HttpResponse:
    membership = membership_of(user=request_user(request), organisation=organisation)
    is_admin = membership is not None and membership.role == Membership.Role.ADMIN
    context: dict[str, object] = {
        "organisation": organisation,
        "membership": membership,
        "is_admin": is_admin,
    }
    if membership is not None:
        context["members"] = organisation_members(organisation=organisation)
    if is_admin:
        invite_form = invite_form or InvitationForm()
        context["invite_form"] = invite_form
        context["form"] = invite_form  # the error summary reads ``form``
        context["role_choices"] = _choice_explanations(invite_form["role"], ROLE_EXPLANATIONS)
        context["invitations"] = organisation_invitations_open(organisation=organisation)
        context["now"] = timezone.now()
        context["invitation_days"] = settings.LEARNHUB_INVITATION_DAYS
    return render(request, "partnerships/organisations/detail.html", context, status=status)


@login_required
@require_safe
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    organisation = access_organisation(
        user=request_user(request), pk=pk, action=OrganisationAction.VIEW
    )
    return _detail(request, organisation)


@login_required
@require_POST
def organisation_invite_view(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        organisation = access_organisation(
            user=request_user(request), pk=pk, action=OrganisationAction.MANAGE_MEMBERS
        )
    except Forbidden as refusal:
        messages.error(request, refusal.message)
        return redirect("partnerships:organisation-detail", pk=pk)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            invitation = organisation_invite(
                organisation=organisation, by=request_user(request), **form.cleaned_data
            )
        except ValidationError as error:
            form_add_service_errors(form, error)
        except Forbidden as refusal:
            messages.error(request, refusal.message)
            return redirect(organisation)
        else:
            expires = formats.date_format(timezone.localtime(invitation.expires_at), "j F Y")
            messages.success(
                request,
                f"We have emailed an invitation to {invitation.email}. It expires on {expires}.",
            )
            return redirect(organisation)
    return _detail(request, organisation, invite_form=form)


def _invitation_change(
    request: HttpRequest, pk: int, invitation_pk: int, *, cancel: bool
) -> HttpResponse:
    try:
        invitation = access_organisation_invitation(
            user=request_user(request), organisation_pk=pk, pk=invitation_pk
        )
        if cancel:
            invitation = organisation_invitation_cancel(
                invitation=invitation, by=request_user(request)
            )
        else:
            invitation = organisation_invitation_send_again(
                invitation=invitation, by=request_user(request)
            )
    except LearnHubError as refusal:
        messages.error(request, refusal.message)
        return redirect("partnerships:organisation-detail", pk=pk)
    if cancel:
        messages.success(
            request,
            f"You cancelled the invitation to {invitation.email}. Its link no longer works.",
        )
    else:
        expires = formats.date_format(timezone.localtime(invitation.expires_at), "j F Y")
        messages.success(
            request,
            f"We have emailed the invitation to {invitation.email} again. It now expires on "
            f"{expires}.",
        )
    return redirect("partnerships:organisation-detail", pk=pk)


@login_required
@require_POST
def organisation_invitation_send_again_view(
    request: HttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    return _invitation_change(request, pk, invitation_pk, cancel=False)


@login_required
@require_POST
def organisation_invitation_cancel_view(
    request: HttpRequest, pk: int, invitation_pk: int
) -> HttpResponse:
    return _invitation_change(request, pk, invitation_pk, cancel=True)


@require_http_methods(["GET", "POST"])
def invitation_accept_view(request: HttpRequest, token: str) -> HttpResponse:
    invitation = invitation_by_token(token=token)
    if invitation is None:
        raise Http404("No such invitation.")
    user = request_user(request) if request.user.is_authenticated else None
    if request.method == "POST":
        if user is None:
            return redirect_to_login(request.get_full_path())
        try:
            membership = invitation_accept(token=token, by=user)
        except LearnHubError as refusal:
            return _invitation_page(request, invitation, refusal, status=refusal.status_code)
        joined = (
            f"You have joined {membership.organisation.name} as "
            f"{'an admin' if membership.role == Membership.Role.ADMIN else 'a member'}."
        )
        party = invitation.party
        if party is not None and party.status == Party.Status.INVITED:
            # The first admin of an organisation a funder invited: on to that invitation.
            messages.success(
                request,
                f"{joined} {party.partnership.funder.name} invites it to "
                f"“{party.partnership.title}”: accept or decline below.",
            )
            return redirect(party.partnership)
        messages.success(request, joined)
        return redirect(membership.organisation)
    why_not = invitation_refusal(invitation=invitation, user=user)
    if user is None and why_not is None:
        # Holding the emailed link shows the visitor reads that inbox (as for accepting):
        # an account made now with the invited address needs no confirmation email, and
        # the sign-up form starts with that address (allauth's verified-email stash).
        get_adapter(request).stash_verified_email(request, invitation.email)
    return _invitation_page(request, invitation, why_not)


def _invitation_page(
    request: HttpRequest,
    invitation: OrganisationInvitation,
    refusal: LearnHubError | None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        "partnerships/organisations/invitation_accept.html",
        {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "refusal": refusal,
            "role_explanation": ROLE_EXPLANATIONS.get(invitation.role, ""),
        },
        status=status,
    )


urlpatterns: list[URLPattern] = [
    path("organisations/", organisation_list, name="organisation-list"),
    path("organisations/new/", organisation_create_view, name="organisation-create"),
    path("organisations/<id:pk>/", organisation_detail, name="organisation-detail"),
    path(
        "organisations/<id:pk>/invitations/",
        organisation_invite_view,
        name="organisation-invite",
    ),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_pk>/send-again/",
        organisation_invitation_send_again_view,
        name="organisation-invitation-send-again",
    ),
    path(
        "organisations/<id:pk>/invitations/<id:invitation_pk>/cancel/",
        organisation_invitation_cancel_view,
        name="organisation-invitation-cancel",
    ),
    path("invitations/<str:token>/", invitation_accept_view, name="invitation-accept"),
]
