"""Consent in a real browser: a grantee's admin gives, withdraws (after checking), and
sees each step on the Consent page and in the history; the learning partner sees it too.

Every consent page on the way is checked with axe-core (no serious or critical issue).
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
    sign_in,
)
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

PARTICIPATE = NOTICES["participate"].title
PUBLISH = NOTICES["publish"].title


def _notice(page: Page) -> Locator:
    return page.get_by_role("status")


def _purpose(page: Page, title: str) -> Locator:
    return page.get_by_role("region", name=title)


def _state_row(page: Page, organisation: str) -> Locator:
    return (
        page.get_by_role("table", name="Every organisation’s consent now")
        .get_by_role("row")
        .filter(has_text=organisation)
    )


def _history_rows(page: Page, table_name: str) -> list[str]:
    rows = page.get_by_role("table", name=table_name).get_by_role("row")
    return [" ".join(text.split()) for text in rows.all_inner_texts()[1:]]


def test_a_grantee_admin_gives_and_withdraws_consent_and_every_step_shows(page: Page) -> None:
    # Given a partnership whose grantee has not decided anything yet
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    grantee = scene.grantee_party.organisation.name
    admin = scene.grantee_admin
    sign_in(page, admin.email)

    # The dashboard asks the admin to decide, and leads to the Consent tab
    page.goto("/dashboard/")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text("Consent to decide")
    waiting.get_by_role("link", name=re.compile(r"^Decide about consent")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Warm homes, healthy lives")
    tabs = page.get_by_role("navigation", name="Sections of this partnership")
    expect(tabs.get_by_role("link", name="Consent")).to_have_attribute("aria-current", "page")
    for notice in NOTICES.values():
        region = _purpose(page, notice.title)
        expect(region).to_contain_text(notice.allows)
        expect(region).to_contain_text(notice.who_sees)
        expect(region).to_contain_text("Not decided")
    assert_accessible(page)
    assert_fits_narrow_screen(page)

    # --- Give consent to take part and to publish --------------------------------------
    for title in (PARTICIPATE, PUBLISH):
        _purpose(page, title).get_by_role("button", name=re.compile(r"^Give consent")).click()
        expect(_notice(page)).to_contain_text(f"You gave consent for {grantee}: {title}.")
        expect(_purpose(page, title)).to_contain_text("Given on")
    expect(_state_row(page, grantee)).to_contain_text(
        "Given Given Not decided Not decided Not decided"
    )
    assert_accessible(page)

    # --- Withdraw publish, after checking --------------------------------------------------
    _purpose(page, PUBLISH).get_by_role("link", name=re.compile(r"^Withdraw consent")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check before you withdraw consent")
    expect(page.get_by_role("main")).to_contain_text(NOTICES["publish"].withdraw)
    assert ConsentState.objects.get(purpose="publish").granted is True  # nothing yet
    assert_accessible(page)
    page.get_by_label("Note (optional)").fill("Not until our trustees have met.")
    page.get_by_role("button", name="Withdraw consent").click()

    expect(_notice(page)).to_contain_text(f"You withdrew consent for {grantee}: {PUBLISH}.")
    expect(_purpose(page, PUBLISH)).to_contain_text("Withdrawn on")
    expect(
        _purpose(page, PUBLISH).get_by_role("button", name=re.compile("^Give consent"))
    ).to_be_visible()
    expect(_state_row(page, grantee)).to_contain_text(
        "Given Withdrawn Not decided Not decided Not decided"
    )
    latest = _history_rows(page, "Latest consent decisions")
    assert [row.split(grantee)[1].split(admin.display_name)[0].strip() for row in latest] == [
        "Publish Withdrawn Note: Not until our trustees have met.",
        "Publish Given",
        "Take part Given",
    ]
    assert_accessible(page)

    # --- The full history shows each step, with receipts for the grantee -----------------
    page.get_by_role("link", name="See the full history").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Consent history")
    full = _history_rows(page, "Consent decisions")
    assert len(full) == 3
    assert all(admin.display_name in row and "Download receipt" in row for row in full)
    assert_accessible(page)
    assert list(
        ConsentRecord.objects.order_by("id").values_list("purpose", "decision", "recorded_by")
    ) == [
        ("participate", "grant", admin.pk),
        ("publish", "grant", admin.pk),
        ("publish", "withdraw", admin.pk),
    ]

    # --- Permission to challenge: the form explains its errors, then records ---------------
    page.get_by_role("link", name="Back to consent").click()
    page.get_by_role("link", name="Give or withdraw permission to challenge").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Give or withdraw permission to challenge"
    )
    assert_accessible(page)
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
    expect(page.get_by_role("table", name=grantee)).to_contain_text(
        "Everything Workshop Talk to us before the workshop."
    )
    assert ChallengeRecord.objects.get().channels == ["workshop"]
    assert_accessible(page)


def test_the_learning_partner_sees_the_state_but_cannot_decide_for_the_grantee(
    page: Page,
) -> None:
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    grantee = scene.grantee_party.organisation.name
    from tests.consent.helpers import decide

    decide(scene.grantee_party, "participate", "grant")
    sign_in(page, scene.lp_member.email)

    page.goto(f"/partnerships/{scene.partnership.pk}/consent/")

    expect(_state_row(page, grantee)).to_contain_text("Given Not decided")
    expect(page.get_by_role("button", name=re.compile("^Give consent"))).to_have_count(0)
    expect(page.get_by_role("main")).to_contain_text(
        f"Only admins of {scene.lp_party.organisation.name} can give or withdraw its consent."
    )
    assert_accessible(page)
