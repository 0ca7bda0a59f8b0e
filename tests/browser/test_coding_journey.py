"""Coding evidence in a real browser: the learning partner builds a codebook, codes a
sentence of a grantee's story with the keyboard (two lists of sentences) and words of
another by selecting them (which fills the character boxes), reads the counts by party,
and, after the grantee withdraws consent, no longer sees its excerpt anywhere. The
grantee reads the codebook but cannot change it. Every page is checked with axe-core,
and the coding pages at 320 px."""

import re

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Excerpt
from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    assert_focus_visible,
    check_page,
    sign_in,
    sign_out,
)
from tests.consent.helpers import decide
from tests.evidence.coding_helpers import a_pdf, build_coding_scene, code, with_file

pytestmark = pytest.mark.browser


def test_build_a_codebook_code_with_keyboard_and_selection_and_see_withdrawal(
    page: Page,
) -> None:
    scene = build_coding_scene()
    partnership = scene.partnership
    title = partnership.title

    # --- The learning partner adds two codes on the Codebook tab ----------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/partnerships/{partnership.pk}/")
    page.get_by_role("link", name="Codebook").first.click()
    check_page(page, heading=title)
    expect(page.get_by_role("main")).to_contain_text("No codes yet.")
    page.get_by_role("button", name="Add the code").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the code a name.")
    assert_accessible(page)
    page.get_by_label("Name").fill("Transport")
    page.get_by_label("Memo (optional)").fill("Getting here is the hardest part.")
    page.get_by_role("button", name="Add the code").click()
    expect(page.get_by_role("status")).to_contain_text("“Transport” is in the codebook.")
    page.get_by_label("Name").fill("Feeling welcome")
    page.get_by_role("button", name="Add the code").click()
    expect(page.get_by_role("list", name="Codes")).to_contain_text("Feeling welcome")
    assert_fits_narrow_screen(page)

    # --- With the keyboard: the last sentence of the grantee's story ------------------------
    page.goto(f"/evidence/{scene.warm_room.pk}/")
    check_page(page, heading="Warm room")
    page.get_by_role("link", name="Code part of this text").click()
    check_page(page, heading="Code part of this evidence")
    assert_fits_narrow_screen(page)
    assert_focus_visible(page)
    first = page.get_by_label("From the sentence")
    first.focus()
    first.select_option(label="3. The bus was late.")
    page.get_by_label("To the sentence").select_option(label="3. The bus was late.")
    page.get_by_label("Transport").check()
    page.get_by_label("Memo (optional)").fill("Every week, the same bus.")
    page.get_by_role("button", name="Code the excerpt").click()
    check_page(page, heading="Warm room")
    excerpts = page.get_by_role("list", name="Coded excerpts")
    expect(excerpts).to_contain_text("The bus was late.")
    expect(excerpts).to_contain_text("Every week, the same bus.")

    # --- By selecting words: "waited two hours" in the other grantee's story ----------------
    page.goto(f"/evidence/{scene.waiting.pk}/excerpts/new/")
    check_page(page, heading="Code part of this evidence")
    page.evaluate(
        """() => {
            const span = document.querySelector('[data-passage] [data-start="0"]');
            const text = span.firstChild;
            const at = text.data.indexOf('waited two hours');
            const range = document.createRange();
            range.setStart(text, at);
            range.setEnd(text, at + 'waited two hours'.length);
            const selection = window.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }"""
    )
    expect(page.get_by_label("From character")).to_have_value("3")
    expect(page.get_by_label("To character (not included)")).to_have_value("19")
    expect(page.get_by_role("status")).to_contain_text("Selected characters 3 to 19")
    page.get_by_label("Transport").check()
    page.get_by_label("Feeling welcome").check()
    page.get_by_role("button", name="Code the excerpt").click()
    check_page(page, heading="Waiting")
    assert sorted(Excerpt.objects.values_list("text", flat=True)) == [
        "The bus was late.",
        "waited two hours",
    ]

    # --- The counts by party, and the code's page -------------------------------------------
    page.goto(f"/partnerships/{partnership.pk}/codebook/")
    by_party = page.get_by_role("table", name="Excerpts of each party's evidence, by code")
    transport = by_party.get_by_role("row", name=re.compile("^Transport"))
    grantee = scene.grantee_party.organisation.name
    other = scene.other_party.organisation.name
    headers = by_party.get_by_role("columnheader").all_inner_texts()
    cells = transport.get_by_role("cell").all_inner_texts()
    counts = dict(zip(headers[1:], cells, strict=True))
    assert (counts[grantee], counts[other]) == ("1", "1")
    assert_accessible(page)
    page.get_by_role("link", name="Transport").first.click()
    check_page(page, heading="Transport")
    expect(page.get_by_role("main")).to_contain_text("Getting here is the hardest part.")
    expect(page.get_by_role("list", name=re.compile("^Excerpts"))).to_contain_text(
        "The bus was late."
    )

    # --- The grantee withdraws: its excerpt leaves the code page and the counts at once -----
    decide(scene.grantee_party, "participate", "withdraw")
    page.reload()
    excerpts = page.get_by_role("list", name=re.compile("^Excerpts"))
    expect(excerpts).not_to_contain_text("The bus was late.")
    expect(excerpts).to_contain_text("waited two hours")
    page.goto(f"/partnerships/{partnership.pk}/codebook/")
    by_party = page.get_by_role("table", name="Excerpts of each party's evidence, by code")
    after = by_party.get_by_role("row", name=re.compile("^Transport")).get_by_role("cell")
    expect(after).to_have_text(
        [
            "1" if h == other else "0"
            for h in by_party.get_by_role("columnheader").all_inner_texts()[1:]
        ]
    )
    sign_out(page)

    # --- The other grantee reads the codebook, and cannot change it -------------------------
    sign_in(page, scene.other_member.email)
    page.goto(f"/partnerships/{partnership.pk}/codebook/")
    check_page(page, heading=title)
    expect(page.get_by_role("main")).to_contain_text("The learning partner keeps the codebook")
    expect(page.get_by_role("button", name="Add the code")).to_have_count(0)
    page.goto(f"/evidence/{scene.waiting.pk}/")
    expect(page.get_by_role("link", name="Code part of this text")).to_have_count(0)
    expect(page.get_by_role("list", name="Coded excerpts")).to_contain_text("waited two hours")


