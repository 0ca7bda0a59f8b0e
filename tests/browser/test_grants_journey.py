"""Similar work from 360Giving data, in a real browser.

A funder's admin imports the demo's sample CSV, watches the import's page update itself
until it is done (htmx asks every 2 s), searches the grants, and opens a partnership's
"Similar work", which names what each grant shares with the partnership. Without
JavaScript a "Refresh this page" link does the updating. axe-core finds no violation on
any page, at 1280 px and 320 px.
"""

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from demo.sample_grants import SAMPLE_CSV
from grants.models import GrantImport
from grants.services import grant_import_run
from learnhub.celery import app as celery_app
from tests.browser.helpers import assert_fits_narrow_screen, axe_violations, sign_in
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

DESCRIPTION = "Respite and time out for young carers in Leeds."


def assert_no_axe_violations(page: Page) -> None:
    for width, height in ((1280, 900), (320, 720)):
        page.set_viewport_size({"width": width, "height": height})
        found = [f"{v['id']}: {v['help']}" for v in axe_violations(page)]
        assert found == [], f"{page.url} at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})
    assert_fits_narrow_screen(page)


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> None:
    """The import waits for a worker, as in production, instead of running at once."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


def test_a_funder_admin_imports_searches_and_sees_similar_work(page: Page, queued: None) -> None:
    scene = build_partnership_scene(description=DESCRIPTION)
    sign_in(page, scene.funder_admin.email)

    page.get_by_role("navigation").get_by_role("link", name="Grants data").first.click()
    expect(page).to_have_title("Search grants data – LearnHub")
    page.get_by_role("link", name="Import a 360Giving file").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Import grants data")
    assert_no_axe_violations(page)
    page.get_by_label("Your 360Giving file").set_input_files(Path(SAMPLE_CSV))
    page.get_by_role("button", name="Upload and import").click()

    progress = page.locator("#import-progress")
    expect(progress).to_have_attribute("role", "status")
    expect(progress).to_contain_text("Waiting to start")
    expect(progress).to_contain_text("This page will update by itself.")
    assert_no_axe_violations(page)
    page.evaluate("window.notReloaded = true")

    grant_import_run(import_id=GrantImport.objects.get().pk)  # the worker

    expect(progress).to_contain_text("Done. 50 of 50 grants imported.")
    assert page.evaluate("window.notReloaded === true")
    assert_no_axe_violations(page)

    page.get_by_role("link", name="Search grants data").last.click()
    page.get_by_label("Search grants").fill("young carers")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("10 grants found.")).to_be_visible()
    results = page.get_by_role("list").filter(has=page.get_by_role("heading", level=3))
    expect(results.get_by_role("heading", level=3).first).to_contain_text("young carers")
    expect(results.get_by_text("Shares: young carers").first).to_be_visible()
    assert_no_axe_violations(page)

    page.goto(f"/partnerships/{scene.partnership.pk}/")
    page.get_by_role("link", name="Similar work").first.click()
    expect(page.get_by_role("heading", level=2, name="Similar work")).to_be_visible()
    first = page.locator(".grant").first
    expect(first.get_by_role("heading", level=3)).to_have_text(
        "Respite breaks for young carers in Leeds"
    )
    expect(first).to_contain_text("Leeds Young Carers Network")
    expect(first).to_contain_text("£5,000")
    expect(first).to_contain_text("Shares: young carers, Respite, Leeds")
    assert_no_axe_violations(page)


def test_without_javascript_a_refresh_link_shows_the_import_done(
    browser: Browser, live_server, queued: None
) -> None:
    scene = build_partnership_scene(description=DESCRIPTION)
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    context.route("**/*.js", lambda route: route.abort())
    page = context.new_page()
    try:
        sign_in(page, scene.funder_admin.email)
        page.goto("/grants/imports/new/")
        page.get_by_label("Your 360Giving file").set_input_files(Path(SAMPLE_CSV))
        page.get_by_role("button", name="Upload and import").click()
        progress = page.locator("#import-progress")
        expect(progress).to_contain_text("Waiting to start")

        grant_import_run(import_id=GrantImport.objects.get().pk)
        page.wait_for_timeout(2_500)  # nothing updates by itself without JavaScript
        expect(progress).to_contain_text("Waiting to start")
        page.get_by_role("link", name="Refresh this page").click()

        expect(progress).to_contain_text("Done. 50 of 50 grants imported.")
    finally:
        context.close()
