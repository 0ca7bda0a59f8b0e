"""Consent in a real browser: a grantee's admin answers one form (a yes/no question per
purpose), checks the answers, changes one, confirms, and keeps a receipt as a page and a
PDF; later says no to taking part; permission to challenge has a page of its own; the
learning partner sees the state but has no form.

Every page on the way is checked with axe-core (no serious or critical issue).
"""

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from consent.models import ChallengeRecord, ConsentRecord, ConsentState
from consent.notices import NOTICES
from tests.browser.helpers import (
    assert_accessible,
    assert_error_summary,
    assert_fits_narrow_screen,
    check_page,
    sign_in,
)
from tests.consent.helpers import decide
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser


def _notice(page: Page) -> Locator:
    return page.get_by_role("status")


def _question(page: Page, purpose: str) -> Locator:
    return page.get_by_role("group", name=NOTICES[purpose].question)


def _radio(page: Page, purpose: str, answer: str) -> Locator:
    return _question(page, purpose).get_by_role("radio", name=answer, exact=True)


def _answer(page: Page, purpose: str, answer: str) -> None:
    _radio(page, purpose, answer).check()


def _check_row(page: Page, purpose: str) -> Locator:
    return page.locator(".summary-list__row").filter(has_text=NOTICES[purpose].question)


def _state_row(page: Page, organisation: str) -> Locator:
    return (
        page.get_by_role("table", name="Every organisation’s consent now")
        .get_by_role("row")
        .filter(has_text=organisation)
    )


