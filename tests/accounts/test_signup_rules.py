"""Sign-up and sign-in under attack: password rules, enumeration, rate limits and lockouts."""

import pytest
from django.core import mail
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.models import User
from tests.partnerships.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

APP_AUTH = "/_allauth/app/v1/auth"
NEW_PASSWORD = "another-Long-Passphrase-77"


@pytest.fixture
def rate_limits(settings):  # type: ignore[no-untyped-def]
    """allauth's default rate limits (the test settings turn them off), on a clean cache."""
    settings.ACCOUNT_RATE_LIMITS = {}
    cache.clear()
    yield
    cache.clear()


def signup(email: str, password: str = PASSWORD):  # type: ignore[no-untyped-def]
    return APIClient().post(
        f"{APP_AUTH}/signup", {"email": email, "password": password}, format="json"
    )


# --- 1. The API checks a password against the person, as the web form does ------------


def test_the_api_refuses_the_email_address_as_the_password():
    response = signup("sam.okafor@example.org", password="sam.okafor@example.org")

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert [(e["param"], e["code"]) for e in errors] == [("password", "password_too_similar")]
    assert errors[0]["message"] == "The password is too similar to the email address."
    assert User.objects.count() == 0


def test_the_web_form_refuses_the_email_address_as_the_password_too(client):
    response = client.post(
        "/accounts/signup/",
        {
            "email": "sam.okafor@example.org",
            "password1": "sam.okafor@example.org",
            "password2": "sam.okafor@example.org",
        },
    )

    assert response.status_code == 200
    assert "too similar to the email address" in response.content.decode()
    assert User.objects.count() == 0


# --- 2. Sign-up never says whether an address has an account -------------------------


def test_signing_up_with_a_taken_address_says_nothing_and_emails_its_owner():
    owner = UserFactory.create(email="sam@example.org")
    mail.outbox.clear()

    response = signup("Sam@Example.org", password=NEW_PASSWORD)

    assert response.status_code == 401
    body = response.json()
    assert body["meta"]["is_authenticated"] is False
    assert body["data"]["flows"][-1] == {"id": "verify_email", "is_pending": True}
    # The pending flow's token opens nothing.
    token = body["meta"]["session_token"]
    assert APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401
    assert "taken" not in response.content.decode()
    assert "already" not in response.content.decode()
    assert list(User.objects.values_list("pk", flat=True)) == [owner.pk]
    assert owner.check_password(PASSWORD)
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    assert "already" in mail.outbox[0].subject.lower() or "already" in mail.outbox[0].body


def test_a_new_address_still_gets_a_session_token():
    response = signup("new@example.org")

    assert response.status_code == 200
    assert response.json()["meta"]["session_token"]
    assert User.objects.filter(email="new@example.org").count() == 1


def test_under_mandatory_verification_new_and_taken_addresses_get_the_same_answer(settings):
    settings.ACCOUNT_EMAIL_VERIFICATION = "mandatory"
    UserFactory.create(email="sam@example.org")
    mail.outbox.clear()

    taken = signup("sam@example.org", password=NEW_PASSWORD)
    new = signup("new@example.org", password=NEW_PASSWORD)

    def shape(response):  # type: ignore[no-untyped-def]
        body = response.json()
        body["meta"]["session_token"] = bool(body["meta"]["session_token"])
        return response.status_code, body

    assert shape(taken) == shape(new)
    assert taken.status_code == 401
    assert sorted(m.to[0] for m in mail.outbox) == ["new@example.org", "sam@example.org"]


def test_the_web_form_sends_a_taken_address_to_check_its_email(client):
    UserFactory.create(email="sam@example.org")
    mail.outbox.clear()

    response = client.post(
        "/accounts/signup/",
        {"email": "sam@example.org", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )

    assert response.status_code == 302
    assert response["Location"] == "/accounts/confirm-email/"
    assert User.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["sam@example.org"]]
    page = client.get(response["Location"]).content.decode()
    assert "already" not in page


# --- 5 (allauth part). Sign-up and sign-in limits answer 429 with Retry-After ----------


def test_too_many_sign_ups_from_one_address_answer_429_with_retry_after(rate_limits):
    answers = [signup(f"person{n}@example.org").status_code for n in range(21)]

    assert answers == [200] * 20 + [429]
    limited = signup("one-more@example.org")
    assert limited.status_code == 429
    assert 1 <= int(limited["Retry-After"]) <= 60
    assert User.objects.filter(email="one-more@example.org").count() == 0


def test_too_many_sign_in_attempts_answer_429_with_retry_after(rate_limits):
    app = APIClient()
    for _ in range(30):
        app.post(f"{APP_AUTH}/login", {"email": "x@example.org", "password": "x"}, format="json")

    response = app.post(
        f"{APP_AUTH}/login", {"email": "y@example.org", "password": "y"}, format="json"
    )

    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60


# --- 7. A lockout after failed sign-ins is a 429 on the API, explained on the page ------


def test_a_login_lockout_answers_429_with_retry_after_and_no_token(rate_limits):
    UserFactory.create(email="sam@example.org")
    app = APIClient()
    failures = [
        app.post(
            f"{APP_AUTH}/login", {"email": "sam@example.org", "password": "wrong"}, format="json"
        ).status_code
        for _ in range(5)
    ]

    locked = app.post(
        f"{APP_AUTH}/login", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )

    assert failures == [400] * 5
    assert locked.status_code == 429
    assert 250 <= int(locked["Retry-After"]) <= 300
    assert "session_token" not in locked.json().get("meta", {})


def test_a_login_lockout_is_explained_on_the_sign_in_page(client, rate_limits):
    UserFactory.create(email="sam@example.org")
    for _ in range(5):
        client.post("/accounts/login/", {"login": "sam@example.org", "password": "wrong"})

    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})

    page = " ".join(response.content.decode().split())
    assert response.status_code == 200
    assert (
        "Too many failed sign-in attempts with this email address. Wait 5 minutes and try "
        "again, or reset your password." in page
    )
    assert client.get("/dashboard/").status_code == 302
