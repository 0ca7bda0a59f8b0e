"""The partnership gateway's one-row read says what the partnership list says."""

import pytest

from partnerships.models import Organisation, Partnership, Party
from partnerships.selectors import partnership_for_user, partnerships_for_user
from partnerships.services.partnerships import party_decline, party_remove
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
    add_member,
    add_party,
    admin_of,
)

pytestmark = pytest.mark.django_db


def _status(partnership: Partnership | None) -> str | None:
    """How the person takes part (the selectors' ``my_party_status``), None if not."""
    return partnership.my_party_status if partnership else None  # type: ignore[attr-defined]


def test_one_partnership_is_read_as_the_list_shows_it_to_each_person():
    person = UserFactory.create()
    accepted_org = OrganisationFactory.create(kind=Organisation.Kind.GRANTEE)
    invited_org = OrganisationFactory.create(kind=Organisation.Kind.GRANTEE)
    add_member(accepted_org, person)
    add_member(invited_org, person)
    partnerships = {
        name: PartnershipFactory.create(title=name)
        for name in (
            "accepted",
            "invited",
            "accepted and invited",
            "declined",
            "removed",
            "someone else's",
        )
    }
    add_party(partnerships["accepted"], accepted_org)
    add_party(partnerships["invited"], invited_org, accepted=False)
    add_party(partnerships["accepted and invited"], accepted_org)
    add_party(partnerships["accepted and invited"], invited_org, accepted=False)
    declined = add_party(partnerships["declined"], invited_org, accepted=False)
    party_decline(party=declined, by=admin_of(invited_org))
    removed = add_party(partnerships["removed"], accepted_org)
    party_remove(party=removed, by=admin_of(partnerships["removed"].funder))
    add_party(partnerships["someone else's"])
    funder_admin = admin_of(partnerships["accepted"].funder)

    for who in (person, funder_admin, UserFactory.create()):
        listed = {p.pk: _status(p) for p in partnerships_for_user(user=who)}
        for partnership in partnerships.values():
            one = partnership_for_user(user=who, pk=partnership.pk)
            assert _status(one) == listed.get(partnership.pk), (
                who,
                partnership.title,
            )
    assert {p.title: _status(p) for p in partnerships_for_user(user=person)} == {
        "accepted": "accepted",
        "invited": "invited",
        "accepted and invited": "accepted",
    }
    assert (
        partnership_for_user(user=person, pk=max(p.pk for p in partnerships.values()) + 1) is None
    )
    assert Party.objects.filter(status=Party.Status.DECLINED).exists()


def test_the_permission_names_are_the_ones_the_model_declares():
    from partnerships.models import Partnership
    from partnerships.permissions import PartnershipPermission

    declared = {codename for codename, _ in Partnership._meta.permissions}
    assert {p.value for p in PartnershipPermission} == declared | {"view_partnership"}
