"""A session as an iCalendar file (RFC 5545), made with the ``icalendar`` library.

The event's UID is the session's for its whole life and its SEQUENCE grows with each
change, so a calendar that imported it updates the one event; a cancelled session is
``METHOD:CANCEL`` with ``STATUS:CANCELLED``, which removes it.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from rhythm.models import LearningSession

PRODUCT_ID = "-//LearnHub//Learning sessions//EN"


def session_calendar(session: LearningSession, *, now: datetime.datetime | None = None) -> bytes:
    """The session's calendar file, times in Europe/London."""
    zone = timezone.get_default_timezone()
    starts = timezone.localtime(session.starts_at, zone)
    site = str(settings.LEARNHUB_SITE_URL)
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if session.cancelled else "PUBLISH")
    event = Event()
    event.add("uid", f"{session.uid}@learnhub")
    event.add("sequence", session.sequence)
    event.add("dtstamp", now or timezone.now())
    event.add("dtstart", starts)
    event.add("dtend", starts + datetime.timedelta(minutes=session.duration_minutes))
    event.add("summary", session.title)
    lines = [f"{session.get_kind_display()} of {session.partnership.title}."]
    if session.prompts:
        lines += ["", "Prompts:", *(f"- {prompt}" for prompt in session.prompts)]
    url = f"{site}{session.get_absolute_url()}"
    lines += ["", url]
    event.add("description", "\n".join(lines))
    event.add("url", url)
    event.add("status", "CANCELLED" if session.cancelled else "CONFIRMED")
    calendar.add_component(event)
    calendar.add_missing_timezones()
    return bytes(calendar.to_ical())


def calendar_filename(session: LearningSession) -> str:
    return f"learning-session-{session.pk}.ics"
