"""The rules of who sees what, and the reads of consent and permission to challenge.

This is the one module that answers "which evidence may this person see", "which
evidence may a brief cite now", "how is a quote attributed" and "may this challenge be
published". Every view, export, task and brief asks here; nothing else re-implements
the rules. Each answer is computed from the database on every call — there is no cache
anywhere — so a withdrawal takes effect on the very next request.

The rules (PRODUCT.md, "Who sees what"):

- A party always sees its own evidence.
- A learning partner sees evidence of parties with active ``participate`` consent.
- A funder sees a party's evidence only with that party's active ``share_with_funder``
  (and ``participate``); another grantee only with ``share_with_parties`` (and
  ``participate``). Without a decision, nothing is shared.
- A brief cites evidence whose party has active ``participate`` (to draft) and also
  ``publish`` (to publish); a quote names its organisation only with ``attribute``
  consent and the item marked named. Otherwise it says whose words they are by role
  ("a service user, grantee organisation"), and never by a role that only one
  organisation in the brief holds ("a service user in the partnership").
- A challenge may be published only where its party permits that area and channel.
- Evidence of a party that has left (or was removed) is no longer shared with anyone.

Visibility always starts from the partnership's guardian permissions: someone sees a
partnership's evidence only through an accepted party whose organisation group holds
``view_partnership`` on it, so leaving or being removed ends it at once.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypeVar, cast

from django.db.models import (
    BooleanField,
    Exists,
    ExpressionWrapper,
    FilteredRelation,
    Model,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)

from accounts.models import User
from consent.models import (
    ChallengeRecord,
    ChallengeState,
    ConsentRecord,
    ConsentState,
    LearningModeAnswer,
    LearningModeChange,
)
from partnerships.models import (
    Membership,
    Organisation,
    Partnership,
    PartnershipGroupObjectPermission,
    Party,
    ResearchQuestion,
)
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import accepted_parties_of

Purpose = ConsentRecord.Purpose
PURPOSES: tuple[str, ...] = tuple(Purpose.values)
VIEW_PARTNERSHIP = PartnershipPermission.VIEW

CHANNEL_ORDER: list[str] = list(ChallengeRecord.Channel.values)

Stage = Literal["draft", "published"]

#: The rules read any rows that carry ``party``, ``partnership`` and ``attribution``
#: (evidence items). The caller passes the queryset, so this module, below ``evidence``
#: in the import order, never imports the evidence app.
Rows = TypeVar("Rows", bound=Model)
NAMED = "named"  # evidence.models.Evidence.Attribution.NAMED


class Attributable(Protocol):
    attribution: str
    speaker: str
    party_id: int
    party: Party


STAGES: tuple[str, ...] = ("draft", "published")

#: An anonymous attribution by the party's role alone ("— a grantee")...
ROLE_ATTRIBUTION = {
    Party.Role.GRANTEE: "a grantee",
    Party.Role.FUNDER: "a funder",
    Party.Role.LEARNING_PARTNER: "a learning partner",
}
#: ... and after whose words they are ("— a service user, grantee organisation").
ROLE_AFTER_SPEAKER = {
    Party.Role.GRANTEE: "grantee organisation",
    Party.Role.FUNDER: "funder",
    Party.Role.LEARNING_PARTNER: "learning partner",
}
#: Whose words an item gives (``evidence.models.Evidence.Speaker``), as a brief says it.
#: "other" says nothing more than the organisation does.
SPEAKER_ATTRIBUTION = {
    "staff": "a member of staff",
    "volunteer": "a volunteer",
    "service_user": "a service user",
    "partner_organisation": "a partner organisation",
    "funder": "a funder",
    "other": "",
}
#: An anonymous attribution when the role would point to one organisation.
IN_THE_PARTNERSHIP = "in the partnership"
SOMEONE_IN_THE_PARTNERSHIP = f"someone {IN_THE_PARTNERSHIP}"


# --- Building blocks ---------------------------------------------------------------------


def consent_active(purpose: str, party_ref: str = "party") -> Exists:
    """True where the party at ``party_ref`` (an outer reference) has ``purpose`` granted now."""
    return Exists(
        ConsentState.objects.filter(party=OuterRef(party_ref), purpose=purpose, granted=True)
    )


def _sees_through(user: User, *conditions: Q, **party: Any) -> Exists:
    """``user`` belongs to an accepted party of the outer row's partnership that matches
    ``conditions`` and ``party`` (lookups on Party) and whose members group holds
    ``view_partnership`` on it.

    Asked of the party: its organisation's members group holds the grant, and ``user``
    is in that same group. (Joining from the permission table through ``auth_group``
    says the same, but PostgreSQL took longer to plan that than to run it: measured by
    ``manage.py bench``.)
    """
    granted = PartnershipGroupObjectPermission.objects.filter(
        content_object=OuterRef("partnership"),
        group=OuterRef("organisation__members_group"),
        permission__codename=VIEW_PARTNERSHIP,
    )
    member = User.groups.through.objects.filter(
        user=user, group=OuterRef("organisation__members_group")
    )
    return Exists(
        Party.objects.filter(
            *conditions, partnership=OuterRef("partnership"), status=Party.Status.ACCEPTED, **party
        ).filter(Exists(granted), Exists(member))
    )


# --- Evidence visibility ---------------------------------------------------------------

#: Which consents (besides the party's own) let each role of viewer see a party's evidence.
SHARING_NEEDS: dict[str, tuple[str, ...]] = {
    Party.Role.LEARNING_PARTNER: (Purpose.PARTICIPATE,),
    Party.Role.FUNDER: (Purpose.PARTICIPATE, Purpose.SHARE_WITH_FUNDER),
    Party.Role.GRANTEE: (Purpose.PARTICIPATE, Purpose.SHARE_WITH_PARTIES),
}


def _shared_with(viewer_role: str, party_ref: str) -> Q:
    """The consents the party at ``party_ref`` must hold for a ``viewer_role`` to see it."""
    condition = Q()
    for purpose in SHARING_NEEDS[viewer_role]:
        condition &= Q(consent_active(purpose, party_ref))
    return condition


def _visible_to_user(user: User, *, party_ref: str, party_status: str) -> Q:
    """The rule for rows whose party is at ``party_ref`` (status at ``party_status``).

    Sharing is asked in one subquery: does ``user`` see the partnership through a party
    whose role the row's party shares with (``SHARING_NEEDS``)? The consents every role
    needs are checked once, outside it. The same rule as one subquery per role, with a
    third of the subqueries to build and plan (measured by ``manage.py bench``).
    """
    own = _sees_through(user, pk=OuterRef(party_ref))
    every_role_needs = set.intersection(*(set(needs) for needs in SHARING_NEEDS.values()))
    roles = Q()
    for role, needs in SHARING_NEEDS.items():
        condition = Q(role=role)
        for purpose in needs:
            if purpose not in every_role_needs:
                # The row's party is two levels out: the viewer's party is one.
                condition &= Q(
                    Exists(
                        ConsentState.objects.filter(
                            party=OuterRef(OuterRef(party_ref)), purpose=purpose, granted=True
                        )
                    )
                )
        roles |= condition
    shared = Q(**{party_status: Party.Status.ACCEPTED})
    for purpose in PURPOSES:
        if purpose in every_role_needs:
            shared &= Q(consent_active(purpose, party_ref))
    return own | (shared & Q(_sees_through(user, roles)))


def evidence_visible_to(*, user: User, queryset: QuerySet[Rows]) -> QuerySet[Rows]:
    """The evidence in ``queryset`` (of any partnership) ``user`` may see, as one query.

    The result keeps the queryset's filters and ordering. A person in several parties
    sees the union of what each sees.
    """
    return queryset.filter(_visible_to_user(user, party_ref="party", party_status="party__status"))


_NEEDED_BY_EVERY_ROLE = set.intersection(*(set(needs) for needs in SHARING_NEEDS.values()))
#: Why the people of a party with each role read another party's evidence: the consent in
#: its ``SHARING_NEEDS`` that not every role asks for (``participate`` for the learning
#: partner, which needs nothing more). ``visible_to`` gives it as ``because``.
SHARING_BECAUSE: dict[str, str] = {
    role: next((p for p in needs if p not in _NEEDED_BY_EVERY_ROLE), needs[0])
    for role, needs in SHARING_NEEDS.items()
}
#: ``because`` for the party that added the item.
OWN = "own"
BECAUSE: tuple[str, ...] = (OWN, *dict.fromkeys(SHARING_BECAUSE.values()))


@dataclass(frozen=True)
class SharingParty:
    """One accepted party of a partnership as the sharing rule reads it (``sharing_state``).

    ``reads``: its members group holds ``view_partnership`` on the partnership, so its
    people read it; ``mine``: the person asking is one of them; ``held``: the sharing
    consents it has granted now.
    """

    pk: int
    role: str
    organisation_id: int
    organisation_name: str
    organisation_kind: str
    reads: bool
    mine: bool
    held: frozenset[str]


@dataclass(frozen=True)
class VisibleTo:
    """A party whose people may read an item, and why (``because``: ``OWN`` or the
    consent that shares it, from ``BECAUSE``)."""

    party: SharingParty
    because: str


def party_reads_evidence_of(viewer: SharingParty, owner: SharingParty) -> str | None:
    """Why the people of ``viewer`` may read evidence of ``owner`` (``OWN`` or the consent
    that shares it), or None: the rule asked of two accepted parties of one partnership.
    ``_visible_to_user`` is the same rule asked in SQL of items; tests check they agree.
    """
    if not viewer.reads:
        return None
    if viewer.pk == owner.pk:
        return OWN
    if owner.held.issuperset(SHARING_NEEDS[viewer.role]):
        return SHARING_BECAUSE[viewer.role]
    return None


@dataclass(frozen=True)
class SharingState:
    """Every accepted party of one partnership with its sharing consents now, read once
    (``sharing_state``): who may read whose evidence, for a whole page of items."""

    parties: tuple[SharingParty, ...]

    def visible_to(self, party_id: int) -> list[VisibleTo]:
        """Who may read an item of the party ``party_id`` now, in the partnership's order
        of parties; nobody when that party is no longer taking part."""
        owner = self.party(party_id)
        if owner is None:
            return []
        seen = []
        for viewer in self.parties:
            because = party_reads_evidence_of(viewer, owner)
            if because is not None:
                seen.append(VisibleTo(party=viewer, because=because))
        return seen

    def parties_visible_to_me(self) -> frozenset[int]:
        """The parties whose evidence the person who asked may read, through any of
        their parties."""
        mine = [party for party in self.parties if party.mine]
        return frozenset(
            owner.pk
            for owner in self.parties
            if any(party_reads_evidence_of(viewer, owner) for viewer in mine)
        )

    def party(self, party_id: int) -> SharingParty | None:
        """The accepted party ``party_id``, or None when it is not taking part."""
        return next((party for party in self.parties if party.pk == party_id), None)


def sharing_state(*, partnership: Partnership, user: User | None = None) -> SharingState:
    """The partnership's accepted parties (in ``Party``'s order), each with its role, its
    organisation, whether its people read the partnership, whether ``user`` is one of them,
    and the sharing consents it holds now: one flat query (a row per party and consent).

    ``SHARING_NEEDS`` is applied to those few rows in Python: asked as one nested
    subquery, the rule cost three times as much to build and plan (measured by
    ``manage.py bench``).
    """
    needed = sorted({purpose for needs in SHARING_NEEDS.values() for purpose in needs})
    grants = PartnershipGroupObjectPermission.objects.filter(
        content_object=partnership,
        permission__codename=VIEW_PARTNERSHIP,
        group=OuterRef("organisation__members_group"),
    )
    if user is not None and user.is_authenticated:
        mine: Exists | Value = Exists(
            grants.filter(
                group__in=User.groups.through.objects.filter(user=user).values("group_id")
            )
        )
    else:
        mine = Value(False)
    rows = (
        Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED)
        .annotate(
            reads=Exists(grants),
            mine=mine,
            held=FilteredRelation(
                "consent_states",
                condition=Q(consent_states__granted=True, consent_states__purpose__in=needed),
            ),
        )
        .order_by("-is_commissioner", "role", "organisation__name", "pk")
        .values_list(
            "pk",
            "role",
            "organisation_id",
            "organisation__name",
            "organisation__kind",
            "reads",
            "mine",
            "held__purpose",
        )
    )
    parties: dict[int, tuple[Any, ...]] = {}
    held: dict[int, set[str]] = {}
    for *party, purpose in rows:
        parties.setdefault(party[0], tuple(party))
        held.setdefault(party[0], set())
        if purpose is not None:
            held[party[0]].add(purpose)
    return SharingState(
        parties=tuple(
            SharingParty(
                pk=pk,
                role=role,
                organisation_id=organisation_id,
                organisation_name=name,
                organisation_kind=kind,
                reads=bool(reads),
                mine=bool(reads and is_mine),
                held=frozenset(held[pk]),
            )
            for pk, role, organisation_id, name, kind, reads, is_mine in parties.values()
        )
    )


def evidence_parties_visible_to(*, user: User, partnership: Partnership) -> frozenset[int]:
    """The ids of the parties of ``partnership`` whose evidence ``user`` may see: the same
    rule as ``evidence_visible_to``, asked of parties rather than items (one query,
    ``sharing_state``)."""
    return sharing_state(partnership=partnership, user=user).parties_visible_to_me()


def evidence_visible_to_party(*, party: Party, queryset: QuerySet[Rows]) -> QuerySet[Rows]:
    """The evidence everyone in ``party`` may see by virtue of that party alone: its own,
    and other accepted parties' as their consent allows for its role. Nothing when the
    party is not taking part."""
    if party.status != Party.Status.ACCEPTED:
        return queryset.none()
    evidence = queryset.filter(partnership_id=party.partnership_id)
    shared = Q(party__status=Party.Status.ACCEPTED) & _shared_with(party.role, "party")
    return evidence.filter(Q(party=party) | shared)


def consent_granted(*, party: Party, purpose: str) -> bool:
    """Whether ``party`` has ``purpose`` granted now (read from the database, every time)."""
    return ConsentState.objects.filter(party=party, purpose=purpose, granted=True).exists()


def evidence_citable(
    *, queryset: QuerySet[Rows], partnership: Partnership, stage: Stage
) -> QuerySet[Rows]:
    """The partnership's evidence (from ``queryset``) a brief may cite now.

    ``stage`` "draft": parties with active ``participate``; "published": ``participate``
    and ``publish``. Only accepted parties' evidence counts. Each row carries
    ``may_name`` (see ``quote_attribution``) and its party and organisation.
    """
    return evidence_citable_in(queryset=queryset, partnership_ids=[partnership.pk], stage=stage)


#: The consents a party must hold now for a brief at each stage to cite its evidence.
STAGE_NEEDS: dict[str, tuple[str, ...]] = {
    "draft": (Purpose.PARTICIPATE,),
    "published": (Purpose.PARTICIPATE, Purpose.PUBLISH),
}


def _citable_at(stage: str, party_ref: str) -> Q:
    """The ``STAGE_NEEDS`` of ``stage``, asked of the party at ``party_ref``."""
    if stage not in STAGE_NEEDS:
        raise ValueError(f"stage must be one of {STAGES}, not {stage!r}")
    condition = Q()
    for purpose in STAGE_NEEDS[stage]:
        condition &= Q(consent_active(purpose, party_ref))
    return condition


def evidence_citable_in(
    *, queryset: QuerySet[Rows], partnership_ids: Iterable[int], stage: Stage
) -> QuerySet[Rows]:
    """``evidence_citable`` for the partnerships ``partnership_ids`` at once (drafting
    briefs in batches)."""
    citable = queryset.filter(
        _citable_at(stage, "party"),
        partnership_id__in=list(partnership_ids),
        party__status=Party.Status.ACCEPTED,
    )
    return with_quote_attribution(citable).select_related("party__organisation")


def parties_citable_in(*, partnership_ids: Iterable[int], stage: Stage) -> QuerySet[Party]:
    """The accepted parties of ``partnership_ids`` whose evidence a brief at ``stage`` may
    cite now: the same rule as ``evidence_citable_in``, asked of parties."""
    return Party.objects.filter(
        _citable_at(stage, "pk"),
        partnership_id__in=list(partnership_ids),
        status=Party.Status.ACCEPTED,
    ).select_related("organisation")


def with_quote_attribution(queryset: QuerySet[Rows]) -> QuerySet[Rows]:
    """Annotate ``may_name``: the item is marked named and its party consents to ``attribute``."""
    named = Q(attribution=NAMED) & consent_active(Purpose.ATTRIBUTE)
    annotated = queryset.annotate(may_name=ExpressionWrapper(named, output_field=BooleanField()))
    return cast("QuerySet[Rows]", annotated)


def quote_attribution(evidence: Attributable, *, role_shared: bool) -> str:
    """Who a quote is attributed to in a brief (``attribution_text``): the organisation's
    name only with ``attribute`` consent and the item marked named; otherwise its role.
    ``role_shared``: another organisation of the party's role has evidence in the same
    brief (``roles_shared``).

    Uses ``may_name`` when the row was annotated (``evidence_citable``,
    ``with_quote_attribution``), otherwise asks the database now.
    """
    may_name = getattr(evidence, "may_name", None)
    if may_name is None:
        may_name = (
            evidence.attribution == NAMED
            and ConsentState.objects.filter(
                party_id=evidence.party_id, purpose=Purpose.ATTRIBUTE, granted=True
            ).exists()
        )
    party = evidence.party
    return attribution_text(
        may_name=bool(may_name),
        organisation_name=party.organisation.name,
        role=party.role,
        speaker=evidence.speaker,
        role_shared=role_shared,
    )


def roles_shared(parties: Iterable[tuple[int, str]]) -> frozenset[str]:
    """The roles that at least two of ``parties`` (``(party id, role)`` pairs: the parties
    whose evidence a brief cites) hold. Only these may stand for an organisation in an
    anonymous attribution: a role held by one of them would name it."""
    holders: dict[str, set[int]] = {}
    for party_id, role in parties:
        holders.setdefault(role, set()).add(party_id)
    return frozenset(role for role, ids in holders.items() if len(ids) > 1)


def attribution_text(
    *, may_name: bool, organisation_name: str, role: str, speaker: str, role_shared: bool
) -> str:
    """Who a quote or story is attributed to in a brief, from its parts (rows read with
    ``values()``, whose ``may_name`` came from ``with_quote_attribution``).

    Named (``may_name``): whose words, then the organisation ("a service user, Riverside
    Food Bank"), or the organisation alone when the item does not say whose words they
    are. Anonymous: whose words, then the party's role ("a service user, grantee
    organisation", or "a grantee" alone); but when no other organisation of that role
    has evidence in the brief (not ``role_shared``), the role would point to one
    organisation, so the partnership stands for it ("a service user in the
    partnership", "someone in the partnership"). A speaker that repeats the party's own
    role (a funder's words in a funder's evidence) is said once, as the role.
    """
    party_role = Party.Role(role)
    who = SPEAKER_ATTRIBUTION.get(speaker, "")
    if who == ROLE_ATTRIBUTION[party_role]:
        who = ""
    if may_name:
        return f"{who}, {organisation_name}" if who else organisation_name
    if not role_shared:
        return f"{who} {IN_THE_PARTNERSHIP}" if who else SOMEONE_IN_THE_PARTNERSHIP
    return f"{who}, {ROLE_AFTER_SPEAKER[party_role]}" if who else ROLE_ATTRIBUTION[party_role]


# --- Permission to challenge ---------------------------------------------------------------


def challenge_publishable(*, party: Party, question: int | None, channel: str) -> bool:
    """May the learning partner challenge ``party`` on ``question`` through ``channel``?

    ``question`` None means the party's work in general: only permission for every area
    ("*") covers it. Permission for every area covers any question.
    """
    area = Q(question__isnull=True)
    if question is not None:
        area |= Q(question_id=question)
    return ChallengeState.objects.filter(
        area, party=party, party__status=Party.Status.ACCEPTED, channel=channel
    ).exists()


@dataclass(frozen=True)
class ChallengeArea:
    """A challenge as a brief names it: a party and an area (a question id, or None)."""

    party: int
    question: int | None


def challenges_publishable(
    *, partnership: Partnership, challenges: Iterable[ChallengeArea], channel: str
) -> dict[ChallengeArea, bool]:
    """``challenge_publishable`` for many challenges of one partnership, in one query.

    A party that is not an accepted party of ``partnership`` permits nothing.
    """
    wanted = list(challenges)
    held: set[tuple[int, int | None]] = set(
        ChallengeState.objects.filter(
            partnership=partnership,
            party__status=Party.Status.ACCEPTED,
            party_id__in={c.party for c in wanted},
            channel=channel,
        ).values_list("party_id", "question_id")
    )
    return {
        challenge: (challenge.party, None) in held
        or (challenge.question is not None and (challenge.party, challenge.question) in held)
        for challenge in wanted
    }


def challenges_needing_notice(
    *, partnership: Partnership, challenges: Iterable[ChallengeArea]
) -> set[ChallengeArea]:
    """The ``challenges`` whose party asked to be told before a published brief challenges
    it on that area (``notify_before_publish`` on the permission that covers it), in one
    query."""
    wanted = list(challenges)
    flagged: set[tuple[int, int | None]] = set(
        ChallengeState.objects.filter(
            partnership=partnership,
            party__status=Party.Status.ACCEPTED,
            party_id__in={c.party for c in wanted},
            channel=ChallengeRecord.Channel.PUBLISHED_BRIEF,
            notify_before_publish=True,
        ).values_list("party_id", "question_id")
    )
    return {
        challenge
        for challenge in wanted
        if (challenge.party, None) in flagged
        or (challenge.question is not None and (challenge.party, challenge.question) in flagged)
    }


# --- Current state -------------------------------------------------------------------------


@dataclass
class PartyConsent:
    """One party's current consent: ``purposes`` maps each purpose to granted or not, and
    ``records`` to the record that decided it (None: never decided)."""

    party: Party
    purposes: dict[str, bool]
    records: dict[str, ConsentRecord | None]

    @property
    def organisation(self) -> Organisation:
        return self.party.organisation

    @property
    def undecided(self) -> list[str]:
        return [purpose for purpose, record in self.records.items() if record is None]


def consent_current(*, partnership: Partnership) -> list[PartyConsent]:
    """The current consent of every accepted party, commissioner first (two queries)."""
    states = ConsentState.objects.select_related("record__recorded_by")
    parties = accepted_parties_of(partnership=partnership).prefetch_related(
        Prefetch("consent_states", queryset=states, to_attr="current_states")
    )
    result = []
    for party in parties:
        by_purpose = {state.purpose: state for state in party.current_states}
        result.append(
            PartyConsent(
                party=party,
                purposes={p: p in by_purpose and by_purpose[p].granted for p in PURPOSES},
                records={p: by_purpose[p].record if p in by_purpose else None for p in PURPOSES},
            )
        )
    return result


@dataclass
class PartyChallengePermission:
    """One party's current permission to challenge: the (area, channel) pairs it permits."""

    party: Party
    permissions: list[ChallengeState] = field(default_factory=list)

    @property
    def organisation(self) -> Organisation:
        return self.party.organisation


def challenge_current(*, partnership: Partnership) -> list[PartyChallengePermission]:
    """Every accepted party's current permission to challenge (two queries).

    Each party's pairs come "everything" first, then by question; channels in their
    usual order (workshop, private report, published brief).
    """
    states = ChallengeState.objects.select_related("question", "record__recorded_by").order_by(
        "question_id", "channel"
    )
    parties = accepted_parties_of(partnership=partnership).prefetch_related(
        Prefetch("challenge_states", queryset=states, to_attr="current_permissions")
    )
    result = []
    for party in parties:
        permissions = sorted(
            party.current_permissions,
            key=lambda s: (
                s.question_id is not None,
                s.question_id or 0,
                CHANNEL_ORDER.index(s.channel),
            ),
        )
        result.append(PartyChallengePermission(party=party, permissions=permissions))
    return result


# --- History ---------------------------------------------------------------------------------


def consent_history(
    *, partnership: Partnership, party: int | None = None
) -> QuerySet[ConsentRecord]:
    """Every consent decision in the partnership, newest first; ``party`` filters by party id.

    Every accepted party sees the whole history (PRODUCT.md).
    """
    records = ConsentRecord.objects.filter(partnership=partnership).select_related(
        "party__organisation", "recorded_by"
    )
    if party is not None:
        records = records.filter(party_id=party)
    return records.order_by("-recorded_at", "-id")


def challenge_history(
    *, partnership: Partnership, party: int | None = None
) -> QuerySet[ChallengeRecord]:
    """Every permission-to-challenge decision in the partnership, newest first."""
    records = ChallengeRecord.objects.filter(partnership=partnership).select_related(
        "party__organisation", "recorded_by"
    )
    if party is not None:
        records = records.filter(party_id=party)
    return records.order_by("-recorded_at", "-id")


def question_texts(*, partnership: Partnership) -> dict[int, str]:
    """The text of every research question of the partnership, by id (for history labels)."""
    return dict(ResearchQuestion.objects.filter(partnership=partnership).values_list("pk", "text"))


def consent_parties_administered(*, user: User, partnership: Partnership) -> QuerySet[Party]:
    """Accepted parties of ``partnership`` whose organisation ``user`` is an admin of."""
    return accepted_parties_of(partnership=partnership).filter(
        Exists(
            Membership.objects.filter(
                user=user, organisation=OuterRef("organisation"), role=Membership.Role.ADMIN
            )
        )
    )


def consent_to_decide_for(*, user: User) -> QuerySet[Party]:
    """Parties ``user`` administers, in partnerships still open, that have never decided
    whether to take part (no ``participate`` decision yet): the dashboard's "Consent to
    decide"."""
    decided = ConsentRecord.objects.filter(party=OuterRef("pk"), purpose=Purpose.PARTICIPATE)
    administers = Membership.objects.filter(
        user=user, organisation=OuterRef("organisation"), role=Membership.Role.ADMIN
    )
    return (
        Party.objects.filter(status=Party.Status.ACCEPTED)
        .exclude(partnership__status=Partnership.Status.CLOSED)
        .filter(Exists(administers), ~Exists(decided))
        .select_related("organisation", "partnership")
        .order_by("partnership__title", "partnership_id", "id")
    )


# --- Learning mode changes ------------------------------------------------------------------


def learning_mode_waiting_for(*, change: LearningModeChange) -> list[Party]:
    """The accepted parties that have not (yet) agreed to ``change``, commissioner first.

    Asked afresh each time: a party that accepts the partnership while a change is open
    must agree too, and one that leaves no longer counts.
    """
    agreed = LearningModeAnswer.objects.filter(
        change=change, party=OuterRef("pk"), decision=LearningModeAnswer.Decision.AGREE
    )
    return list(
        accepted_parties_of(partnership=change.partnership)
        .filter(~Exists(agreed))
        .order_by("-is_commissioner", "pk")
    )


def learning_mode_changes_of(*, partnership: Partnership) -> QuerySet[LearningModeChange]:
    """The partnership's learning mode proposals, newest first, with their answers."""
    return (
        LearningModeChange.objects.filter(partnership=partnership)
        .select_related("proposed_by", "proposed_for__organisation")
        .prefetch_related(
            Prefetch(
                "answers",
                queryset=LearningModeAnswer.objects.select_related(
                    "party__organisation", "answered_by"
                ).order_by("answered_at", "pk"),
            )
        )
        .order_by("-created_at", "-pk")
    )


def learning_mode_changes_to_answer_for(*, user: User) -> QuerySet[LearningModeChange]:
    """Open learning mode proposals that wait for a party ``user`` is an admin of (for
    the dashboard), oldest first."""
    mine = Party.objects.filter(
        partnership=OuterRef("partnership"),
        status=Party.Status.ACCEPTED,
        organisation__memberships__user=user,
        organisation__memberships__role=Membership.Role.ADMIN,
    ).exclude(
        Exists(
            LearningModeAnswer.objects.filter(
                change=OuterRef(OuterRef("pk")),
                party=OuterRef("pk"),
                decision=LearningModeAnswer.Decision.AGREE,
            )
        )
    )
    return (
        LearningModeChange.objects.filter(Exists(mine), outcome=LearningModeChange.Outcome.OPEN)
        .select_related("partnership", "proposed_for__organisation")
        .order_by("created_at", "pk")
    )
