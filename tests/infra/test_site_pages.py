"""The site's own pages: linked from every page, open to everyone, in the words LearnHub
ships with until an operator rewrites them in the admin."""

import pytest
from django.test import Client

from evidence.synthesis import reading_ease
from learnhub.models import SitePage
from learnhub.site_pages import site_page
from tests.partnerships.factories import UserFactory

pytestmark = pytest.mark.django_db

PAGES = {
    "/help/": "Help",
    "/privacy/": "Privacy notice",
    "/accessibility/": "Accessibility statement",
    "/contact/": "Contact",
}


@pytest.mark.parametrize(("url", "title"), PAGES.items())
def test_each_page_is_open_to_everyone_and_names_itself_first_in_the_title(
    url: str, title: str, settings
) -> None:
    settings.LEARNHUB_SUPPORT_EMAIL = "help@riverside-learning.example"
    response = Client().get(url)

    assert response.status_code == 200
    text = response.content.decode()
    assert f"<title>{title} – LearnHub</title>" in text
    assert f"<h1>{title}</h1>" in text
    assert "help@riverside-learning.example" in text  # every page says where to write
    assert "{support_email}" not in text


def test_every_page_links_to_them_in_its_footer() -> None:
    client = Client()
    client.force_login(UserFactory.create())

    for url in ("/", "/dashboard/", "/accounts/login/", "/no-such-page/"):
        text = client.get(url, follow=True).content.decode()
        footer = text.split('<footer class="site-footer">')[1]
        for link, name in PAGES.items():
            assert f'<a href="{link}">{name}</a>' in footer, (url, name)
        assert 'rel="icon" href="/static/favicon.svg"' in text


def test_an_operator_rewrites_a_page_in_the_admin_and_everyone_sees_it_at_once() -> None:
    operator = UserFactory.create(is_staff=True, is_superuser=True)
    admin = Client()
    admin.force_login(operator)

    form = admin.get("/admin/learnhub/sitepage/add/?slug=privacy").content.decode()
    assert "Who we are" in form  # the new page starts from the words LearnHub ships with

    response = admin.post(
        "/admin/learnhub/sitepage/add/",
        {
            "slug": "privacy",
            "title": "How Riverside Trust uses your data",
            "body": "## Who we are\nRiverside Trust runs this site.\n\nSee https://riverside.example/data",
        },
    )
    assert response.status_code == 302
    assert SitePage.objects.get(slug="privacy").title == "How Riverside Trust uses your data"

    text = Client().get("/privacy/").content.decode()
    assert "<h1>How Riverside Trust uses your data</h1>" in text
    assert "<h2>Who we are</h2>" in text
    assert "<p>Riverside Trust runs this site.</p>" in text
    assert '<a href="https://riverside.example/data"' in text
    assert "Privacy notice – " not in text


def test_the_site_name_comes_from_settings(settings) -> None:
    settings.LEARNHUB_SITE_NAME = "Riverside Learning"

    text = Client().get("/help/").content.decode()

    assert "<title>Help – Riverside Learning</title>" in text
    assert ">Riverside Learning</a>" in text  # the header
    assert "LearnHub" not in text.split("<main")[1].split("</main>")[0]


@pytest.mark.parametrize("slug", list(SitePage.Slug.values))
def test_the_words_we_ship_are_plain_english(slug: str) -> None:
    page = site_page(slug)
    text = " ".join(block.text for block in page.blocks if not block.heading)

    score = reading_ease(text)
    assert score is not None
    assert score >= 60, (slug, score)
