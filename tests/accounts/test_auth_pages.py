"""Signing up, in and out, resetting a password and two-factor authentication on the web."""

import re

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core import mail
from django.test import Client
from django.utils import timezone

from accounts.models import User
from tests.partnerships.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-Long-Passphrase-77"


def text_of(response) -> str:  # type: ignore[no-untyped-def]
    return " ".join(response.content.decode().split())


def totp_code(secret: str) -> str:
    """What an authenticator app shows now for ``secret``."""
    return format_hotp_value(hotp_value(secret, int(timezone.now().timestamp()) // 30))


def sign_in(client: Client, email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_the_sign_up_page_looks_like_learnhub_and_labels_every_field(client):
    page = text_of(client.get("/accounts/signup/"))

    assert '<a class="skip-link" href="#main-content">' in page
    for field_id, label in [
        ("id_name", "Your full name (optional)"),
        ("id_email", "Email"),
        ("id_password1", "Password"),
        ("id_password2", "Password (again)"),
    ]:
        assert f'<label class="label" for="{field_id}">{label}</label>' in page
    assert page.index('for="id_name"') < page.index('for="id_email"')
    assert 'class="button"' in page


def test_signing_up_keeps_my_name_and_signs_me_in(client):
    response = client.post(
        "/accounts/signup/",
        {
            "name": "  Sam   Okafor ",
            "email": "sam@example.org",
            "password1": PASSWORD,
            "password2": PASSWORD,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    user = User.objects.get()
    assert (user.email, user.name) == ("sam@example.org", "Sam Okafor")
    assert client.get("/dashboard/").status_code == 200


def test_sign_up_problems_are_summarised_and_link_to_the_fields(client):
    UserFactory.create(email="sam@example.org")

    response = client.post(
        "/accounts/signup/",
        {"email": "not an email", "password1": PASSWORD, "password2": "different"},
    )

    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert '<a href="#id_email">' in page
    assert '<a href="#id_password2">' in page
    assert User.objects.count() == 1


def test_signing_in_and_out(client):
    UserFactory.create(email="sam@example.org")

    signed_in = sign_in(client, "sam@example.org")
    assert signed_in.status_code == 302
    assert signed_in["Location"] == "/dashboard/"
    assert client.get("/dashboard/").status_code == 200

    signed_out = client.post("/accounts/logout/")
    assert signed_out.status_code == 302
    assert client.get("/dashboard/").status_code == 302


def test_a_wrong_password_is_explained_on_the_sign_in_page(client):
    UserFactory.create(email="sam@example.org")

    response = sign_in(client, "sam@example.org", "wrong")

    page = text_of(response)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "not correct" in page
    assert '<label class="label" for="id_login">Email</label>' in page
    assert client.get("/dashboard/").status_code == 302


def test_a_password_reset_email_arrives_and_its_link_sets_a_new_password(client):
    user = UserFactory.create(email="sam@example.org")

    requested = client.post("/accounts/password/reset/", {"email": "sam@example.org"})
    assert requested.status_code == 302

    [email] = mail.outbox
    assert email.to == ["sam@example.org"]
    link = re.search(r"http://testserver(/accounts/password/reset/key/\S+/)", str(email.body))
    assert link is not None
    form_page = client.get(link.group(1), follow=True)
    assert "Change password" in text_of(form_page)
    changed = client.post(
        form_page.redirect_chain[-1][0] if form_page.redirect_chain else link.group(1),
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert changed.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert sign_in(Client(), "sam@example.org", NEW_PASSWORD)["Location"] == "/dashboard/"


def test_turning_on_two_factor_authentication_then_signing_in_needs_a_code(client, settings):
    settings.MFA_TOTP_TOLERANCE = 1  # a code computed just before a 30-second boundary
    user = UserFactory.create(email="sam@example.org")
    sign_in(client, "sam@example.org")

    overview = text_of(client.get("/accounts/2fa/"))
    assert "Two-factor authentication" in overview
    # allauth asks for the password again before changing how the account is protected.
    confirm = client.get("/accounts/2fa/totp/activate/")
    assert confirm["Location"].startswith("/accounts/reauthenticate/")
    assert '<label class="label" for="id_password">' in text_of(client.get(confirm["Location"]))
    confirmed = client.post(confirm["Location"], {"password": PASSWORD})
    assert confirmed["Location"] == "/accounts/2fa/totp/activate/"
    page = text_of(client.get("/accounts/2fa/totp/activate/"))
    secret = re.search(r'id="authenticator_secret" value="([A-Z2-7=]+)"', page)
    assert secret is not None
    assert '<img class="qr-code"' in page
    assert '<label class="label" for="id_code">Authenticator code</label>' in page

    wrong = client.post("/accounts/2fa/totp/activate/", {"code": "000000"})
    assert "There is a problem" in text_of(wrong)
    assert not Authenticator.objects.filter(user=user, type="totp").exists()

    activated = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret.group(1))})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()

    client.post("/accounts/logout/")
    second = Client()
    first_step = sign_in(second, "sam@example.org")
    assert first_step.status_code == 302
    assert first_step["Location"] == "/accounts/2fa/authenticate/"
    assert second.get("/dashboard/").status_code == 302  # not signed in yet

    refused = second.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert "There is a problem" in text_of(refused)
    assert second.get("/dashboard/").status_code == 302

    done = second.post("/accounts/2fa/authenticate/", {"code": totp_code(secret.group(1))})
    assert done.status_code == 302
    assert done["Location"] == "/dashboard/"
    assert second.get("/dashboard/").status_code == 200


def test_account_pages_share_a_menu(client):
    UserFactory.create(email="sam@example.org")
    sign_in(client, "sam@example.org")

    page = text_of(client.get("/accounts/email/"))

    assert '<nav aria-label="Your account">' in page
    assert '<a href="/accounts/email/" aria-current="page">Email addresses</a>' in page
    assert '<a href="/accounts/2fa/">Two-factor authentication</a>' in page
