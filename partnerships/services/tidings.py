"""What the partnerships services tell people (in-app and by email, through
``partnerships.telling``): the discovery brief waiting for agreement or agreed, an
invitation answered, a research question proposed. Called inside the services'
transactions."""

from django.urls import reverse

from accounts.models import User
from partnerships.models import (
    DiscoveryBrief,
    OrganisationInvitation,
    Partnership,
    Party,
    ResearchQuestion,
)
from partnerships.selectors.discovery import EVERY_PARTY, DiscoveryStanding
from partnerships.telling import Tidings, tell


def role_phrase(role: str) -> str:
    return {
        Party.Role.FUNDER: "a co-funder",
        Party.Role.GRANTEE: "a grantee",
        Party.Role.LEARNING_PARTNER: "a learning partner",
    }[Party.Role(role)]


def discovery_url(partnership: Partnership) -> str:
    return reverse("partnerships:partnership-discovery", args=[partnership.pk])


def tell_discovery_agreed(
    partnership: Partnership, brief: DiscoveryBrief, standing: DiscoveryStanding, by: User | None
) -> None:
    """The brief became agreed: every accepted party's people hear it (not ``by``)."""
    tell(
        [
            Tidings(
                partnership_id=partnership.pk,
                organisation_ids=[row.party.organisation_id for row in standing.parties],
                kind="discovery_agreed",
                subject=f"The discovery brief is agreed: {partnership.title}",
                body=(
                    f"Version {brief.version} of the discovery brief of “{partnership.title}” "
                    + (
                        "is agreed by every party."
                        if standing.rule == EVERY_PARTY
                        else "is agreed by the commissioning funder and a learning partner."
                    )
                ),
                url=discovery_url(partnership),
                not_to=by.pk if by else None,
            )
        ]
    )


def tell_discovery_waiting(
    partnership: Partnership, organisation_ids: list[int], why: str, by: User
) -> None:
    """Ask the admins of ``organisation_ids`` (not ``by``) to agree the discovery brief."""
    tell(
        [
            Tidings(
                partnership_id=partnership.pk,
                organisation_ids=organisation_ids,
                kind="discovery_waiting",
                subject=f"The discovery brief waits for your agreement: {partnership.title}",
                body=(
                    f"{why} Read the discovery brief of “{partnership.title}” and agree it for "
                    "your organisation, or tell the learning partner what should change."
                ),
                url=discovery_url(partnership),
                admins_only=True,
                not_to=by.pk,
            )
        ]
    )


def tell_new_version(partnership: Partnership, brief: DiscoveryBrief, by: User) -> None:
    """A new version needs agreement: the commissioning funder's in learning for, every
    accepted party's in learning with."""
    parties = Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED)
    if partnership.learning_mode != Partnership.LearningMode.LEARNING_WITH:
        parties = parties.filter(is_commissioner=True)
    tell_discovery_waiting(
        partnership,
        list(parties.values_list("organisation_id", flat=True)),
        f"{by.display_name} wrote version {brief.version} of the discovery brief.",
        by,
    )


def tell_funder_invitation_answered(party: Party, by: User) -> None:
    """The commissioning funder's people hear that an invited organisation answered."""
    partnership = party.partnership
    accepted = party.status == Party.Status.ACCEPTED
    name = party.organisation.name
    tell(
        [
            Tidings(
                partnership_id=partnership.pk,
                organisation_ids=[partnership.funder_id],
                kind="party_accepted" if accepted else "party_declined",
                subject=(
                    f"{name} {'accepted' if accepted else 'declined'} your invitation: "
                    f"{partnership.title}"
                ),
                body=(
                    f"{name} joined “{partnership.title}” as {role_phrase(party.role)}."
                    if accepted
                    else f"{name} declined the invitation to join “{partnership.title}” as "
                    f"{role_phrase(party.role)}."
                ),
                url=reverse("partnerships:partnership-parties", args=[partnership.pk]),
                not_to=by.pk,
            )
        ]
    )


def tell_first_person_joined(invitation: OrganisationInvitation, by: User) -> None:
    """The commissioning funder's admins hear that the organisation they invited to
    LearnHub has its first person, who can now answer the partnership invitation."""
    party = invitation.party
    if party is None:
        return
    partnership = party.partnership
    name = invitation.organisation.name
    tell(
        [
            Tidings(
                partnership_id=partnership.pk,
                organisation_ids=[partnership.funder_id],
                kind="party_first_person_joined",
                subject=f"{name} has joined LearnHub: {partnership.title}",
                body=(
                    f"{by.display_name} joined LearnHub for {name}, which you invited to "
                    f"“{partnership.title}” as {role_phrase(party.role)}. They can now "
                    "accept or decline the invitation."
                ),
                url=reverse("partnerships:partnership-parties", args=[partnership.pk]),
                admins_only=True,
                not_to=by.pk,
            )
        ]
    )


def tell_question_proposed(question: ResearchQuestion, party: Party, by: User) -> None:
    """Every accepted party answers a new question, the proposer's own too: their people
    (not the proposer) are asked."""
    partnership = question.partnership
    text = question.text
    tell(
        [
            Tidings(
                partnership_id=partnership.pk,
                organisation_ids=list(
                    Party.objects.filter(
                        partnership=partnership, status=Party.Status.ACCEPTED
                    ).values_list("organisation_id", flat=True)
                ),
                kind="question_proposed",
                subject=f"A research question waits for your answer: {partnership.title}",
                body=(
                    f"{party.organisation.name} proposed a research question for "
                    f"“{partnership.title}”: “{text[:300]}” Agree with it, or object and "
                    "say why."
                ),
                url=reverse(
                    "partnerships:partnership-question-respond", args=[partnership.pk, question.pk]
                ),
                not_to=by.pk,
            )
        ]
    )
