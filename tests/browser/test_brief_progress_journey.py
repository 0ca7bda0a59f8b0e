"""Long work shows that it is happening, in a real browser.

A learning partner asks for a brief: its page says, in a status region, that the draft is
being written and that the page will update by itself; when the drafting task finishes
the page shows the brief without being reloaded (htmx asks for the content every 3 s).
Without JavaScript a plain "Refresh this page" link does the same job. A PDF download says
"Preparing your PDF…" (the link is aria-busy) until the file starts to arrive.

axe-core finds no violation at all, at 1280 px and at 390 px.
"""

import pytest
from playwright.sync_api import Browser, Page, expect

from evidence.models import InsightBrief
from evidence.services.briefs import brief_draft, brief_request
from learnhub.celery import app as celery_app
from tests.browser.helpers import assert_fits_narrow_screen, axe_violations, sign_in
from tests.evidence.briefs_scene import OCTOBER, add_evidence, brief_scene, drafted

pytestmark = pytest.mark.browser

QUOTE = "The youth club is the only warm place on a Tuesday night."
WRITING = "We are writing the draft from the evidence. This usually takes under a minute."


# Notes each change of the PDF link's aria-busy and of the download status region.
RECORD_STATES = """() => {
  const link = [...document.querySelectorAll("a[data-busy-text]")]
    .find(a => a.textContent.trim() === "PDF");
  const region = document.querySelector("[data-download-status]");
  window.seenStates = [];
  const note = () => window.seenStates.push({
    busy: link.getAttribute("aria-busy"),
    text: region.textContent,
    visible: region.getBoundingClientRect().height > 0,
  });
  const observer = new MutationObserver(note);
  observer.observe(link, {attributes: true});
  observer.observe(region, {childList: true, characterData: true, subtree: true});
}"""


def assert_no_axe_violations(page: Page) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        found = [f"{v['id']}: {v['help']}" for v in axe_violations(page)]
        assert found == [], f"at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def queued(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drafting waits for a worker, as in production, instead of running at once."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)


def test_a_brief_being_drafted_shows_itself_when_ready_without_a_reload(
    page: Page, queued: None
) -> None:
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    sign_in(page, scene.lp_member.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/briefs/")
    page.get_by_label("First day of the period").fill("2026-10-01")
    page.get_by_label("Last day of the period").fill("2026-10-31")
    page.get_by_role("button", name="Draft a brief for this period").click()

    # The page says what is happening, once, in a live status region.
    progress = page.locator("#brief-progress")
    expect(progress).to_have_attribute("role", "status")
    expect(progress).to_have_attribute("aria-live", "polite")
    expect(progress).to_contain_text(WRITING)
    expect(progress).to_contain_text("This page will update by itself when the draft is ready.")
    expect(page.get_by_text("under a minute")).to_have_count(1)
    expect(page.get_by_text("Check again")).to_have_count(0)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Being drafted")
    expect(main).not_to_contain_text(QUOTE)
    assert_no_axe_violations(page)
    assert_fits_narrow_screen(page)
    brief = InsightBrief.objects.get()
    assert brief.status == InsightBrief.Status.DRAFTING
    url = page.url
    page.evaluate("window.notReloaded = true")

    # The worker drafts it; the page shows it by itself.
    brief_draft(brief_id=brief.pk)

    news = page.locator("#brief-news")
    expect(news).to_contain_text("The draft is ready. It is shown below.")
    expect(news).to_have_attribute("aria-live", "polite")  # the region was kept, not replaced
    expect(main).to_contain_text(QUOTE)
    expect(page.get_by_role("link", name="Edit the brief")).to_be_visible()
    expect(progress).to_have_count(0)
    expect(main).not_to_contain_text("Being drafted")
    assert page.url == url
    assert page.evaluate("window.notReloaded === true")  # no navigation happened
    assert_no_axe_violations(page)
    assert_fits_narrow_screen(page)

    # It stops asking: no more requests for the page in the next few seconds.
    asked: list[str] = []
    page.on("request", lambda request: asked.append(request.url))
    page.wait_for_timeout(4_000)
    assert [u for u in asked if u.endswith(f"/briefs/{brief.pk}/")] == []


def test_without_javascript_a_refresh_link_shows_the_brief_once_drafted(
    browser: Browser, live_server, queued: None
) -> None:
    scene = brief_scene()
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    brief, _ = brief_request(
        partnership=scene.partnership,
        period_start=OCTOBER[0],
        period_end=OCTOBER[1],
        by=scene.lp_member,
    )
    context = browser.new_context(
        base_url=live_server.url, locale="en-GB", java_script_enabled=False
    )
    page = context.new_page()
    try:
        sign_in(page, scene.lp_member.email)
        page.goto(f"/briefs/{brief.pk}/")
        expect(page.locator("#brief-progress")).to_contain_text(WRITING)
        expect(page.get_by_role("main")).not_to_contain_text(QUOTE)

        brief_draft(brief_id=brief.pk)
        page.wait_for_timeout(3_500)  # nothing updates by itself without JavaScript
        expect(page.get_by_role("main")).not_to_contain_text(QUOTE)
        page.get_by_role("link", name="Refresh this page").click()

        expect(page.get_by_role("main")).to_contain_text(QUOTE)
        expect(page.get_by_role("link", name="Refresh this page")).to_have_count(0)
        expect(page.get_by_role("link", name="Edit the brief")).to_be_visible()
    finally:
        context.close()


def test_the_pdf_link_says_it_is_preparing_the_file_until_it_downloads(page: Page) -> None:
    scene = brief_scene(title="Warm spaces for young people")
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    brief = drafted(scene)
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/")
    downloads = page.get_by_role("navigation", name="Download this brief")
    pdf = downloads.get_by_role("link", name="PDF", exact=True)
    status = downloads.locator("[data-download-status]")
    expect(status).to_have_attribute("aria-live", "polite")
    expect(status).to_be_empty()
    expect(pdf).not_to_have_attribute("aria-busy", "true")

    # Record every state the link and the region go through, however fast the PDF is.
    page.evaluate(RECORD_STATES)

    with page.expect_download() as download:
        pdf.click()

    assert download.value.suggested_filename.endswith(".pdf")
    seen = page.evaluate("window.seenStates")
    # While the PDF was prepared the link was busy and the region said so, visibly.
    assert {"busy": "true", "text": "Preparing your PDF…", "visible": True} in seen
    # Once the file arrives the link is itself again and the region says so.
    expect(pdf).not_to_have_attribute("aria-busy", "true")
    expect(status).to_have_text("Your PDF has started downloading.")
    assert "lh_download_pending" not in {c["name"] for c in page.context.cookies()}
    assert_no_axe_violations(page)

    # A second download works the same way.
    with page.expect_download() as again:
        downloads.get_by_role("link", name="Markdown").click()
    assert again.value.suggested_filename.endswith(".md")
    expect(status).to_have_text("Your Markdown has started downloading.")
