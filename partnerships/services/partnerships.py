"""Writes for learning partnerships: commissioning, parties, discovery, research questions.

Partnership capabilities are guardian object permissions held by the auth groups of each
party's organisation. They are granted and revoked here and nowhere else, at the moment a
party's status changes, so access always follows the party's place in the partnership.
Every write records one line of the partnership's timeline (``ActivityEvent``).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from accounts.models import User
from learnhub.errors import Conflict
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
from partnerships.selectors.discovery import EVERY_PARTY, DiscoveryStanding, discovery_standing
from partnerships.selectors.partnerships import learning_mode_needs_agreement, questions_with_status
from partnerships.services.organisations import first_admin_invitations_cancel
from partnerships.services.tidings import (
    role_phrase,
    tell_discovery_agreed,
    tell_discovery_waiting,
    tell_funder_invitation_answered,
    tell_new_version,
    tell_question_proposed,
)

# --- Permissions ---------------------------------------------------------------------

VIEW = PartnershipPermission.VIEW
CONTRIBUTE = PartnershipPermission.CONTRIBUTE
LEAD_DISCOVERY = PartnershipPermission.LEAD_DISCOVERY
AGREE_DISCOVERY = PartnershipPermission.AGREE_DISCOVERY
MANAGE = PartnershipPermission.MANAGE


def party_grants(
    party: Party, learning_mode: str | None = None
) -> dict[str, set[PartnershipPermission]]:
    """Which permissions an accepted party's members and admins hold on its partnership
    (``learning_mode``: the partnership's, read from it when not given)."""
    learning_mode = learning_mode or party.partnership.learning_mode
    members = {VIEW, CONTRIBUTE}
    admins: set[PartnershipPermission] = set()
    if party.role == Party.Role.LEARNING_PARTNER:
        members.add(LEAD_DISCOVERY)
        admins.add(AGREE_DISCOVERY)
    if party.role == Party.Role.FUNDER:
        # Co-funders may agree the brief too; in learning for only the commissioner's counts.
        admins.add(AGREE_DISCOVERY)
    if learning_mode == Partnership.LearningMode.LEARNING_WITH:
        # Learning with: the parties co-own the discovery brief, grantees too.
        admins.add(AGREE_DISCOVERY)
    if party.is_commissioner:
        admins |= {MANAGE, AGREE_DISCOVERY}
    return {"members": members, "admins": admins}


def _grant_party_permissions(party: Party) -> None:
    organisation = party.organisation
    grants = party_grants(party)
    groups: dict[str, Group] = {
        "members": organisation.members_group,
        "admins": organisation.admins_group,
    }
    for key, codenames in grants.items():
        for codename in sorted(codenames):
            assign_perm(codename, groups[key], party.partnership)


def _revoke_party_permissions(party: Party) -> None:
    organisation = party.organisation
    PartnershipGroupObjectPermission.objects.filter(
        content_object=party.partnership,
        group_id__in=[organisation.members_group_id, organisation.admins_group_id],
    ).delete()


# --- Timeline ------------------------------------------------------------------------


def activity_record(
    *,
    partnership: Partnership,
    actor: User | None,
    verb: str,
    summary: str,
    organisation: Organisation | None = None,
) -> ActivityEvent:
    """Add one line to the partnership's timeline. Other apps' services call this too."""
    return ActivityEvent.objects.create(
        partnership=partnership,
        actor=actor,
        organisation=organisation,
        verb=verb,
        summary=summary[:300],
    )


def activity_record_many(events: Iterable[ActivityEvent]) -> list[ActivityEvent]:
    """Add several timeline lines (unsaved ``ActivityEvent`` rows) in one insert."""
    rows = list(events)
    for event in rows:
        event.summary = event.summary[:300]
    return ActivityEvent.objects.bulk_create(rows)


def _who(user: User, organisation: Organisation | None) -> str:
    return f"{user.display_name} ({organisation.name})" if organisation else user.display_name


# --- Partnerships ----------------------------------------------------------------------

_FIELD_LABELS = {
    "title": "title",
    "description": "description",
    "learning_mode": "learning mode",
    "priority_audience": "priority audience",
    "brief_cadence": "brief cadence",
}
_EDITABLE_FIELDS = tuple(_FIELD_LABELS)


def _clean_partnership_fields(fields: dict[str, str]) -> dict[str, str]:
    errors: dict[str, list[str]] = {}
    cleaned = dict(fields)
    if "title" in cleaned:
        cleaned["title"] = " ".join(cleaned["title"].split())
        if not cleaned["title"]:
            errors["title"] = ["Enter a title for the partnership."]
        elif len(cleaned["title"]) > 200:
            errors["title"] = ["The title must be 200 characters or fewer."]
    if "description" in cleaned:
        cleaned["description"] = cleaned["description"].strip()
    choices = {
        "learning_mode": (
            Partnership.LearningMode.values,
            "Choose learning for or learning with.",
        ),
        "priority_audience": (
            Partnership.PriorityAudience.values,
            "Choose whose learning is the priority.",
        ),
        "brief_cadence": (
            Partnership.Cadence.values,
            "Choose how often insight briefs are made: weekly, monthly or quarterly.",
        ),
    }
    for name, (allowed, message) in choices.items():
        if name in cleaned and cleaned[name] not in allowed:
            errors[name] = [message]
    if errors:
        raise ValidationError(errors)
    return cleaned


@transaction.atomic
def partnership_create(
    *,
    title: str,
    funder: Organisation,
    learning_mode: str,
    priority_audience: str,
    brief_cadence: str,
    description: str = "",
    by: User,
) -> Partnership:
    """Start a partnership in discovery, commissioned by a funder organisation ``by`` belongs to.

    The commissioning funder becomes an accepted party (role funder) at once, with its
    permissions, and the partnership gets an empty discovery brief for the learning
    partner to write.
    """
    if funder.kind != Organisation.Kind.FUNDER:
        raise ValidationError(
            {"funder": ["Choose a funder organisation: only funders can start a partnership."]}
        )
    if not Membership.objects.filter(organisation=funder, user=by).exists():
        raise ValidationError({"funder": ["Choose a funder organisation you belong to."]})
    cleaned = _clean_partnership_fields(
        {
            "title": title,
            "description": description,
            "learning_mode": learning_mode,
            "priority_audience": priority_audience,
            "brief_cadence": brief_cadence,
        }
    )
    partnership = Partnership.objects.create(
        funder=funder, created_by=by, status_changed_at=timezone.now(), **cleaned
    )
    now = timezone.now()
    commissioner = Party.objects.create(
        partnership=partnership,
        organisation=funder,
        role=Party.Role.FUNDER,
        status=Party.Status.ACCEPTED,
        is_commissioner=True,
        invited_by=by,
        responded_by=by,
        responded_at=now,
    )
    _grant_party_permissions(commissioner)
    DiscoveryBrief.objects.create(partnership=partnership)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=funder,
        verb="partnership_created",
        summary=f"{_who(by, funder)} started the partnership “{partnership.title}”.",
    )
    return partnership


