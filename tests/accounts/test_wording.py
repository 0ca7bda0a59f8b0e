"""allauth's pages, forms and emails speak LearnHub's words: sentence case, plain words,
the site's name from settings (locale/en_GB/LC_MESSAGES/django.po, templates/account/)."""

import gettext
import re
from pathlib import Path

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.test import Client

from tests.partnerships.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

LOCALE = Path(__file__).resolve().parents[2] / "locale" / "en_GB" / "LC_MESSAGES"
_ENTRY = re.compile(r'^msgid "(.+)"\nmsgstr "(.*)"$', re.M)


def _po() -> dict[str, str]:
    return dict(_ENTRY.findall((LOCALE / "django.po").read_text()))


def _visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_the_committed_catalogue_is_the_compiled_wording() -> None:
    """`make messages` was run after the last edit of django.po."""
    wording = _po()
    with (LOCALE / "django.mo").open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)

    assert len(wording) >= 60
    for original, ours in wording.items():
        assert catalogue.gettext(original) == ours, original
    assert len(catalogue._catalog) - 1 == len(wording)  # type: ignore[attr-defined]  # less the header


PAGES_SIGNED_OUT = [
    "/accounts/login/",
    "/accounts/signup/",
    "/accounts/password/reset/",
    "/accounts/password/reset/done/",
    "/accounts/confirm-email/",
]
PAGES_SIGNED_IN = [
    "/accounts/email/",
    "/accounts/password/change/",
    "/accounts/2fa/",
    "/accounts/2fa/totp/activate/",
    "/accounts/logout/",
    "/accounts/reauthenticate/",
]


def test_no_account_page_shows_the_packages_title_case_words() -> None:
    replaced = set(_po())
    person = UserFactory.create()
    EmailAddress.objects.create(user=person, email=person.email, verified=True, primary=True)
    signed_in = Client()
    signed_in.post("/accounts/login/", {"login": person.email, "password": PASSWORD})
    # allauth asks for the password again before the two-factor pages open.
    signed_in.post("/accounts/reauthenticate/", {"password": PASSWORD})
    shown: dict[str, str] = {}
    for client, urls in ((Client(), PAGES_SIGNED_OUT), (signed_in, PAGES_SIGNED_IN)):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            shown[url] = _visible_text(response.content.decode())

    for url, text in shown.items():
        found = [words for words in replaced if re.search(rf"\b{re.escape(words)}\b", text)]
        assert not found, (url, found)
    assert "Remember me" in shown["/accounts/login/"]
    assert "Send the confirmation email again" in shown["/accounts/email/"]
    assert "Current password" in shown["/accounts/password/change/"]


def test_account_emails_name_the_site_from_settings(settings) -> None:
    settings.LEARNHUB_SITE_NAME = "Riverside Learning"
    settings.LEARNHUB_SITE_URL = "https://learning.riverside.example"

    Client().post(
        "/accounts/signup/",
        {"email": "sam@example.org", "password1": PASSWORD, "password2": PASSWORD},
    )

    (email,) = mail.outbox
    assert email.subject == "Riverside Learning: Please confirm your email address"
    body = str(email.body)
    assert body.startswith("Hello,\n")
    assert "sam@example.org used this email address to create an account on " in body
    assert "learning.riverside.example" in body
    assert "The Riverside Learning team\nhttps://learning.riverside.example" in body
    assert "Hello from" not in body
    assert "testserver!" not in body
    assert "example.com" not in body
