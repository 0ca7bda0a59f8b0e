"""Form friction in a real browser: the brief's words are checked as the learning partner
types (a hint appears under the box without saving, and goes once the words are plain;
with scripts blocked, saving checks them as before), and an after action review with
several mistakes shows every one of them at once.

Every page on the way is checked with axe-core.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Evidence, InsightBrief
from tests.browser.helpers import assert_accessible, assert_error_summary, sign_in
from tests.evidence.briefs_scene import brief_scene, drafted
from tests.evidence.items_helpers import build_evidence_scene

pytestmark = pytest.mark.browser

JARGON = "Going forward we will leverage the youth club."
PLAIN = "From now on we will use the youth club."


def test_a_hint_appears_as_the_learning_partner_types_and_goes_once_the_words_are_plain(
    page: Page,
) -> None:
    scene = brief_scene(title="Warm spaces")
    brief = drafted(scene)
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/edit/")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^Edit the brief"))
    assert_accessible(page)

    so_what = page.get_by_label("So what?")
    hints = page.locator("#id_so_what_plain")
    expect(hints).to_be_hidden()
    so_what.fill("")
    so_what.press_sequentially(JARGON)
    expect(hints).to_contain_text("Instead of “leverage”, try “use”.")
    expect(hints).to_contain_text("Instead of “going forward”, try “from now on”.")
    expect(hints).to_have_attribute("aria-live", "polite")
    assert_accessible(page)
    # Nothing was saved: the hint came from the check alone.
    assert InsightBrief.objects.get(pk=brief.pk).so_what == ""

    so_what.fill(PLAIN)
    so_what.press("End")
    so_what.press_sequentially(" ")
    expect(hints).to_be_hidden()
    expect(hints).not_to_contain_text("leverage")

    # A challenge's box is checked too, with its own region.
    challenge = page.locator("#id_challenge-0-text")
    challenge.press_sequentially("We want to see the KPI improve.")
    expect(page.locator("#id_challenge-0-text_plain")).to_contain_text(
        "Spell out “KPI” the first time you use it."
    )
    expect(hints).to_be_hidden()


def test_without_scripts_saving_checks_the_words(page: Page) -> None:
    scene = brief_scene(title="Warm spaces")
    brief = drafted(scene)
    page.context.route("**/*.js", lambda route: route.abort())
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/edit/")

    page.get_by_label("So what?").fill(JARGON)
    page.wait_for_timeout(1_000)
    expect(page.locator("#id_so_what_plain")).to_be_hidden()
    page.get_by_role("button", name="Save the brief").click()

    expect(page.get_by_role("status")).to_contain_text("Your changes to the brief are saved.")
    report = page.get_by_role("region", name="Plain-language check")
    expect(report).to_contain_text("“leverage”: try “use”")
    assert_accessible(page)


def test_an_after_action_review_with_several_mistakes_shows_them_all_at_once(
    page: Page,
) -> None:
    scene = build_evidence_scene()
    sign_in(page, scene.grantee_member.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/evidence/add/?kind=after_action_review")
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an after action review")
    date = page.get_by_label("When did you hold the review?")
    expect(page.get_by_text("The day you looked back at the work together")).to_be_visible()
    expect(page.get_by_text("measured")).to_have_count(0)
    expect(page.get_by_label("The number")).to_have_count(0)
    assert_accessible(page)

    date.fill("")
    page.get_by_role("button", name="Add this evidence").click()

    summary = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="There is a problem")
    )
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Give it a short title, so people can find it in a list.",
            "Answer at least one of the questions.",
            "Enter the day you held the review.",
            "Say whether it shows something working, not working, mixed or unclear.",
        ]
    )
    assert_error_summary(
        page,
        {
            "Title": "Give it a short title",
            "What did we plan to happen?": "Answer at least one of the questions.",
            "When did you hold the review?": "Enter the day you held the review.",
        },
    )
    assert not Evidence.objects.exists()

    # Fixing them all at once is enough: nothing new appears on the second try.
    page.get_by_label("Title").fill("Winter drop-in sessions")
    page.get_by_label("What actually happened?").fill("Eighteen families came.")
    date.fill("2025-02-01")
    page.get_by_role("radio", name=re.compile("^Not working")).check()
    page.get_by_role("button", name="Add this evidence").click()
    expect(page.get_by_role("status")).to_contain_text("You added “Winter drop-in sessions”.")
    expect(page.get_by_role("main")).to_contain_text("Review held on")
    assert_accessible(page)
