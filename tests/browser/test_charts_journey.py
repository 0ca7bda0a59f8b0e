"""Charts in a real browser: the funder reads a grantee's figure over the months, the
balance of what is working on the Evidence tab and the coverage chart; each chart is one
image with a name and a description in words, fits a 390 px phone (and a 320 px screen)
and passes axe-core; what another grantee kept from the funder is in none of them.
"""

import datetime
import re
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from evidence.models import Evidence
from tests.browser.helpers import assert_accessible, assert_fits_narrow_screen, sign_in
from tests.evidence.factories import EvidenceFactory
from tests.evidence.items_helpers import (
    PARTICIPATE,
    SHARE_WITH_FUNDER,
    agree_question,
    grant,
)
from tests.partnerships.factories import add_party, build_partnership_scene

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)


def _chart_at_each_width(
    page: Page, *, name: str | re.Pattern[str], description: str | re.Pattern[str]
) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        chart = page.get_by_role("img", name=name)
        expect(chart).to_be_visible()
        expect(chart).to_have_accessible_description(description)
        box = chart.bounding_box()
        assert box is not None
        assert box["width"] <= width
        assert box["height"] > 40
        assert_accessible(page)
    assert_fits_narrow_screen(page)


def test_the_funder_sees_charts_of_only_what_is_shared_with_it(page: Page) -> None:
    # Given a grantee that shares its evidence with the funder, and one that does not
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    private = add_party(scene.partnership)
    question = agree_question(scene.partnership, "What keeps families coming back?")
    grant(scene.grantee_party, PARTICIPATE, SHARE_WITH_FUNDER)
    grant(private, PARTICIPATE)
    for month, value in ((7, "10"), (8, "12"), (9, "15"), (10, "18")):
        latest = EvidenceFactory.create(
            party=scene.grantee_party,
            kind=Evidence.Kind.STATISTIC,
            title="Families helped",
            value=Decimal(value),
            unit="families",
            baseline=Decimal(8),
            valence="working",
            occurred_on=datetime.date(2026, month, 5),
            questions=[question],
        )
    EvidenceFactory.create(party=scene.grantee_party, valence="not_working")
    for _ in range(6):
        EvidenceFactory.create(
            party=private,
            kind=Evidence.Kind.STATISTIC,
            title="Families helped",
            value=Decimal(99),
            unit="families",
            valence="mixed",
            occurred_on=datetime.date(2026, 10, 20),
            questions=[question],
        )
    grantee = scene.grantee_party.organisation.name
    hidden = private.organisation.name
    pk = scene.partnership.pk

    sign_in(page, scene.funder_member.email)

    # The Evidence tab: the balance of what the funder may see
    page.goto(f"/partnerships/{pk}/evidence/")
    _chart_at_each_width(
        page,
        name="Is it working? All the evidence you can see",
        description=(
            "Working: 4; Not working: 1; Mixed: 0; Unclear: 0. 5 pieces of evidence in all."
        ),
    )
    expect(page.get_by_role("img", name=re.compile("Is it working"))).to_contain_text(
        "Not working: 1"
    )

    # The figure's page: its series over the months, in words too
    page.get_by_role("link", name="Families helped").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Families helped")
    assert page.url.endswith(f"/evidence/{latest.pk}/")
    series = (
        "July 2026: 10 families; August 2026: 12 families; September 2026: 15 families; "
        "October 2026: 18 families. Baseline: 8 families."
    )
    _chart_at_each_width(page, name="Families helped (families)", description=series)
    expect(page.locator("figcaption")).to_contain_text(series)
    # Nowhere "99" on its own (a database id may hold the digits).
    expect(page.locator("main")).not_to_contain_text(re.compile(r"\b99\b"))

    # The coverage page: the same numbers as its table, none kept from the funder
    page.goto(f"/partnerships/{pk}/evidence/coverage/")
    _chart_at_each_width(
        page,
        name="Evidence you can see, by research question and party",
        description=re.compile(
            rf"What keeps families coming back\?: .*{re.escape(grantee)} 4, "
            rf".*{re.escape(hidden)} not shared with you"
        ),
    )
    chart = page.get_by_role("img", name="Evidence you can see, by research question and party")
    # The hidden party's figure (6 pieces) is never drawn: only "not shared with you".
    expect(chart).not_to_contain_text(re.compile(rf"{re.escape(hidden)}\s*\d"))
    expect(page.get_by_role("table")).to_contain_text("Not shared with you")
