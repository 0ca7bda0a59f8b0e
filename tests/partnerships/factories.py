"""Factories build rows through the services, so groups and permissions are always right."""

from dataclasses import dataclass
from datetime import timedelta

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from accounts.models import User
from partnerships.models import (
    Membership,
    Organisation,
    OrganisationInvitation,
    Partnership,
    Party,
)
from partnerships.services import (
    membership_set,
    organisation_create,
    partnership_create,
    party_accept,
    party_invite,
)

PASSWORD = "a-Long-Test-Passphrase-42"


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Faker("name", locale="en_GB")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _save(obj: User, create: bool, extracted: object, **kwargs: object) -> None:  # noqa: N805
        if create:
            obj.save()


class OrganisationFactory(factory.Factory[Organisation]):
    """``OrganisationFactory.create(kind=..., admin=user)``; makes an admin when none is given."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.GRANTEE
    identifier = ""
    admin = factory.SubFactory(UserFactory)

    @classmethod
    def _create(
        cls, model_class: type[Organisation], *args: object, **kwargs: object
    ) -> Organisation:
        return organisation_create(
            name=str(kwargs["name"]),
            kind=str(kwargs["kind"]),
            identifier=str(kwargs["identifier"]),
            by=kwargs["admin"],  # type: ignore[arg-type]
        )

    @classmethod
    def _build(
        cls, model_class: type[Organisation], *args: object, **kwargs: object
    ) -> Organisation:
        kwargs.pop("admin", None)
        return model_class(**kwargs)


def add_member(
    organisation: Organisation, user: User | None = None, role: str = Membership.Role.MEMBER
) -> User:
    """Add a (new) person to ``organisation`` through the membership service."""
    user = user or UserFactory.create()
    membership_set(organisation=organisation, user=user, role=role)
    return user


def admin_of(organisation: Organisation) -> User:
    """The first admin of ``organisation`` (its creator, for factory-made organisations)."""
    membership = (
        Membership.objects.filter(organisation=organisation, role=Membership.Role.ADMIN)
        .select_related("user")
        .order_by("id")
        .first()
    )
    assert membership is not None, f"{organisation} has no admin"
    return membership.user


class PartnershipFactory(factory.Factory[Partnership]):
    """``PartnershipFactory.create(funder=org, by=user)``: made by ``partnership_create``.

    Without a funder, a new funder organisation is made; ``by`` defaults to its admin.
    """

    class Meta:
        model = Partnership

    title = factory.Sequence(lambda n: f"Learning together {n}")
    description = "How we learn from what we fund."
    funder = factory.SubFactory(OrganisationFactory, kind=Organisation.Kind.FUNDER)
    learning_mode = Partnership.LearningMode.LEARNING_WITH
    priority_audience = Partnership.PriorityAudience.GRANTEES
    brief_cadence = Partnership.Cadence.MONTHLY
    by = None

    @classmethod
    def _create(
        cls, model_class: type[Partnership], *args: object, **kwargs: object
    ) -> Partnership:
        funder = kwargs.pop("funder")
        assert isinstance(funder, Organisation)
        by = kwargs.pop("by", None) or admin_of(funder)
        return partnership_create(funder=funder, by=by, **kwargs)  # type: ignore[arg-type]


_KIND_FOR_ROLE = {
    Party.Role.FUNDER: Organisation.Kind.FUNDER,
    Party.Role.GRANTEE: Organisation.Kind.GRANTEE,
    Party.Role.LEARNING_PARTNER: Organisation.Kind.LEARNING_PARTNER,
}


def add_party(
    partnership: Partnership,
    organisation: Organisation | None = None,
    role: str = Party.Role.GRANTEE,
    *,
    accepted: bool = True,
) -> Party:
    """Invite an organisation (a new one of the matching kind by default) through the
    services, and have its admin accept unless ``accepted=False``."""
    if organisation is None:
        organisation = OrganisationFactory.create(kind=_KIND_FOR_ROLE[Party.Role(role)])
    party = party_invite(
        partnership=partnership,
        organisation=organisation,
        role=role,
        by=admin_of(partnership.funder),
    )
    if accepted:
        party = party_accept(party=party, by=admin_of(organisation))
    return party


@dataclass
class PartnershipScene:
    """A partnership in discovery with an accepted learning partner and grantee.

    Each organisation has an admin and a plain member; ``outsider`` belongs to nothing.
    """

    partnership: Partnership
    funder_admin: User
    funder_member: User
    funder_party: Party
    lp_admin: User
    lp_member: User
    lp_party: Party
    grantee_admin: User
    grantee_member: User
    grantee_party: Party
    outsider: User


def build_partnership_scene(**partnership_fields: object) -> PartnershipScene:
    funder = OrganisationFactory.create(kind=Organisation.Kind.FUNDER)
    partnership = PartnershipFactory.create(funder=funder, **partnership_fields)
    lp_party = add_party(partnership, role=Party.Role.LEARNING_PARTNER)
    grantee_party = add_party(partnership, role=Party.Role.GRANTEE)
    return PartnershipScene(
        partnership=partnership,
        funder_admin=admin_of(funder),
        funder_member=add_member(funder),
        funder_party=partnership.parties.get(is_commissioner=True),
        lp_admin=admin_of(lp_party.organisation),
        lp_member=add_member(lp_party.organisation),
        lp_party=lp_party,
        grantee_admin=admin_of(grantee_party.organisation),
        grantee_member=add_member(grantee_party.organisation),
        grantee_party=grantee_party,
        outsider=UserFactory.create(),
    )


class InvitationFactory(DjangoModelFactory[OrganisationInvitation]):
    """An organisation invitation row, written directly so tests can set any state
    (``expired=True``, ``accepted_by=user``); no email is sent."""

    class Meta:
        model = OrganisationInvitation

    class Params:
        expired = factory.Trait(
            expires_at=factory.LazyFunction(lambda: timezone.now() - timedelta(days=1))
        )

    organisation = factory.SubFactory(OrganisationFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    role = Membership.Role.MEMBER
    invited_by = factory.LazyAttribute(lambda o: admin_of(o.organisation))
    accepted_by = None
    accepted_at = factory.LazyAttribute(lambda o: timezone.now() if o.accepted_by else None)
