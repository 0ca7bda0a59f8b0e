"""Reads of partnerships that depend on who is asking.

Visibility follows the guardian object permissions that the partnership services grant
to each accepted party's organisation groups; every filter here is an ``Exists``
subquery on those permission tables, so a list costs a fixed number of queries.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import (
    Case,
    CharField,
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Coalesce

from accounts.models import User
from partnerships.models import (
    ActivityEvent,
    DiscoveryAgreement,
    DiscoveryBrief,
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
    QuestionResponse,
    ResearchQuestion,
)
from partnerships.permissions import PartnershipPermission
from partnerships.selectors.discovery import discovery_standing_from
from partnerships.selectors.organisations import organisation_directory

MY_PARTY_ACCEPTED = "accepted"
MY_PARTY_INVITED = "invited"


def _grants_to(
    user: User, codename: str, partnership_ref: str = "pk"
) -> QuerySet[PartnershipGroupObjectPermission]:
    """Permission rows giving ``codename`` on the outer partnership to a group of ``user``.

    The groups are a list of ids (``IN``) rather than a join through ``auth_group``: the
    same rows, at half the time PostgreSQL spent planning the join.
    """
    return PartnershipGroupObjectPermission.objects.filter(
        content_object=OuterRef(partnership_ref),
        permission__codename=codename,
        group__in=User.groups.through.objects.filter(user=user).values("group_id"),
    )


def _invited(user: User, partnership_ref: str = "pk") -> QuerySet[Party]:
    """Invited parties of the outer partnership whose organisation ``user`` belongs to."""
    return Party.objects.filter(
        partnership=OuterRef(partnership_ref),
        status=Party.Status.INVITED,
        organisation__in=Membership.objects.filter(user=user).values("organisation_id"),
    )


def partnerships_for_user(*, user: User) -> QuerySet[Partnership]:
    """Partnerships ``user`` takes part in (accepted) or is invited to, newest first.

    Each row carries ``my_party_status``: "accepted" when one of the user's organisations
    is an accepted party, else "invited".
    """
    can_view = Exists(_grants_to(user, PartnershipPermission.VIEW))
    invited = Exists(_invited(user))
    return (
        Partnership.objects.filter(can_view | invited)
        .annotate(
            my_party_status=Case(
                When(can_view, then=Value(MY_PARTY_ACCEPTED)),
                default=Value(MY_PARTY_INVITED),
                output_field=CharField(),
            )
        )
        .select_related("funder")
    )


def partnership_taken_part_in(*, user: User, partnership_ref: str = "pk") -> Exists:
    """A condition on the outer partnership (at ``partnership_ref``): ``user`` takes part
    in it through an accepted party, the rule ``partnerships_for_user`` lists by. For reads
    across partnerships (the library of published briefs, a funder's questions)."""
    return Exists(_grants_to(user, PartnershipPermission.VIEW, partnership_ref))


def partnership_for_user(*, user: User, pk: int) -> Partnership | None:
    """The partnership ``pk`` as ``partnerships_for_user`` lists it (with
    ``my_party_status``), or None when ``user`` neither takes part in it nor is invited.

    The same rule, built for one row: each condition is asked once (the list asks
    ``view_partnership`` twice, to filter and to label), which halves the time to build
    and plan the query every partnership page and endpoint starts with.
    """
    partnership = (
        Partnership.objects.filter(pk=pk)
        .annotate(
            viewer_accepted=Exists(_grants_to(user, PartnershipPermission.VIEW)),
            viewer_invited=Exists(_invited(user)),
        )
        .select_related("funder")
        .order_by()
        .first()
    )
    if partnership is None:
        return None
    if partnership.viewer_accepted:
        partnership.my_party_status = MY_PARTY_ACCEPTED  # type: ignore[attr-defined]  # selector-set attribute
    elif partnership.viewer_invited:
        partnership.my_party_status = MY_PARTY_INVITED  # type: ignore[attr-defined]  # selector-set attribute
    else:
        return None
    return partnership


def partnership_permissions_for(*, user: User, partnership: Partnership) -> frozenset[str]:
    """The codenames ``user`` holds on ``partnership`` through their organisations' groups."""
    return frozenset(
        PartnershipGroupObjectPermission.objects.filter(
            content_object=partnership, group__user=user
        ).values_list("permission__codename", flat=True)
    )


def parties_of(*, partnership: Partnership) -> QuerySet[Party]:
    """Every party of the partnership, whatever its status, commissioner first."""
    return Party.objects.filter(partnership=partnership).select_related("organisation")


def parties_seen_by(*, user: User, partnership: Partnership) -> QuerySet[Party]:
    """The parties ``user`` sees in the partnership: every one, except that an
    organisation nobody has joined yet (invited to LearnHub by email) shows only to
    staff and to those who manage the partnership, as waiting for its first person. Each
    party has ``waiting_for_people`` (bool)."""
    parties = parties_of(partnership=partnership).annotate(
        waiting_for_people=~Exists(
            Membership.objects.filter(organisation=OuterRef("organisation_id"))
        )
    )
    manages = PartnershipGroupObjectPermission.objects.filter(
        content_object=partnership,
        group__user=user,
        permission__codename=PartnershipPermission.MANAGE,
    )
    if user.is_staff or manages.exists():
        return parties
    return parties.filter(waiting_for_people=False)


def accepted_parties_of(*, partnership: Partnership) -> QuerySet[Party]:
    return parties_of(partnership=partnership).filter(status=Party.Status.ACCEPTED)


def invited_parties_of(*, partnership: Partnership) -> QuerySet[Party]:
    """Parties invited and not yet answering."""
    return parties_of(partnership=partnership).filter(status=Party.Status.INVITED)


def learning_partner_organisations_in(*, partnership_ids: Iterable[int]) -> dict[int, list[int]]:
    """The organisations of each partnership's accepted learning partner parties, by
    partnership id (one query for any number of partnerships)."""
    organisations: dict[int, list[int]] = defaultdict(list)
    for partnership_id, organisation_id in Party.objects.filter(
        partnership_id__in=list(partnership_ids),
        role=Party.Role.LEARNING_PARTNER,
        status=Party.Status.ACCEPTED,
    ).values_list("partnership_id", "organisation_id"):
        organisations[partnership_id].append(organisation_id)
    return dict(organisations)


def learning_mode_needs_agreement(partnership: Partnership) -> bool:
    """Whether switching ``partnership`` between learning *for* and *with* needs the other
    parties' agreement: it does once any party besides the commissioning funder has
    accepted (until then the commissioner is the only party, and decides alone)."""
    return (
        Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED)
        .exclude(is_commissioner=True)
        .exists()
    )


