"""Writes for organisations, memberships and organisation invitations."""

import logging
from datetime import datetime, timedelta

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.http import Http404
from django.utils import formats, timezone

from accounts.models import User
from learnhub.errors import Conflict, Forbidden, LearnHubError
from learnhub.outbox import outbox_send, outbox_send_many
from partnerships.models import Membership, Organisation, OrganisationInvitation, Party
from partnerships.services.tidings import tell_first_person_joined

logger = logging.getLogger(__name__)

#: Emails an organisation invitation (``partnerships.tasks``), sent through the outbox.
SEND_INVITATION_TASK = "partnerships.send_organisation_invitation"


def _duplicate_name_error(name: str, kind: str) -> ValidationError:
    label = Organisation.Kind(kind).label.lower()
    return ValidationError(
        {
            "name": [
                f"A {label} organisation called “{name}” already exists. "
                "Search the directory to find it, or choose a different name."
            ]
        }
    )


@transaction.atomic
def organisation_create(*, name: str, kind: str, identifier: str = "", by: User) -> Organisation:
    """Create an organisation with its two permission groups; its creator becomes an admin.

    Names are unique within a kind, ignoring case.
    """
    organisation = organisation_create_empty(name=name, kind=kind, identifier=identifier, by=by)
    membership_set(organisation=organisation, user=by, role=Membership.Role.ADMIN)
    return organisation


@transaction.atomic
def organisation_create_empty(
    *, name: str, kind: str, identifier: str = "", by: User
) -> Organisation:
    """Create an organisation with its two permission groups and nobody in it yet (for
    ``organisation_create``, and for a funder inviting an organisation new to LearnHub,
    whose first admin joins from the emailed invitation)."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ["Enter the organisation’s name."]})
    if kind not in Organisation.Kind.values:
        raise ValidationError({"kind": ["Choose funder, grantee or learning partner."]})
    if Organisation.objects.filter(name__iexact=name, kind=kind).exists():
        raise _duplicate_name_error(name, kind)
    suffix = timezone.now().strftime("%Y%m%d%H%M%S%f")
    members_group = Group.objects.create(name=f"org:{kind}:{name[:100]}:members:{suffix}")
    admins_group = Group.objects.create(name=f"org:{kind}:{name[:100]}:admins:{suffix}")
    try:
        with transaction.atomic():
            organisation = Organisation.objects.create(
                name=name,
                kind=kind,
                identifier=identifier.strip(),
                members_group=members_group,
                admins_group=admins_group,
                created_by=by,
            )
    except IntegrityError as exc:  # a concurrent create won the race
        raise _duplicate_name_error(name, kind) from exc
    return organisation


@transaction.atomic
def membership_set(*, organisation: Organisation, user: User, role: str) -> Membership:
    """Make ``user`` a member of ``organisation`` with ``role`` and align their groups.

    Group membership is what grants partnership permissions, so it changes here and only here.
    """
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    user.groups.add(organisation.members_group)
    if role == Membership.Role.ADMIN:
        user.groups.add(organisation.admins_group)
    else:
        user.groups.remove(organisation.admins_group)
    return membership


@transaction.atomic
def membership_remove(*, organisation: Organisation, user: User) -> None:
    """Take ``user`` out of ``organisation``; they lose its partnership access at once."""
    Membership.objects.filter(user=user, organisation=organisation).delete()
    user.groups.remove(organisation.members_group, organisation.admins_group)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def clean_invited_email(email: str) -> str:
    """The invited address, normalised, or a ``ValidationError`` on ``email`` saying how
    an address looks (every invitation by email checks it here)."""
    email = _normalise_email(email)
    try:
        validate_email(email)
    except ValidationError as exc:
        raise ValidationError(
            {"email": ["Enter an email address in the correct format, like name@example.org."]}
        ) from exc
    return email


def _date(value: datetime) -> str:
    return str(formats.date_format(timezone.localtime(value), "j F Y"))


@transaction.atomic
def organisation_invite(
    *, organisation: Organisation, email: str, role: str, by: User
) -> OrganisationInvitation:
    """Invite someone by email to join ``organisation`` with ``role``; only its admins may.

    One waiting invitation per address and organisation; people who already belong are
    not invited again. The email goes out after the transaction commits.
    """
    # Lock the organisation so two admins inviting the same address at once make one row.
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not Membership.objects.filter(
        organisation=organisation, user=by, role=Membership.Role.ADMIN
    ).exists():
        raise Forbidden(f"Only admins of {organisation.name} can invite people to join it.")
    email = clean_invited_email(email)
    if role not in Membership.Role.values:
        raise ValidationError({"role": ["Choose admin or member."]})
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError({"email": [f"{email} is already a member of {organisation.name}."]})
    waiting = (
        OrganisationInvitation.objects.filter(
            organisation=organisation,
            email__iexact=email,
            accepted_at__isnull=True,
            cancelled_at__isnull=True,
            expires_at__gt=timezone.now(),
        )
        .order_by("-expires_at")
        .first()
    )
    if waiting is not None:
        raise ValidationError(
            {
                "email": [
                    f"{email} already has an invitation waiting, which expires on "
                    f"{_date(waiting.expires_at)}."
                ]
            }
        )
    invitation = OrganisationInvitation.objects.create(
        organisation=organisation, email=email, role=role, invited_by=by
    )
    outbox_send(task=SEND_INVITATION_TASK, args=[invitation.pk])
    return invitation


def _addresses_of(user: User) -> set[str]:
    """The addresses that are ``user``'s: the one they sign in with and any verified one."""
    verified = EmailAddress.objects.filter(user=user, verified=True).values_list("email", flat=True)
    return {_normalise_email(user.email), *(_normalise_email(email) for email in verified)}


