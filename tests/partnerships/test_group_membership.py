"""Organisation groups grant partnership access, so they follow memberships and nothing else.

Before: an operator adding a person to an organisation's permission group in the User
admin gave them the organisation's access with no membership row, invisible in the
member lists. Now the admin shows groups read-only, and a reconciler (beat, and
``manage.py reconcile_groups``) takes out anyone a membership does not account for.
"""

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from accounts.models import User
from partnerships.services import organisation_groups_reconcile
from tests.consent.helpers import api_url, client_for
from tests.partnerships.factories import UserFactory, build_partnership_scene

pytestmark = pytest.mark.django_db


def _operator() -> Client:
    client = Client()
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_the_user_admin_cannot_put_a_person_in_an_organisations_group():
    scene = build_partnership_scene()
    grantee_org = scene.grantee_party.organisation
    outsider = scene.outsider
    operator = _operator()
    page = operator.get(f"/admin/accounts/user/{outsider.pk}/change/")
    assert page.status_code == 200
    assert 'name="groups"' not in page.content.decode()

    response = operator.post(
        f"/admin/accounts/user/{outsider.pk}/change/",
        {
            "email": outsider.email,
            "name": "Someone",
            "is_active": "on",
            "groups": [grantee_org.members_group_id, grantee_org.admins_group_id],
        },
    )
    assert response.status_code == 302
    outsider.refresh_from_db()
    assert outsider.name == "Someone"
    assert not outsider.groups.exists()
    assert (
        client_for(outsider).get(api_url("partnership-detail", pk=scene.partnership.pk)).status_code
        == 404
    )


def test_a_group_row_without_a_membership_is_taken_out_and_access_ends():
    scene = build_partnership_scene()
    grantee_org = scene.grantee_party.organisation
    outsider: User = scene.outsider
    outsider.groups.add(grantee_org.members_group)  # written around the services
    url = api_url("partnership-detail", pk=scene.partnership.pk)
    assert client_for(outsider).get(url).status_code == 200

    with pytest.raises(CommandError, match="1 group rows without a membership"):
        call_command("reconcile_groups", "--check")
    assert outsider.groups.filter(pk=grantee_org.members_group_id).exists()  # --check: no change

    assert organisation_groups_reconcile() == {"removed": 1, "added": 0}
    assert client_for(outsider).get(url).status_code == 404
    # Real members keep their access; a second run changes nothing.
    assert client_for(scene.grantee_member).get(url).status_code == 200
    assert organisation_groups_reconcile() == {"removed": 0, "added": 0}
    call_command("reconcile_groups", "--check")


def test_a_membership_whose_group_row_went_missing_gets_it_back():
    scene = build_partnership_scene()
    grantee_org = scene.grantee_party.organisation
    scene.grantee_admin.groups.remove(grantee_org.admins_group)
    assert organisation_groups_reconcile() == {"removed": 0, "added": 1}
    assert scene.grantee_admin.groups.filter(pk=grantee_org.admins_group_id).exists()
