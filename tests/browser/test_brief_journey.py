"""An insight brief in a real browser: the learning partner edits a draft, previews it as
the funder will see it, is refused publication for a challenge the funder never
permitted, fixes it and publishes; a grantee then reads the brief and downloads it as a
PDF (WeasyPrint), whose text we read back with pdftotext.

Every page on the way is checked with axe-core (no serious or critical issue).
"""

import datetime
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from evidence.models import InsightBrief
from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    sign_in,
    sign_out,
)
from tests.evidence.briefs_scene import add_evidence, brief_scene, drafted, permit, statistic

pytestmark = pytest.mark.browser

QUOTE = "The youth club is the only warm place on a Tuesday night."
SO_WHAT = "Young people come back when their friends come too, and when it is warm."


def _pdf_text(path: Path) -> str:
    result = subprocess.run(  # noqa: S603 - our own file name
        ["pdftotext", "-layout", str(path), "-"],  # noqa: S607 - poppler-utils, on PATH
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode("utf-8").split())


def test_the_learning_partner_publishes_a_brief_a_grantee_downloads_it(
    page: Page, tmp_path: Path
) -> None:
    # Given a drafted brief citing a grantee's quote and figures
    scene = brief_scene(title="Warm spaces for young people")
    add_evidence(scene.grantee_party, kind="quote", body=QUOTE, questions=[scene.q1])
    statistic(
        scene.grantee_party,
        "Young people attending",
        "48",
        "people",
        occurred_on=datetime.date(2026, 9, 12),
    )
    statistic(
        scene.grantee_party,
        "Young people attending",
        "55",
        "people",
        baseline="40",
        body="More came once the club stayed open until seven.",
    )
    permit(scene.grantee_party, ["*"], ["published_brief"])
    brief = drafted(scene)
    funder = scene.funder_party.organisation.name
    grantee = scene.grantee_party.organisation.name

    # --- The learning partner opens the draft from the briefs tab ---------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/briefs/")
    tabs = page.get_by_role("navigation", name="Sections of this partnership")
    expect(tabs.get_by_role("link", name="Insight briefs")).to_have_attribute(
        "aria-current", "page"
    )
    assert_accessible(page)
    page.get_by_role("link", name="1 October 2026 to 31 October 2026").click()
    expect(
        page.get_by_role("heading", level=2, name="Insight brief: 1 to 31 October 2026")
    ).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text(QUOTE)
    expect(page.get_by_role("heading", name="Plain-language check")).to_be_visible()
    assert_accessible(page)
    assert_fits_narrow_screen(page)

    # --- She adds the so-what, a recommendation and a challenge to the funder ---------------
    page.get_by_role("link", name="Edit the brief").click()
    check_page(page, heading="Edit the brief for 1 to 31 October 2026")
    page.get_by_label("So what?").fill(SO_WHAT)
    page.get_by_label("Recommendations").fill("Keep the club open on Tuesdays all winter.")
    first = page.locator(".challenge-row").first
    first.get_by_label("Who is challenged").select_option(label=f"{funder} (funder)")
    first.get_by_label("About").select_option(label="Its work as a whole")
    first.get_by_label("The challenge").fill("One-year grants stop clubs planning for winter.")
    page.get_by_role("button", name="Save the brief").click()
    expect(page.get_by_role("status")).to_contain_text("Your changes to the brief are saved.")

    # --- She previews it as the funder will see it ------------------------------------------
    page.get_by_role("link", name="Preview as a party").click()
    page.get_by_label("Who is reading").select_option(label=f"{funder} (funder)")
    page.get_by_role("button", name="Show the preview").click()
    expect(page.locator(".preview-banner")).to_contain_text(
        f"this is the brief as {funder} (funder) will see it once published"
    )
    expect(page.get_by_role("main")).to_contain_text(SO_WHAT)
    expect(page.get_by_role("main")).to_contain_text("One-year grants stop clubs planning")
    assert_accessible(page)

    # --- Publishing is refused: the funder never permitted that challenge -------------------
    page.get_by_role("link", name="Check and publish").click()
    check_page(page, heading="Check the brief before you publish it")
    page.get_by_role("button", name="Publish brief").click()
    summary = page.get_by_role("alert")
    expect(summary.get_by_role("heading")).to_have_text("This brief cannot be published yet")
    expect(summary).to_contain_text(
        f"Challenge 1 names {funder} on its work as a whole, but {funder} has not given "
        "permission to be challenged on this in a published brief."
    )
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_accessible(page)
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.DRAFT

    # --- She turns the challenge to the grantee, who permitted it, and publishes ------------
    summary.get_by_role("link", name=re.compile(r"^Challenge 1 names")).click()
    first = page.locator(".challenge-row").first
    first.get_by_label("Who is challenged").select_option(label=f"{grantee} (grantee)")
    first.get_by_label("The challenge").fill("Opening only on weekdays misses working parents.")
    page.get_by_role("button", name="Save and check before publishing").click()
    check_page(page, heading="Check the brief before you publish it")
    expect(page.get_by_role("main")).to_contain_text("Opening only on weekdays")
    page.get_by_role("button", name="Publish brief").click()
    expect(page.get_by_role("status")).to_contain_text(
        "The brief is published. Every party has been told."
    )
    expect(page.get_by_role("main")).to_contain_text("Published")
    assert InsightBrief.objects.get(pk=brief.pk).status == InsightBrief.Status.PUBLISHED
    sign_out(page)

    # --- A grantee reads it and downloads the PDF ---------------------------------------------
    sign_in(page, scene.grantee_member.email)
    page.goto(f"/partnerships/{scene.partnership.pk}/briefs/")
    page.get_by_role("link", name="1 October 2026 to 31 October 2026").click()
    main = page.get_by_role("main")
    expect(main).to_contain_text(SO_WHAT)
    expect(main).to_contain_text(QUOTE)
    expect(main).to_contain_text("Young people attending")
    expect(main).to_contain_text("More came once the club stayed open until seven.")
    # The figure's series is a chart with a text alternative, readable on a phone.
    chart = main.get_by_role("img", name="Young people attending (people)")
    expect(chart).to_be_visible()
    expect(chart).to_have_accessible_description(
        "September 2026: 48 people; October 2026: 55 people. Baseline: 40 people."
    )
    page.set_viewport_size({"width": 390, "height": 844})
    assert_fits_narrow_screen(page)
    label_size = chart.locator("text").first.evaluate("t => t.getBoundingClientRect().height")
    assert label_size >= 11  # about 12 px text at 390 px wide
    page.set_viewport_size({"width": 1280, "height": 900})
    expect(page.get_by_role("heading", name="Plain-language check")).to_have_count(0)
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="PDF", exact=True).click()
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)

    assert saved.name == "insight-brief-warm-spaces-for-young-people-2026-10-01-to-2026-10-31.pdf"
    text = _pdf_text(saved)
    assert "Insight brief: 1 to 31 October 2026" in text
    assert SO_WHAT in text
    assert QUOTE in text
    assert "Opening only on weekdays misses working parents." in text
    assert "One-year grants" not in text