def invitation_refusal(
    *, invitation: OrganisationInvitation, user: User | None
) -> LearnHubError | None:
    """Why ``user`` may not accept ``invitation`` now, or ``None`` if they may.

    Shared by ``invitation_accept`` and the invitation page, so the page can explain the
    problem before anyone presses the button. ``user=None`` checks only the invitation.
    The invited address must be the one ``user`` signs in with (holding the emailed token
    shows they read that inbox) or another address of theirs that allauth has verified.
    """
    organisation = invitation.organisation
    if invitation.cancelled_at is not None:
        return Conflict(
            f"This invitation to join {organisation.name} was cancelled by one of its admins. "
            f"If you still need to join, ask an admin of {organisation.name} to invite you "
            "again."
        )
    if invitation.accepted_at is not None:
        return Conflict(
            f"This invitation to join {organisation.name} has already been used. "
            f"If you need to join, ask an admin of {organisation.name} to invite you again."
        )
    if invitation.is_expired:
        return Conflict(
            f"This invitation to join {organisation.name} expired on "
            f"{_date(invitation.expires_at)}. "
            f"Ask an admin of {organisation.name} to send you a new one."
        )
    if user is not None and _normalise_email(invitation.email) not in _addresses_of(user):
        return Forbidden(
            f"This invitation was sent to {invitation.email}, but you are signed in as "
            f"{user.email}. Sign in with {invitation.email} to accept it, or ask an admin "
            f"of {organisation.name} to invite {user.email}."
        )
    return None


@transaction.atomic
def invitation_accept(*, token: str, by: User) -> Membership:
    """Accept an organisation invitation: ``by`` joins the organisation with its role.

    Only the invited address may accept, once, before the invitation expires. Someone who
    already belongs keeps the higher of their current role and the invited one.
    """
    invitation = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404("No such invitation.")
    refusal = invitation_refusal(invitation=invitation, user=by)
    if refusal is not None:
        raise refusal
    role = invitation.role
    first_person = not Membership.objects.filter(organisation=invitation.organisation).exists()
    current = Membership.objects.filter(user=by, organisation=invitation.organisation).first()
    if current is not None and current.role == Membership.Role.ADMIN:
        role = Membership.Role.ADMIN
    membership = membership_set(organisation=invitation.organisation, user=by, role=role)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = by
    invitation.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
    if first_person and invitation.party_id is not None:
        tell_first_person_joined(invitation, by)
    return membership


def _invitation_for_admin(
    *, invitation: OrganisationInvitation, by: User
) -> OrganisationInvitation:
    """The invitation, locked, once ``by`` is shown to be an admin of its organisation."""
    locked = (
        OrganisationInvitation.objects.select_for_update()
        .select_related("organisation")
        .get(pk=invitation.pk)
    )
    organisation = locked.organisation
    if not Membership.objects.filter(
        organisation=organisation, user=by, role=Membership.Role.ADMIN
    ).exists():
        raise Forbidden(f"Only admins of {organisation.name} can change its invitations.")
    if locked.accepted_at is not None:
        raise Conflict(f"{locked.email} has already accepted this invitation.")
    return locked