def _refuse_if_closed(partnership: Partnership) -> None:
    if partnership.status == Partnership.Status.CLOSED:
        raise Conflict("This partnership is closed, so it can no longer be changed.")


@transaction.atomic
def partnership_update(*, partnership: Partnership, by: User, **fields: str) -> Partnership:
    """Change the partnership's details (not its funder or status)."""
    unknown = set(fields) - set(_EDITABLE_FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in unknown})
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _refuse_if_closed(partnership)
    cleaned = _clean_partnership_fields(fields)
    changed = [name for name, value in cleaned.items() if getattr(partnership, name) != value]
    if not changed:
        return partnership
    if "learning_mode" in changed and learning_mode_needs_agreement(partnership):
        raise Conflict(
            "Changing how the partnership learns changes who reads draft briefs, so every "
            "party must agree to it first. Propose the change on the partnership’s "
            "learning mode page instead."
        )
    for name in changed:
        setattr(partnership, name, cleaned[name])
    partnership.save(update_fields=[*changed, "updated_at"])
    labels = ", ".join(_FIELD_LABELS[name] for name in changed)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=partnership.funder,
        verb="partnership_updated",
        summary=f"{_who(by, partnership.funder)} changed the partnership’s {labels}.",
    )
    return partnership


@transaction.atomic
def partnership_set_learning_mode(
    *, partnership: Partnership, learning_mode: str, by: User, organisation: Organisation
) -> Partnership:
    """Switch the partnership's learning mode once every accepted party has agreed.

    Called by ``consent.learning_mode`` when a proposal is agreed; that module holds the
    rule (every accepted party agrees), this one only writes the partnership and its
    timeline line.
    """
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    if partnership.learning_mode == learning_mode:
        return partnership
    partnership.learning_mode = learning_mode
    partnership.save(update_fields=["learning_mode", "updated_at"])
    grantees = Party.objects.filter(
        partnership=partnership, status=Party.Status.ACCEPTED, role=Party.Role.GRANTEE
    ).select_related("organisation")
    for grantee in grantees:
        if AGREE_DISCOVERY in party_grants(grantee, learning_mode)["admins"]:
            assign_perm(AGREE_DISCOVERY, grantee.organisation.admins_group, partnership)
        else:
            remove_perm(AGREE_DISCOVERY, grantee.organisation.admins_group, partnership)
    # Who must agree the discovery brief changed: ask afresh, newcomers included.
    standing = _refresh_discovery_status(partnership, afresh=True, by=by)
    if standing is not None and standing.waiting_for:
        how = partnership.get_learning_mode_display().lower().removeprefix("learning ")
        tell_discovery_waiting(
            partnership,
            [party.organisation_id for party in standing.waiting_for],
            f"The partnership now learns {how} its parties, so the discovery brief needs "
            "your organisation’s agreement again.",
            by,
        )
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=organisation,
        verb="learning_mode_changed",
        summary=(
            "Every party agreed: the partnership now learns "
            f"{partnership.get_learning_mode_display().lower().removeprefix('learning ')} "
            "its parties."
        ),
    )
    return partnership


