"""Comments on a draft brief in a real browser: in a partnership that learns with its
parties, a grantee comments on a section of the draft; the learning partner is told (the
dashboard, her notifications, an email), sees the comment on the publish check and
resolves it there; the grantee is told. Every page on the way is checked with axe-core."""

import re

import pytest
from playwright.sync_api import Page, expect

from evidence.models import BriefComment
from partnerships.models import Partnership
from tests.browser.helpers import (
    assert_accessible,
    check_page,
    emails_to,
    link_in_email,
    sign_in,
    sign_out,
)
from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted, written

pytestmark = pytest.mark.browser

COMMENT = "The Saturday club is missing from this section: could you add what parents said?"


def test_a_grantee_comments_on_a_draft_and_the_learning_partner_resolves_it(page: Page) -> None:
    scene = brief_scene(
        title="Clubs for young people", learning_mode=Partnership.LearningMode.LEARNING_WITH
    )
    add_evidence(scene.grantee_party, title="Evening sessions are full", body="Busy nights.")
    brief = written(scene, drafted(scene))
    heading = brief.sections[1]["heading"]

    # --- A grantee reads the draft and comments on its first question's section -------------
    sign_in(page, scene.grantee_member.email)
    page.goto(f"/briefs/{brief.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Clubs for young people")
    assert_accessible(page)
    section = page.locator("#comments-1")
    expect(section.get_by_role("heading")).to_have_text("Comments on this section")
    expect(page.get_by_role("button", name=re.compile("Mark as resolved"))).to_have_count(0)
    section.get_by_label("Comment on this section").fill(COMMENT)
    section.get_by_role("button", name=f"Add comment on {heading}").click()
    expect(page.get_by_role("status").first).to_contain_text("Your comment is saved.")
    comment = BriefComment.objects.get()
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(COMMENT)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Waiting for an answer")
    assert comment.section == 1
    assert_accessible(page)
    sign_out(page)

    # --- The learning partner is told: the dashboard, her notifications and an email ---------
    sign_in(page, scene.lp_member.email)
    page.goto("/dashboard/")
    waiting = page.get_by_role("list", name="Comments waiting for an answer")
    expect(waiting).to_contain_text("1 comment on the draft brief")
    assert_accessible(page)
    page.goto("/notifications/")
    expect(page.get_by_role("main")).to_contain_text(COMMENT)
    assert_accessible(page)
    page.goto(link_in_email(scene.lp_member.email, f"/briefs/{brief.pk}/"))
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(COMMENT)
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text(
        scene.grantee_party.organisation.name
    )
    assert_accessible(page)

    # --- The publish check lists it; she resolves it there ------------------------------------
    page.get_by_role("link", name="Check and publish").click()
    check_page(page, heading="Check the brief before you publish it")
    open_comments = page.get_by_role("region", name="1 comment is waiting for an answer")
    expect(open_comments).to_contain_text(COMMENT)
    expect(open_comments.get_by_role("link", name=f"“{heading}”")).to_have_attribute(
        "href", f"/briefs/{brief.pk}/#comment-{comment.pk}"
    )
    open_comments.get_by_role("button", name=re.compile("Mark as resolved")).click()
    check_page(page, heading="Check the brief before you publish it")
    expect(page.get_by_role("status").first).to_contain_text("The comment is marked as resolved.")
    expect(page.get_by_role("main")).not_to_contain_text(COMMENT)
    comment.refresh_from_db()
    assert comment.resolved_by_id == scene.lp_member.pk
    page.goto("/dashboard/")
    expect(page.get_by_role("list", name="Comments waiting for an answer")).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # --- The grantee is told, and sees it resolved on the draft ------------------------------
    assert any(
        "is resolved" in message.subject for message in emails_to(scene.grantee_member.email)
    )
    sign_in(page, scene.grantee_member.email)
    page.goto(f"/briefs/{brief.pk}/")
    expect(page.locator(f"#comment-{comment.pk}")).to_contain_text("Resolved by")
    assert_accessible(page)
