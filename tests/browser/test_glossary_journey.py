"""Jargon explained where it is met: a grantee on a partnership page follows "learning
with" to its entry in the glossary and reads it, then imports a spreadsheet written with
the words the pages use ("After action review", "Not working", "Service user", "Named")
rather than codes, and sees it imported. Each page is checked with axe-core, at 1280 px
and on phones (390 px and 320 px)."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Evidence
from partnerships.models import Partnership
from tests.browser.helpers import assert_accessible, assert_fits_narrow_screen, check_page, sign_in
from tests.evidence.items_helpers import build_evidence_scene

pytestmark = pytest.mark.browser

PHONE_WIDTH = 390


def _check_every_width(page: Page) -> None:
    assert_accessible(page)
    assert_fits_narrow_screen(page, PHONE_WIDTH)
    assert_fits_narrow_screen(page)


def test_a_grantee_reads_what_learning_with_means_and_imports_a_csv_in_plain_words(
    page: Page, tmp_path: Path
) -> None:
    scene = build_evidence_scene()
    Partnership.objects.filter(pk=scene.partnership.pk).update(
        learning_mode=Partnership.LearningMode.LEARNING_WITH
    )
    pk = scene.partnership.pk

    # --- On the partnership's page, "Learning with" is a link to what it means ----------
    sign_in(page, scene.grantee_member.email)
    page.goto(f"/partnerships/{pk}/")
    _check_every_width(page)
    page.get_by_role("main").get_by_role("link", name="Learning with", exact=True).click()

    expect(page).to_have_url(re.compile(r"/glossary/#learning-with$"))
    check_page(page, heading="Words we use")
    entry = page.get_by_role("region", name="Learning with", exact=True)
    expect(entry).to_be_in_viewport()
    expect(entry).to_contain_text("Everyone learns together. Every party reads draft briefs")
    _check_every_width(page)

    # --- The import page explains the choices, and takes them in plain words -------------
    page.goto(f"/partnerships/{pk}/evidence/import/")
    check_page(page, heading="Add evidence from a spreadsheet")
    columns = page.get_by_role("table").filter(has_text="What to write")
    expect(columns).to_contain_text("After action review (after_action_review)")
    expect(page.get_by_text("Capital letters and extra spaces do not matter.")).to_be_visible()
    _check_every_width(page)

    spreadsheet = tmp_path / "winter.csv"
    spreadsheet.write_text(
        "kind,title,body,occurred_on,valence,attribution,speaker,questions,planned\n"
        f"After action review,Winter sessions,,01/02/2025,Not working,Named,Service user,"
        f"{scene.question.pk},Thirty families a week\n"
        "  a quote ,Warm room,“It felt like home.”,2025-02-03, working ,anonymous,"
        "A volunteer,,\n",
        encoding="utf-8",
    )
    page.get_by_label("Your CSV file").set_input_files(str(spreadsheet))
    page.get_by_role("button", name="Add the evidence in this file").click()

    expect(page.get_by_role("status")).to_contain_text("You added 2 pieces of evidence.")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Winter sessions")
    expect(main).to_contain_text("Warm room")
    # The list names the research question by its words, and links what one is
    expect(main).to_contain_text(f"Research question: “{scene.question.text}")
    expect(main.get_by_role("link", name="Research question", exact=True)).to_have_attribute(
        "href", "/glossary/#research-question"
    )
    _check_every_width(page)
    stored = Evidence.objects.filter(partnership=scene.partnership).order_by("title")
    assert [(e.kind, e.valence, e.attribution, e.speaker) for e in stored] == [
        ("quote", "working", "anonymous", "volunteer"),
        ("after_action_review", "not_working", "named", "service_user"),
    ]
