"""Learning sessions in a real browser: the learning partner schedules a reflection
session from the Sessions tab; a grantee finds it on her dashboard, downloads its
calendar file (parsed back with the library that made it), records what came out of it
on the prefilled evidence form, and finds her reflection under the session. Every page
on the way is checked with axe-core."""

import re
from pathlib import Path

import pytest
from icalendar import Calendar
from playwright.sync_api import Page, expect

from evidence.models import Evidence
from rhythm.models import LearningSession
from tests.browser.helpers import assert_accessible, check_page, sign_in, sign_out
from tests.evidence.briefs_scene import brief_scene

pytestmark = pytest.mark.browser


def test_schedule_download_record_and_find_the_evidence_under_the_session(page: Page) -> None:
    scene = brief_scene(title="Warm homes together")
    partnership = scene.partnership

    # --- The learning partner schedules a reflection session --------------------------------
    sign_in(page, scene.lp_member.email)
    page.goto(f"/partnerships/{partnership.pk}/sessions/")
    check_page(page, heading="Warm homes together")
    page.get_by_role("link", name="Schedule a learning session").click()
    check_page(page, heading="Schedule a learning session")
    page.get_by_role("button", name="Schedule the session").click()
    expect(page.get_by_role("alert")).to_contain_text("Give the session a short title.")
    assert_accessible(page)
    page.get_by_label("Reflection session").check()
    page.get_by_label("Title").fill("Winter look back")
    page.get_by_label("Day").fill("2027-01-14")
    page.get_by_label("Start time (UK time)").fill("14:30")
    page.get_by_label("How long, in minutes").fill("60")
    page.get_by_label("Prompts (optional)").fill("What did we do?\nWhat surprised us?")
    page.get_by_role("button", name="Schedule the session").click()
    check_page(page, heading="Winter look back")
    expect(page.get_by_role("status")).to_contain_text("is scheduled")
    session = LearningSession.objects.get()
    sign_out(page)

    # --- A grantee finds it, downloads the calendar file and records what came out --------
    sign_in(page, scene.grantee_member.email)
    page.goto("/dashboard/")
    upcoming = page.get_by_role("list", name="Your next learning sessions")
    expect(upcoming).to_contain_text("Winter look back")
    assert_accessible(page)
    upcoming.get_by_role("link", name=re.compile("^See the session")).click()
    check_page(page, heading="Winter look back")
    expect(page.get_by_role("main")).to_contain_text("What surprised us?")
    with page.expect_download() as downloading:
        page.get_by_role("link", name=re.compile("^Add to your calendar")).click()
    download = downloading.value
    assert download.suggested_filename == f"learning-session-{session.pk}.ics"
    (event,) = Calendar.from_ical(Path(download.path()).read_bytes()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Winter look back"
    assert str(event["UID"]) == f"{session.uid}@learnhub"
    assert event.decoded("DTSTART").strftime("%Y-%m-%d %H:%M") == "2027-01-14 14:30"

    page.get_by_role("link", name="Record what came out of it").click()
    expect(page.get_by_role("main")).to_contain_text("What came out of the learning session")
    assert_accessible(page)
    page.get_by_label("Title").fill("What the winter showed us")
    page.get_by_label("What did we do?").fill("Ran drop-ins on cold evenings.")
    page.get_by_label("What happened?").fill("Twice as many families came.")
    page.get_by_label("Mixed").check()
    page.get_by_label("When did you meet to reflect?").fill("2026-10-12")
    page.get_by_role("button", name=re.compile("^Add")).click()
    check_page(page, heading="Winter look back")
    outputs = page.get_by_role("main")
    expect(outputs).to_contain_text("What the winter showed us")
    assert Evidence.objects.get().session_id == session.pk
