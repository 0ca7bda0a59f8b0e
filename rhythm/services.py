"""Every write of learning sessions: scheduling, changing, cancelling, and the reminder
the day before.

Rules enforced here, whoever calls: a session's parties are accepted parties of its own
partnership (all of them unless chosen); its length is bounded (also a database
constraint); a cancelled session changes no more (409). Each change people's calendars
must take bumps the calendar ``sequence``; a new time clears ``reminded_at`` so the
reminder goes again. Attendees' people are told when a session is scheduled, moved or
cancelled (never the person who did it), inside the write's transaction; emails go after
commit through the outbox.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from partnerships.models import Partnership, Party
from partnerships.services import activity_record
from partnerships.telling import Tidings, tell
from rhythm.models import DURATION_MAX, DURATION_MIN, LearningSession
from rhythm.timing import when_text

TITLE_MAX = 200
PROMPT_MAX = 300
PROMPTS_MAX = 10
PARTIES_MAX = 200
EARLIEST = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
LATEST = datetime.datetime(2100, 12, 31, tzinfo=datetime.UTC)
#: How long before a session its reminder goes.
REMINDER_AHEAD = datetime.timedelta(days=1)
#: Sessions reminded per transaction of the sweep.
REMINDER_BATCH = 100
FIELDS = ("kind", "title", "starts_at", "duration_minutes", "parties", "prompts")


def _clean_parties(
    partnership: Partnership, raw: object, errors: dict[str, list[str]]
) -> list[Party]:
    accepted = list(
        Party.objects.filter(partnership=partnership, status=Party.Status.ACCEPTED).select_related(
            "organisation"
        )
    )
    if raw is None:
        return accepted
    ids = [as_id(value) for value in raw] if isinstance(raw, list | tuple) else [None]
    if None in ids or len(ids) > PARTIES_MAX:
        errors["parties"] = ["Choose parties by their numbers."]
        return []
    by_id = {party.pk: party for party in accepted}
    strangers = [str(pk) for pk in ids if pk not in by_id]
    if strangers:
        errors["parties"] = [
            "Choose parties that have joined this partnership "
            f"({', '.join(strangers)} {'is' if len(strangers) == 1 else 'are'} not one)."
        ]
        return []
    if not ids:
        errors["parties"] = ["Choose at least one party to attend."]
        return []
    return [by_id[pk] for pk in dict.fromkeys(pk for pk in ids if pk is not None)]


def _clean_prompts(raw: object, errors: dict[str, list[str]]) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list | tuple) or not all(isinstance(p, str) for p in raw):
        errors["prompts"] = ["Write each prompt as text."]
        return []
    prompts = [p.strip() for p in raw if p.strip()]
    if len(prompts) > PROMPTS_MAX:
        errors["prompts"] = [f"Give at most {PROMPTS_MAX} prompts."]
    elif any(len(p) > PROMPT_MAX for p in prompts):
        errors["prompts"] = [f"Keep each prompt to {PROMPT_MAX} characters."]
    return prompts


def session_fields_clean(
    fields: dict[str, Any], *, partnership: Partnership, creating: bool
) -> dict[str, Any]:
    """The session fields in ``fields`` checked for ``partnership`` (every one when
    ``creating``); every problem at once, by field. The API and the pages share it."""
    unknown = set(fields) - set(FIELDS)
    if unknown:
        raise ValidationError({name: ["This field cannot be set."] for name in sorted(unknown)})
    errors: dict[str, list[str]] = {}
    cleaned: dict[str, Any] = {}
    if creating or "kind" in fields:
        kind = fields.get("kind")
        if kind not in LearningSession.Kind.values:
            errors["kind"] = [
                "Choose a reflection session, an action learning set or an after action review."
            ]
        cleaned["kind"] = kind
    if creating or "title" in fields:
        title = fields.get("title")
        title = title.strip() if isinstance(title, str) else ""
        if not title:
            errors["title"] = ["Give the session a short title."]
        elif len(title) > TITLE_MAX:
            errors["title"] = [f"Keep the title to {TITLE_MAX} characters."]
        cleaned["title"] = title
    if creating or "starts_at" in fields:
        starts_at = fields.get("starts_at")
        if not isinstance(starts_at, datetime.datetime) or timezone.is_naive(starts_at):
            errors["starts_at"] = ["Enter the day and time the session starts."]
        elif not EARLIEST <= starts_at <= LATEST:
            errors["starts_at"] = ["Enter a time between the years 2000 and 2100."]
        cleaned["starts_at"] = starts_at
    if creating or "duration_minutes" in fields:
        duration = fields.get("duration_minutes")
        if (
            not isinstance(duration, int)
            or isinstance(duration, bool)
            or not DURATION_MIN <= duration <= DURATION_MAX
        ):
            errors["duration_minutes"] = [
                f"A session lasts from {DURATION_MIN} minutes to {DURATION_MAX // 60} hours."
            ]
        cleaned["duration_minutes"] = duration
    if creating or "parties" in fields:
        cleaned["parties"] = _clean_parties(partnership, fields.get("parties"), errors)
    if creating or "prompts" in fields:
        cleaned["prompts"] = _clean_prompts(fields.get("prompts"), errors)
    if errors:
        raise ValidationError(errors)
    return cleaned


def _url(session: LearningSession) -> str:
    return reverse("rhythm:session-detail", args=[session.pk])


def _tell(
    session: LearningSession,
    parties: Sequence[Party],
    *,
    kind: str,
    subject: str,
    body: str,
    by: User | None,
) -> None:
    tell(
        [
            Tidings(
                partnership_id=session.partnership_id,
                organisation_ids=sorted(
                    {p.organisation_id for p in parties if p.status == Party.Status.ACCEPTED}
                ),
                kind=kind,
                subject=subject,
                body=body,
                url=_url(session),
                not_to=by.pk if by else None,
            )
        ]
    )


@transaction.atomic
def session_schedule(
    *, partnership: Partnership, by: User, fields: dict[str, Any]
) -> LearningSession:
    """Schedule a learning session of ``partnership`` (``fields``: kind, title,
    starts_at, duration_minutes, and optionally parties, all accepted ones by default,
    and prompts) and tell the attendees. Who may is the gateway's rule."""
    if partnership.status == Partnership.Status.CLOSED:
        raise Conflict("This partnership is closed, so no more sessions can be scheduled.")
    cleaned = session_fields_clean(fields, partnership=partnership, creating=True)
    parties = cleaned.pop("parties")
    session = LearningSession.objects.create(partnership=partnership, created_by=by, **cleaned)
    session.parties.set(parties)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=None,
        verb="session_scheduled",
        summary=f"{by.display_name} scheduled a learning session.",
    )
    _tell(
        session,
        parties,
        kind="session_scheduled",
        subject=f"Learning session: {session.title}",
        body=(
            f"{session.get_kind_display()} “{session.title}” of “{partnership.title}” is "
            f"on {when_text(session.starts_at)}, for {session.duration_minutes} minutes. "
            "Add it to your calendar from its page."
        ),
        by=by,
    )
    return session


