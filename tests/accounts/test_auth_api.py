"""Signing up, in and out as an app does: allauth headless ("app" client) + X-Session-Token."""

import pytest
from rest_framework.test import APIClient

from accounts.models import User
from tests.partnerships.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

APP_AUTH = "/_allauth/app/v1/auth"


def test_signing_up_returns_a_session_token_that_opens_the_api(api_client):
    response = api_client.post(
        f"{APP_AUTH}/signup",
        {"email": "Sam@Example.org", "password": PASSWORD, "name": "Sam Okafor"},
        format="json",
    )

    assert response.status_code == 200
    body = response.json()
    token = body["meta"]["session_token"]
    assert body["meta"]["is_authenticated"] is True
    user = User.objects.get()
    assert (user.email, user.name) == ("sam@example.org", "Sam Okafor")

    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)

    assert me.status_code == 200
    assert me.json() == {
        "id": user.pk,
        "email": "sam@example.org",
        "name": "Sam Okafor",
        "memberships": [],
    }


def test_signing_up_needs_only_an_email_and_password(api_client):
    response = api_client.post(
        f"{APP_AUTH}/signup", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    assert response.json()["meta"]["session_token"]
    assert User.objects.get().name == ""


def test_a_weak_password_is_refused_and_no_account_is_made(api_client):
    response = api_client.post(
        f"{APP_AUTH}/signup", {"email": "sam@example.org", "password": "password"}, format="json"
    )

    assert response.status_code == 400
    assert {error["param"] for error in response.json()["errors"]} == {"password"}
    assert User.objects.count() == 0


def test_logging_in_returns_a_token_for_the_api():
    user = UserFactory.create(email="sam@example.org")
    organisation = OrganisationFactory.create(name="Anchor Youth Club", admin=user)

    response = APIClient().post(
        f"{APP_AUTH}/login", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )

    assert response.status_code == 200
    token = response.json()["meta"]["session_token"]
    me = APIClient().get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token)
    assert me.json()["memberships"] == [
        {
            "organisation": {"id": organisation.pk, "name": "Anchor Youth Club", "kind": "grantee"},
            "role": "admin",
        }
    ]


def test_a_wrong_password_gives_no_token():
    UserFactory.create(email="sam@example.org")

    response = APIClient().post(
        f"{APP_AUTH}/login", {"email": "sam@example.org", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "session_token" not in response.json().get("meta", {})


def test_logging_out_ends_the_token():
    UserFactory.create(email="sam@example.org")
    login = APIClient().post(
        f"{APP_AUTH}/login", {"email": "sam@example.org", "password": PASSWORD}, format="json"
    )
    token = login.json()["meta"]["session_token"]
    app = APIClient()

    logout = app.delete(f"{APP_AUTH}/session", HTTP_X_SESSION_TOKEN=token)

    assert logout.status_code == 401  # allauth: "you are now signed out"
    assert app.get("/api/v1/me/", HTTP_X_SESSION_TOKEN=token).status_code == 401


def test_the_api_answers_401_without_credentials(api_client):
    response = api_client.get("/api/v1/me/")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_made_up_token_is_refused(api_client):
    response = api_client.get("/api/v1/me/", HTTP_X_SESSION_TOKEN="not-a-real-token")

    assert response.status_code == 401


def test_phone_numbers_are_not_used_and_adding_one_is_a_clear_400(api_client):
    user = UserFactory.create()
    api_client.force_login(user)

    listed = api_client.get("/_allauth/browser/v1/account/phone")
    added = api_client.post(
        "/_allauth/browser/v1/account/phone", {"phone": "+447700900123"}, format="json"
    )

    assert (listed.status_code, listed.json()["data"]) == (200, [])
    assert added.status_code == 400
    assert "does not use phone numbers" in str(added.json()["errors"])
