"""The pulse in a real browser: the fifth person this period finds it on the dashboard,
answers, is thanked without being shown what, and sees this period's results held back
until the period ends while last period's show with their chart; the learning partner
finds last period's low, falling score on its dashboard.

Every page on the way is checked with axe-core and at a narrow width.
"""

import re
from datetime import date

import pytest
from playwright.sync_api import Page, expect

from learnhub.periods import last_ended_period, london_today
from pulse.services import pulse_answer, pulse_flags_sweep
from pulse.statements import STATEMENTS
from tests.browser.helpers import assert_accessible, assert_fits_narrow_screen, sign_in, sign_out
from tests.partnerships.factories import build_partnership_scene

pytestmark = pytest.mark.browser

COMMENT = "Our last review felt like a test, not a conversation."


def test_the_fifth_answer_waits_for_the_period_to_end_and_last_periods_show(
    page: Page,
) -> None:
    # Given a partnership whose pulse five people answered last spring and last period
    # (saying what is not working fell to 2.2 from 4), and four so far this period
    scene = build_partnership_scene(title="Warm homes, healthy lives")
    earlier = [scene.funder_admin, scene.funder_member, scene.lp_admin, scene.lp_member]
    last = last_ended_period(london_today(), scene.partnership.brief_cadence)
    for person, speak_up in zip([*earlier, scene.grantee_admin], (2, 2, 2, 2, 3), strict=True):
        pulse_answer(
            partnership=scene.partnership,
            answers={"speak_up": 4, "not_working_safe": 4, "heard": 4},
            by=person,
            today=date(2026, 4, 15),
        )
        pulse_answer(
            partnership=scene.partnership,
            answers={"speak_up": speak_up, "not_working_safe": 4, "heard": 4},
            comment="More time to reflect, please." if speak_up == 3 else "",
            by=person,
            today=last.start,
        )
    for person in earlier:
        pulse_answer(
            partnership=scene.partnership,
            answers={"speak_up": 3, "not_working_safe": 4, "heard": 5},
            comment="This period’s words stay private for now.",
            by=person,
        )
    assert pulse_flags_sweep() == 1  # beat's hourly look at the periods that ended

    # The grantee's member finds the pulse on the dashboard
    sign_in(page, scene.grantee_member.email)
    page.goto("/dashboard/")
    expect(page.get_by_text("A pulse question waits for you")).to_be_visible()
    page.get_by_role("link", name=re.compile(r"^Answer the pulse")).click()
    expect(page.get_by_role("heading", level=2, name="Pulse")).to_be_visible()
    expect(
        page.get_by_text(re.compile(r"Results show after this period ends .*\(4 so far\)"))
    ).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("This period’s words")
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

    # Thanked, shown no record of what; this period's results wait for its end (five
    # answers now, but none shown), and the two past periods show with their charts
    expect(page.get_by_text("You answered this period’s pulse — thank you.")).to_be_visible()
    expect(page.get_by_role("radio")).to_have_count(0)
    expect(
        page.get_by_text(re.compile(r"Results show after this period ends .*\(5 so far\)"))
    ).to_be_visible()
    expect(page.locator("main")).not_to_contain_text(COMMENT)
    expect(page.locator("main")).not_to_contain_text("This period’s words")
    expect(page.get_by_text("5 people answered.")).to_have_count(2)
    chart = page.get_by_role("img", name=re.compile(r"^How people answered"))
    expect(chart).to_have_count(2)
    expect(page.locator("main")).to_contain_text("More time to reflect, please.")
    expect(page.locator("main")).to_contain_text("2.2 out of 5")
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    expect(page.get_by_text("A pulse question waits for you")).to_have_count(0)
    sign_out(page)

    # Saying what is not working scored 2.2 last period, down from 4: the learning
    # partner was told, and reads the same results from its dashboard
    sign_in(page, scene.lp_member.email)
    page.goto("/dashboard/")
    expect(page.get_by_text("Pulses that need a look")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        "some scores are below 3, and some scores fell since the last results"
    )
    assert_accessible(page)
    page.get_by_role("link", name=re.compile(r"^See the results")).click()
    expect(page.locator("main")).to_contain_text("More time to reflect, please.")
    expect(page.get_by_text("You answered this period’s pulse — thank you.")).to_be_visible()
    assert_accessible(page)
