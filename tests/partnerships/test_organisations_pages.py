"""Organisation pages, the invitation page, the dashboard and the operators' admin."""

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from partnerships.models import Membership, Organisation, OrganisationInvitation
from tests.partnerships.factories import (
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def browser(client: Client, user) -> Client:  # type: ignore[no-untyped-def]
    client.force_login(user)
    return client


def signed_in_as(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.content.decode().split())


# --- Directory ---------------------------------------------------------------------


def test_the_directory_finds_organisations_by_name(browser):
    OrganisationFactory.create(name="Northside Food Bank", identifier="1100")
    OrganisationFactory.create(name="Anchor Youth Club")

    response = browser.get("/organisations/", {"search": "food"})

    assert response.status_code == 200
    page = text_of(response)
    assert "1 organisation found" in page
    assert "Northside Food Bank" in page
    assert "Number: 1100" in page
    assert "Anchor Youth Club" not in page


def test_the_directory_filters_by_kind(browser):
    OrganisationFactory.create(name="Bright Trust", kind="funder")
    OrganisationFactory.create(name="Anchor Youth Club", kind="grantee")

    page = text_of(browser.get("/organisations/", {"kind": "funder"}))

    assert "Bright Trust" in page
    assert "Anchor Youth Club" not in page


def test_the_directory_explains_an_empty_search(browser):
    page = text_of(browser.get("/organisations/", {"search": "nothing like this"}))

    assert "0 organisations found" in page
    assert "No organisations match your search" in page


def test_the_directory_shows_an_error_for_an_unknown_kind(browser):
    OrganisationFactory.create(name="Anchor Youth Club")

    page = text_of(browser.get("/organisations/", {"kind": "charity"}))

    assert "There is a problem" in page
    assert "Anchor Youth Club" in page


def test_the_directory_needs_a_signed_in_person(client):
    response = client.get("/organisations/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


# --- Creating an organisation ------------------------------------------------------


def test_the_create_form_explains_each_kind(browser):
    page = text_of(browser.get("/organisations/new/"))

    assert '<label class="label" for="id_name">Organisation name</label>' in page
    assert "What kind of organisation is it?" in page
    assert "Gives grants, and commissions learning partnerships." in page
    assert "Charity or company number (optional)" in page
    assert "Create organisation</button>" in page


def test_creating_an_organisation_makes_me_its_admin(browser, user):
    response = browser.post(
        "/organisations/new/",
        {"name": "Northside Food Bank", "kind": "grantee", "identifier": ""},
        follow=True,
    )

    organisation = Organisation.objects.get()
    assert response.redirect_chain == [(f"/organisations/{organisation.pk}/", 302)]
    assert "You created Northside Food Bank. You are its admin." in text_of(response)
    assert Membership.objects.get(organisation=organisation, user=user).role == "admin"


def test_a_duplicate_name_shows_the_problem_and_creates_nothing(browser):
    OrganisationFactory.create(name="Northside Food Bank", kind="grantee")

    response = browser.post(
        "/organisations/new/", {"name": "northside food bank", "kind": "grantee"}
    )

    assert response.status_code == 200
    page = text_of(response)
    assert "There is a problem" in page
    assert '<a href="#id_name">A grantee organisation called' in page
    assert Organisation.objects.count() == 1


def test_missing_answers_are_listed_in_the_error_summary(browser):
    response = browser.post("/organisations/new/", {"name": "", "identifier": ""})

    page = text_of(response)
    assert '<a href="#id_name">Enter the organisation’s name.</a>' in page
    assert '<a href="#id_kind_0">Choose funder, grantee or learning partner.</a>' in page
    assert Organisation.objects.count() == 0


# --- The organisation page ---------------------------------------------------------


def test_members_see_the_member_list_but_not_the_invite_form(user):
    organisation = OrganisationFactory.create(
        name="Anchor Youth Club", admin=UserFactory.create(name="Zara")
    )
    add_member(organisation, user)

    page = text_of(signed_in_as(user).get(f"/organisations/{organisation.pk}/"))

    assert "Members" in page
    assert "Zara" in page
    assert f"{user.name} (you)" in page
    assert "Invite a colleague" not in page
    assert "Only admins can invite people" in page


def test_people_outside_see_only_the_directory_card(browser):
    organisation = OrganisationFactory.create(
        name="Anchor Youth Club", admin=UserFactory.create(name="Zara")
    )

    response = browser.get(f"/organisations/{organisation.pk}/")

    page = text_of(response)
    assert response.status_code == 200
    assert "Anchor Youth Club" in page
    assert "Zara" not in page
    assert "You are not a member of Anchor Youth Club" in page


def test_an_unknown_organisation_page_is_a_404(browser):
    assert browser.get("/organisations/999999/").status_code == 404


def test_admins_see_the_invite_form_and_waiting_invitations():
    invitation = InvitationFactory.create(email="waiting@example.org")
    InvitationFactory.create(
        organisation=invitation.organisation, email="old@example.org", expired=True
    )

    page = text_of(
        signed_in_as(invitation.invited_by).get(invitation.organisation.get_absolute_url())
    )

    assert "Invite a colleague" in page
    assert "Send invitation</button>" in page
    assert "waiting@example.org" in page
    # An expired invitation stays listed, marked, so an admin can send it again.
    old_row = page.split('<td data-label="Email address">old@example.org</td>')[1].split("</tr>")[0]
    assert "Expired</strong> on" in old_row
    assert "Send again" in old_row
    waiting_row = page.split('<td data-label="Email address">waiting@example.org</td>')[1]
    waiting_row = waiting_row.split("</tr>")[0]
    assert "Expired" not in waiting_row


def test_an_admin_invites_a_colleague_from_the_page(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin = organisation.memberships.get().user

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in_as(admin).post(
            f"/organisations/{organisation.pk}/invitations/",
            {"email": "sam@example.org", "role": "member"},
            follow=True,
        )

    assert response.redirect_chain == [(f"/organisations/{organisation.pk}/", 302)]
    assert "We have emailed an invitation to sam@example.org." in text_of(response)
    assert OrganisationInvitation.objects.get().email == "sam@example.org"
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


def test_inviting_an_existing_member_shows_the_problem():
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin = organisation.memberships.get().user
    add_member(organisation, UserFactory.create(email="sam@example.org"))

    response = signed_in_as(admin).post(
        f"/organisations/{organisation.pk}/invitations/",
        {"email": "sam@example.org", "role": "member"},
    )

    page = text_of(response)
    assert "There is a problem" in page
    assert (
        '<a href="#id_email">sam@example.org is already a member of Anchor Youth Club.</a>' in page
    )
    assert OrganisationInvitation.objects.count() == 0


def test_a_member_who_is_not_an_admin_cannot_invite_from_the_page(user):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    add_member(organisation, user)

    response = signed_in_as(user).post(
        f"/organisations/{organisation.pk}/invitations/",
        {"email": "sam@example.org", "role": "member"},
        follow=True,
    )

    assert "Only admins of Anchor Youth Club can invite people" in text_of(response)
    assert OrganisationInvitation.objects.count() == 0


def test_outsiders_get_a_404_when_inviting_from_the_page(browser):
    organisation = OrganisationFactory.create()

    response = browser.post(
        f"/organisations/{organisation.pk}/invitations/",
        {"email": "sam@example.org", "role": "member"},
    )

    assert response.status_code == 404
    assert OrganisationInvitation.objects.count() == 0


# --- The invitation page -----------------------------------------------------------


def test_a_visitor_who_is_not_signed_in_is_asked_to_sign_in_or_create_an_account(client):
    invitation = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club"), email="sam@example.org"
    )
    url = f"/invitations/{invitation.token}/"

    page = text_of(client.get(url))

    assert "Invitation to join Anchor Youth Club" in page
    assert f'href="/accounts/login/?next={url}"' in page
    assert f'href="/accounts/signup/?email=sam%40example.org&amp;next={url}"' in page
    assert "Accept invitation</button>" not in page


def test_signing_up_from_the_invitation_comes_back_to_it_and_accepting_joins(client):
    invitation = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club"), email="sam@example.org"
    )
    url = f"/invitations/{invitation.token}/"

    signup = client.post(
        f"/accounts/signup/?next={url}",
        {
            "name": "Sam Okafor",
            "email": "sam@example.org",
            "password1": "a-Long-Test-Passphrase-42",
            "password2": "a-Long-Test-Passphrase-42",
            "next": url,
        },
    )
    assert signup.status_code == 302
    assert signup["Location"] == url
    assert "Accept invitation</button>" in text_of(client.get(url))

    accepted = client.post(url, follow=True)

    organisation = invitation.organisation
    assert accepted.redirect_chain == [(f"/organisations/{organisation.pk}/", 302)]
    assert "You have joined Anchor Youth Club as a member." in text_of(accepted)
    assert (
        Membership.objects.get(organisation=organisation, user__email="sam@example.org").role
        == "member"
    )
    dashboard = text_of(client.get("/dashboard/"))
    assert "Anchor Youth Club" in dashboard
    assert "Your role: Member" in dashboard


def test_another_account_is_told_the_invitation_is_for_someone_else():
    invitation = InvitationFactory.create(email="sam@example.org")
    other = UserFactory.create(email="alex@example.org")
    client = signed_in_as(other)

    page = text_of(client.get(f"/invitations/{invitation.token}/"))
    refused = client.post(f"/invitations/{invitation.token}/")

    assert "This invitation was sent to sam@example.org" in page
    assert "Accept invitation</button>" not in page
    assert "Sign out and use another account" in page
    assert refused.status_code == 403
    assert not Membership.objects.filter(user=other).exists()


@pytest.mark.parametrize(
    ("state", "message"), [("expired", "expired on"), ("used", "has already been used")]
)
def test_expired_and_used_invitations_explain_why_and_change_nothing(state, message):
    sam = UserFactory.create(email="sam@example.org")
    if state == "expired":
        invitation = InvitationFactory.create(email="sam@example.org", expired=True)
    else:
        invitation = InvitationFactory.create(
            email="sam@example.org", accepted_by=UserFactory.create()
        )
    client = signed_in_as(sam)

    page = text_of(client.get(f"/invitations/{invitation.token}/"))
    refused = client.post(f"/invitations/{invitation.token}/")

    assert message in page
    assert "Accept invitation</button>" not in page
    assert refused.status_code == 409
    assert message in text_of(refused)
    assert not Membership.objects.filter(user=sam).exists()


def test_an_unknown_invitation_page_is_a_404(client):
    assert client.get("/invitations/not-a-real-token/").status_code == 404


def test_accepting_without_signing_in_goes_to_sign_in(client):
    invitation = InvitationFactory.create()

    response = client.post(f"/invitations/{invitation.token}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/invitations/")
    assert OrganisationInvitation.objects.get().accepted_at is None


# --- Dashboard ---------------------------------------------------------------------


def test_the_dashboard_shows_invitations_waiting_for_me_and_my_organisations(user):
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    OrganisationFactory.create(name="Bright Futures Trust", kind="funder", admin=user)
    waiting = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club"), email=user.email.upper()
    )
    InvitationFactory.create(email=user.email, expired=True)
    InvitationFactory.create(email="someone-else@example.org")

    page = text_of(signed_in_as(user).get("/dashboard/"))

    assert "<strong>Join Anchor Youth Club</strong> as a member." in page
    assert f'action="/invitations/{waiting.token}/"' in page
    assert page.count("Accept invitation") == 1
    assert "Bright Futures Trust" in page
    assert "Your role: Admin" in page
    assert "Create an organisation" in page