@transaction.atomic
def organisation_invitation_send_again(
    *, invitation: OrganisationInvitation, by: User
) -> OrganisationInvitation:
    """An admin sends a waiting or expired invitation again: the same link, with a fresh
    ``LEARNHUB_INVITATION_DAYS`` to use it. A cancelled one cannot be sent again (invite
    the address anew)."""
    invitation = _invitation_for_admin(invitation=invitation, by=by)
    return invitation_email_again(invitation=invitation)


def invitation_email_again(*, invitation: OrganisationInvitation) -> OrganisationInvitation:
    """Send a locked invitation nobody has used again, with its time started afresh (for a
    caller that checked who may: an organisation's admin, or the funder who invited a new
    organisation, ``party_first_admin_send_again``)."""
    if invitation.cancelled_at is not None:
        raise Conflict(
            f"This invitation to {invitation.email} was cancelled. Invite them again instead."
        )
    invitation.expires_at = timezone.now() + timedelta(days=settings.LEARNHUB_INVITATION_DAYS)
    invitation.email_sent_at = None
    invitation.save(update_fields=["expires_at", "email_sent_at", "updated_at"])
    outbox_send(task=SEND_INVITATION_TASK, args=[invitation.pk])
    return invitation


@transaction.atomic
def organisation_invitation_cancel(
    *, invitation: OrganisationInvitation, by: User
) -> OrganisationInvitation:
    """An admin cancels an invitation nobody has used: its link stops working at once and
    says so. Cancelling twice changes nothing."""
    invitation = _invitation_for_admin(invitation=invitation, by=by)
    if invitation.cancelled_at is None:
        invitation.cancelled_at = timezone.now()
        invitation.cancelled_by = by
        invitation.save(update_fields=["cancelled_at", "cancelled_by", "updated_at"])
    return invitation


def first_admin_invitations_cancel(*, party: Party, by: User) -> int:
    """Cancel the invitations to become the first admin of ``party``'s organisation, once
    its partnership invitation is withdrawn, unless someone has joined it (then it stands
    on its own). Called by ``party_remove`` in its transaction. Returns how many."""
    if Membership.objects.filter(organisation_id=party.organisation_id).exists():
        return 0
    return OrganisationInvitation.objects.filter(
        party=party, accepted_at__isnull=True, cancelled_at__isnull=True
    ).update(cancelled_at=timezone.now(), cancelled_by=by, updated_at=timezone.now())


@transaction.atomic
def invitation_resend(*, invitations: QuerySet[OrganisationInvitation]) -> int:
    """Send the email of each waiting invitation again (an operator's action).

    Used and expired invitations are left alone. Returns how many will be sent.
    """
    waiting = list(
        invitations.select_for_update()
        .filter(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())
        .values_list("pk", flat=True)
    )
    OrganisationInvitation.objects.filter(pk__in=waiting).update(email_sent_at=None)
    outbox_send_many((SEND_INVITATION_TASK, [pk], {}) for pk in waiting)
    return len(waiting)


@transaction.atomic
def organisation_groups_reconcile() -> dict[str, int]:
    """Bring every organisation's permission groups back in step with its memberships.

    The groups grant partnership access, and memberships are the truth about who
    belongs: ``membership_set`` and ``membership_remove`` change both together, and the
    admin shows groups read-only. Anything else that put a person in an organisation's
    group (a raw write, an old admin form) would give hidden access with no membership
    row, so this takes such people out, and puts back anyone a membership says is
    missing. Run by beat (``partnerships.reconcile_groups``) and by
    ``manage.py reconcile_groups``. Returns how many rows it removed and added.
    """
    through = User.groups.through
    wanted: set[tuple[int, int]] = set()
    org_groups: set[int] = set()
    for members, admins in Organisation.objects.values_list("members_group_id", "admins_group_id"):
        org_groups.update((members, admins))
    memberships = Membership.objects.values_list(
        "user_id", "role", "organisation__members_group_id", "organisation__admins_group_id"
    )
    for user_id, role, members, admins in memberships:
        wanted.add((user_id, members))
        if role == Membership.Role.ADMIN:
            wanted.add((user_id, admins))
    held = set(through.objects.filter(group_id__in=org_groups).values_list("user_id", "group_id"))
    extra = held - wanted
    missing = wanted - held
    for user_id, group_id in extra:
        through.objects.filter(user_id=user_id, group_id=group_id).delete()
    through.objects.bulk_create(
        [through(user_id=user_id, group_id=group_id) for user_id, group_id in sorted(missing)],
        ignore_conflicts=True,
    )
    if extra or missing:
        logger.warning(
            "Organisation groups were out of step with memberships: removed %d, added %d.",
            len(extra),
            len(missing),
        )
    return {"removed": len(extra), "added": len(missing)}
