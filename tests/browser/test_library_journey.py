"""The library of published learning in a real browser: a grantee finds a published brief
by a word in it, among the briefs of all her partnerships, and opens it; a funder admin
opens the questions across her partnerships and follows a group's brief. Every page is
checked with axe-core, and the library at 320 px."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from evidence.services.briefs import brief_publish
from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    sign_in,
    sign_out,
)
from tests.consent.helpers import agreed_question
from tests.evidence.briefs_scene import SEPTEMBER, add_evidence, brief_scene, drafted, written
from tests.partnerships.factories import PartnershipFactory, add_party

pytestmark = pytest.mark.browser


def test_a_person_searches_the_library_and_a_funder_sees_recurring_questions(
    page: Page, live_server: Any
) -> None:
    scene = brief_scene(title="Back to school in Eastside")
    add_evidence(
        scene.grantee_party,
        kind="quote",
        body="The breakfast club got my daughter to school on time.",
        valence="working",
        questions=[scene.q1],
    )
    october = brief_publish(brief=written(scene, drafted(scene)), by=scene.lp_member)
    add_evidence(
        scene.grantee_party,
        kind="quote",
        body="Homework help made the evenings calmer.",
        occurred_on=SEPTEMBER[0],
    )
    brief_publish(brief=written(scene, drafted(scene, SEPTEMBER)), by=scene.lp_member)
    other = PartnershipFactory.create(
        funder=scene.funder_party.organisation, title="Westside youth"
    )
    add_party(other)
    agreed_question(other, "What keeps young people coming back to youth clubs?")

    # --- A grantee searches the library and opens a brief -------------------------------------
    sign_in(page, scene.grantee_member.email)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Library").first.click()
    check_page(page, heading="Library of published learning")
    expect(page.get_by_role("heading", name="2 published briefs")).to_be_visible()
    assert_fits_narrow_screen(page)
    page.get_by_role("searchbox", name="Search").fill("breakfast")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 brief found")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Insight brief: 1 to 31 October 2026").click()
    expect(page).to_have_url(re.compile(f"/briefs/{october.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text("breakfast club")
    assert_accessible(page)
    sign_out(page)

    # --- The funder's admin sees which questions recur ---------------------------------------
    sign_in(page, scene.funder_admin.email)
    page.goto("/library/")
    page.get_by_role("link", name="See which questions recur across your partnerships").click()
    check_page(page, heading="Questions across your partnerships")
    group = page.get_by_role("listitem").filter(
        has=page.get_by_role("heading", name="Asked in 2 partnerships")
    )
    expect(group).to_contain_text("Which activities keep young people coming back?")
    expect(group).to_contain_text("What keeps young people coming back to youth clubs?")
    assert_fits_narrow_screen(page)
    group.get_by_role("link", name="Insight brief: 1 to 31 October 2026").click()
    expect(page).to_have_url(re.compile(f"/briefs/{october.pk}/$"))
    page.go_back()
    group.get_by_role("link", name="Questions of Westside youth").click()
    expect(page).to_have_url(re.compile(f"/partnerships/{other.pk}/questions/$"))
    assert_accessible(page)
