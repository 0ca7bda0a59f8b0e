"""Fetch-and-check gateways for insight briefs and learning actions.

Rules: someone outside the partnership gets ``Http404`` (nothing leaks that a brief
exists); so does a party asking for a draft it may not read (drafts are for the learning
partner, and for every party only when the partnership learns *with* them). A party
that may read a brief but not do what it asks gets ``Forbidden`` with a plain reason:
only the learning partner asks for, edits and publishes briefs. Learning actions are
seen by every party; a party records and changes its own, and the learning partner may
do so for any party (it often writes them up after a workshop).
"""

from __future__ import annotations

from enum import StrEnum

from django.core.exceptions import ValidationError
from django.http import Http404

from accounts.models import User
from evidence.models import InsightBrief, LearningAction, PrePublicationNotice, ShareLink
from evidence.selectors.briefs import briefs_visible_to, is_learning_partner
from learnhub.errors import Forbidden
from learnhub.inputs import as_id
from partnerships.access import PartnershipAction, access_partnership
from partnerships.models import Membership, Partnership, Party
from partnerships.selectors import my_parties_in


class BriefAction(StrEnum):
    VIEW = "view"
    REQUEST = "request"
    EDIT = "edit"
    PUBLISH = "publish"
    SHARE = "share"


_REASONS = {
    BriefAction.REQUEST: "Only the learning partner can ask for an insight brief.",
    BriefAction.EDIT: "Only the learning partner can edit an insight brief.",
    BriefAction.PUBLISH: "Only the learning partner can publish an insight brief.",
    BriefAction.SHARE: "Only the learning partner can share an insight brief by link.",
}


def access_partnership_briefs(*, user: User, pk: int, action: BriefAction) -> Partnership:
    """The partnership ``pk`` if ``user`` may list its briefs (``VIEW``: any accepted
    party) or ask for one (``REQUEST``: the learning partner)."""
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
    if action != BriefAction.VIEW and not is_learning_partner(user=user, partnership=partnership):
        raise Forbidden(_REASONS[action])
    return partnership


def access_brief(*, user: User, pk: int, action: BriefAction) -> InsightBrief:
    """The brief ``pk`` if ``user`` may read it, and for ``EDIT``/``PUBLISH`` change it.

    Not a party, or a draft the person may not read → ``Http404``; a reader who is not
    the learning partner asking to change it → ``Forbidden``.
    """
    partnership_id = (
        InsightBrief.objects.filter(pk=pk).values_list("partnership_id", flat=True).first()
    )
    if partnership_id is None:
        raise Http404("No such brief.")
    partnership = access_partnership(user=user, pk=partnership_id, action=PartnershipAction.VIEW)
    brief = briefs_visible_to(user=user, partnership=partnership).filter(pk=pk).first()
    if brief is None:
        raise Http404("No such brief.")
    brief.partnership = partnership
    if action != BriefAction.VIEW and not is_learning_partner(user=user, partnership=partnership):
        raise Forbidden(_REASONS[action])
    return brief


def access_share_link(*, user: User, pk: int) -> ShareLink:
    """The share link ``pk`` if ``user`` may manage it: the learning partner of its
    brief's partnership. Outsiders (and a missing link) → ``Http404``; another party →
    ``Forbidden``, as for the brief it shares."""
    brief_id = ShareLink.objects.filter(pk=pk).values_list("brief_id", flat=True).first()
    if brief_id is None:
        raise Http404("No such share link.")
    brief = access_brief(user=user, pk=brief_id, action=BriefAction.SHARE)
    link = ShareLink.objects.get(pk=pk)
    link.brief = brief
    return link


def access_notice(*, user: User, pk: int, acknowledge: bool = False) -> PrePublicationNotice:
    """The pre-publication notice about brief ``pk`` sent to one of ``user``'s parties.

    None sent to them (or not a party at all) → ``Http404``, whether or not they may read
    the brief; ``acknowledge`` by someone who is not an admin of that organisation →
    ``Forbidden``.
    """
    notice = (
        PrePublicationNotice.objects.filter(
            brief_id=pk,
            party__status=Party.Status.ACCEPTED,
            party__organisation__memberships__user=user,
        )
        .select_related("party__organisation", "brief__partnership")
        .order_by("pk")
        .first()
    )
    if notice is None:
        raise Http404("No such notice.")
    if acknowledge and not may_acknowledge(user=user, notice=notice):
        raise Forbidden(
            f"Only an admin of {notice.party.organisation.name} can acknowledge the notice."
        )
    return notice


def may_acknowledge(*, user: User, notice: PrePublicationNotice) -> bool:
    """Whether ``user`` is an admin of the organisation ``notice`` was sent to."""
    return Membership.objects.filter(
        user=user, organisation_id=notice.party.organisation_id, role=Membership.Role.ADMIN
    ).exists()


class ActionAccess(StrEnum):
    VIEW = "view"
    CHANGE = "change"


def parties_user_may_record_for(*, user: User, partnership: Partnership) -> list[Party]:
    """Accepted parties ``user`` may record learning actions for: their own organisations'
    parties, or every party when they are the learning partner."""
    mine = list(
        my_parties_in(user=user, partnership=partnership).filter(status=Party.Status.ACCEPTED)
    )
    if any(p.role == Party.Role.LEARNING_PARTNER for p in mine):
        return list(
            Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED)
            .select_related("organisation")
            .order_by("-is_commissioner", "role", "organisation__name", "id")
        )
    return mine


def access_action_party(*, user: User, partnership: Partnership, party_id: object) -> Party:
    """The party ``user`` records a learning action for (``party_id`` from the request).

    Not an accepted party of the partnership → ``ValidationError``; a party ``user`` may
    not record for → ``Forbidden`` naming whose it is.
    """
    party = None
    if (wanted := as_id(party_id)) is not None:
        party = (
            Party.objects.select_related("organisation")
            .filter(pk=wanted, partnership=partnership, status=Party.Status.ACCEPTED)
            .first()
        )
    if party is None:
        raise ValidationError({"party": ["Choose a party taking part in this partnership."]})
    allowed = {p.pk for p in parties_user_may_record_for(user=user, partnership=partnership)}
    if party.pk not in allowed:
        raise Forbidden(
            f"Only people in {party.organisation.name} or the learning partner can record "
            "its learning actions."
        )
    return party


def access_learning_action(*, user: User, pk: int, action: ActionAccess) -> LearningAction:
    """The learning action ``pk`` if ``user`` is in its partnership; to change it, they
    must be in its party's organisation or the learning partner."""
    found = (
        LearningAction.objects.select_related("party__organisation", "brief", "partnership")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404("No such learning action.")
    partnership = access_partnership(
        user=user, pk=found.partnership_id, action=PartnershipAction.VIEW
    )
    found.partnership = partnership
    if action == ActionAccess.CHANGE and found.party_id not in {
        p.pk for p in parties_user_may_record_for(user=user, partnership=partnership)
    }:
        raise Forbidden(
            f"Only people in {found.party.organisation.name} or the learning partner can "
            "change this learning action."
        )
    return found
