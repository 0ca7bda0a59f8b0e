"""Writes for organisations, memberships and organisation invitations."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import User
from learnhub.errors import Conflict, Forbidden
from partnerships.models import Membership, Organisation, OrganisationInvitation


def _duplicate_name_error(name: str, kind: str) -> ValidationError:
    label = Organisation.Kind(kind).label.lower()
    return ValidationError(
        {"name": [f"A {label} organisation called “{name}” already exists. "
                  "Search the directory to find it, or choose a different name."]}
    )


@transaction.atomic
def organisation_create(*, name: str, kind: str, identifier: str = "", by: User) -> Organisation:
    """Create an organisation with its two permission groups; its creator becomes an admin.

    Names are unique within a kind, ignoring case.
    """
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
    membership_set(organisation=organisation, user=by, role=Membership.Role.ADMIN)
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