def test_a_grantee_admin_answers_checks_changes_confirms_and_keeps_a_receipt(
    page: Page,
) -> None:
    # Given a partnership whose grantee has not decided anything yet
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    grantee = scene.grantee_party.organisation.name
    admin = scene.grantee_admin
    sign_in(page, admin.email)

    # The dashboard asks the admin to decide, and leads to the one consent form
    page.goto("/dashboard/")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text("Consent to decide")
    waiting.get_by_role("link", name=re.compile(r"^Decide about consent")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warm homes, healthy lives")
    expect(page.get_by_role("heading", name=f"Your answers for {grantee}")).to_be_visible()
    for purpose, notice in NOTICES.items():
        question = _question(page, purpose)
        expect(question).to_contain_text(notice.allows)
        expect(question).to_contain_text("Your answer now: not decided yet.")
    expect(page.get_by_role("main")).not_to_contain_text(NOTICES["participate"].version)
    assert_accessible(page)
    assert_fits_narrow_screen(page)

    # --- Continue without answering: each question is in the error summary ---------------
    page.get_by_role("button", name="Continue").click()
    summary = page.get_by_role("alert").filter(has_text="There is a problem")
    for purpose, notice in NOTICES.items():
        summary.get_by_role("link", name=f"Choose yes or no for “{notice.question}”").click()
        expect(_radio(page, purpose, "Yes")).to_be_focused()
    assert_accessible(page)

    # --- Answer: yes to taking part and publishing, no to the rest ------------------------
    for purpose in NOTICES:
        _answer(page, purpose, "Yes" if purpose in ("participate", "publish") else "No")
    page.get_by_role("button", name="Continue").click()
    check_page(page, heading="Check your answers")
    expect(_check_row(page, "publish")).to_contain_text("Changing from not decided to yes")
    expect(_check_row(page, "publish")).to_contain_text(NOTICES["publish"].if_yes)
    assert ConsentRecord.objects.count() == 0  # nothing yet
    assert_fits_narrow_screen(page)

    # --- Change one answer: the form comes back with every answer kept -------------------
    _check_row(page, "publish").get_by_role("link", name=re.compile("^Change")).click()
    expect(_radio(page, "publish", "Yes")).to_be_checked()
    expect(_radio(page, "participate", "Yes")).to_be_checked()
    expect(_radio(page, "attribute", "No")).to_be_checked()
    assert_accessible(page)
    _answer(page, "publish", "No")
    page.get_by_role("button", name="Continue").click()
    check_page(page, heading="Check your answers")
    expect(_check_row(page, "publish")).to_contain_text("No Changing from not decided to no")
    expect(_check_row(page, "participate")).to_contain_text("Yes Changing from not decided to yes")

    # --- Confirm: one record per answer, and the state shows it ---------------------------
    page.get_by_label("Note (optional)").fill("Agreed by our trustees.")
    page.get_by_role("button", name="Confirm and save").click()
    expect(_notice(page)).to_contain_text(f"Your answers for {grantee} are saved")
    expect(_state_row(page, grantee)).to_contain_text("Yes No No No No")
    assert list(
        ConsentRecord.objects.order_by("id").values_list("purpose", "decision", "note")
    ) == [
        ("participate", "grant", "Agreed by our trustees."),
        ("publish", "withdraw", "Agreed by our trustees."),
        ("attribute", "withdraw", "Agreed by our trustees."),
        ("share_with_funder", "withdraw", "Agreed by our trustees."),
        ("share_with_parties", "withdraw", "Agreed by our trustees."),
    ]
    assert_accessible(page)

    # --- Later: no to taking part, said plainly, recorded at once ---------------------------
    expect(_question(page, "participate")).to_contain_text("Your answer now: yes.")
    _answer(page, "participate", "No")
    page.get_by_role("button", name="Continue").click()
    check_page(page, heading="Check your answers")
    expect(_check_row(page, "participate")).to_contain_text("Changing from yes to no")
    expect(_check_row(page, "participate")).to_contain_text(NOTICES["participate"].if_no)
    expect(page.get_by_role("main")).to_contain_text("The change takes effect straight away.")
    page.get_by_role("button", name="Confirm and save").click()
    expect(_state_row(page, grantee)).to_contain_text("No No No No No")
    assert ConsentState.objects.get(purpose="participate").granted is False
    assert ConsentRecord.objects.count() == 6

    # --- The receipt: from the history, as a page and as a PDF ------------------------------
    _notice(page).get_by_role("link", name="See the receipts in the history").click()
    check_page(page, heading="Consent history")
    page.get_by_role("link", name=re.compile("^See receipt")).first.click()
    check_page(page, heading="Consent receipt")
    main = page.get_by_role("main")
    expect(main).to_contain_text(f"{grantee} did not agree to this: take part")
    expect(main).to_contain_text(admin.display_name)
    expect(main).to_contain_text(NOTICES["participate"].allows)
    expect(main).not_to_contain_text(NOTICES["participate"].version)
    assert_fits_narrow_screen(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download this receipt (PDF)").click()
    assert download.value.suggested_filename.startswith("consent-receipt-")
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    # --- Permission to challenge: its own page, its form explains errors, then records ----
    page.goto(f"/partnerships/{scene.partnership.pk}/consent/")
    page.get_by_role("link", name="See and change permission to challenge").click()
    check_page(page, heading="Permission to challenge")
    page.get_by_role("link", name="Give or withdraw permission to challenge").click()
    check_page(page, heading="Give or withdraw permission to challenge")
    page.get_by_role("button", name="Record decision").click()
    assert_error_summary(
        page,
        {
            "Everything: every area of our work, including questions agreed later": (
                "Choose everything, or at least one research question."
            )
        },
    )
    page.get_by_role("radio", name="Give permission to challenge").check()
    page.get_by_role("checkbox", name=re.compile("^Everything")).check()
    page.get_by_role("checkbox", name=re.compile("^Workshop")).check()
    page.get_by_label("Conditions (optional)").fill("Talk to us before the workshop.")
    page.get_by_role("button", name="Record decision").click()
    expect(_notice(page)).to_contain_text(f"You gave permission to challenge {grantee}.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Permission to challenge")
    expect(page.get_by_role("table", name=grantee)).to_contain_text(
        "Everything Workshop Talk to us before the workshop."
    )
    assert ChallengeRecord.objects.get().channels == ["workshop"]
    assert_accessible(page)


def test_the_learning_partner_sees_the_state_but_has_no_form(page: Page) -> None:
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    grantee = scene.grantee_party.organisation.name
    decide(scene.grantee_party, "participate", "grant")
    sign_in(page, scene.lp_member.email)

    page.goto(f"/partnerships/{scene.partnership.pk}/consent/")

    expect(_state_row(page, grantee)).to_contain_text("Yes Not decided")
    expect(page.get_by_role("button", name="Continue")).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(
        f"Only admins of {scene.lp_party.organisation.name} can give or withdraw its consent."
    )
    assert_accessible(page)
