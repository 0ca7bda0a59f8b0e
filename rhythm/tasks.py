"""Background jobs of learning sessions: thin, named, idempotent."""

from __future__ import annotations

from celery import shared_task

from learnhub.tasks import RELIABLE
from rhythm.services import session_reminders_send


@shared_task(name="rhythm.send_session_reminders", **RELIABLE, time_limit=300, soft_time_limit=240)
def send_session_reminders() -> int:
    """Remind attendees of sessions starting within a day (each session once, whatever
    the number of ticks, workers or retries)."""
    return session_reminders_send()
