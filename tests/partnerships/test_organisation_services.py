import pytest
from django.core.exceptions import ValidationError

from partnerships.models import Membership, Organisation
from partnerships.services import organisation_create
from tests.partnerships.factories import OrganisationFactory, UserFactory, add_member

pytestmark = pytest.mark.django_db


def test_creator_becomes_admin_and_joins_both_groups():
    creator = UserFactory.create()

    organisation = organisation_create(name="  Northside   Food Bank ", kind="grantee", by=creator)

    assert organisation.name == "Northside Food Bank"
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (creator, Membership.Role.ADMIN)
    assert set(creator.groups.all()) == {organisation.members_group, organisation.admins_group}


def test_duplicate_name_in_same_kind_is_refused_and_nothing_is_stored():
    OrganisationFactory.create(name="Northside Food Bank", kind="grantee")
    groups_before = Organisation.objects.count()

    with pytest.raises(ValidationError) as error:
        organisation_create(name="northside food bank", kind="grantee", by=UserFactory.create())

    assert "already exists" in error.value.message_dict["name"][0]
    assert Organisation.objects.count() == groups_before


def test_same_name_in_another_kind_is_allowed():
    OrganisationFactory.create(name="Open Doors", kind="grantee")

    organisation = organisation_create(name="Open Doors", kind="funder", by=UserFactory.create())

    assert organisation.kind == "funder"


def test_demoting_an_admin_removes_the_admin_group_only():
    organisation = OrganisationFactory.create()
    person = add_member(organisation, role=Membership.Role.ADMIN)

    add_member(organisation, person, role=Membership.Role.MEMBER)

    assert set(person.groups.all()) == {organisation.members_group}
