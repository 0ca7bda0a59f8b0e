"""A visitor finds help, privacy, accessibility and contact from any page's footer, and a
person following a link they may not open gets a page that says what to do next."""

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    sign_in,
)
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

FOOTER_PAGES = ["Help", "Privacy notice", "Accessibility statement", "Contact"]


def test_a_visitor_reaches_every_footer_page_from_the_home_page(page: Page) -> None:
    for name in FOOTER_PAGES:
        page.goto("/")
        page.get_by_role("contentinfo").get_by_role("link", name=name, exact=True).click()
        check_page(page, heading=name)
        expect(page).to_have_title(f"{name} – LearnHub")
        expect(
            page.get_by_role("main").get_by_role("link", name=re.compile("@"))
        ).not_to_have_count(0)
        assert_fits_narrow_screen(page)

    icon = page.locator('link[rel="icon"]')
    response = page.request.get(str(icon.get_attribute("href")))
    assert response.status == 200
    assert "<svg" in response.text()


def test_a_person_outside_a_partnership_following_its_link_is_told_what_to_do(
    page: Page,
) -> None:
    scene = build_partnership_scene(title="Riverside food security")

    sign_in(page, scene.outsider.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/")

    check_page(page, heading="Page not found")
    expect(page).to_have_title("Page not found – LearnHub")
    expect(page.get_by_text("Riverside food security")).to_have_count(0)
    expect(
        page.get_by_text("Ask the person who sent you the link to invite your organisation")
    ).to_be_visible()
    assert_fits_narrow_screen(page)
    page.get_by_role("link", name="Go to your dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("dashboard", re.I))
    assert_accessible(page)


def test_a_visitor_on_a_missing_page_is_offered_sign_in(page: Page) -> None:
    page.goto("/partnerships-old/123/")

    check_page(page, heading="Page not found")
    page.get_by_role("main").get_by_role("link", name="sign in").click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
