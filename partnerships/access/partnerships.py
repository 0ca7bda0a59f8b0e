"""Fetch-and-check gateways for partnerships, their parties and research questions.

Rules: someone outside a partnership gets ``Http404`` for everything in it, so nothing
leaks that it exists. Members of an organisation invited to join may see the partnership
itself (to decide) and answer the invitation, nothing else. An accepted party that lacks
a capability gets ``Forbidden`` with a plain reason.
"""

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import User
from learnhub.errors import Forbidden
from partnerships.models import Membership, Partnership, Party, ResearchQuestion
from partnerships.permissions import PartnershipPermission
from partnerships.selectors.partnerships import (
    MY_PARTY_ACCEPTED,
    acting_parties_for,
    parties_seen_by,
    partnership_for_user,
    partnership_permissions_for,
    questions_with_status,
)


class PartnershipAction(StrEnum):
    VIEW = "view"
    VIEW_INVITATION = "view_invitation"
    CHANGE = "change"
    INVITE = "invite"
    REMOVE_PARTY = "remove_party"
    CHANGE_STATUS = "change_status"
    LEAD_DISCOVERY = PartnershipPermission.LEAD_DISCOVERY
    AGREE_DISCOVERY = PartnershipPermission.AGREE_DISCOVERY
    CONTRIBUTE = "contribute"


_RULES: dict[PartnershipAction, tuple[str, str]] = {
    PartnershipAction.VIEW: (PartnershipPermission.VIEW, ""),
    PartnershipAction.VIEW_INVITATION: ("", ""),
    PartnershipAction.CHANGE: (
        PartnershipPermission.MANAGE,
        "Only admins of the commissioning funder can change the partnership’s details.",
    ),
    PartnershipAction.INVITE: (
        PartnershipPermission.MANAGE,
        "Only admins of the commissioning funder can invite organisations.",
    ),
    PartnershipAction.REMOVE_PARTY: (
        PartnershipPermission.MANAGE,
        "Only admins of the commissioning funder can remove a party.",
    ),
    PartnershipAction.CHANGE_STATUS: (
        PartnershipPermission.MANAGE,
        "Only admins of the commissioning funder can make the partnership active or close it.",
    ),
    PartnershipAction.LEAD_DISCOVERY: (
        PartnershipPermission.LEAD_DISCOVERY,
        "Only the learning partner can write the discovery brief.",
    ),
    PartnershipAction.AGREE_DISCOVERY: (
        PartnershipPermission.AGREE_DISCOVERY,
        "Only admins of the commissioning funder, a co-funder or a learning partner can "
        "agree the discovery brief.",
    ),
    PartnershipAction.CONTRIBUTE: (
        PartnershipPermission.CONTRIBUTE,
        "Only members of a party that has joined can propose or answer research questions.",
    ),
}


def access_partnership(*, user: User, pk: int, action: PartnershipAction) -> Partnership:
    """The partnership ``pk`` if ``user`` may do ``action`` on it.

    Not a party (or only invited, for anything but ``VIEW_INVITATION``) → ``Http404``;
    an accepted party without the capability → ``Forbidden``. The result carries
    ``my_party_status`` ("accepted" or "invited").
    """
    partnership = partnership_for_user(user=user, pk=pk)
    if partnership is None:
        raise Http404("No such partnership.")
    accepted = partnership.my_party_status == MY_PARTY_ACCEPTED  # type: ignore[attr-defined]  # selector-set attribute
    if action == PartnershipAction.VIEW_INVITATION:
        return partnership
    if not accepted:
        raise Http404("No such partnership.")
    codename, reason = _RULES[action]
    if codename != PartnershipPermission.VIEW and codename not in partnership_permissions_for(
        user=user, partnership=partnership
    ):
        raise Forbidden(reason)
    return partnership


def access_acting_party(
    *,
    user: User,
    partnership: Partnership,
    action: PartnershipAction,
    party_id: int | None = None,
) -> Party:
    """The accepted party through which ``user`` does ``action``.

    A person may belong to several parties of one partnership; then ``party_id`` says
    which one acts. With one candidate it is inferred.
    """
    codename, reason = _RULES[action]
    candidates = list(
        acting_parties_for(user=user, partnership=partnership, codename=codename or "")
    )
    if party_id is not None:
        for party in candidates:
            if party.pk == party_id:
                return party
        raise ValidationError(
            {"party": ["Choose a party of this partnership that you can act for here."]}
        )
    if not candidates:
        raise Forbidden(reason or "You cannot act for any party of this partnership.")
    if len(candidates) > 1:
        names = ", ".join(party.organisation.name for party in candidates)
        raise ValidationError(
            {"party": [f"You act for more than one party here ({names}). Choose which one."]}
        )
    return candidates[0]


def _is_member(user: User, party: Party, *, admin: bool = False) -> bool:
    memberships = Membership.objects.filter(user=user, organisation_id=party.organisation_id)
    if admin:
        memberships = memberships.filter(role=Membership.Role.ADMIN)
    return memberships.exists()


def access_invitation(*, user: User, partnership_pk: int, party_pk: int) -> Party:
    """An invited party that ``user`` may accept or decline (an admin of its organisation).

    The invited organisation's own people may reach it; accepted parties see it (403
    unless they administer it); everyone else gets 404.
    """
    party = (
        Party.objects.select_related("organisation", "partnership")
        .filter(pk=party_pk, partnership_id=partnership_pk)
        .first()
    )
    if party is None:
        raise Http404("No such party.")
    partnership = partnership_for_user(user=user, pk=partnership_pk)
    takes_part = getattr(partnership, "my_party_status", None) == MY_PARTY_ACCEPTED
    own_invitation = party.status == Party.Status.INVITED and _is_member(user, party)
    if not own_invitation and not takes_part:
        raise Http404("No such party.")
    if not _is_member(user, party, admin=True):
        raise Forbidden(
            f"Only admins of {party.organisation.name} can accept or decline its invitation."
        )
    return party


def access_party(
    *, user: User, partnership_pk: int, party_pk: int, action: PartnershipAction
) -> Party:
    """A party of a partnership ``user`` takes part in, for ``REMOVE_PARTY`` or ``VIEW``
    (one they may not see, an organisation nobody has joined yet, is missing: 404)."""
    partnership = access_partnership(user=user, pk=partnership_pk, action=action)
    party = (
        parties_seen_by(user=user, partnership=partnership)
        .select_related("partnership")
        .filter(pk=party_pk)
        .first()
    )
    if party is None:
        raise Http404("No such party.")
    return party


def access_party_to_leave(*, user: User, partnership_pk: int, party_pk: int) -> Party:
    """A party whose admin ``user`` is, so that they may take it out of the partnership."""
    party = access_party(
        user=user, partnership_pk=partnership_pk, party_pk=party_pk, action=PartnershipAction.VIEW
    )
    if not _is_member(user, party, admin=True):
        raise Forbidden(
            f"Only admins of {party.organisation.name} can take it out of the partnership."
        )
    return party


def access_question(
    *, user: User, partnership_pk: int, question_pk: int, action: PartnershipAction
) -> ResearchQuestion:
    """A research question (with its derived status) of a partnership ``user`` takes part in."""
    partnership = access_partnership(user=user, pk=partnership_pk, action=action)
    question = questions_with_status(partnership=partnership).filter(pk=question_pk).first()
    if question is None:
        raise Http404("No such question.")
    question.partnership = partnership
    return question
