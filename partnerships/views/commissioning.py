"""Web pages where a commissioning funder invites parties: several organisations from the
directory at once, an organisation not on LearnHub yet by a contact's email, and that
email sent again. Thin, like every page: a gateway, a form, one service."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path
from django.views.decorators.http import require_http_methods, require_POST

from accounts.identity import request_user
from learnhub.errors import Conflict
from learnhub.forms import service_errors_to
from partnerships.access import PartnershipAction, access_partnership, access_party
from partnerships.forms import (
    ROLE_HINTS,
    InviteForm,
    NewOrganisationInviteForm,
    OrganisationSearchForm,
)
from partnerships.models import Party
from partnerships.selectors import (
    organisation_named,
    organisations_to_tick,
)
from partnerships.services import (
    PartyToInvite,
    parties_invite,
    party_first_admin_send_again,
    party_invite_new_organisation,
)
from partnerships.views.tabs import ROLE_PHRASES, choices, partnership_page, posted, render_tab

SEARCH_RESULTS = 50
_P = "partnerships/<id:pk>/"


def _invited_message(parties: list[Party]) -> str:
    if len(parties) == 1:
        party = parties[0]
        return (
            f"You invited {party.organisation.name} to join as {ROLE_PHRASES[party.role]}. "
            "Its admins will see the invitation on their dashboard."
        )
    names = "; ".join(f"{p.organisation.name} as {ROLE_PHRASES[p.role]}" for p in parties)
    return (
        f"You invited {len(parties)} organisations: {names}. Their admins will see the "
        "invitation on their dashboard."
    )


@partnership_page
@require_http_methods(["GET", "POST"])
def partnership_invite(request: HttpRequest, pk: int) -> HttpResponse:
    """Search the directory, tick one or more organisations, choose their roles, send."""
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.INVITE)
    search_form = OrganisationSearchForm(request.GET or None)
    search = search_form.cleaned_data["search"] if search_form.is_valid() else ""
    # Any directory organisation parses, so the service can say which are invited already.
    form = InviteForm(
        posted(request), organisations=organisations_to_tick(partnership=partnership, search="")
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        chosen = [PartyToInvite(organisation=o, role=role) for o, role in form.rows()]
        with service_errors_to(form, where=lambda name: None) as call:
            parties = parties_invite(partnership=partnership, invitations=chosen, by=user)
        if not call.failed:
            messages.success(request, _invited_message(parties))
            return redirect("partnerships:partnership-parties", pk=partnership.pk)
        status = call.status
    rows: list[dict[str, object]] | None = None
    if search or request.method == "POST":
        found = list(organisations_to_tick(partnership=partnership, search=search)[:SEARCH_RESULTS])
        ticked = {str(v) for v in form["organisation"].value() or []}
        missing = [v for v in ticked - {str(o.pk) for o in found} if v.isdigit()]
        if missing:
            found += list(
                organisations_to_tick(partnership=partnership, search="").filter(pk__in=missing)
            )
        rows = [
            {
                "organisation": o,
                "ticked": str(o.pk) in ticked,
                "own_role": str(form.data.get(f"role_{o.pk}", "")) if form.is_bound else "",
            }
            for o in found
        ]
    context = {
        "form": form,
        "search_form": search_form,
        "search": search,
        "rows": rows,
        "roles": Party.Role.choices,
        "role_choices": choices(form["role"], ROLE_HINTS),
    }
    return render_tab(request, "invite.html", partnership, "parties", context, status=status)


@partnership_page
@require_http_methods(["GET", "POST"])
def partnership_invite_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Invite an organisation that is not on LearnHub yet, by a contact's email."""
    user = request_user(request)
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.INVITE)
    form = NewOrganisationInviteForm(posted(request))
    existing = None
    status = 200
    if request.method == "POST" and form.is_valid():
        with service_errors_to(form) as call:
            party = party_invite_new_organisation(
                partnership=partnership, by=user, **form.cleaned_data
            )
        if not call.failed:
            messages.success(
                request,
                f"You invited {party.organisation.name} to join as "
                f"{ROLE_PHRASES[party.role]}. We have emailed "
                f"{form.cleaned_data['email'].strip().lower()} a link to join LearnHub "
                "and answer.",
            )
            return redirect("partnerships:partnership-parties", pk=partnership.pk)
        status = call.status
        if "name" in form.errors:
            existing = organisation_named(name=str(form.data.get("name", "")))
    context = {
        "form": form,
        "existing": existing,
        "role_choices": choices(form["role"], ROLE_HINTS),
    }
    return render_tab(request, "invite_new.html", partnership, "parties", context, status=status)


@partnership_page
@require_POST
def party_send_again_view(request: HttpRequest, pk: int, party_pk: int) -> HttpResponse:
    """The funder emails a new organisation's contact the invitation again."""
    user = request_user(request)
    party = access_party(
        user=user, partnership_pk=pk, party_pk=party_pk, action=PartnershipAction.INVITE
    )
    try:
        invitation = party_first_admin_send_again(party=party, by=user)
    except Conflict as conflict:
        messages.error(request, conflict.message)
    else:
        messages.success(
            request,
            f"We have emailed the invitation to {invitation.email} again, for "
            f"{party.organisation.name}.",
        )
    return redirect("partnerships:partnership-parties", pk=pk)


urlpatterns: list[URLPattern] = [
    path(f"{_P}parties/invite/", partnership_invite, name="partnership-invite"),
    path(f"{_P}parties/invite/new/", partnership_invite_new, name="partnership-invite-new"),
    path(
        f"{_P}parties/<id:party_pk>/send-again/",
        party_send_again_view,
        name="partnership-party-send-again",
    ),
]