def my_parties_in(*, user: User, partnership: Partnership) -> QuerySet[Party]:
    """Invited or accepted parties of ``partnership`` whose organisation ``user`` belongs to,
    each with ``i_am_admin``."""
    admin = Membership.objects.filter(
        user=user, organisation=OuterRef("organisation"), role=Membership.Role.ADMIN
    )
    return (
        parties_of(partnership=partnership)
        .filter(
            status__in=[Party.Status.INVITED, Party.Status.ACCEPTED],
            organisation__memberships__user=user,
        )
        .annotate(i_am_admin=Exists(admin))
    )


def acting_parties_for(*, user: User, partnership: Partnership, codename: str) -> QuerySet[Party]:
    """Accepted parties through which ``user`` holds ``codename`` on ``partnership``.

    A party qualifies when its organisation's members or admins group holds the
    permission and ``user`` is in that group.
    """
    grants = PartnershipGroupObjectPermission.objects.filter(
        content_object=partnership, permission__codename=codename, group__user=user
    ).filter(
        Q(group=OuterRef("organisation__members_group"))
        | Q(group=OuterRef("organisation__admins_group"))
    )
    return accepted_parties_of(partnership=partnership).filter(Exists(grants))


def invitations_for_user(*, user: User) -> QuerySet[Party]:
    """Open invitations for organisations ``user`` administers, to accept or decline."""
    return (
        Party.objects.filter(
            status=Party.Status.INVITED,
            organisation__memberships__user=user,
            organisation__memberships__role=Membership.Role.ADMIN,
        )
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .select_related("organisation", "partnership__funder", "invited_by")
        .order_by("-created_at", "-id")
    )


def organisations_to_invite(
    *, partnership: Partnership, search: str = "", kind: str = ""
) -> QuerySet[Organisation]:
    """Directory organisations that are not already invited to or taking part in it."""
    taken = Party.objects.filter(
        partnership=partnership,
        organisation=OuterRef("pk"),
        status__in=[Party.Status.INVITED, Party.Status.ACCEPTED],
    )
    return organisation_directory(search=search, kind=kind).exclude(Exists(taken))


def organisations_to_tick(*, partnership: Partnership, search: str) -> QuerySet[Organisation]:
    """Directory organisations matching ``search`` for the invite page's checkboxes, each
    with ``already_in`` (bool): invited to or taking part in the partnership already."""
    taken = Party.objects.filter(
        partnership=partnership,
        organisation=OuterRef("pk"),
        status__in=[Party.Status.INVITED, Party.Status.ACCEPTED],
    )
    return organisation_directory(search=search).annotate(already_in=Exists(taken))


def funder_organisations_for(*, user: User) -> QuerySet[Organisation]:
    """The funder organisations ``user`` belongs to: those they may start a partnership for."""
    return Organisation.objects.filter(
        kind=Organisation.Kind.FUNDER, memberships__user=user
    ).order_by("name", "id")


# --- Discovery brief -----------------------------------------------------------------


