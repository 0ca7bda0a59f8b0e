"""A visitor finds help, privacy, accessibility and contact from any page's footer, and a
person following a link they may not open gets a page that says what to do next."""

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    sign_in,
)
from tests.partnerships.factories import PASSWORD, build_partnership_scene

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


def test_on_a_phone_without_javascript_the_menus_open_and_lead_on(
    page: Page, live_server: Any
) -> None:
    scene = build_partnership_scene(title="Riverside food security")
    browser = page.context.browser
    assert browser is not None
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    context.set_default_timeout(15_000)
    # No script of ours loads (Chromium's own switch for JavaScript stalls Playwright's
    # driver): the menus must open as plain HTML.
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Email", exact=False).first.fill(scene.grantee_admin.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name=re.compile(r"^Sign in$", re.I)).click()

        # The header's links fold into one menu button, on one line with the site's name
        header = page.get_by_role("banner")
        expect(header.get_by_role("link", name="Partnerships")).to_be_hidden()
        menu = header.get_by_text("Menu", exact=True)
        assert (header.bounding_box() or {"height": 999})["height"] < 100
        menu.click()
        header.get_by_role("link", name="Partnerships").click()
        page.get_by_role("link", name="Riverside food security").click()

        # The partnership's nine sections fold into a menu named after the current one
        sections = page.get_by_role("navigation", name="Sections of this partnership")
        expect(sections.get_by_text("Sections: Overview")).to_be_visible()
        expect(sections.get_by_role("link", name="Consent")).to_be_hidden()
        sections.get_by_text("Sections: Overview").click()
        sections.get_by_role("link", name="Consent").click()
        expect(page).to_have_url(re.compile(r"/consent/$"))
        expect(sections.get_by_text("Sections: Consent")).to_be_visible()
        assert_fits_narrow_screen(page)
        assert page.evaluate("typeof window.htmx") == "undefined"  # no script ran
        assert_accessible(page)
    finally:
        context.close()
