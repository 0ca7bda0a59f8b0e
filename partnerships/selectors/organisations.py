"""Reads about organisations, memberships and organisation invitations."""

from allauth.account.models import EmailAddress
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone

from accounts.models import User
from partnerships.models import Membership, Organisation, OrganisationInvitation


def has_people() -> Exists:
    """Whether an organisation has anyone in it. One with nobody yet (a funder invited it
    to LearnHub by email) is seen only by staff and, as a party waiting to join, by the
    admins of the funder that invited it."""
    return Exists(Membership.objects.filter(organisation=OuterRef("pk")))


def organisation_directory(*, search: str = "", kind: str = "") -> QuerySet[Organisation]:
    """Every organisation with people in it, as a directory card (name, kind, identifier),
    so people can find whom to invite. Searches name and identifier, ignoring case."""
    queryset = Organisation.objects.filter(has_people()).only("id", "name", "kind", "identifier")
    search = " ".join(search.split())
    if search:
        queryset = queryset.filter(Q(name__icontains=search) | Q(identifier__icontains=search))
    if kind:
        queryset = queryset.filter(kind=kind)
    return queryset.order_by("name", "id")


def organisation_named(*, name: str) -> Organisation | None:
    """The directory's organisation called ``name`` (ignoring case and spacing), if any."""
    return organisation_directory().filter(name__iexact=" ".join(name.split())).first()


def memberships_for_user(*, user: User) -> QuerySet[Membership]:
    """The organisations ``user`` belongs to, with their role, by organisation name."""
    return (
        Membership.objects.filter(user=user)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
    )


def membership_of(*, user: User, organisation: Organisation) -> Membership | None:
    """``user``'s membership of ``organisation``, or ``None`` when they do not belong."""
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def _pending() -> Q:
    return Q(accepted_at__isnull=True, cancelled_at__isnull=True, expires_at__gt=timezone.now())


def invitations_pending_for_user(*, user: User) -> QuerySet[OrganisationInvitation]:
    """Invitations ``user`` can still accept, sent to one of their *verified* addresses.

    Unverified addresses do not count: anyone may type any address when signing up, and
    these rows carry the invitation tokens. (The emailed link works without this list.)
    """
    verified = EmailAddress.objects.filter(
        user=user, verified=True, email__iexact=OuterRef("email")
    )
    return (
        OrganisationInvitation.objects.filter(_pending(), Exists(verified))
        .exclude(organisation__memberships__user=user)
        .select_related("organisation", "invited_by")
        .order_by("expires_at", "id")
    )


def email_verified(*, user: User) -> bool:
    """Whether allauth has verified the address ``user`` signs in with."""
    return bool(
        EmailAddress.objects.filter(user=user, email__iexact=user.email, verified=True).exists()
    )


def organisation_members(*, organisation: Organisation) -> QuerySet[Membership]:
    """The people in ``organisation``: admins first, then by name and email."""
    admins_first = Case(
        When(role=Membership.Role.ADMIN, then=Value(0)),
        default=Value(1),
        output_field=IntegerField(),
    )
    return (
        Membership.objects.filter(organisation=organisation)
        .select_related("user")
        .order_by(admins_first, "user__name", "user__email", "id")
    )


def organisation_invitations_pending(
    *, organisation: Organisation
) -> QuerySet[OrganisationInvitation]:
    """Invitations to ``organisation`` that have not been accepted and have not expired."""
    return (
        OrganisationInvitation.objects.filter(_pending(), organisation=organisation)
        .select_related("invited_by")
        .order_by("-created_at", "-id")
    )


def organisation_invitations_open(
    *, organisation: Organisation
) -> QuerySet[OrganisationInvitation]:
    """Invitations to ``organisation`` nobody has used or cancelled, expired ones included
    (an admin may send those again): waiting ones first, then by newest."""
    return (
        OrganisationInvitation.objects.filter(
            organisation=organisation, accepted_at__isnull=True, cancelled_at__isnull=True
        )
        .select_related("invited_by")
        .order_by("-expires_at", "-id")
    )


def invitation_by_token(*, token: str) -> OrganisationInvitation | None:
    """The invitation with this secret token, whatever its state, or ``None``."""
    return (
        OrganisationInvitation.objects.select_related(
            "organisation", "invited_by", "party__partnership__funder"
        )
        .filter(token=token)
        .first()
    )