def test_code_a_sentence_of_an_attached_pdf_with_the_keyboard(page: Page) -> None:
    """A grantee attaches a PDF report; the learning partner codes its second sentence by
    keyboard alone, on a page that passes axe and fits 320 px."""
    scene = build_coding_scene()
    code(scene, "Transport")
    report = "The minibus changed everything. Families came every week."
    pdf = with_file(
        scene.grantee_party, scene.grantee_member, "report.pdf", a_pdf(report), "application/pdf"
    )

    sign_in(page, scene.lp_member.email)
    page.goto(f"/evidence/{pdf.evidence_id}/")
    check_page(page, heading="Minibus report")
    page.get_by_role("link", name="Code part of this file’s text (report.pdf)").click()
    check_page(page, heading="Code part of “report.pdf”")
    assert_fits_narrow_screen(page)
    expect(page.get_by_role("list", name="The file’s text, sentence by sentence")).to_contain_text(
        "Families came every week."
    )
    first = page.get_by_label("From the sentence")
    first.focus()
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(first).to_have_value("2")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    expect(page.get_by_label("To the sentence")).to_have_value("2")
    page.get_by_label("Transport").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Code the excerpt").focus()
    page.keyboard.press("Enter")
    check_page(page, heading="Minibus report")
    excerpts = page.get_by_role("list", name="Coded excerpts")
    expect(excerpts).to_contain_text("Families came every week.")
    expect(excerpts).to_contain_text("From the file “report.pdf”.")
    assert_accessible(page)
    assert list(Excerpt.objects.values_list("attachment_id", "text")) == [
        (pdf.pk, "Families came every week.")
    ]
