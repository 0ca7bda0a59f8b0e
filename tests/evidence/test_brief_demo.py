"""The demo has a published brief and a draft, and moving its clock on makes the beat
schedule draft a new one."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from demo.management.commands.demo_advance_clock import DEMO_TITLE
from evidence.models import InsightBrief
from evidence.periods import last_ended_period, london_today
from evidence.rendering import render_pdf
from evidence.selectors.briefs import brief_reading
from evidence.services.briefs import brief_draft, briefs_draft_due
from evidence.synthesis import reading_ease
from partnerships.models import Partnership, Party
from tests.evidence.briefs_scene import api, client_for
from tests.evidence.pdfs import pdf_info

pytestmark = pytest.mark.django_db


def _seed() -> Partnership:
    call_command("seed_demo", "--allow-without-debug", verbosity=0, stdout=None)
    return Partnership.objects.get(title=DEMO_TITLE)


def test_the_demo_has_a_published_brief_and_a_draft():
    partnership = _seed()
    call_command("seed_demo", "--allow-without-debug", verbosity=0)

    briefs = list(InsightBrief.objects.filter(partnership=partnership).order_by("period_end"))

    assert [b.status for b in briefs] == ["published", "draft"]
    published, draft = briefs
    assert published.so_what
    assert published.challenges
    assert published.cited_evidence.exists()
    assert draft.cited_evidence.exists()
    assert draft.what_changed[0]["description"] == "Run an evening advice session every Wednesday."
    last = last_ended_period(london_today(), partnership.brief_cadence)
    assert (draft.period_start, draft.period_end) == (last.start, last.end)


def test_advancing_the_clock_lets_the_schedule_draft_the_next_brief():
    partnership = _seed()
    ended = last_ended_period(london_today(), partnership.brief_cadence)
    assert briefs_draft_due() == []  # nothing due: the last period has its draft

    call_command("demo_advance_clock", "--periods", "1", "--allow-without-debug", verbosity=0)
    queued = briefs_draft_due()

    assert len(queued) == 1
    brief_draft(brief_id=queued[0])  # what the queued task does
    briefs = list(InsightBrief.objects.filter(partnership=partnership).order_by("period_end"))
    assert [b.status for b in briefs] == ["published", "draft", "draft"]
    newest = briefs[-1]
    assert (newest.period_start, newest.period_end) == (ended.start, ended.end)
    assert newest.cited_evidence.count() > 0  # the evidence of the period that was current


def test_the_clock_refuses_to_move_on_a_real_site():
    _seed()

    with pytest.raises(CommandError, match="not a demo site"):
        call_command("demo_advance_clock")


def test_the_demo_briefs_say_what_was_learned_plainly_in_four_pages_at_most(tmp_path):
    partnership = _seed()

    briefs = list(InsightBrief.objects.filter(partnership=partnership).order_by("period_end"))

    assert len(briefs) == 2
    for brief in briefs:
        reading = brief_reading(brief)
        findings = [f for section in reading.sections for f in section["findings"]]
        cited = set(reading.cited) | set(reading.compared)
        assert all(f["evidence"] and set(f["evidence"]) <= cited for f in findings)
        assert all(
            section["findings"] for section in reading.sections if section["counts"]["total"]
        )
        ease = reading_ease(" ".join(f["text"] for f in findings))
        assert ease is not None
        assert ease >= 60, ease
        assert int(pdf_info(render_pdf(reading), tmp_path, f"{brief.pk}.pdf")["Pages"]) <= 4


NAMED_QUOTE = (
    "Sorting my Universal Credit on the same day meant I didn't have to come back the next week."
)
ANONYMOUS_QUOTE = "The wait for an adviser was two hours and I had to collect my kids."


def test_the_demo_brief_says_whose_words_without_naming_the_only_grantee():
    partnership = _seed()
    draft = InsightBrief.objects.get(partnership=partnership, status="draft")
    reader = User.objects.filter(
        memberships__organisation__parties__partnership=partnership,
        memberships__organisation__parties__role=Party.Role.LEARNING_PARTNER,
    ).first()
    assert reader is not None

    body = client_for(reader).get(api("brief-detail", pk=draft.pk)).json()

    quotes = {q["text"]: q["attribution"] for s in body["sections"] for q in s["quotes"]}
    # Riverside Food Bank agreed to be named for the first; it is the demo's only
    # grantee, so the second cannot say "grantee organisation".
    assert quotes[NAMED_QUOTE] == "a service user, Riverside Food Bank"
    assert quotes[ANONYMOUS_QUOTE] == "a service user in the partnership"