class PartnershipNotReady(Conflict):
    """The partnership cannot become active yet; ``missing`` says what is still needed."""

    def __init__(self, missing: list[str]) -> None:
        self.missing = missing
        super().__init__("This partnership cannot become active yet: " + "; ".join(missing) + ".")


def partnership_missing_for_active(partnership: Partnership) -> list[str]:
    """What still stands between the partnership and becoming active, in plain words."""
    missing = []
    brief = DiscoveryBrief.objects.filter(partnership=partnership).first()
    if brief is None or not discovery_standing(brief=brief, partnership=partnership).agreed:
        missing.append(
            "the discovery brief has not been agreed by every party"
            if partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH
            else "the discovery brief has not been agreed by both the commissioning funder "
            "and a learning partner"
        )
    agreed = Q(status=ResearchQuestion.Status.AGREED)  # the derived status annotation
    if not questions_with_status(partnership=partnership).filter(agreed).exists():
        missing.append("no research question has been agreed by every party")
    if not partnership.parties.filter(
        role=Party.Role.LEARNING_PARTNER, status=Party.Status.ACCEPTED
    ).exists():
        missing.append("no learning partner has accepted an invitation to join")
    return missing


_TRANSITIONS = {
    Partnership.Status.DISCOVERY: {Partnership.Status.ACTIVE, Partnership.Status.CLOSED},
    Partnership.Status.ACTIVE: {Partnership.Status.CLOSED},
    Partnership.Status.CLOSED: set(),
}


@transaction.atomic
def partnership_set_status(*, partnership: Partnership, status: str, by: User) -> Partnership:
    """Move the partnership on: discovery → active → closed (or discovery → closed).

    It becomes active only with an agreed discovery brief, at least one agreed research
    question and an accepted learning partner; otherwise ``PartnershipNotReady`` lists
    what is missing. Any other move is a conflict.
    """
    if status not in Partnership.Status.values:
        raise ValidationError({"status": ["Choose active or closed."]})
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    current = Partnership.Status(partnership.status)
    target = Partnership.Status(status)
    if target == current:
        raise Conflict(f"This partnership is already {target.label.lower()}.")
    if target not in _TRANSITIONS[current]:
        raise Conflict(
            f"A partnership that is {current.label.lower()} cannot become {target.label.lower()}."
        )
    if target == Partnership.Status.ACTIVE:
        missing = partnership_missing_for_active(partnership)
        if missing:
            raise PartnershipNotReady(missing)
    partnership.status = target
    partnership.status_changed_at = timezone.now()
    partnership.save(update_fields=["status", "status_changed_at", "updated_at"])
    verb = "made the partnership active" if target == "active" else "closed the partnership"
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=partnership.funder,
        verb=f"status_{target}",
        summary=f"{_who(by, partnership.funder)} {verb}.",
    )
    return partnership


