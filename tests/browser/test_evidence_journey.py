"""Evidence in a real browser: a grantee adds an after action review with a file; the
learning partner sees it; the funder does not, until the grantee's admin gives the
``share_with_funder`` consent on the Consent page.

Every evidence page on the way is checked with axe-core (no serious or critical issue).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Evidence
from tests.browser.helpers import (
    assert_accessible,
    assert_error_summary,
    assert_fits_narrow_screen,
    consent_answer,
    sign_in,
    sign_out,
)
from tests.evidence.items_helpers import PARTICIPATE, agree_question, grant, pdf_bytes
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

TITLE = "Winter drop-in sessions"


def _error_link_focuses(page: Page, message: str | re.Pattern[str], field: str) -> None:
    """The error summary links to a group of radios: following it focuses the first one."""
    summary = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="There is a problem")
    )
    summary.get_by_role("link", name=message).click()
    expect(page.locator(field)).to_be_focused()
    assert_accessible(page)


def _evidence_tab(page: Page, partnership_pk: int) -> None:
    page.goto(f"/partnerships/{partnership_pk}/")
    tabs = page.get_by_role("navigation", name="Sections of this partnership")
    tabs.get_by_role("link", name="Evidence").click()
    expect(tabs.get_by_role("link", name="Evidence")).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("heading", level=2, name="Evidence")).to_be_visible()


def test_an_after_action_review_is_shared_only_as_consented(page: Page, tmp_path: Path) -> None:
    # Given a partnership whose grantee takes part and which has an agreed question
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    question = agree_question(scene.partnership, "What keeps families coming back?")
    grant(scene.grantee_party, PARTICIPATE)
    report = tmp_path / "session-notes.pdf"
    report.write_bytes(pdf_bytes())
    pk = scene.partnership.pk
    lp = scene.lp_party.organisation.name
    grantee = scene.grantee_party.organisation.name
    funder = scene.funder_party.organisation.name

    # --- The grantee adds an after action review, in two steps --------------------------
    sign_in(page, scene.grantee_member.email)
    _evidence_tab(page, pk)
    assert_accessible(page)
    page.get_by_role("link", name="Add evidence").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add evidence")
    page.get_by_role("button", name="Continue").click()
    _error_link_focuses(page, "Choose what you want to add.", "#id_kind_0")
    page.get_by_role("radio", name=re.compile("^An after action review")).check()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add an after action review")
    assert_accessible(page)
    page.get_by_role("button", name="Add this evidence").click()
    assert_error_summary(page, {"Title": "Give it a short title"})
    _error_link_focuses(page, re.compile("^Say whether it shows"), "#id_valence_0")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("What did we plan to happen?").fill("Two sessions a week, thirty families.")
    page.get_by_label("What actually happened?").fill("Eighteen families came, mostly Tuesdays.")
    page.get_by_label("Why was there a difference?").fill("The Thursday bus was cut.")
    page.get_by_label("What will we do differently next time?").fill("Move to Saturday.")
    page.get_by_label("When did you hold the review?").fill("2025-02-01")
    page.get_by_role("checkbox", name=question.text).check()
    page.get_by_role("radio", name=re.compile("^Not working")).check()
    page.get_by_role("radio", name=re.compile("^Keep it anonymous")).check()
    page.get_by_label("Attach a file (optional)").set_input_files(str(report))
    # Before saving, the form says who will be able to read it, and why
    who = page.get_by_role("region", name="Who will be able to read this")
    expect(who).to_contain_text(
        f"{lp} (learning partner): your organisation agreed to take part, which lets the "
        "learning partner read its evidence"
    )
    expect(who).to_contain_text(f"{grantee} (grantee, your organisation)")
    expect(who).not_to_contain_text(f"{funder} (")
    expect(who.get_by_role("link", name=re.compile("Consent page"))).to_be_visible()
    page.get_by_role("button", name="Add this evidence").click()

    expect(page.get_by_role("status")).to_contain_text(f"You added “{TITLE}”.")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    main = page.get_by_role("main")
    expect(main).to_contain_text("Not working")
    expect(main).to_contain_text("The Thursday bus was cut.")
    expect(main.get_by_role("link", name="Download session-notes.pdf")).to_be_visible()
    # ... and the item's page says the same after it
    readers = main.get_by_role("list", name="Who can see this")
    expect(readers).to_contain_text(f"{lp} (learning partner)")
    expect(readers).not_to_contain_text(f"{funder} (")
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    evidence = Evidence.objects.get()
    assert evidence.prompts["why_different"] == "The Thursday bus was cut."
    assert evidence.attachments.get().content_type == "application/pdf"
    sign_out(page)

    # --- The learning partner sees it ---------------------------------------------------
    sign_in(page, scene.lp_member.email)
    _evidence_tab(page, pk)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text("Move to Saturday.")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download session-notes.pdf").click()
    assert download.value.suggested_filename == "session-notes.pdf"
    assert Path(download.value.path()).read_bytes() == pdf_bytes()
    expect(page.get_by_role("link", name="Change this evidence")).to_have_count(0)
    sign_out(page)

    # --- The funder does not, not even by its address ------------------------------------
    sign_in(page, scene.funder_member.email)
    _evidence_tab(page, pk)
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text("There is no evidence here that you can")
    response = page.goto(f"/evidence/{evidence.pk}/")
    assert response is not None
    assert response.status == 404
    page.goto(f"/partnerships/{pk}/evidence/coverage/")
    row = page.get_by_role("row").filter(has_text=question.text)
    expect(row).to_contain_text("Not shared with you")
    assert_accessible(page)
    sign_out(page)

    # --- The grantee's admin shares with the funder on the Consent page -----------------
    sign_in(page, scene.grantee_admin.email)
    consent_answer(page, pk, {"share_with_funder": "Yes"})
    sign_out(page)

    # --- Now the funder sees it ---------------------------------------------------------
    sign_in(page, scene.funder_member.email)
    _evidence_tab(page, pk)
    page.get_by_role("link", name=TITLE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.get_by_role("main")).to_contain_text("Eighteen families came")
    expect(page.get_by_role("list", name="Who can see this")).to_contain_text(
        f"{funder} (funder, your organisation): {grantee} agreed to share evidence with the funder"
    )
    page.goto(f"/partnerships/{pk}/evidence/coverage/")
    row = page.get_by_role("row").filter(has_text=question.text)
    expect(row).to_contain_text("1 thin")
    assert_accessible(page)
