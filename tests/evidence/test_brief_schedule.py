"""Briefs on the partnership's cadence, and reminders before a period ends."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from evidence.models import EvidenceReminder, InsightBrief
from evidence.periods import (
    Period,
    last_ended_period,
    london_today,
    period_containing,
    previous_period,
    shift_period,
)
from evidence.services.briefs import briefs_draft_due, evidence_reminders_send
from evidence.tasks import draft_due_briefs
from notifications.models import Notification
from partnerships.models import Partnership
from tests.evidence.briefs_scene import activate, add_evidence, brief_scene

UTC = datetime.UTC
D = datetime.date


@pytest.mark.parametrize(
    ("today", "cadence", "expected"),
    [
        (D(2026, 11, 2), "monthly", Period(D(2026, 10, 1), D(2026, 10, 31))),
        (D(2026, 3, 1), "monthly", Period(D(2026, 2, 1), D(2026, 2, 28))),
        (D(2026, 11, 25), "weekly", Period(D(2026, 11, 16), D(2026, 11, 22))),
        (D(2026, 1, 4), "weekly", Period(D(2025, 12, 22), D(2025, 12, 28))),
        (D(2026, 11, 23), "quarterly", Period(D(2026, 7, 1), D(2026, 9, 30))),
        (D(2026, 1, 1), "quarterly", Period(D(2025, 10, 1), D(2025, 12, 31))),
    ],
)
def test_the_last_ended_period_of_each_cadence(today, cadence, expected):
    assert last_ended_period(today, cadence) == expected


def test_periods_follow_the_london_calendar():
    # 23:30 on 30 June in UTC is already 1 July in London (summer time).
    moment = datetime.datetime(2026, 6, 30, 23, 30, tzinfo=UTC)

    assert london_today(moment) == D(2026, 7, 1)
    assert last_ended_period(london_today(moment), "monthly") == Period(
        D(2026, 6, 1), D(2026, 6, 30)
    )


def test_the_previous_period_has_the_same_shape():
    assert previous_period(Period(D(2026, 10, 1), D(2026, 10, 31))) == Period(
        D(2026, 9, 1), D(2026, 9, 30)
    )
    assert previous_period(Period(D(2026, 7, 1), D(2026, 9, 30))) == Period(
        D(2026, 4, 1), D(2026, 6, 30)
    )
    assert previous_period(Period(D(2026, 10, 5), D(2026, 10, 11))) == Period(
        D(2026, 9, 28), D(2026, 10, 4)
    )
    assert shift_period(Period(D(2026, 10, 1), D(2026, 10, 31)), "monthly", -1) == Period(
        D(2026, 9, 1), D(2026, 9, 30)
    )
    assert period_containing(D(2026, 11, 23), "quarterly") == Period(
        D(2026, 10, 1), D(2026, 12, 31)
    )


def _active_scene():
    scene = brief_scene()
    activate(scene)
    Partnership.objects.filter(pk=scene.partnership.pk).update(
        status_changed_at=datetime.datetime(2026, 9, 15, tzinfo=UTC)
    )
    scene.partnership.refresh_from_db()
    return scene


@pytest.mark.django_db
def test_the_schedule_drafts_the_brief_of_a_period_that_has_ended(
    django_capture_on_commit_callbacks,
):
    scene = _active_scene()
    item = add_evidence(scene.grantee_party, occurred_on=D(2026, 10, 20))
    now = datetime.datetime(2026, 11, 2, 9, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        queued = briefs_draft_due(now=now)

    brief = InsightBrief.objects.get(partnership=scene.partnership)
    assert queued == [brief.pk]
    assert (brief.period_start, brief.period_end) == (D(2026, 10, 1), D(2026, 10, 31))
    assert brief.status == InsightBrief.Status.DRAFT
    assert brief.requested_by is None
    assert list(brief.cited_evidence.values_list("pk", flat=True)) == [item.pk]


@pytest.mark.django_db
def test_the_schedule_drafts_due_briefs_in_batches(
    settings, django_capture_on_commit_callbacks, task_runs
):
    from evidence import tasks

    settings.LEARNHUB_BRIEF_DRAFT_BATCH = 2
    scenes = [_active_scene() for _ in range(5)]
    for scene in scenes:
        add_evidence(scene.grantee_party, occurred_on=D(2026, 10, 20))
    batches = task_runs(tasks.draft_briefs)

    with django_capture_on_commit_callbacks(execute=True):
        queued = briefs_draft_due(now=datetime.datetime(2026, 11, 2, 9, tzinfo=UTC))

    assert len(queued) == 5
    assert sorted(len(batch) for batch in batches) == [1, 2, 2]
    assert sorted(pk for batch in batches for pk in batch) == sorted(queued)
    drafted = InsightBrief.objects.filter(pk__in=queued, status=InsightBrief.Status.DRAFT)
    assert drafted.count() == 5
    assert all(brief.cited_evidence.count() == 1 for brief in drafted)


@pytest.mark.django_db
def test_duplicate_ticks_make_one_brief(django_capture_on_commit_callbacks):
    scene = _active_scene()
    now = datetime.datetime(2026, 11, 2, 9, tzinfo=UTC)

    with django_capture_on_commit_callbacks(execute=True):
        first = briefs_draft_due(now=now)
        second = briefs_draft_due(now=now + datetime.timedelta(minutes=5))

    assert len(first) == 1
    assert second == []
    assert InsightBrief.objects.filter(partnership=scene.partnership).count() == 1


@pytest.mark.django_db
def test_the_beat_task_runs_the_schedule_for_now():
    scene = _active_scene()

    queued = draft_due_briefs.apply().get()

    expected = last_ended_period(london_today(), scene.partnership.brief_cadence)
    brief = InsightBrief.objects.get(partnership=scene.partnership)
    assert queued == [brief.pk]
    assert (brief.period_start, brief.period_end) == (expected.start, expected.end)


@pytest.mark.django_db
def test_no_brief_for_partnerships_in_discovery_or_periods_before_they_were_active():
    in_discovery = brief_scene()
    late = _active_scene()
    Partnership.objects.filter(pk=late.partnership.pk).update(
        status_changed_at=datetime.datetime(2026, 11, 1, 12, tzinfo=UTC)
    )

    queued = briefs_draft_due(now=datetime.datetime(2026, 11, 2, 9, tzinfo=UTC))

    assert queued == []
    assert not InsightBrief.objects.exists()
    assert in_discovery.partnership.status == Partnership.Status.DISCOVERY


@pytest.mark.django_db
def test_a_brief_stuck_drafting_is_queued_again(django_capture_on_commit_callbacks):
    scene = _active_scene()
    stuck = InsightBrief.objects.create(
        partnership=scene.partnership, period_start=D(2026, 10, 1), period_end=D(2026, 10, 31)
    )
    InsightBrief.objects.filter(pk=stuck.pk).update(
        updated_at=datetime.datetime(2026, 11, 1, tzinfo=UTC)
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = briefs_draft_due(now=datetime.datetime(2026, 11, 2, 9, tzinfo=UTC))

    assert queued == [stuck.pk]
    stuck.refresh_from_db()
    assert stuck.status == InsightBrief.Status.DRAFT


@pytest.mark.django_db
def test_quiet_parties_are_reminded_once_before_the_period_ends(
    django_capture_on_commit_callbacks,
):
    scene = _active_scene()
    add_evidence(scene.grantee_party, occurred_on=D(2026, 10, 3))

    early = evidence_reminders_send(now=datetime.datetime(2026, 10, 10, 9, tzinfo=UTC))
    with django_capture_on_commit_callbacks(execute=True):
        reminded = evidence_reminders_send(now=datetime.datetime(2026, 10, 28, 9, tzinfo=UTC))
    again = evidence_reminders_send(now=datetime.datetime(2026, 10, 29, 9, tzinfo=UTC))

    assert (early, reminded, again) == (0, 1, 0)
    reminder = EvidenceReminder.objects.get()
    assert reminder.party == scene.grantee2_party
    notices = Notification.objects.filter(kind="evidence_reminder")
    assert {n.recipient_id for n in notices} == {scene.grantee2_admin.pk}
    notice = notices.get()
    assert notice.subject == "Add your evidence before the period ends in 3 days"
    assert "1 to 31 October 2026" in notice.body


def test_the_schedule_is_on_the_beat():
    schedule = settings.CELERY_BEAT_SCHEDULE

    assert schedule["evidence-draft-due-briefs"]["task"] == "evidence.draft_due_briefs"
    assert schedule["evidence-remind-parties-without-evidence"]["task"] == (
        "evidence.remind_parties_without_evidence"
    )
    assert ZoneInfo(settings.CELERY_TIMEZONE) == ZoneInfo("Europe/London")