# --- Parties -------------------------------------------------------------------------


@transaction.atomic
def party_invite(
    *, partnership: Partnership, organisation: Organisation, role: str, by: User
) -> Party:
    """Invite an organisation to join as a co-funder, grantee or learning partner.

    An organisation that declined or was removed may be invited again; one that is
    already invited or taking part cannot.
    """
    if role not in Party.Role.values:
        raise ValidationError({"role": ["Choose funder, grantee or learning partner."]})
    partnership = Partnership.objects.select_for_update().get(pk=partnership.pk)
    _refuse_if_closed(partnership)
    party = Party.objects.filter(partnership=partnership, organisation=organisation).first()
    if party is not None and party.status == Party.Status.ACCEPTED:
        raise Conflict(f"{organisation.name} is already a party to this partnership.")
    if party is not None and party.status == Party.Status.INVITED:
        raise Conflict(f"{organisation.name} has already been invited to this partnership.")
    if party is None:
        party = Party.objects.create(
            partnership=partnership, organisation=organisation, role=role, invited_by=by
        )
    else:
        party.role = role
        party.status = Party.Status.INVITED
        party.invited_by = by
        party.responded_by = None
        party.responded_at = None
        party.save(
            update_fields=[
                "role",
                "status",
                "invited_by",
                "responded_by",
                "responded_at",
                "updated_at",
            ]
        )
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=partnership.funder,
        verb="party_invited",
        summary=(
            f"{_who(by, partnership.funder)} invited {organisation.name} to join as "
            f"{role_phrase(role)}."
        ),
    )
    return party


def _locked_party(party: Party) -> Party:
    return (
        Party.objects.select_for_update()
        .select_related("organisation", "partnership")
        .get(pk=party.pk)
    )


def _refresh_discovery_status(
    partnership: Partnership, *, by: User | None, afresh: bool = False
) -> DiscoveryStanding | None:
    """Store whether the discovery brief is agreed (``selectors.discovery`` holds the
    rule). ``afresh``: forget when it was agreed, so parties that joined since are
    waited for too (after a switch of learning mode). When it becomes agreed, every
    accepted party is told (not ``by``). Returns the standing (None: no brief)."""
    brief = DiscoveryBrief.objects.select_for_update().filter(partnership=partnership).first()
    if brief is None:
        return None
    was_agreed = brief.status == DiscoveryBrief.Status.AGREED
    standing = discovery_standing(brief=brief, partnership=partnership, afresh=afresh)
    agreed_at = brief.agreed_at
    if standing.agreed and (afresh or not was_agreed):
        agreed_at = timezone.now()
    elif not standing.agreed:
        agreed_at = None
    status = DiscoveryBrief.Status.AGREED if standing.agreed else DiscoveryBrief.Status.DRAFT
    if (brief.status, brief.agreed_at) != (status, agreed_at):
        brief.status, brief.agreed_at = status, agreed_at
        brief.save(update_fields=["status", "agreed_at", "updated_at"])
    if standing.agreed and not was_agreed:
        tell_discovery_agreed(partnership, brief, standing, by)
    return standing


@transaction.atomic
def party_accept(*, party: Party, by: User) -> Party:
    """An admin of the invited organisation accepts: its people gain access at once."""
    party = _locked_party(party)
    _refuse_if_closed(party.partnership)
    if party.status != Party.Status.INVITED:
        raise Conflict(_not_invited_message(party))
    party.status = Party.Status.ACCEPTED
    party.responded_by = by
    party.responded_at = timezone.now()
    party.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    _grant_party_permissions(party)
    activity_record(
        partnership=party.partnership,
        actor=by,
        organisation=party.organisation,
        verb="party_accepted",
        summary=(
            f"{_who(by, party.organisation)} accepted the invitation: {party.organisation.name} "
            f"joined as {role_phrase(party.role)}."
        ),
    )
    tell_funder_invitation_answered(party, by)
    return party


