"""Errors no view handled are LearnHub pages that say what happened and what to do next
(JSON under /api/), with DEBUG off as in production (the test settings)."""

import pytest
from django.conf import settings
from django.test import Client

from partnerships.models import Partnership
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.infra.error_urls"


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def test_debug_is_off_as_in_production() -> None:
    assert settings.DEBUG is False


def test_a_signed_in_outsider_following_a_link_gets_a_page_that_says_what_to_do() -> None:
    scene = build_partnership_scene()
    client = Client()
    client.force_login(scene.outsider)

    response = client.get(f"/partnerships/{scene.partnership.pk}/")

    assert response.status_code == 404
    text = _text(response)
    assert "<h1>Page not found</h1>" in text
    assert "Ask the person who sent you the link to invite your organisation" in text
    assert '<a href="/dashboard/">Go to your dashboard</a>' in text
    assert scene.partnership.title not in text  # nothing of the partnership shows
    assert settings.LEARNHUB_SUPPORT_EMAIL in text


def test_a_signed_out_visitor_on_a_missing_page_is_offered_sign_in() -> None:
    response = Client().get("/no-such-page/")

    assert response.status_code == 404
    text = _text(response)
    assert "<h1>Page not found</h1>" in text
    assert "/accounts/login/" in text
    assert "URLconf" not in text
    assert "urlpatterns" not in text


def test_under_the_api_errors_stay_json() -> None:
    response = Client().get("/api/v1/no-such-thing/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("url", "status", "heading", "advice"),
    [
        ("/failing/refused/", 403, "You cannot do this", "Ask an admin of your organisation"),
        ("/failing/suspicious/", 400, "Something in the request was wrong", "Go back, reload"),
        ("/failing/broken/", 500, "Sorry, something went wrong on our side", "try again"),
    ],
)
def test_each_error_is_a_page_saying_what_to_do_next(
    url: str, status: int, heading: str, advice: str
) -> None:
    response = Client(raise_request_exception=False).get(url)

    assert response.status_code == status
    text = _text(response)
    assert f"<h1>{heading}</h1>" in text
    assert advice in text
    for leaked in ("Traceback", "a bug", "tampered"):
        assert leaked not in text


@pytest.mark.urls(ERROR_URLS)
def test_the_server_error_page_gives_a_reference_that_is_in_the_log(caplog) -> None:  # type: ignore[no-untyped-def]
    response = Client(raise_request_exception=False).get("/failing/broken/")

    reference = _text(response).split("give the reference <strong>")[1].split("</strong>")[0]
    assert len(reference) == 8
    assert any(reference in record.getMessage() for record in caplog.records)


@pytest.mark.urls(ERROR_URLS)
def test_a_server_error_under_the_api_is_json() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/failing/broken/")

    assert response.status_code == 500
    assert response.json() == {
        "detail": "Something went wrong on our side. Nothing was changed; try again later."
    }


def test_an_unknown_host_gets_the_bad_request_page() -> None:
    response = Client().get("/", HTTP_HOST="not-ours.example")

    assert response.status_code == 400
    assert "<h1>Something in the request was wrong</h1>" in _text(response)


def test_a_form_sent_without_its_token_saves_nothing_and_says_how_to_send_it_again() -> None:
    scene = build_partnership_scene()
    client = Client(enforce_csrf_checks=True)
    client.force_login(scene.funder_admin)
    before = Partnership.objects.count()

    response = client.post("/partnerships/start/", {"title": "Sent without a token"})

    assert response.status_code == 403
    text = _text(response)
    assert "<h1>Your form could not be sent</h1>" in text
    assert "Nothing was saved" in text
    assert "reload the page" in text
    assert Partnership.objects.count() == before
