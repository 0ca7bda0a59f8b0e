"""Gateways for evidence items and their files.

Rules: an item someone may not see (``consent.selectors.evidence_visible_to``) does not
exist for them (``Http404``), whether or not they are in its partnership. Only the party
that added an item may change or delete it: others who can see it get ``Forbidden``
saying so. Adding evidence needs an accepted party of the partnership (outsiders and
invited parties get 404) whose ``participate`` consent is active (``Forbidden`` naming
the missing consent and who can give it).
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef
from django.http import Http404

from accounts.models import User
from evidence.models import Evidence, EvidenceAttachment
from evidence.selectors.items import (
    ParticipationMissing,
    contribution_options,
    evidence_visible,
    participation_missing_reason,
    parties_owning_evidence,
)
from learnhub.errors import Forbidden
from partnerships.access import PartnershipAction, access_acting_party, access_partnership
from partnerships.models import Partnership, Party
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import accepted_parties_of, acting_parties_for


class EvidenceAction(StrEnum):
    VIEW = "view"
    CHANGE = "change"  # edit, delete, add or remove a file


def access_evidence(*, user: User, pk: int, action: EvidenceAction) -> Evidence:
    """The item ``pk`` (with its details) if ``user`` may do ``action`` on it."""
    action = EvidenceAction(action)
    if not user.is_authenticated:
        raise Http404("No such evidence.")
    evidence = evidence_visible(user=user).filter(pk=pk).first()
    if evidence is None:
        raise Http404("No such evidence.")
    if action is EvidenceAction.CHANGE and not evidence.mine:  # type: ignore[attr-defined]  # selector-set attribute
        name = evidence.party.organisation.name
        raise Forbidden(
            f"Only people in {name} can change or delete this evidence, because {name} added it."
        )
    return evidence


def access_attachment(
    *, user: User, evidence_pk: int, attachment_pk: int, action: EvidenceAction
) -> EvidenceAttachment:
    """A file of an item ``user`` may see (``VIEW``: download) or change (``CHANGE``: remove)."""
    evidence = access_evidence(user=user, pk=evidence_pk, action=action)
    for attachment in evidence.attachments.all():
        if attachment.pk == attachment_pk:
            attachment.evidence = evidence
            return attachment
    raise Http404("No such file.")


@dataclass(frozen=True)
class Contribution:
    """Where and for whom ``user`` adds evidence."""

    partnership: Partnership
    party: Party


def access_evidence_partnership(*, user: User, partnership_pk: int) -> Partnership:
    """The partnership, for an accepted party of it (to read its evidence pages)."""
    return access_partnership(user=user, pk=partnership_pk, action=PartnershipAction.VIEW)


def access_own_evidence(*, user: User, partnership_pk: int) -> Partnership:
    """The partnership, for someone whose organisation submitted evidence to it: a party
    taking part, or one that left or was removed after adding evidence (to export what it
    submitted, and nothing else). Everyone else gets 404."""
    if not user.is_authenticated:
        raise Http404("No such partnership.")
    owned = parties_owning_evidence(user=user).filter(partnership=OuterRef("pk"))
    partnership = Partnership.objects.filter(Exists(owned), pk=partnership_pk).first()
    if partnership is None:
        raise Http404("No such partnership.")
    return partnership


def access_contribution(
    *, user: User, partnership_pk: int, party_id: int | None = None, check_consent: bool = True
) -> Contribution:
    """The partnership and the party through which ``user`` adds evidence.

    ``party_id`` is needed only when ``user`` acts for more than one party of it. With
    ``check_consent``, a party without active ``participate`` consent is refused here,
    before any input is read.
    """
    partnership = access_partnership(
        user=user, pk=partnership_pk, action=PartnershipAction.CONTRIBUTE
    )
    party = access_acting_party(
        user=user, partnership=partnership, action=PartnershipAction.CONTRIBUTE, party_id=party_id
    )
    if check_consent:
        reason = participation_missing_reason(party=party)
        if reason is not None:
            raise ParticipationMissing(reason)
    return Contribution(partnership=partnership, party=party)


@dataclass(frozen=True)
class ContributionChoices:
    """The partnership and the parties through which ``user`` may add evidence now."""

    partnership: Partnership
    parties: list[Party]


def access_contribution_choices(*, user: User, partnership_pk: int) -> ContributionChoices:
    """For the pages: every party ``user`` may add evidence for (accepted, contributing,
    with active ``participate`` consent). None → ``Forbidden`` naming the missing consent
    and who can give it."""
    partnership = access_partnership(
        user=user, pk=partnership_pk, action=PartnershipAction.CONTRIBUTE
    )
    options = contribution_options(user=user, partnership=partnership)
    if options.blocked_reason is not None:
        raise ParticipationMissing(options.blocked_reason)
    if not options.parties:
        raise Forbidden("Only people in a party of this partnership can add evidence.")
    return ContributionChoices(partnership=partnership, parties=options.parties)


def access_new_evidence_party(
    *, user: User, partnership: Partnership, party_id: int | None = None
) -> Party:
    """The party of ``partnership`` (from ``access_evidence_partnership``) whose new
    evidence ``user`` asks about ("who would see it if we added it now").

    People in a party ask about their own party (``party_id`` is needed only when they
    are in more than one); people in the learning partner about any party, as they help
    every party decide what to share. Outsiders, and a party that is not taking part in
    the partnership, get 404; anyone else asking about another party gets ``Forbidden``.
    """
    mine = list(
        acting_parties_for(user=user, partnership=partnership, codename=PartnershipPermission.VIEW)
    )
    if not mine:
        raise Http404("No such partnership.")
    if party_id is None:
        if len(mine) > 1:
            names = ", ".join(party.organisation.name for party in mine)
            raise ValidationError(
                {"party": [f"You are in more than one party here ({names}). Choose which one."]}
            )
        return mine[0]
    for party in mine:
        if party.pk == party_id:
            return party
    other = accepted_parties_of(partnership=partnership).filter(pk=party_id).first()
    if other is None:
        raise Http404("No such party in this partnership.")
    if not any(party.role == Party.Role.LEARNING_PARTNER for party in mine):
        raise Forbidden(
            "You can ask who would see new evidence of your own organisation only; the "
            "learning partner can ask for any party."
        )
    return other
