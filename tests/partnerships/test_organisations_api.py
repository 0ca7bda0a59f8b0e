"""Organisations through the REST API: create, directory, members, invitations, /me/."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from rest_framework.test import APIClient

from partnerships.models import Membership, Organisation, OrganisationInvitation
from tests.partnerships.factories import (
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db

ORGANISATIONS = "/api/v1/organisations/"


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


# --- /me/ ------------------------------------------------------------------------


def test_me_lists_my_organisations_with_my_role(signed_in, user):
    funder = OrganisationFactory.create(name="Bright Futures Trust", kind="funder", admin=user)
    grantee = OrganisationFactory.create(name="Anchor Youth Club", kind="grantee")
    add_member(grantee, user)

    response = signed_in.get("/api/v1/me/")

    assert response.status_code == 200
    assert response.json() == {
        "id": user.pk,
        "email": user.email,
        "name": user.name,
        "memberships": [
            {
                "organisation": {"id": grantee.pk, "name": "Anchor Youth Club", "kind": "grantee"},
                "role": "member",
            },
            {
                "organisation": {"id": funder.pk, "name": "Bright Futures Trust", "kind": "funder"},
                "role": "admin",
            },
        ],
    }


def test_me_refuses_anonymous_callers(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code in (401, 403)
    assert "memberships" not in response.json()


def test_my_invitations_lists_those_sent_to_my_verified_addresses(signed_in, user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    mine = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club"), email=user.email.upper()
    )
    InvitationFactory.create(email=user.email, expired=True)
    InvitationFactory.create(email=user.email, accepted_by=UserFactory.create())
    InvitationFactory.create(email="someone-else@example.org")

    response = signed_in.get("/api/v1/me/invitations/")

    assert response.status_code == 200
    [row] = response.json()["results"]
    assert (row["id"], row["token"], row["organisation"]["name"], row["role"]) == (
        mine.pk,
        mine.token,
        "Anchor Youth Club",
        "member",
    )


def test_my_invitations_are_hidden_until_my_address_is_verified(signed_in, user):
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    InvitationFactory.create(email=user.email)

    response = signed_in.get("/api/v1/me/invitations/")

    assert response.json()["count"] == 0


# --- Creating organisations --------------------------------------------------------


def test_creating_an_organisation_makes_the_caller_its_admin(signed_in, user):
    response = signed_in.post(
        ORGANISATIONS,
        {"name": "Northside Food Bank", "kind": "grantee", "identifier": "1234567"},
        format="json",
    )

    assert response.status_code == 201
    organisation = Organisation.objects.get()
    assert response.json() == {
        "id": organisation.pk,
        "name": "Northside Food Bank",
        "kind": "grantee",
        "identifier": "1234567",
    }
    membership = Membership.objects.get(organisation=organisation)
    assert (membership.user, membership.role) == (user, "admin")


def test_identifier_is_optional(signed_in):
    response = signed_in.post(
        ORGANISATIONS, {"name": "Open Doors", "kind": "learning_partner"}, format="json"
    )

    assert response.status_code == 201
    assert response.json()["identifier"] == ""
    organisation = Organisation.objects.get(pk=response.json()["id"])
    assert (organisation.name, organisation.kind, organisation.identifier) == (
        "Open Doors",
        "learning_partner",
        "",
    )


def test_a_duplicate_name_in_the_same_kind_is_refused_ignoring_case(signed_in):
    OrganisationFactory.create(name="Northside Food Bank", kind="grantee")

    response = signed_in.post(
        ORGANISATIONS, {"name": "NORTHSIDE food bank", "kind": "grantee"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()) == ["name"]
    assert "already exists" in response.json()["name"][0]
    assert Organisation.objects.count() == 1


def test_the_same_name_in_another_kind_is_allowed(signed_in):
    OrganisationFactory.create(name="Open Doors", kind="grantee")

    response = signed_in.post(
        ORGANISATIONS, {"name": "Open Doors", "kind": "funder"}, format="json"
    )

    assert response.status_code == 201
    assert Organisation.objects.filter(name="Open Doors").count() == 2


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"name": "Open Doors", "kind": "charity"}, "kind"),
        ({"name": "Open Doors"}, "kind"),
        ({"kind": "grantee"}, "name"),
        ({"name": "   ", "kind": "grantee"}, "name"),
        ({"name": "x" * 201, "kind": "grantee"}, "name"),
    ],
)
def test_bad_organisation_input_is_a_400_and_creates_nothing(signed_in, payload, field):
    response = signed_in.post(ORGANISATIONS, payload, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert Organisation.objects.count() == 0


def test_creating_needs_a_signed_in_caller(api_client):
    response = api_client.post(ORGANISATIONS, {"name": "X", "kind": "grantee"}, format="json")

    assert response.status_code in (401, 403)
    assert Organisation.objects.count() == 0


# --- The directory -----------------------------------------------------------------


def test_directory_searches_name_and_identifier_and_shows_only_the_card(signed_in):
    food_bank = OrganisationFactory.create(name="Northside Food Bank", identifier="1100")
    trust = OrganisationFactory.create(name="Bright Trust", kind="funder", identifier="FOOD-9")
    OrganisationFactory.create(name="Anchor Youth Club")

    response = signed_in.get(ORGANISATIONS, {"search": "food"})

    assert response.status_code == 200
    assert response.json() == {
        "count": 2,
        "next": None,
        "previous": None,
        "results": [
            {"id": trust.pk, "name": "Bright Trust", "kind": "funder", "identifier": "FOOD-9"},
            {
                "id": food_bank.pk,
                "name": "Northside Food Bank",
                "kind": "grantee",
                "identifier": "1100",
            },
        ],
    }


def test_directory_filters_by_kind(signed_in):
    OrganisationFactory.create(name="Bright Trust", kind="funder")
    partner = OrganisationFactory.create(name="Insight Co-op", kind="learning_partner")

    response = signed_in.get(ORGANISATIONS, {"kind": "learning_partner"})

    assert [row["id"] for row in response.json()["results"]] == [partner.pk]


def test_directory_refuses_an_unknown_kind(signed_in):
    response = signed_in.get(ORGANISATIONS, {"kind": "charity"})

    assert response.status_code == 400
    assert list(response.json()) == ["kind"]


def test_directory_is_paginated(signed_in):
    for n in range(3):
        OrganisationFactory.create(name=f"Group {n}")

    response = signed_in.get(ORGANISATIONS, {"page_size": 2, "page": 2})

    body = response.json()
    assert (body["count"], [row["name"] for row in body["results"]]) == (3, ["Group 2"])
    assert body["next"] is None
    assert body["previous"] is not None


def test_a_directory_card_is_visible_to_anyone_signed_in(signed_in):
    organisation = OrganisationFactory.create(name="Anchor Youth Club", identifier="77")

    response = signed_in.get(f"{ORGANISATIONS}{organisation.pk}/")

    assert response.status_code == 200
    assert response.json() == {
        "id": organisation.pk,
        "name": "Anchor Youth Club",
        "kind": "grantee",
        "identifier": "77",
    }


def test_an_unknown_organisation_is_a_404(signed_in):
    assert signed_in.get(f"{ORGANISATIONS}999999/").status_code == 404
    assert signed_in.get(f"{ORGANISATIONS}not-a-number/").status_code == 404


@pytest.mark.parametrize("rows", [5, 50])
def test_directory_costs_a_fixed_number_of_queries(signed_in, django_assert_max_num_queries, rows):
    admin = UserFactory.create()
    for n in range(rows):
        OrganisationFactory.create(name=f"Group {n:03}", admin=admin)

    with django_assert_max_num_queries(2):  # count + page
        response = signed_in.get(ORGANISATIONS, {"page_size": 200})

    assert response.json()["count"] == rows


# --- Members -----------------------------------------------------------------------


def test_members_see_who_belongs_admins_first(user):
    organisation = OrganisationFactory.create(admin=UserFactory.create(name="Zara Admin"))
    add_member(organisation, user)
    user.name = "Amir Member"
    user.save()
    admin = organisation.memberships.get(role="admin")

    response = client_for(user).get(f"{ORGANISATIONS}{organisation.pk}/members/")

    assert response.status_code == 200
    results = response.json()["results"]
    assert [(m["user"]["name"], m["role"]) for m in results] == [
        ("Zara Admin", "admin"),
        ("Amir Member", "member"),
    ]
    assert results[0]["user"] == {
        "id": admin.user_id,
        "name": "Zara Admin",
        "email": admin.user.email,
    }


def test_people_outside_an_organisation_cannot_see_its_members(signed_in):
    organisation = OrganisationFactory.create()

    response = signed_in.get(f"{ORGANISATIONS}{organisation.pk}/members/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize("rows", [5, 50])
def test_members_list_costs_a_fixed_number_of_queries(django_assert_max_num_queries, rows):
    organisation = OrganisationFactory.create()
    for _ in range(rows - 1):
        add_member(organisation)
    admin = organisation.memberships.get(role="admin").user
    client = client_for(admin)

    with django_assert_max_num_queries(3):  # gateway + count + page
        response = client.get(f"{ORGANISATIONS}{organisation.pk}/members/", {"page_size": 200})

    assert response.json()["count"] == rows


# --- Inviting ----------------------------------------------------------------------


def test_an_admin_invites_a_colleague_and_an_email_goes_out(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin = organisation.memberships.get().user

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(admin).post(
            f"{ORGANISATIONS}{organisation.pk}/invitations/",
            {"email": "Sam@Example.org", "role": "admin"},
            format="json",
        )

    assert response.status_code == 201
    invitation = OrganisationInvitation.objects.get()
    body = response.json()
    assert {k: body[k] for k in ("id", "email", "role", "token")} == {
        "id": invitation.pk,
        "email": "sam@example.org",
        "role": "admin",
        "token": invitation.token,
    }
    assert body["expires_at"] == invitation.expires_at.isoformat().replace("+00:00", "Z")
    assert invitation.invited_by == admin
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body


def test_a_member_who_is_not_an_admin_cannot_invite(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    member = add_member(organisation)

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(member).post(
            f"{ORGANISATIONS}{organisation.pk}/invitations/",
            {"email": "sam@example.org", "role": "member"},
            format="json",
        )

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only admins of Anchor Youth Club can invite people or see its waiting "
        "invitations. Ask an admin of Anchor Youth Club to do this for you."
    }
    assert OrganisationInvitation.objects.count() == 0
    assert mail.outbox == []


def test_outsiders_get_a_404_when_inviting(signed_in, django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.create()

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            f"{ORGANISATIONS}{organisation.pk}/invitations/",
            {"email": "sam@example.org", "role": "member"},
            format="json",
        )

    assert response.status_code == 404
    assert OrganisationInvitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"email": "not-an-email", "role": "member"}, "email"),
        ({"email": "sam@example.org", "role": "owner"}, "role"),
        ({"role": "member"}, "email"),
        ({"email": "sam@example.org"}, "role"),
    ],
)
def test_bad_invitation_input_is_a_400(payload, field):
    organisation = OrganisationFactory.create()
    admin = organisation.memberships.get().user

    response = client_for(admin).post(
        f"{ORGANISATIONS}{organisation.pk}/invitations/", payload, format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert OrganisationInvitation.objects.count() == 0


def test_inviting_someone_who_already_belongs_is_refused():
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin = organisation.memberships.get().user
    member = add_member(organisation, UserFactory.create(email="sam@example.org"))

    response = client_for(admin).post(
        f"{ORGANISATIONS}{organisation.pk}/invitations/",
        {"email": "SAM@example.org", "role": "admin"},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {
        "email": ["sam@example.org is already a member of Anchor Youth Club."]
    }
    assert OrganisationInvitation.objects.count() == 0
    assert Membership.objects.get(user=member).role == "member"


def test_a_second_invitation_while_one_is_waiting_is_refused():
    invitation = InvitationFactory.create(email="sam@example.org")
    admin = invitation.invited_by

    response = client_for(admin).post(
        f"{ORGANISATIONS}{invitation.organisation_id}/invitations/",
        {"email": "sam@example.org", "role": "member"},
        format="json",
    )

    assert response.status_code == 400
    assert "already has an invitation waiting" in response.json()["email"][0]
    assert OrganisationInvitation.objects.count() == 1


def test_a_new_invitation_may_replace_an_expired_one():
    expired = InvitationFactory.create(email="sam@example.org", expired=True)

    response = client_for(expired.invited_by).post(
        f"{ORGANISATIONS}{expired.organisation_id}/invitations/",
        {"email": "sam@example.org", "role": "member"},
        format="json",
    )

    assert response.status_code == 201
    assert OrganisationInvitation.objects.count() == 2


def test_admins_list_only_waiting_invitations():
    waiting = InvitationFactory.create(email="waiting@example.org")
    organisation = waiting.organisation
    InvitationFactory.create(organisation=organisation, expired=True)
    InvitationFactory.create(organisation=organisation, accepted_by=UserFactory.create())
    InvitationFactory.create()  # another organisation's

    response = client_for(waiting.invited_by).get(f"{ORGANISATIONS}{organisation.pk}/invitations/")

    assert response.status_code == 200
    assert [(row["id"], row["email"]) for row in response.json()["results"]] == [
        (waiting.pk, "waiting@example.org")
    ]


def test_members_and_outsiders_cannot_list_invitations():
    invitation = InvitationFactory.create()
    member = add_member(invitation.organisation)
    url = f"{ORGANISATIONS}{invitation.organisation_id}/invitations/"

    assert client_for(member).get(url).status_code == 403
    assert client_for(UserFactory.create()).get(url).status_code == 404