def test_invitations_wait_for_a_confirmed_email_address_before_showing_on_the_dashboard(user):
    """Anyone can sign up with any address; the dashboard carries the accept button."""
    EmailAddress.objects.create(user=user, email=user.email, verified=False, primary=True)
    invitation = InvitationFactory.create(email=user.email)

    page = text_of(signed_in_as(user).get("/dashboard/"))

    assert invitation.token not in page
    assert "Accept invitation" not in page
    assert "confirm your email address" in page


def test_accepting_from_the_dashboard_joins_the_organisation(user):
    invitation = InvitationFactory.create(email=user.email)

    response = signed_in_as(user).post(invitation.get_absolute_url())

    assert response.status_code == 302
    assert Membership.objects.filter(user=user, organisation=invitation.organisation).exists()


def test_a_newcomer_is_invited_to_create_an_organisation(browser):
    page = text_of(browser.get("/dashboard/"))

    assert "Nothing is waiting for you right now." in page
    assert "You do not belong to an organisation yet." in page
    assert 'href="/organisations/new/"' in page


# --- Operators' admin ----------------------------------------------------------------


@pytest.fixture
def operator(client: Client) -> Client:
    client.force_login(UserFactory.create(is_staff=True, is_superuser=True))
    return client


def test_operators_see_organisations_and_invitations(operator):
    invitation = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club")
    )

    assert "Anchor Youth Club" in operator.get("/admin/partnerships/organisation/").content.decode()
    change = operator.get(f"/admin/partnerships/organisationinvitation/{invitation.pk}/change/")
    assert change.status_code == 200
    assert invitation.token in change.content.decode()
    assert 'name="token"' not in change.content.decode()  # shown, never editable


