"""Who must agree the discovery brief, who has agreed its current version, who is awaited.

In *learning for* the brief is agreed when the commissioning funder and a learning
partner agreed the current version (a co-funder or grantee may not agree it). In
*learning with* the parties co-own it: every accepted party must agree the current
version. A party that joins after the brief was agreed does not undo the agreement (the
others agreed in good faith, and the partnership may already be running on it): it is
shown the brief and asked to agree it too. A new version, or a switch of learning mode,
asks everyone again.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from accounts.models import User
from partnerships.models import (
    DiscoveryAgreement,
    DiscoveryBrief,
    Membership,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
)
from partnerships.permissions import PartnershipPermission

#: ``DiscoveryStanding.rule``: whose agreement makes the brief agreed.
FUNDER_AND_LEARNING_PARTNER = "funder_and_learning_partner"
EVERY_PARTY = "every_party"

#: How far back the dashboard lists replies to a funder's invitations.
INVITATION_REPLIES_DAYS = 30


@dataclass(frozen=True)
class PartyAgreement:
    """One accepted party and the discovery brief's current version.

    ``needed``: its agreement counts towards the brief being agreed (in learning for,
    each learning partner is needed until one of them agreed); ``joined_after``: it
    joined after the brief was agreed, so it may agree but is not waited for."""

    party: Party
    agreement: DiscoveryAgreement | None
    needed: bool
    joined_after: bool


@dataclass(frozen=True)
class DiscoveryStanding:
    """Where agreement to the current version stands: ``rule`` (who must agree),
    ``parties`` (every accepted party, commissioner first), ``agreed``, and
    ``waiting_for`` (the parties whose agreement is still needed)."""

    rule: str
    parties: list[PartyAgreement]
    agreed: bool
    waiting_for: list[Party]


def _order(party: Party) -> tuple[bool, int, str, int]:
    """Commissioner first, then co-funders, learning partners and grantees, by name."""
    roles = [Party.Role.FUNDER, Party.Role.LEARNING_PARTNER, Party.Role.GRANTEE]
    return (
        not party.is_commissioner,
        roles.index(Party.Role(party.role)),
        party.organisation.name,
        party.pk,
    )


def discovery_standing_from(
    *,
    brief: DiscoveryBrief,
    learning_mode: str,
    parties: list[Party],
    agreements: list[DiscoveryAgreement],
    agreed_since: datetime | None,
) -> DiscoveryStanding:
    """The rule itself, on rows already read: ``parties`` are the accepted parties,
    ``agreements`` those to the current version, ``agreed_since`` when the brief became
    agreed if it still is (parties accepted later do not undo it)."""
    by_party = {a.party_id: a for a in agreements if a.version == brief.version}
    ordered = sorted(parties, key=_order)
    written = brief.version > 0
    if learning_mode == Partnership.LearningMode.LEARNING_WITH:
        rows = []
        for party in ordered:
            joined_after = (
                agreed_since is not None
                and party.responded_at is not None
                and party.responded_at > agreed_since
            )
            rows.append(
                PartyAgreement(
                    party=party,
                    agreement=by_party.get(party.pk),
                    needed=not joined_after,
                    joined_after=joined_after,
                )
            )
        waiting = [row.party for row in rows if row.needed and row.agreement is None]
        agreed = written and not waiting and any(row.needed for row in rows)
        return DiscoveryStanding(
            rule=EVERY_PARTY,
            parties=rows,
            agreed=agreed,
            waiting_for=waiting if written else [],
        )
    learning_partners = [p for p in ordered if p.role == Party.Role.LEARNING_PARTNER]
    a_learning_partner_agreed = any(p.pk in by_party for p in learning_partners)
    rows = [
        PartyAgreement(
            party=party,
            agreement=by_party.get(party.pk),
            needed=party.is_commissioner
            or (
                party.role == Party.Role.LEARNING_PARTNER
                and (party.pk in by_party or not a_learning_partner_agreed)
            ),
            joined_after=False,
        )
        for party in ordered
    ]
    commissioner_agreed = any(row.party.is_commissioner and row.agreement for row in rows)
    waiting = [r.party for r in rows if r.party.is_commissioner and r.agreement is None]
    if not a_learning_partner_agreed:
        waiting += learning_partners
    return DiscoveryStanding(
        rule=FUNDER_AND_LEARNING_PARTNER,
        parties=rows,
        agreed=written and commissioner_agreed and a_learning_partner_agreed,
        waiting_for=waiting if written else [],
    )


def discovery_standing(
    *, brief: DiscoveryBrief, partnership: Partnership, afresh: bool = False
) -> DiscoveryStanding:
    """``discovery_standing_from`` with its rows read (two queries). ``brief.agreed_at``
    counts only while the brief is agreed, and not ``afresh`` (every party asked again)."""
    parties = list(
        Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED).select_related(
            "organisation"
        )
    )
    agreements = list(
        DiscoveryAgreement.objects.filter(
            brief=brief, version=brief.version, party__status=Party.Status.ACCEPTED
        ).select_related("agreed_by")
    )
    return discovery_standing_from(
        brief=brief,
        learning_mode=partnership.learning_mode,
        parties=parties,
        agreements=agreements,
        agreed_since=None
        if afresh or brief.status != DiscoveryBrief.Status.AGREED
        else brief.agreed_at,
    )


def discovery_agreements_awaited_for(*, user: User) -> QuerySet[Party]:
    """Accepted parties ``user`` may agree the discovery brief for (as an admin holding
    ``agree_discovery``) whose agreement to its current version is wanted and not given:
    every party in learning with (newcomers too), the commissioning funder and — until
    one of them agreed — the learning partners in learning for. Partnerships that are
    closed are left out. One query; each party carries ``partnership`` and its
    ``discovery_brief``."""
    may_agree = PartnershipGroupObjectPermission.objects.filter(
        content_object=OuterRef("partnership"),
        permission__codename=PartnershipPermission.AGREE_DISCOVERY,
        group=OuterRef("organisation__admins_group"),
    )
    i_am_admin = Membership.objects.filter(
        user=user, organisation=OuterRef("organisation"), role=Membership.Role.ADMIN
    )
    current = DiscoveryAgreement.objects.filter(
        brief=OuterRef("partnership__discovery_brief"),
        version=OuterRef("partnership__discovery_brief__version"),
    )
    a_learning_partner_agreed = current.filter(
        party__role=Party.Role.LEARNING_PARTNER, party__status=Party.Status.ACCEPTED
    )
    wanted = (
        Q(partnership__learning_mode=Partnership.LearningMode.LEARNING_WITH)
        | Q(is_commissioner=True)
        | Q(role=Party.Role.LEARNING_PARTNER, a_learning_partner_agreed=False)
    )
    return (
        Party.objects.filter(
            status=Party.Status.ACCEPTED, partnership__discovery_brief__version__gt=0
        )
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .annotate(a_learning_partner_agreed=Exists(a_learning_partner_agreed))
        .filter(
            Exists(i_am_admin), Exists(may_agree), ~Exists(current.filter(party=OuterRef("pk")))
        )
        .filter(wanted)
        .select_related("organisation", "partnership__discovery_brief")
        .order_by("partnership__title", "partnership_id", "id")
    )


def invitation_replies_for(*, user: User, now: datetime | None = None) -> QuerySet[Party]:
    """Invitations that organisations answered (accepted or declined) in the last
    ``INVITATION_REPLIES_DAYS`` days, in partnerships commissioned by a funder ``user``
    belongs to; newest first. One query."""
    since = (now or timezone.now()) - timedelta(days=INVITATION_REPLIES_DAYS)
    return (
        Party.objects.filter(
            partnership__funder__memberships__user=user,
            is_commissioner=False,
            status__in=[Party.Status.ACCEPTED, Party.Status.DECLINED],
            responded_at__gte=since,
        )
        .select_related("organisation", "partnership", "responded_by")
        .order_by("-responded_at", "-id")
    )
