"""Learning sessions for tests, scheduled through the service."""

from __future__ import annotations

import datetime
from typing import Any

from django.utils import timezone

from partnerships.models import Party
from rhythm.models import LearningSession
from rhythm.services import session_schedule
from tests.evidence.briefs_scene import BriefScene

LONDON = timezone.get_default_timezone()


def in_days(days: float, hour: int = 14) -> datetime.datetime:
    """A London time ``days`` from now, at ``hour`` o'clock (days may be negative)."""
    moment = timezone.localtime(timezone.now(), LONDON) + datetime.timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def schedule(
    scene: BriefScene, *, parties: list[Party] | None = None, **fields: Any
) -> LearningSession:
    """A session of ``scene``'s partnership scheduled by the learning partner's member."""
    values: dict[str, Any] = {
        "kind": LearningSession.Kind.REFLECTION,
        "title": "Spring reflection",
        "starts_at": in_days(10),
        "duration_minutes": 90,
        "prompts": ["What did we do?", "What does it mean?"],
    }
    values.update(fields)
    if parties is not None:
        values["parties"] = [p.pk for p in parties]
    return session_schedule(partnership=scene.partnership, by=scene.lp_member, fields=values)


def in_hours(hours: float) -> datetime.datetime:
    """The moment ``hours`` from now."""
    return timezone.now() + datetime.timedelta(hours=hours)