def discovery_brief_of(*, partnership: Partnership) -> DiscoveryBrief:
    """The partnership's brief with the agreements to its current version prefetched
    (``current_agreements``) and where agreement stands (``standing``, a
    ``DiscoveryStanding``). Three queries."""
    brief = DiscoveryBrief.objects.select_related("updated_by").get(partnership=partnership)
    agreements = list(
        DiscoveryAgreement.objects.filter(
            brief=brief, version=brief.version, party__status=Party.Status.ACCEPTED
        ).select_related("party__organisation", "agreed_by")
    )
    brief.current_agreements = agreements  # type: ignore[attr-defined]  # selector-set attribute
    brief.standing = discovery_standing_from(  # type: ignore[attr-defined]  # selector-set attribute
        brief=brief,
        learning_mode=partnership.learning_mode,
        parties=list(accepted_parties_of(partnership=partnership)),
        agreements=agreements,
        agreed_since=brief.agreed_at if brief.status == DiscoveryBrief.Status.AGREED else None,
    )
    return brief


# --- Research questions ----------------------------------------------------------------


def questions_with_status(*, partnership: Partnership) -> QuerySet[ResearchQuestion]:
    """The partnership's questions, each with a derived ``status`` (see
    ``questions_with_status_in``)."""
    return questions_with_status_in(partnership_ids=[partnership.pk])


def questions_with_status_in(*, partnership_ids: Iterable[int]) -> QuerySet[ResearchQuestion]:
    """The questions of the partnerships ``partnership_ids``, each with a derived ``status``.

    "contested" while any accepted party objects, "agreed" when every accepted party
    agrees, otherwise "proposed". Only accepted parties' answers count, so a new party
    joining returns an agreed question to "proposed" until it answers. Each question
    carries ``current_responses``: the answers of accepted parties.
    """
    accepted_count = Subquery(
        Party.objects.filter(partnership=OuterRef("partnership"), status=Party.Status.ACCEPTED)
        .order_by()
        .values("partnership")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    counted = QuestionResponse.objects.filter(
        question=OuterRef("pk"), party__status=Party.Status.ACCEPTED
    )
    agree_count = Subquery(
        counted.filter(decision=QuestionResponse.Decision.AGREE)
        .order_by()
        .values("question")
        .annotate(n=Count("pk"))
        .values("n")[:1],
        output_field=IntegerField(),
    )
    objected = Exists(counted.filter(decision=QuestionResponse.Decision.OBJECT))
    return (
        ResearchQuestion.objects.filter(partnership_id__in=list(partnership_ids))
        .annotate(
            accepted_party_count=Coalesce(accepted_count, 0),
            agree_count=Coalesce(agree_count, 0),
        )
        .annotate(
            status=Case(
                When(objected, then=Value(ResearchQuestion.Status.CONTESTED.value)),
                When(
                    Q(accepted_party_count__gt=0, agree_count__gte=F("accepted_party_count")),
                    then=Value(ResearchQuestion.Status.AGREED.value),
                ),
                default=Value(ResearchQuestion.Status.PROPOSED.value),
                output_field=CharField(),
            )
        )
        .select_related("proposed_by_party__organisation", "proposed_by")
        .prefetch_related(
            Prefetch(
                "responses",
                queryset=QuestionResponse.objects.filter(
                    party__status=Party.Status.ACCEPTED
                ).select_related("party__organisation", "responded_by"),
                to_attr="current_responses",
            )
        )
        .order_by("created_at", "id")
    )


def questions_awaiting_answer(*, user: User) -> QuerySet[ResearchQuestion]:
    """Questions in open partnerships that a party ``user`` can answer for has not answered."""
    answered = QuestionResponse.objects.filter(
        question=OuterRef(OuterRef("pk")), party=OuterRef("pk")
    )
    my_unanswered_party = Party.objects.filter(
        partnership=OuterRef("partnership"), status=Party.Status.ACCEPTED
    ).filter(
        Exists(
            PartnershipGroupObjectPermission.objects.filter(
                content_object=OuterRef("partnership"),
                permission__codename=PartnershipPermission.CONTRIBUTE,
                group__user=user,
            ).filter(
                Q(group=OuterRef("organisation__members_group"))
                | Q(group=OuterRef("organisation__admins_group"))
            )
        ),
        ~Exists(answered),
    )
    return (
        ResearchQuestion.objects.filter(Exists(my_unanswered_party))
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .select_related("partnership", "proposed_by_party__organisation")
        .order_by("partnership__title", "created_at", "id")
    )


# --- Timeline ------------------------------------------------------------------------


def activity_of(*, partnership: Partnership) -> QuerySet[ActivityEvent]:
    """The partnership's timeline, newest first."""
    return ActivityEvent.objects.filter(partnership=partnership).select_related(
        "actor", "organisation"
    )
