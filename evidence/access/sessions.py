"""The gateway to the learning session an evidence item is recorded from (its page)."""

from __future__ import annotations

from django.http import Http404

from accounts.models import User
from learnhub.inputs import as_id
from partnerships.models import Partnership
from rhythm.access import SessionAction, access_session
from rhythm.models import LearningSession


def access_evidence_session(
    *, user: User, partnership: Partnership, raw_id: str | None
) -> LearningSession | None:
    """The session ``raw_id`` (from ``?session=``) if ``user`` may read it and it is one of
    ``partnership``'s; none when not asked; anything else is not found (404)."""
    if raw_id is None:
        return None
    session_id = as_id(raw_id)
    if session_id is None:
        raise Http404("No such learning session.")
    session = access_session(user=user, pk=session_id, action=SessionAction.VIEW)
    if session.partnership_id != partnership.pk:
        raise Http404("No such learning session.")
    return session