def _not_invited_message(party: Party) -> str:
    return {
        Party.Status.ACCEPTED: "This invitation has already been accepted.",
        Party.Status.DECLINED: "This invitation has already been declined.",
        Party.Status.REMOVED: "This invitation is no longer open.",
    }.get(Party.Status(party.status), "This invitation is no longer open.")


@transaction.atomic
def party_decline(*, party: Party, by: User) -> Party:
    """An admin of the invited organisation declines; it gets no access."""
    party = _locked_party(party)
    if party.status != Party.Status.INVITED:
        raise Conflict(_not_invited_message(party))
    party.status = Party.Status.DECLINED
    party.responded_by = by
    party.responded_at = timezone.now()
    party.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    _revoke_party_permissions(party)
    activity_record(
        partnership=party.partnership,
        actor=by,
        organisation=party.organisation,
        verb="party_declined",
        summary=f"{_who(by, party.organisation)} declined the invitation to join.",
    )
    tell_funder_invitation_answered(party, by)
    return party


def _take_out(party: Party, by: User, verb: str, summary: str, acting: Organisation) -> Party:
    party.status = Party.Status.REMOVED
    party.responded_by = by
    party.responded_at = timezone.now()
    party.save(update_fields=["status", "responded_by", "responded_at", "updated_at"])
    _revoke_party_permissions(party)
    activity_record(
        partnership=party.partnership, actor=by, organisation=acting, verb=verb, summary=summary
    )
    _refresh_discovery_status(party.partnership, by=by)
    return party


@transaction.atomic
def party_remove(*, party: Party, by: User) -> Party:
    """A funder admin removes a party (or withdraws its invitation); access ends at once.

    The commissioning funder cannot be removed. The party's answers stop counting
    towards question and discovery agreement, but stay on record. Withdrawing the
    invitation of an organisation nobody has joined yet also cancels the invitation to
    become its first admin.
    """
    party = _locked_party(party)
    if party.is_commissioner:
        raise Conflict("The commissioning funder cannot be removed from its own partnership.")
    if party.status not in (Party.Status.INVITED, Party.Status.ACCEPTED):
        raise Conflict(f"{party.organisation.name} is not a party to this partnership.")
    funder = party.partnership.funder
    if party.status == Party.Status.INVITED:
        first_admin_invitations_cancel(party=party, by=by)
    return _take_out(
        party,
        by,
        "party_removed",
        f"{_who(by, funder)} removed {party.organisation.name} from the partnership.",
        funder,
    )


@transaction.atomic
def party_leave(*, party: Party, by: User) -> Party:
    """An admin of a party takes their organisation out; the commissioner cannot leave."""
    party = _locked_party(party)
    if party.is_commissioner:
        raise Conflict(
            "The commissioning funder cannot leave its own partnership. Close it instead."
        )
    if party.status != Party.Status.ACCEPTED:
        raise Conflict(f"{party.organisation.name} is not taking part in this partnership.")
    return _take_out(
        party,
        by,
        "party_left",
        f"{_who(by, party.organisation)} took {party.organisation.name} out of the partnership.",
        party.organisation,
    )


# --- Discovery brief -----------------------------------------------------------------

MAX_DURATION_YEARS = 50
MAX_PARTNER_COUNT = 1000
MAX_WORKSTREAM_COUNT = 100
BASE_DISCOVERY_WEEKS = 2
MAX_DISCOVERY_WEEKS = 12


@dataclass(frozen=True)
class Complexity:
    duration_years: int
    partner_count: int
    workstream_count: int
    differing_aims: bool
    power_imbalance: bool


@dataclass(frozen=True)
class DiscoveryRecommendation:
    weeks: int
    reasons: list[str]


def _weeks(n: int) -> str:
    return "1 week" if n == 1 else f"{n} weeks"


