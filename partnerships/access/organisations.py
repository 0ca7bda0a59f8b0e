"""Gateways for organisations: fetch one and check the caller may do the action on it."""

from enum import StrEnum

from django.http import Http404

from accounts.models import User
from learnhub.errors import Forbidden
from partnerships.models import Membership, Organisation, OrganisationInvitation
from partnerships.selectors.organisations import organisation_directory


class OrganisationAction(StrEnum):
    VIEW = "view"  # the directory card: any signed-in person
    VIEW_MEMBERS = "view_members"  # who belongs: members only
    MANAGE_MEMBERS = "manage_members"  # invite people, see waiting invitations: admins only


_ADMIN_ACTION_REASONS = {
    OrganisationAction.MANAGE_MEMBERS: (
        "Only admins of {name} can invite people or see its waiting invitations. "
        "Ask an admin of {name} to do this for you."
    ),
}


def access_organisation(*, user: User, pk: int, action: str) -> Organisation:
    """The organisation ``pk`` if ``user`` may do ``action`` on it.

    Anyone signed in sees the directory card (of an organisation nobody has joined yet:
    staff only). Member-only things answer 404 to people
    outside the organisation, so they learn nothing; a member asking for an admin action
    gets ``Forbidden`` with a plain reason.
    """
    action = OrganisationAction(action)
    if not user.is_authenticated:
        raise Http404("No such organisation.")
    if action is OrganisationAction.VIEW:
        visible = Organisation.objects.all() if user.is_staff else organisation_directory()
        organisation = visible.filter(pk=pk).first()
        if organisation is None:
            raise Http404("No such organisation.")
        return organisation
    membership = (
        Membership.objects.select_related("organisation")
        .filter(organisation_id=pk, user=user)
        .first()
    )
    if membership is None:
        raise Http404("No such organisation.")
    organisation = membership.organisation
    reason = _ADMIN_ACTION_REASONS.get(action)
    if reason is not None and membership.role != Membership.Role.ADMIN:
        raise Forbidden(reason.format(name=organisation.name))
    return organisation


def access_organisation_invitation(
    *, user: User, organisation_pk: int, pk: int
) -> OrganisationInvitation:
    """Invitation ``pk`` of organisation ``organisation_pk``, for one of its admins: people
    outside the organisation and invitations of other organisations get 404, its members
    ``Forbidden``."""
    organisation = access_organisation(
        user=user, pk=organisation_pk, action=OrganisationAction.MANAGE_MEMBERS
    )
    invitation = organisation.invitations.filter(pk=pk).select_related("organisation").first()
    if invitation is None:
        raise Http404("No such invitation.")
    return invitation
