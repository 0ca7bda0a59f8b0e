""" "What needs me now?" in a real browser, in a partnership that learns with its parties:
a grantee's admin finds the discovery brief waiting on her dashboard and agrees it; the
funder's admin finds it waiting for her and agrees it, which makes it agreed; then the
grantee's admin finds a pre-publication notice waiting on her dashboard and
acknowledges it. Every page on the way is checked with axe-core."""

import re

import pytest
from django.urls import reverse
from playwright.sync_api import Page, expect
from rest_framework.test import APIClient

from evidence.models import PrePublicationNotice
from partnerships.models import DiscoveryBrief, Partnership
from partnerships.services import Complexity, discovery_brief_agree, discovery_brief_update
from tests.browser.helpers import assert_accessible, check_page, sign_in, sign_out
from tests.consent.helpers import permit
from tests.evidence.briefs_scene import brief_scene, drafted, written

pytestmark = pytest.mark.browser

CHALLENGE = "Morning-only advice suits volunteers more than the people who need it."


def test_each_party_finds_what_waits_for_it_on_its_dashboard(page: Page) -> None:
    scene = brief_scene(title="Warm homes together", learning_mode="learning_with")
    assert scene.partnership.learning_mode == Partnership.LearningMode.LEARNING_WITH
    grantee = scene.grantee_party.organisation.name
    funder = scene.partnership.funder.name
    discovery_brief_update(
        partnership=scene.partnership,
        audience="The grantees first, then the families they support.",
        desired_impact="Fewer families in fuel poverty.",
        scope="Advice services in two cities.",
        complexity=Complexity(2, 3, 1, False, True),
        by=scene.lp_member,
        party=scene.lp_party,
    )
    for party, person in (
        (scene.lp_party, scene.lp_admin),
        (scene.grantee2_party, scene.grantee2_admin),
    ):
        discovery_brief_agree(partnership=scene.partnership, party=party, by=person)

    # --- The grantee's admin finds the brief waiting for her, and agrees it ---------------
    sign_in(page, scene.grantee_admin.email)
    page.goto("/dashboard/")
    waiting = page.get_by_role("list", name="Agreements waiting for you")
    expect(waiting).to_contain_text(
        f"Warm homes together: version 1 of the discovery brief waits for {grantee}’s agreement."
    )
    assert_accessible(page)
    waiting.get_by_role("link", name=re.compile("^Read and agree")).click()
    expect(page.get_by_role("heading", name="Discovery brief")).to_be_visible()
    agreement = page.get_by_role("table", name="Agreement")
    expect(agreement.get_by_role("row", name=re.compile(f"^{re.escape(grantee)}"))).to_contain_text(
        "Waiting"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Agree discovery brief").click()
    expect(page.get_by_role("status")).to_contain_text(
        f"{grantee} agreed version 1 of the discovery brief."
    )
    expect(page.get_by_role("main")).to_contain_text(f"Still waiting for: {funder}.")
    expect(agreement.get_by_role("row", name=re.compile(f"^{re.escape(grantee)}"))).to_contain_text(
        "Agreed"
    )
    assert_accessible(page)
    page.goto("/dashboard/")
    expect(page.get_by_role("list", name="Agreements waiting for you")).to_have_count(0)
    sign_out(page)

    # --- The funder's admin finds it waiting for her; her agreement completes it -----------
    sign_in(page, scene.funder_admin.email)
    page.goto("/dashboard/")
    waiting = page.get_by_role("list", name="Agreements waiting for you")
    expect(waiting).to_contain_text(f"waits for {funder}’s agreement.")
    assert_accessible(page)
    waiting.get_by_role("link", name=re.compile("^Read and agree")).click()
    assert_accessible(page)
    page.get_by_role("button", name="Agree discovery brief").click()
    expect(page.get_by_role("status")).to_contain_text("The discovery brief is now agreed.")
    expect(page.get_by_role("main")).not_to_contain_text("Still waiting for")
    assert_accessible(page)
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).status == "agreed"
    sign_out(page)

    # --- The learning partner sends a notice before publishing a challenge --------------------
    permit(scene.grantee_party, ["*"], ["published_brief"], notify_before_publish=True)
    brief = written(scene, drafted(scene))
    learning_partner = APIClient()
    learning_partner.force_authenticate(user=scene.lp_member)
    challenged = learning_partner.patch(
        reverse("api:brief-detail", args=[brief.pk]),
        {"challenges": [{"party": str(scene.grantee_party.pk), "area": "*", "text": CHALLENGE}]},
        format="json",
    )
    assert challenged.status_code == 200, challenged.json()
    assert learning_partner.post(reverse("api:brief-notify", args=[brief.pk])).status_code == 200

    # --- The grantee's admin finds the notice waiting for her, and acknowledges it ----------
    sign_in(page, scene.grantee_admin.email)
    page.goto("/dashboard/")
    notices = page.get_by_role("list", name="Notices waiting for you")
    expect(notices).to_contain_text(f"the learning partner told {grantee} what the insight brief")
    expect(notices).to_contain_text("may publish it anyway in 5 days")
    assert_accessible(page)
    notices.get_by_role("link", name=re.compile("^Read the notice")).click()
    check_page(page, heading="Before publishing: what the brief says about you")
    expect(page.get_by_role("main")).to_contain_text(CHALLENGE)
    assert_accessible(page)
    page.get_by_role("button", name="Acknowledge the notice").click()
    expect(page.get_by_role("status")).to_contain_text("the learning partner has been told")
    assert PrePublicationNotice.objects.get(brief=brief).acknowledged_at is not None
    page.goto("/dashboard/")
    expect(page.get_by_role("list", name="Notices waiting for you")).to_have_count(0)
    assert_accessible(page)