def discovery_recommendation(complexity: Complexity) -> DiscoveryRecommendation:
    """How long discovery should take for work this complex, and why, in plain words.

    Every discovery needs a short base period to meet the parties; longer work, more
    partners and workstreams, partners with different aims and power imbalances each
    need more time to hear everyone safely. Beyond the cap, the work should be phased.
    """
    reasons = [
        f"Every discovery needs about {_weeks(BASE_DISCOVERY_WEEKS)} to meet the parties "
        "and agree who the learning is for."
    ]
    total = BASE_DISCOVERY_WEEKS
    years = complexity.duration_years
    extra = min(years - 1, 3)
    if extra > 0:
        reasons.append(
            f"The work runs for {years} years, which adds {_weeks(extra)} to understand "
            "how it will change over time."
        )
    else:
        reasons.append("The work runs for a year or less, which adds no time.")
    total += extra

    partners = complexity.partner_count
    extra = min(-(-max(partners - 3, 0) // 3), 4)
    if extra > 0:
        reasons.append(
            f"{partners} partners take part, which adds {_weeks(extra)} to hear from each of them."
        )
    else:
        reasons.append(
            f"With {partners} partner{'s' if partners != 1 else ''}, "
            "hearing from everyone adds no time."
        )
    total += extra

    workstreams = complexity.workstream_count
    extra = min(workstreams - 1, 3)
    if extra > 0:
        reasons.append(
            f"There are {workstreams} workstreams, which adds {_weeks(extra)} to understand "
            "each one."
        )
    else:
        reasons.append("There is a single workstream, which adds no time.")
    total += extra

    if complexity.differing_aims:
        reasons.append("Partners have different aims, which adds 2 weeks to find common ground.")
        total += 2
    if complexity.power_imbalance:
        reasons.append(
            "There is a power imbalance between partners, which adds 2 weeks so that the "
            "less powerful can speak safely."
        )
        total += 2

    if total > MAX_DISCOVERY_WEEKS:
        reasons.append(
            f"Discovery is capped at {_weeks(MAX_DISCOVERY_WEEKS)} (it would otherwise take "
            f"{_weeks(total)}): consider running the work in phases."
        )
        total = MAX_DISCOVERY_WEEKS
    return DiscoveryRecommendation(weeks=total, reasons=reasons)


def discovery_brief_complexity(brief: DiscoveryBrief) -> Complexity:
    return Complexity(
        duration_years=brief.duration_years,
        partner_count=brief.partner_count,
        workstream_count=brief.workstream_count,
        differing_aims=brief.differing_aims,
        power_imbalance=brief.power_imbalance,
    )


@transaction.atomic
def discovery_brief_update(
    *,
    partnership: Partnership,
    audience: str,
    desired_impact: str,
    scope: str,
    complexity: Complexity,
    open_questions: str = "",
    by: User,
    party: Party,
) -> DiscoveryBrief:
    """The learning partner writes the brief. Each save is a new version, back in draft:
    agreements to earlier versions stop counting."""
    _refuse_if_closed(partnership)
    texts = {
        "audience": (audience.strip(), "Say who the learning is for."),
        "desired_impact": (desired_impact.strip(), "Say what impact the partnership wants."),
        "scope": (scope.strip(), "Say what is in scope and what is not."),
    }
    errors: dict[str, list[str]] = {
        name: [message] for name, (value, message) in texts.items() if not value
    }
    limits = {
        "duration_years": (complexity.duration_years, MAX_DURATION_YEARS, "years"),
        "partner_count": (complexity.partner_count, MAX_PARTNER_COUNT, "partners"),
        "workstream_count": (complexity.workstream_count, MAX_WORKSTREAM_COUNT, "workstreams"),
    }
    for name, (value, limit, noun) in limits.items():
        if not 1 <= value <= limit:
            errors[name] = [f"Enter a whole number of {noun} from 1 to {limit}."]
    if errors:
        raise ValidationError(errors)
    brief = DiscoveryBrief.objects.select_for_update().get(partnership=partnership)
    brief.audience = texts["audience"][0]
    brief.desired_impact = texts["desired_impact"][0]
    brief.scope = texts["scope"][0]
    brief.open_questions = open_questions.strip()
    brief.duration_years = complexity.duration_years
    brief.partner_count = complexity.partner_count
    brief.workstream_count = complexity.workstream_count
    brief.differing_aims = complexity.differing_aims
    brief.power_imbalance = complexity.power_imbalance
    brief.version += 1
    brief.status = DiscoveryBrief.Status.DRAFT
    brief.agreed_at = None
    brief.updated_by = by
    brief.save()
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="discovery_updated",
        summary=(
            f"{_who(by, party.organisation)} wrote version {brief.version} of the discovery brief."
        ),
    )
    tell_new_version(partnership, brief, by)
    return brief


@transaction.atomic
def discovery_brief_agree(*, partnership: Partnership, party: Party, by: User) -> DiscoveryBrief:
    """Record ``party``'s agreement to the current version of the brief.

    The brief becomes agreed when the parties ``selectors.discovery`` names have agreed
    the same, current version: in learning for the commissioning funder and a learning
    partner, in learning with every accepted party. Agreeing twice changes nothing.
    """
    _refuse_if_closed(partnership)
    brief = DiscoveryBrief.objects.select_for_update().get(partnership=partnership)
    if brief.version == 0:
        raise Conflict(
            "The discovery brief has not been written yet, so there is nothing to agree."
        )
    _, created = DiscoveryAgreement.objects.get_or_create(
        brief=brief, party=party, version=brief.version, defaults={"agreed_by": by}
    )
    if created:
        activity_record(
            partnership=partnership,
            actor=by,
            organisation=party.organisation,
            verb="discovery_agreed",
            summary=(
                f"{_who(by, party.organisation)} agreed version {brief.version} of the "
                "discovery brief."
            ),
        )
    was_agreed = brief.status == DiscoveryBrief.Status.AGREED
    standing = _refresh_discovery_status(partnership, by=by)
    brief.refresh_from_db()
    if standing is not None and standing.agreed and not was_agreed:
        activity_record(
            partnership=partnership,
            actor=by,
            organisation=party.organisation,
            verb="discovery_brief_agreed",
            summary="Every party has agreed the discovery brief."
            if standing.rule == EVERY_PARTY
            else "The commissioning funder and a learning partner have agreed the discovery brief.",
        )
    return brief


# --- Research questions ----------------------------------------------------------------


@transaction.atomic
def question_propose(
    *, partnership: Partnership, party: Party, text: str, rationale: str = "", by: User
) -> ResearchQuestion:
    """An accepted party proposes a research question; every party then answers it."""
    _refuse_if_closed(partnership)
    text = text.strip()
    if not text:
        raise ValidationError({"text": ["Enter the research question."]})
    if len(text) > 1000:
        raise ValidationError({"text": ["The question must be 1,000 characters or fewer."]})
    question = ResearchQuestion.objects.create(
        partnership=partnership,
        text=text,
        rationale=rationale.strip(),
        proposed_by_party=party,
        proposed_by=by,
    )
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="question_proposed",
        summary=f"{_who(by, party.organisation)} proposed a research question: “{text[:150]}”",
    )
    tell_question_proposed(question, party, by)
    return question


@transaction.atomic
def question_respond(
    *, question: ResearchQuestion, party: Party, decision: str, comment: str = "", by: User
) -> tuple[QuestionResponse, bool]:
    """Record ``party``'s current answer (agree or object) to a question.

    One current answer per party: a new one replaces the last. Returns the answer and
    whether it is the party's first.
    """
    if decision not in QuestionResponse.Decision.values:
        raise ValidationError({"decision": ["Choose agree or object."]})
    comment = comment.strip()
    _refuse_if_closed(question.partnership)
    response, created = QuestionResponse.objects.update_or_create(
        question=question,
        party=party,
        defaults={"decision": decision, "comment": comment, "responded_by": by},
    )
    verb = "agreed with" if decision == QuestionResponse.Decision.AGREE else "objected to"
    activity_record(
        partnership=question.partnership,
        actor=by,
        organisation=party.organisation,
        verb="question_answered",
        summary=(
            f"{_who(by, party.organisation)} {verb} the research question "
            f"“{question.text[:150]}”" + ("" if created else " (a changed answer)") + "."
        ),
    )
    return response, created
