"""The reminder the day before: each session's attendees are reminded exactly once,
whatever the number of beat ticks, workers racing or retries; a new time re-arms it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from notifications.models import Notification
from rhythm import services
from rhythm.services import session_cancel, session_reminders_send, session_update
from rhythm.tasks import send_session_reminders
from tests.evidence.briefs_scene import brief_scene
from tests.rhythm.helpers import in_days, in_hours, schedule


def _reminders(session) -> list[int]:
    return sorted(
        Notification.objects.filter(
            kind="session_reminder", url__endswith=f"/sessions/{session.pk}/"
        ).values_list("recipient", flat=True)
    )


@pytest.mark.django_db
def test_each_session_is_reminded_once_whatever_the_number_of_ticks():
    scene = brief_scene()
    tomorrow = schedule(scene, starts_at=in_hours(20), parties=[scene.grantee_party])
    later = schedule(scene, starts_at=in_days(3), title="Later")

    ticks = [send_session_reminders.apply().get() for _ in range(4)]

    assert ticks == [1, 0, 0, 0]
    people = sorted([scene.grantee_admin.pk, scene.grantee_member.pk])
    assert _reminders(tomorrow) == people
    assert _reminders(later) == []
    tomorrow.refresh_from_db()
    assert tomorrow.reminded_at is not None


@pytest.mark.django_db
def test_a_moved_session_is_reminded_again_and_a_cancelled_one_never():
    scene = brief_scene()
    session = schedule(scene, starts_at=in_hours(20), parties=[scene.grantee_party])
    cancelled = schedule(scene, starts_at=in_hours(19), parties=[scene.grantee_party])
    session_cancel(session=cancelled, by=scene.lp_member)
    assert session_reminders_send() == 1

    session_update(session=session, by=scene.lp_member, fields={"starts_at": in_hours(22)})
    session.refresh_from_db()
    assert session.reminded_at is None
    assert session_reminders_send() == 1
    assert session_reminders_send() == 0

    assert len(_reminders(session)) == 4  # two people, twice
    assert _reminders(cancelled) == []
    moved = Notification.objects.filter(kind="session_moved")
    assert sorted(moved.values_list("recipient", flat=True)) == sorted(
        [scene.grantee_admin.pk, scene.grantee_member.pk]
    )


@pytest.mark.django_db
def test_a_change_of_title_keeps_the_reminder_sent():
    scene = brief_scene()
    session = schedule(scene, starts_at=in_hours(20))
    session_reminders_send()

    session_update(session=session, by=scene.lp_member, fields={"title": "Renamed"})

    session.refresh_from_db()
    assert session.reminded_at is not None
    assert session.sequence == 1
    assert session_reminders_send() == 0


@pytest.mark.needs_postgres
@pytest.mark.django_db(transaction=True)
def test_two_sweeps_racing_remind_each_session_once(monkeypatch):
    scene = brief_scene()
    session = schedule(scene, starts_at=in_hours(20), parties=[scene.grantee_party])
    inside = threading.Event()
    release = threading.Event()
    real_tell = services._tell
    results: dict[str, int] = {}

    def slow_tell(*args, **kwargs):
        if kwargs.get("kind") == "session_reminder" and threading.current_thread().name == "first":
            inside.set()
            assert release.wait(10)
        return real_tell(*args, **kwargs)

    monkeypatch.setattr(services, "_tell", slow_tell)

    def first() -> None:
        try:
            results["first"] = session_reminders_send()
        finally:
            connection.close()

    thread = threading.Thread(target=first, name="first")
    thread.start()
    assert inside.wait(10)
    # The first sweep holds the session's row: the second skips it rather than wait.
    results["second"] = session_reminders_send()
    release.set()
    thread.join(10)
    results["third"] = session_reminders_send()

    assert results == {"first": 1, "second": 0, "third": 0}
    assert len(_reminders(session)) == 2
