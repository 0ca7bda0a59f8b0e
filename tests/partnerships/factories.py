"""Factories build rows through the services, so groups and permissions are always right."""

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from partnerships.models import Membership, Organisation
from partnerships.services import membership_set, organisation_create

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
    """``OrganisationFactory(kind=..., admin=user)``; makes an admin user when none is given."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = Organisation.Kind.GRANTEE
    identifier = ""
    admin = factory.SubFactory(UserFactory)

    @classmethod
    def _create(cls, model_class: type[Organisation], *args: object, **kwargs: object) -> Organisation:
        return organisation_create(
            name=str(kwargs["name"]),
            kind=str(kwargs["kind"]),
            identifier=str(kwargs["identifier"]),
            by=kwargs["admin"],  # type: ignore[arg-type]
        )

    @classmethod
    def _build(cls, model_class: type[Organisation], *args: object, **kwargs: object) -> Organisation:
        kwargs.pop("admin", None)
        return model_class(**kwargs)


def add_member(organisation: Organisation, user: User | None = None, role: str = Membership.Role.MEMBER) -> User:
    """Add a (new) person to ``organisation`` through the membership service."""
    user = user or UserFactory()
    membership_set(organisation=organisation, user=user, role=role)
    return user
