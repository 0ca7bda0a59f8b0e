"""Switching to learning *with* in a real browser: the funder proposes, the other parties
agree from their dashboards, and then the funder reads the draft without the evidence a
grantee has not shared with funders.

Every page on the way is checked with axe-core and at a narrow width.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Evidence
from partnerships.models import Partnership
from tests.browser.helpers import assert_accessible, assert_fits_narrow_screen, sign_in, sign_out
from tests.consent.helpers import decide
from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted

pytestmark = pytest.mark.browser

SECRET = "We nearly closed the Tuesday club in September"


def test_every_party_agrees_to_learn_with_and_the_funder_reads_only_what_is_shared(
    page: Page,
) -> None:
    # Given a partnership learning *for* its parties, with a draft brief that cites a
    # quote the grantee shares with nobody but the learning partner
    scene = brief_scene(title="Warm homes, healthy lives", learning_mode="learning_for")
    decide(scene.grantee_party, "share_with_funder", "withdraw")
    add_evidence(scene.grantee_party, kind=Evidence.Kind.QUOTE, body=SECRET)
    brief = drafted(scene)

    # The funder proposes the switch from the partnership's page
    sign_in(page, scene.funder_admin.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/")
    page.get_by_role("link", name="How the partnership learns, and changing it").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("How the partnership learns")
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    page.get_by_label("Why switch? (optional)").fill("So we can make sense of it together.")
    page.get_by_role("button", name="Propose the change").click()
    expect(page.get_by_role("status")).to_contain_text("Every party has been asked to agree")
    expect(page.get_by_role("table", name="Answers so far")).to_contain_text("Not answered yet")
    sign_out(page)

    # Each other party's admin finds it on the dashboard and agrees
    for admin in (scene.grantee_admin, scene.grantee2_admin, scene.lp_admin):
        sign_in(page, admin.email)
        page.goto("/dashboard/")
        waiting = page.get_by_role("region", name="Waiting for you")
        expect(waiting).to_contain_text("proposes switching to learning with")
        waiting.get_by_role("link", name=re.compile(r"^Agree or object")).click()
        expect(
            page.get_by_text("Their reason: “So we can make sense of it together.”")
        ).to_be_visible()
        assert_accessible(page)
        page.get_by_label("Yes, we agree").check()
        page.get_by_role("button", name="Send your answer").click()
        expect(page.get_by_role("status")).to_contain_text(re.compile(r"You agreed|Every party"))
        sign_out(page)
    scene.partnership.refresh_from_db()
    assert scene.partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH

    # The funder now reads the draft, but not the quote the grantee keeps from funders
    sign_in(page, scene.funder_admin.email)
    page.goto(f"/briefs/{brief.pk}/")
    expect(page.get_by_text("You are reading part of this draft")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(SECRET)
    assert_accessible(page)
