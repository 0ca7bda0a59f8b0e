"""Accepting organisation invitations, and the email that carries them."""

import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from rest_framework.test import APIClient

from partnerships.models import Membership, OrganisationInvitation
from partnerships.tasks import send_organisation_invitation
from tests.partnerships.factories import (
    PASSWORD,
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
)

pytestmark = pytest.mark.django_db


def accept(user, token: str):  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client.post(f"/api/v1/invitations/{token}/accept/")


def test_the_invited_person_accepts_and_joins_with_the_invited_role():
    invitation = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club"),
        email="sam@example.org",
        role="admin",
    )
    sam = UserFactory.create(email="sam@example.org")

    response = accept(sam, invitation.token)

    assert response.status_code == 200
    organisation = invitation.organisation
    assert response.json() == {
        "organisation": {"id": organisation.pk, "name": "Anchor Youth Club", "kind": "grantee"},
        "role": "admin",
    }
    assert Membership.objects.get(user=sam).role == "admin"
    assert set(sam.groups.all()) == {organisation.members_group, organisation.admins_group}
    invitation.refresh_from_db()
    assert invitation.accepted_by == sam
    assert invitation.accepted_at is not None


def test_the_email_address_is_compared_ignoring_case():
    invitation = InvitationFactory.create(email="sam@example.org")
    sam = UserFactory.create(email="Sam@EXAMPLE.org")

    assert accept(sam, invitation.token).status_code == 200
    assert Membership.objects.filter(user=sam, organisation=invitation.organisation).exists()


def test_another_verified_address_of_mine_counts():
    invitation = InvitationFactory.create(email="sam@work.example.org")
    sam = UserFactory.create(email="sam@example.org")
    EmailAddress.objects.create(user=sam, email="sam@work.example.org", verified=True)

    assert accept(sam, invitation.token).status_code == 200
    assert Membership.objects.filter(user=sam, organisation=invitation.organisation).exists()


def test_an_unverified_second_address_does_not_count():
    invitation = InvitationFactory.create(email="sam@work.example.org")
    squatter = UserFactory.create(email="squatter@example.org")
    EmailAddress.objects.create(user=squatter, email="sam@work.example.org", verified=False)

    assert accept(squatter, invitation.token).status_code == 403
    assert not Membership.objects.filter(user=squatter).exists()


def test_someone_with_another_email_address_is_refused_and_nothing_changes():
    invitation = InvitationFactory.create(email="sam@example.org")
    other = UserFactory.create(email="alex@example.org")

    response = accept(other, invitation.token)

    assert response.status_code == 403
    assert "sent to sam@example.org" in response.json()["detail"]
    assert "signed in as alex@example.org" in response.json()["detail"]
    assert not Membership.objects.filter(user=other).exists()
    invitation.refresh_from_db()
    assert (invitation.accepted_at, invitation.accepted_by) == (None, None)


def test_an_expired_invitation_is_refused_and_nothing_changes():
    invitation = InvitationFactory.create(email="sam@example.org", expired=True)
    sam = UserFactory.create(email="sam@example.org")

    response = accept(sam, invitation.token)

    assert response.status_code == 409
    assert "expired" in response.json()["detail"]
    assert not Membership.objects.filter(user=sam).exists()
    invitation.refresh_from_db()
    assert invitation.accepted_at is None


def test_a_used_invitation_cannot_be_used_again():
    sam = UserFactory.create(email="sam@example.org")
    invitation = InvitationFactory.create(email="sam@example.org")
    assert accept(sam, invitation.token).status_code == 200
    accepted_at = OrganisationInvitation.objects.get().accepted_at
    Membership.objects.filter(user=sam).update(role="member")

    response = accept(sam, invitation.token)

    assert response.status_code == 409
    assert "already been used" in response.json()["detail"]
    assert OrganisationInvitation.objects.get().accepted_at == accepted_at


def test_an_unknown_token_is_a_404(signed_in):
    response = signed_in.post("/api/v1/invitations/no-such-token/accept/")

    assert response.status_code == 404
    assert Membership.objects.count() == 0


def test_accepting_needs_a_signed_in_person(api_client):
    invitation = InvitationFactory.create()

    response = api_client.post(f"/api/v1/invitations/{invitation.token}/accept/")

    assert response.status_code == 401
    assert OrganisationInvitation.objects.get().accepted_at is None


