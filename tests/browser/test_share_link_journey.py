"""Share links in a real browser: the learning partner makes a public and a community link
to a published brief; a visitor who is not signed in opens both; a grantee withdraws
consent to publish and the visitor, reloading, no longer sees its words; the learning
partner revokes the link and the visitor gets the "link does not work" page. Every page
is checked with axe-core, and the community page at 320 px."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, Page, expect

from evidence.models import InsightBrief, ShareLink
from evidence.services.briefs import brief_publish
from tests.browser.helpers import (
    NARROW_WIDTH,
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    consent_answer,
    sign_in,
    sign_out,
)
from tests.browser.test_content_security_policy import watch_violations
from tests.evidence.briefs_scene import BriefScene, add_evidence, brief_scene, drafted, written

pytestmark = pytest.mark.browser

KEPT = "Friday club brought my son back to school"
GONE = "The bus stopped running so we stopped coming"


def _published(scene: BriefScene) -> InsightBrief:
    add_evidence(scene.grantee_party, kind="quote", body=f"{KEPT}.", valence="working")
    add_evidence(scene.grantee2_party, kind="quote", body=f"{GONE}.", valence="not_working")
    brief = written(scene, drafted(scene))
    return brief_publish(brief=brief, by=scene.lp_member)


def _make_link(page: Page, audience: str) -> str:
    """Make a link on the "Share this brief" page; the path of the address to copy."""
    page.get_by_role("radio", name=audience).check()
    page.get_by_role("button", name="Make the link").click()
    expect(page.get_by_role("status")).to_contain_text("is ready to copy")
    link = ShareLink.objects.order_by("-pk").first()
    assert link is not None
    url = page.get_by_label(re.compile(f"^Link for {re.escape(audience.lower())}")).input_value()
    assert url.endswith(f"/share/{link.token}/")
    return urlsplit(url).path


def test_a_brief_shared_by_link_is_read_signed_out_until_consent_or_the_link_is_withdrawn(
    page: Page, browser: Browser, live_server: Any
) -> None:
    scene = brief_scene(title="Back to school in Eastside")
    brief = _published(scene)

    # --- The learning partner shares the published brief ------------------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/")
    page.get_by_role("link", name="Share this brief").click()
    check_page(page, heading="Share this brief")
    expect(page.get_by_role("main")).to_contain_text("There are no links to this brief yet.")
    page.get_by_role("button", name="Make the link").click()  # nothing chosen: refused
    expect(page.get_by_role("alert")).to_contain_text("Choose who the link is for.")
    assert_accessible(page)
    public = _make_link(page, "The public")
    community = _make_link(page, "The community the evidence came from")
    assert_accessible(page)
    sign_out(page)

    # --- A visitor, never signed in, opens both links ----------------------------------------
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    visitor = context.new_page()
    violations = watch_violations(visitor)
    visitor.goto(public)
    check_page(visitor, heading=re.compile("^Insight brief"))
    expect(visitor.get_by_role("main")).to_contain_text(GONE)
    expect(visitor.get_by_role("link", name="Sign in")).to_have_count(0)
    assert_fits_narrow_screen(visitor)
    visitor.goto(community)
    check_page(visitor, heading="You said, we did")
    for part in ("What you told us", "What we changed", "What happens next"):
        expect(visitor.get_by_role("heading", name=part)).to_be_visible()
    expect(visitor.get_by_role("main")).to_contain_text(KEPT)
    expect(visitor.get_by_role("main")).to_contain_text(GONE)
    visitor.set_viewport_size({"width": NARROW_WIDTH, "height": 720})
    assert visitor.evaluate("document.documentElement.scrollWidth") <= NARROW_WIDTH
    # Large type: the page's sentences are at least 1.25rem (20px) even at 320 px.
    size = "parseFloat(getComputedStyle(document.querySelector('.community-list li')).fontSize)"
    assert visitor.evaluate(size) >= 20
    assert_fits_narrow_screen(visitor)
    assert ShareLink.objects.get(audience="community").views == 1

    # --- The second grantee withdraws consent to publish --------------------------------------
    sign_in(page, scene.grantee2_admin.email)
    consent_answer(page, scene.partnership.pk, {"publish": "No"})
    sign_out(page)

    # The visitor reloads: the grantee's words are gone from both pages.
    visitor.goto(public)
    expect(visitor.get_by_role("main")).to_contain_text(KEPT)
    expect(visitor.get_by_role("main")).not_to_contain_text(GONE)
    expect(visitor.get_by_role("note", name="Evidence removed")).to_be_visible()
    visitor.goto(community)
    expect(visitor.get_by_role("main")).to_contain_text(KEPT)
    expect(visitor.get_by_role("main")).not_to_contain_text(GONE)
    assert_accessible(visitor)

    # --- The learning partner revokes the public link ----------------------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/briefs/{brief.pk}/share/")
    page.get_by_role("button", name=re.compile("^Revoke the link for the public")).click()
    expect(page.get_by_role("status")).to_contain_text("is revoked: it no longer works")
    expect(page.get_by_role("main")).to_contain_text("Revoked")
    assert_accessible(page)

    response = visitor.goto(public)
    assert response is not None
    assert response.status == 404
    check_page(visitor, heading="This link does not work")
    visitor.goto(community)  # the other link still works
    expect(visitor.get_by_role("heading", level=1)).to_have_text("You said, we did")
    assert violations == []
    context.close()
