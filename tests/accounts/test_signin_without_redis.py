"""People can sign in while Redis is down: allauth's rate limits live in the cache, and
an unreachable cache is a logged miss (``learnhub.cache``), never a 500."""

import time

import pytest
from django.core.cache import caches
from django.test import Client
from rest_framework.test import APIClient

from learnhub.settings.base import redis_cache
from tests.infra.redis_server import RedisServer, free_port, redis_server  # noqa: F401
from tests.partnerships.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def redis_is_down(settings):  # type: ignore[no-untyped-def]
    """The cache as production configures it, on a Redis that refuses connections, with
    allauth's default rate limits (which the test settings turn off)."""
    del settings.ACCOUNT_RATE_LIMITS
    settings.CACHES = {"default": redis_cache(f"redis://127.0.0.1:{free_port()}/0")}


def test_signing_in_on_the_page_works_while_redis_is_down(redis_is_down):
    user = UserFactory.create(email="sam@example.org")
    client = Client()

    started = time.monotonic()
    response = client.post("/accounts/login/", {"login": "sam@example.org", "password": PASSWORD})

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"
    assert client.session["_auth_user_id"] == str(user.pk)
    assert time.monotonic() - started < 2


@pytest.mark.parametrize("kind", ["app", "browser"])
def test_signing_in_through_the_headless_api_works_while_redis_is_down(redis_is_down, kind):
    UserFactory.create(email="sam@example.org")

    started = time.monotonic()
    response = APIClient().post(
        f"/_allauth/{kind}/v1/auth/login",
        {"email": "sam@example.org", "password": PASSWORD},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["meta"]["is_authenticated"] is True
    assert time.monotonic() - started < 2


def test_a_wrong_password_is_still_refused_while_redis_is_down(redis_is_down):
    UserFactory.create(email="sam@example.org")

    response = APIClient().post(
        "/_allauth/app/v1/auth/login",
        {"email": "sam@example.org", "password": "not-the-password"},
        format="json",
    )

    assert response.status_code == 400


@pytest.mark.needs_redis
def test_the_cache_works_while_redis_answers_and_misses_once_it_stops(
    settings,
    redis_server: RedisServer,  # noqa: F811
):
    redis_server.start()
    settings.CACHES = {"default": redis_cache(redis_server.url)}
    cache = caches["default"]
    cache.set("greeting", "hello", 60)
    assert cache.get("greeting") == "hello"
    assert redis_server.client().exists(":1:greeting") == 1

    redis_server.stop()
    started = time.monotonic()

    assert cache.get("greeting", "missed") == "missed"
    assert cache.add("lock", True) is True
    cache.set("greeting", "again")
    assert time.monotonic() - started < 2