@transaction.atomic
def session_update(
    *, session: LearningSession, by: User, fields: dict[str, Any]
) -> LearningSession:
    """Change a session. A change of anything a calendar shows bumps its ``sequence``; a
    new start clears ``reminded_at`` (the reminder goes again) and tells the attendees
    it moved; parties added are told it is scheduled."""
    session = (
        LearningSession.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=session.pk)
    )
    if session.cancelled:
        raise Conflict("This session is cancelled, so it can no longer be changed.")
    cleaned = session_fields_clean(fields, partnership=session.partnership, creating=False)
    before = list(session.parties.select_related("organisation"))
    changed = [
        name
        for name, value in cleaned.items()
        if name != "parties" and getattr(session, name) != value
    ]
    new_parties = cleaned.get("parties")
    parties_changed = new_parties is not None and {p.pk for p in new_parties} != {
        p.pk for p in before
    }
    if not changed and not parties_changed:
        return session
    moved = "starts_at" in changed
    for name in changed:
        setattr(session, name, cleaned[name])
    session.sequence += 1
    update = [*changed, "sequence", "updated_at"]
    if moved:
        session.reminded_at = None
        update.append("reminded_at")
    session.save(update_fields=update)
    attendees = before
    if new_parties is not None and parties_changed:
        session.parties.set(new_parties)
        kept = {p.pk for p in before}
        added = [p for p in new_parties if p.pk not in kept]
        attendees = list(new_parties)
        if added:
            _tell(
                session,
                added,
                kind="session_scheduled",
                subject=f"Learning session: {session.title}",
                body=(
                    f"You are now invited to {session.get_kind_display().lower()} "
                    f"“{session.title}” of “{session.partnership.title}” on "
                    f"{when_text(session.starts_at)}."
                ),
                by=by,
            )
            attendees = [p for p in new_parties if p.pk in kept]
    if moved:
        _tell(
            session,
            attendees,
            kind="session_moved",
            subject=f"Learning session moved: {session.title}",
            body=(
                f"“{session.title}” of “{session.partnership.title}” is now on "
                f"{when_text(session.starts_at)}. Update your calendar from its page."
            ),
            by=by,
        )
    activity_record(
        partnership=session.partnership,
        actor=by,
        organisation=None,
        verb="session_changed",
        summary=f"{by.display_name} changed a learning session.",
    )
    return session