def test_an_admin_accepting_a_member_invitation_stays_an_admin():
    organisation = OrganisationFactory.create()
    sam = add_member(organisation, UserFactory.create(email="sam@example.org"), role="admin")
    invitation = InvitationFactory.create(organisation=organisation, email="sam@example.org")

    response = accept(sam, invitation.token)

    assert response.json()["role"] == "admin"
    assert Membership.objects.get(user=sam).role == "admin"


# --- The email ---------------------------------------------------------------------


def test_the_invitation_email_names_the_organisation_and_links_to_the_invitation(settings):
    settings.LEARNHUB_SITE_URL = "https://learnhub.example"
    inviter = UserFactory.create(name="Priya Shah")
    invitation = InvitationFactory.create(
        organisation=OrganisationFactory.create(name="Anchor Youth Club", admin=inviter),
        email="sam@example.org",
    )

    assert send_organisation_invitation(invitation.pk) is True

    [email] = mail.outbox
    assert email.to == ["sam@example.org"]
    assert email.subject == "LearnHub: you are invited to join Anchor Youth Club"
    assert "Priya Shah has invited you to join Anchor Youth Club (grantee)" in email.body
    assert f"https://learnhub.example/invitations/{invitation.token}/" in email.body
    assert isinstance(email, EmailMultiAlternatives)
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert f'href="https://learnhub.example/invitations/{invitation.token}/"' in str(html)


@pytest.mark.parametrize("state", ["accepted", "expired", "deleted"])
def test_no_email_goes_out_for_an_invitation_that_cannot_be_accepted(state):
    if state == "accepted":
        invitation = InvitationFactory.create(accepted_by=UserFactory.create())
    else:
        invitation = InvitationFactory.create(expired=state == "expired")
    pk = invitation.pk
    if state == "deleted":
        invitation.delete()

    assert send_organisation_invitation(pk) is False
    assert mail.outbox == []


def test_the_email_is_sent_only_once_the_invitation_is_saved(django_capture_on_commit_callbacks):
    organisation = OrganisationFactory.create()
    admin = organisation.memberships.get().user
    client = APIClient()
    client.force_authenticate(user=admin)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        client.post(
            f"/api/v1/organisations/{organisation.pk}/invitations/",
            {"email": "sam@example.org", "role": "member"},
            format="json",
        )
        assert mail.outbox == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


# --- The whole journey through the API ----------------------------------------------


def test_an_invited_colleague_signs_up_accepts_and_sees_the_organisation(
    django_capture_on_commit_callbacks,
):
    organisation = OrganisationFactory.create(name="Bright Futures Trust", kind="funder")
    admin = organisation.memberships.get().user
    admin_client = APIClient()
    admin_client.force_authenticate(user=admin)
    with django_capture_on_commit_callbacks(execute=True):
        admin_client.post(
            f"/api/v1/organisations/{organisation.pk}/invitations/",
            {"email": "sam@example.org", "role": "member"},
            format="json",
        )
    match = re.search(r"/invitations/([\w-]+)/", str(mail.outbox[0].body))
    assert match is not None
    token = match.group(1)

    app = APIClient()
    signup = app.post(
        "/_allauth/app/v1/auth/signup",
        {"email": "sam@example.org", "password": PASSWORD},
        format="json",
    )
    session = {"HTTP_X_SESSION_TOKEN": signup.json()["meta"]["session_token"]}
    accepted = app.post(f"/api/v1/invitations/{token}/accept/", **session)
    me = app.get("/api/v1/me/", **session)

    assert accepted.status_code == 200
    assert me.json()["memberships"] == [
        {
            "organisation": {
                "id": organisation.pk,
                "name": "Bright Futures Trust",
                "kind": "funder",
            },
            "role": "member",
        }
    ]


@pytest.mark.django_db
def test_a_repeated_delivery_of_the_email_task_sends_nothing_more():
    invitation = InvitationFactory.create(email="sam@example.org")
    mail.outbox.clear()

    first = send_organisation_invitation(invitation.pk)
    second = send_organisation_invitation(invitation.pk)

    assert (first, second) == (True, False)
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]


@pytest.mark.django_db(transaction=True)
def test_an_operator_can_send_a_waiting_invitation_again_but_not_a_used_one():
    from partnerships.services import invitation_resend

    waiting = InvitationFactory.create(email="sam@example.org")
    used = InvitationFactory.create(email="used@example.org", accepted_by=UserFactory.create())
    mail.outbox.clear()

    sent = invitation_resend(invitations=OrganisationInvitation.objects.all())

    assert sent == 1
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert used.email not in {m.to[0] for m in mail.outbox}
