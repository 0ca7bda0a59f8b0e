"""Writes for commissioning a partnership's parties in one go: several organisations
from the directory at once, or an organisation not on LearnHub yet, invited by email.

Both build on ``party_invite`` (the one rule for who may be invited) and on the
organisation invitations of ``services.organisations`` (their email, sending again and
cancelling), so each rule stays in one place.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User
from learnhub.errors import Conflict
from learnhub.outbox import outbox_send
from partnerships.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    Partnership,
    Party,
)
from partnerships.services.organisations import (
    SEND_INVITATION_TASK,
    clean_invited_email,
    invitation_email_again,
    organisation_create_empty,
)
from partnerships.services.partnerships import party_invite

#: The most organisations one batch invites (a page of search results).
MAX_BATCH = 50

#: What a new organisation is, from what it will do in the partnership.
KIND_FOR_ROLE: dict[str, str] = {
    Party.Role.FUNDER: Organisation.Kind.FUNDER,
    Party.Role.GRANTEE: Organisation.Kind.GRANTEE,
    Party.Role.LEARNING_PARTNER: Organisation.Kind.LEARNING_PARTNER,
}

_ROLE_ERROR = "Choose funder, grantee or learning partner."


@dataclass(frozen=True)
class PartyToInvite:
    """One row of a batch: an organisation from the directory and its role."""

    organisation: Organisation
    role: str


def _taken(partnership: Partnership, organisations: Sequence[Organisation]) -> set[int]:
    return set(
        Party.objects.filter(
            partnership=partnership,
            organisation__in=[o.pk for o in organisations],
            status__in=[Party.Status.INVITED, Party.Status.ACCEPTED],
        ).values_list("organisation_id", flat=True)
    )


@transaction.atomic
def parties_invite(
    *, partnership: Partnership, invitations: Sequence[PartyToInvite], by: User
) -> list[Party]:
    """Invite several organisations at once, each with its role: all of them or none.

    Every row is checked before anything is written, and every problem is reported
    together (as ``organisations``): a role missing, an organisation named twice, or one
    already invited or taking part.
    """
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if not invitations:
        raise ValidationError({"organisations": ["Choose at least one organisation to invite."]})
    if len(invitations) > MAX_BATCH:
        raise ValidationError(
            {"organisations": [f"Invite at most {MAX_BATCH} organisations at a time."]}
        )
    taken = _taken(partnership, [row.organisation for row in invitations])
    problems: list[str] = []
    seen: set[int] = set()
    for row in invitations:
        name = row.organisation.name
        if row.organisation.pk in seen:
            problems.append(f"{name} is chosen twice: choose it once.")
        seen.add(row.organisation.pk)
        if row.role not in Party.Role.values:
            problems.append(f"Choose what {name} will do: co-funder, grantee or learning partner.")
        if row.organisation.pk in taken:
            problems.append(f"{name} is already invited to or taking part in this partnership.")
    if problems:
        raise ValidationError({"organisations": problems})
    return [
        party_invite(partnership=partnership, organisation=row.organisation, role=row.role, by=by)
        for row in invitations
    ]


def _name_in_use(name: str) -> ValidationError:
    return ValidationError(
        {
            "name": [
                ValidationError(
                    f"An organisation called “{name}” is already on LearnHub. "
                    "Invite it from the directory instead.",
                    code="exists",
                )
            ]
        }
    )


@transaction.atomic
def party_invite_new_organisation(
    *, partnership: Partnership, name: str, email: str, role: str, by: User
) -> Party:
    """Invite an organisation that is not on LearnHub yet, by a contact's email.

    In one transaction: the organisation is created with nobody in it (so only staff and
    the commissioning funder's admins see it), it is invited to the partnership, and the
    contact is invited to become its first admin; one email goes after commit. A name
    already on LearnHub (any kind, ignoring case) is refused: invite that one instead.
    """
    errors: dict[str, list[str]] = {}
    name = " ".join(name.split())
    if not name:
        errors["name"] = ["Enter the organisation’s name."]
    try:
        email = clean_invited_email(email)
    except ValidationError as error:
        errors.update(error.message_dict)
    if role not in Party.Role.values:
        errors["role"] = [_ROLE_ERROR]
    if errors:
        raise ValidationError(errors)
    if Organisation.objects.filter(name__iexact=name).exists():
        raise _name_in_use(name)
    organisation = organisation_create_empty(name=name, kind=KIND_FOR_ROLE[role], by=by)
    party = party_invite(partnership=partnership, organisation=organisation, role=role, by=by)
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation,
        email=email,
        role=Membership.Role.ADMIN,
        invited_by=by,
        party=party,
    )
    outbox_send(task=SEND_INVITATION_TASK, args=[invitation.pk])
    return party


def _waiting_first_admin(party: Party) -> OrganisationInvitation | None:
    return (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .filter(party=party, accepted_at__isnull=True, cancelled_at__isnull=True)
        .order_by("-created_at", "-id")
        .first()
    )


@transaction.atomic
def party_first_admin_send_again(*, party: Party, by: User) -> OrganisationInvitation:
    """The commissioning funder sends the email inviting a new organisation's first admin
    again (the same link, its time started afresh), while nobody has joined it and its
    partnership invitation is open. The caller's gateway checked ``by`` manages it."""
    party = Party.objects.select_for_update().select_related("organisation").get(pk=party.pk)
    invitation = _waiting_first_admin(party)
    if party.status != Party.Status.INVITED or invitation is None:
        raise Conflict(f"There is no invitation waiting for {party.organisation.name}’s contact.")
    return invitation_email_again(invitation=invitation)