def test_an_operator_changing_a_role_in_the_admin_updates_the_groups(operator):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin_membership = organisation.memberships.get()
    member = add_member(organisation)
    membership = Membership.objects.get(user=member)

    response = operator.post(
        f"/admin/partnerships/organisation/{organisation.pk}/change/",
        {
            "name": "Anchor Youth Club",
            "kind": "grantee",
            "identifier": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "2",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(admin_membership.pk),
            "memberships-0-organisation": str(organisation.pk),
            "memberships-0-user": str(admin_membership.user_id),
            "memberships-0-role": "admin",
            "memberships-1-id": str(membership.pk),
            "memberships-1-organisation": str(organisation.pk),
            "memberships-1-user": str(member.pk),
            "memberships-1-role": "admin",
        },
    )

    assert response.status_code == 302
    assert Membership.objects.get(pk=membership.pk).role == "admin"
    assert set(member.groups.all()) == {organisation.members_group, organisation.admins_group}


def test_an_operator_removing_a_member_in_the_admin_takes_away_their_groups(operator):
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    admin_membership = organisation.memberships.get()
    member = add_member(organisation)
    membership = Membership.objects.get(user=member)

    response = operator.post(
        f"/admin/partnerships/organisation/{organisation.pk}/change/",
        {
            "name": "Anchor Youth Club",
            "kind": "grantee",
            "identifier": "",
            "memberships-TOTAL_FORMS": "2",
            "memberships-INITIAL_FORMS": "2",
            "memberships-MIN_NUM_FORMS": "0",
            "memberships-MAX_NUM_FORMS": "1000",
            "memberships-0-id": str(admin_membership.pk),
            "memberships-0-organisation": str(organisation.pk),
            "memberships-0-user": str(admin_membership.user_id),
            "memberships-0-role": "admin",
            "memberships-1-id": str(membership.pk),
            "memberships-1-organisation": str(organisation.pk),
            "memberships-1-user": str(member.pk),
            "memberships-1-role": "member",
            "memberships-1-DELETE": "on",
        },
    )

    assert response.status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert list(member.groups.all()) == []
