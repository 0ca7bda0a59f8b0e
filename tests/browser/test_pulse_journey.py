"""The pulse in a real browser: the fifth person finds it on the dashboard, answers, is
thanked without being shown what, and then everyone sees the results with their chart;
the learning partner finds the low, falling score on its dashboard.

Every page on the way is checked with axe-core and at a narrow width.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from pulse.services import pulse_answer
from pulse.statements import STATEMENTS
from tests.browser.helpers import assert_accessible, assert_fits_narrow_screen, sign_in, sign_out
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

COMMENT = "Our last review felt like a test, not a conversation."


def test_the_fifth_answer_shows_the_results_to_everyone(page: Page) -> None:
    # Given a partnership whose pulse four people answered this period, and five last spring
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    earlier = [scene.funder_admin, scene.funder_member, scene.lp_admin, scene.lp_member]
    for person in [*earlier, scene.grantee_admin]:
        pulse_answer(
            partnership=scene.partnership,
            answers={"speak_up": 4, "not_working_safe": 4, "heard": 4},
            by=person,
            today=date(2026, 4, 15),
        )
    for person in earlier:
        pulse_answer(
            partnership=scene.partnership,
            answers={"speak_up": 3, "not_working_safe": 4, "heard": 5},
            comment="More time to reflect, please.",
            by=person,
        )

    # The grantee's member finds the pulse on the dashboard
    sign_in(page, scene.grantee_member.email)
    page.goto("/dashboard/")
    expect(page.get_by_text("A pulse question waits for you")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Answer the pulse")).click()
    expect(page.get_by_role("heading", level=2, name="Pulse")).to_be_visible()
    expect(page.get_by_text("Results show once 5 people have answered (4 so far).")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("More time to reflect")
    assert_accessible(page)
    assert_fits_narrow_screen(page)

    # Sending without choosing shows the errors, then answering works
    page.get_by_role("button", name="Send your answers").click()
    expect(page.get_by_role("alert")).to_contain_text("Choose how much you agree")
    assert_accessible(page)
    for statement, choice in zip(
        STATEMENTS.values(), ("2 – Disagree", "4 – Agree", "5 – Strongly agree"), strict=True
    ):
        page.get_by_role("group", name=statement).get_by_label(choice).check()
    page.get_by_label("Anything you want to add").fill(COMMENT)
    page.get_by_role("button", name="Send your answers").click()

    # Thanked, shown no record of what, and the results with their chart
    expect(page.get_by_text("You answered this period’s pulse — thank you.")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(page.get_by_text("5 people answered.").first).to_be_visible()
    chart = page.get_by_role("img", name=re.compile(r"^How people answered"))
    expect(chart).to_have_count(2)
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.locator("main")).to_contain_text("2.8 out of 5")
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    expect(page.get_by_text("A pulse question waits for you")).to_have_count(0)
    sign_out(page)

    # Saying what is not working scored 2.8, down from 4: the learning partner is told,
    # and reads the same results from its dashboard
    sign_in(page, scene.lp_member.email)
    page.goto("/dashboard/")
    expect(page.get_by_text("Pulses that need a look")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "some scores are below 3, and some scores fell since the last results"
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^See the results")).click()
    expect(page.locator("main")).to_contain_text(COMMENT)
    expect(page.get_by_text("You answered this period’s pulse — thank you.")).to_be_visible()
    assert_accessible(page)