@transaction.atomic
def session_cancel(*, session: LearningSession, by: User) -> LearningSession:
    """Cancel a session and tell its attendees; a cancelled one again is a 409."""
    session = (
        LearningSession.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=session.pk)
    )
    if session.cancelled:
        raise Conflict("This session is already cancelled.")
    session.cancelled_at = timezone.now()
    session.sequence += 1
    session.save(update_fields=["cancelled_at", "sequence", "updated_at"])
    _tell(
        session,
        list(session.parties.all()),
        kind="session_cancelled",
        subject=f"Learning session cancelled: {session.title}",
        body=(
            f"“{session.title}” of “{session.partnership.title}”, planned for "
            f"{when_text(session.starts_at)}, is cancelled. Remove it from your calendar "
            "with the file on its page."
        ),
        by=by,
    )
    activity_record(
        partnership=session.partnership,
        actor=by,
        organisation=None,
        verb="session_cancelled",
        summary=f"{by.display_name} cancelled a learning session.",
    )
    return session


def session_reminders_send(*, now: datetime.datetime | None = None) -> int:
    """Remind the attendees of each session starting within a day, exactly once
    whatever the number of ticks, workers or retries: each batch locks the sessions still
    waiting (``skip_locked``, so a concurrent sweep takes others or none), tells their
    people and sets ``reminded_at`` in the same transaction. Returns how many sessions
    were reminded."""
    now = now or timezone.now()
    reminded = 0
    while True:
        with transaction.atomic():
            due = list(
                LearningSession.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(
                    reminded_at__isnull=True,
                    cancelled_at__isnull=True,
                    starts_at__gt=now,
                    starts_at__lte=now + REMINDER_AHEAD,
                )
                .select_related("partnership")
                .order_by("starts_at", "pk")[:REMINDER_BATCH]
            )
            if not due:
                return reminded
            for session in due:
                _tell(
                    session,
                    list(session.parties.all()),
                    kind="session_reminder",
                    subject=f"Tomorrow: {session.title}",
                    body=(
                        f"{session.get_kind_display()} “{session.title}” of "
                        f"“{session.partnership.title}” is on {when_text(session.starts_at)}, "
                        f"for {session.duration_minutes} minutes."
                    ),
                    by=None,
                )
            LearningSession.objects.filter(pk__in=[s.pk for s in due]).update(reminded_at=now)
            reminded += len(due)
