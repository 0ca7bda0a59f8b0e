"""Challenge conditions in a real browser: a grantee asks to be told before a published
brief challenges it; the learning partner's publish is refused until she sends the
notice; the grantee's admin follows the email's link and acknowledges it; then the brief
is published. Every page on the way is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from evidence.models import InsightBrief, PrePublicationNotice
from tests.browser.helpers import (
    assert_accessible,
    check_page,
    link_in_email,
    sign_in,
    sign_out,
)
from tests.evidence.briefs_scene import brief_scene, drafted, written

pytestmark = pytest.mark.browser

CONDITIONS = "Please talk to us first, in private."
CHALLENGE = "Morning-only advice suits volunteers more than the people who need it."


def test_a_grantee_that_asked_to_be_told_first_is_told_before_the_brief_is_published(
    page: Page,
) -> None:
    scene = brief_scene(title="Advice on the day")
    brief = written(scene, drafted(scene))
    grantee = scene.grantee_party.organisation.name

    # --- The grantee's admin lets the learning partner challenge them, if told first -------
    sign_in(page, scene.grantee_admin.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/consent/")
    page.get_by_role("link", name="See and change permission to challenge").click()
    page.get_by_role("link", name="Give or withdraw permission to challenge").click()
    page.get_by_role("radio", name="Give permission to challenge").check()
    page.get_by_role("checkbox", name=re.compile("^Everything")).check()
    page.get_by_role("checkbox", name=re.compile("^Published brief")).check()
    page.get_by_role("checkbox", name="Tell us before a published brief challenges us").check()
    page.get_by_label("Conditions (optional)").fill(CONDITIONS)
    assert_accessible(page)
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_role("table", name=grantee)).to_contain_text(
        "Tell us before a published brief challenges us."
    )
    sign_out(page)

    # --- The learning partner writes the challenge; the conditions are beside it ----------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/edit/")
    expect(page.locator("#challenges")).to_contain_text(f"{grantee}: “{CONDITIONS}”")
    first = page.locator(".challenge-row").first
    first.get_by_label("Who is challenged").select_option(label=f"{grantee} (grantee)")
    first.get_by_label("About").select_option(label="Its work as a whole")
    first.get_by_label("The challenge").fill(CHALLENGE)
    page.get_by_role("button", name="Save and check before publishing").click()
    check_page(page, heading="Check the brief before you publish it")
    expect(page.get_by_role("main")).to_contain_text(f"{grantee} asked: “{CONDITIONS}”")
    expect(page.get_by_role("main")).to_contain_text("Not told yet")

    # Publishing now is refused: the grantee has not been told.
    page.get_by_role("button", name="Publish brief").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text(
        f"{grantee} asked to be told before a published brief challenges it: send them the "
        "notice first."
    )
    assert_accessible(page)
    page.get_by_role("button", name="Send the notice").click()
    expect(page.get_by_role("status")).to_contain_text(f"The notice is sent to {grantee}.")
    expect(page.get_by_role("main")).to_contain_text("Told; waiting for them to acknowledge it.")
    page.get_by_role("button", name="Publish brief").click()
    expect(page.get_by_role("alert")).to_contain_text(f"{grantee} has not acknowledged")
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFT
    sign_out(page)

    # --- The grantee's admin follows the email and acknowledges the notice -----------------
    sign_in(page, scene.grantee_admin.email)
    page.goto(link_in_email(scene.grantee_admin.email, "/notice/"))
    check_page(page, heading="Before publishing: what the brief says about you")
    expect(page.get_by_role("main")).to_contain_text(f"On your work as a whole: {CHALLENGE}")
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the notice").click()
    expect(page.get_by_role("status")).to_contain_text("the learning partner has been told")
    assert PrePublicationNotice.objects.get(brief=brief).acknowledged_at is not None
    sign_out(page)

    # --- Now the learning partner publishes ------------------------------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/publish/")
    expect(page.get_by_role("main")).to_contain_text("Told, and they acknowledged it.")
    page.get_by_role("button", name="Publish brief").click()
    expect(page.get_by_role("status")).to_contain_text("The brief is published.")
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.PUBLISHED
