"""An organisation's admins send an invitation again or cancel it, and the invited person
signs up from the emailed link with the address already filled in and confirmed."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from partnerships.models import Membership, OrganisationInvitation
from tests.partnerships.factories import (
    PASSWORD,
    InvitationFactory,
    OrganisationFactory,
    UserFactory,
    add_member,
    admin_of,
)

pytestmark = pytest.mark.django_db


def _page_client(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.force_login(user)
    return client


def _api(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def _url(invitation: OrganisationInvitation, action: str, *, api: bool = False) -> str:
    prefix = "/api/v1" if api else ""
    return (
        f"{prefix}/organisations/{invitation.organisation_id}/invitations/{invitation.pk}/{action}/"
    )


def test_an_admin_sends_an_expired_invitation_again_and_its_link_works_for_another_term(
    django_capture_on_commit_callbacks, settings
) -> None:
    invitation = InvitationFactory.create(email="sam@example.org", expired=True)
    admin = admin_of(invitation.organisation)

    page = _page_client(admin).get(f"/organisations/{invitation.organisation_id}/")
    assert "Expired" in page.content.decode()
    assert _url(invitation, "send-again") in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = _page_client(admin).post(_url(invitation, "send-again"), follow=True)

    assert "We have emailed the invitation to sam@example.org again" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.expires_at > timezone.now() + timedelta(
        days=settings.LEARNHUB_INVITATION_DAYS - 1
    )
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert f"/invitations/{invitation.token}/" in mail.outbox[0].body
    sam = UserFactory.create(email="sam@example.org")
    accepted = _api(sam).post(f"/api/v1/invitations/{invitation.token}/accept/")
    assert accepted.status_code == 200
    assert Membership.objects.filter(user=sam, organisation=invitation.organisation).exists()


def test_a_cancelled_invitation_stops_working_at_once_and_says_so() -> None:
    invitation = InvitationFactory.create(email="sam@example.org")
    admin = admin_of(invitation.organisation)

    response = _page_client(admin).post(_url(invitation, "cancel"), follow=True)

    text = response.content.decode()
    assert "You cancelled the invitation to sam@example.org" in text
    assert "sam@example.org</td>" not in text  # no longer listed as waiting
    invitation.refresh_from_db()
    assert invitation.cancelled_by == admin
    sam = UserFactory.create(email="sam@example.org")
    refused = _api(sam).post(f"/api/v1/invitations/{invitation.token}/accept/")
    assert refused.status_code == 409
    assert "was cancelled by one of its admins" in refused.json()["detail"]
    link = Client().get(f"/invitations/{invitation.token}/").content.decode()
    assert "was cancelled by one of its admins" in link
    assert not Membership.objects.filter(user=sam).exists()
    # The same address can be invited afresh.
    again = _api(admin).post(
        f"/api/v1/organisations/{invitation.organisation_id}/invitations/",
        {"email": "sam@example.org", "role": "member"},
        format="json",
    )
    assert again.status_code == 201


def test_the_api_sends_again_and_cancels_and_says_when() -> None:
    invitation = InvitationFactory.create(email="sam@example.org")
    admin = admin_of(invitation.organisation)
    before = invitation.expires_at

    sent = _api(admin).post(_url(invitation, "send-again", api=True))
    assert sent.status_code == 200
    assert sent.json()["cancelled_at"] is None
    invitation.refresh_from_db()
    assert invitation.expires_at > before

    cancelled = _api(admin).post(_url(invitation, "cancel", api=True))
    assert cancelled.status_code == 200
    assert cancelled.json()["cancelled_at"] is not None
    assert _api(admin).post(_url(invitation, "cancel", api=True)).status_code == 200  # again
    resent = _api(admin).post(_url(invitation, "send-again", api=True))
    assert resent.status_code == 409
    assert "was cancelled. Invite them again instead." in resent.json()["detail"]
    listed = _api(admin).get(f"/api/v1/organisations/{invitation.organisation_id}/invitations/")
    assert listed.json()["results"] == []


def test_a_used_invitation_cannot_be_sent_again_or_cancelled() -> None:
    sam = UserFactory.create(email="sam@example.org")
    invitation = InvitationFactory.create(email="sam@example.org", accepted_by=sam)
    admin = admin_of(invitation.organisation)

    for action in ("send-again", "cancel"):
        response = _api(admin).post(_url(invitation, action, api=True))
        assert response.status_code == 409
        assert response.json()["detail"] == "sam@example.org has already accepted this invitation."
    invitation.refresh_from_db()
    assert invitation.cancelled_at is None


def test_only_the_organisations_admins_may_and_others_learn_nothing() -> None:
    invitation = InvitationFactory.create(email="sam@example.org")
    member = add_member(invitation.organisation)
    elsewhere = OrganisationFactory.create()
    other_admin = admin_of(elsewhere)
    before = OrganisationInvitation.objects.values().get(pk=invitation.pk)

    assert _api(member).post(_url(invitation, "cancel", api=True)).status_code == 403
    assert _api(other_admin).post(_url(invitation, "cancel", api=True)).status_code == 404
    # Its id under an organisation the caller does administer is still not found.
    wrong_org = f"/api/v1/organisations/{elsewhere.pk}/invitations/{invitation.pk}/cancel/"
    assert _api(other_admin).post(wrong_org).status_code == 404
    assert (
        _api(UserFactory.create()).post(_url(invitation, "send-again", api=True)).status_code == 404
    )
    refused_page = _page_client(member).post(_url(invitation, "cancel"), follow=True)
    assert "Only admins of" in refused_page.content.decode()
    assert OrganisationInvitation.objects.values().get(pk=invitation.pk) == before


def test_signing_up_from_the_emailed_link_fills_in_and_confirms_the_invited_address(
    django_capture_on_commit_callbacks,
) -> None:
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    invitation = InvitationFactory.create(organisation=organisation, email="sam@example.org")
    visitor = Client()

    landing = visitor.get(f"/invitations/{invitation.token}/").content.decode()
    signup_link = (
        f"/accounts/signup/?email=sam%40example.org&amp;next=/invitations/{invitation.token}/"
    )
    assert f'href="{signup_link}"' in landing
    form = visitor.get(signup_link.replace("&amp;", "&")).content.decode()
    assert 'value="sam@example.org"' in form

    with django_capture_on_commit_callbacks(execute=True):
        signed_up = visitor.post(
            signup_link.replace("&amp;", "&"),
            {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD},
        )

    assert signed_up.status_code == 302
    assert signed_up["Location"] == f"/invitations/{invitation.token}/"
    assert EmailAddress.objects.get(email="sam@example.org").verified is True
    assert mail.outbox == []  # no confirmation email: the link already showed the inbox
    joined = visitor.post(f"/invitations/{invitation.token}/", follow=True)
    assert "You have joined Anchor Youth Club" in joined.content.decode()


def test_another_address_typed_at_sign_up_is_not_confirmed_by_the_link() -> None:
    invitation = InvitationFactory.create(email="sam@example.org")
    visitor = Client()
    visitor.get(f"/invitations/{invitation.token}/")

    visitor.post(
        "/accounts/signup/",
        {"email": "someone.else@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    assert EmailAddress.objects.get(email="someone.else@example.org").verified is False
