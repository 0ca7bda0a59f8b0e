"""Demo data for the pulse, in the demo's active partnership: last period answered by
enough people to show its results (with a low score, so the learning partner sees a flag),
and this period by two people, so the others are asked on their dashboard and everyone
sees the count so far.

Called by ``seed_demo``. Through the service, and only for people who have not answered
that period yet, so running it again adds nothing.
"""

from __future__ import annotations

import datetime

from accounts.models import User
from learnhub.periods import last_ended_period, london_today
from partnerships.models import Membership, Partnership, Party
from pulse.models import PulseAnswered
from pulse.services import pulse_answer, pulse_flags_sweep

#: (speak up, not working is safe, heard, comment) for last period, one a person.
LAST_PERIOD = (
    (4, 4, 3, "Our learning partner makes it easy to say what went wrong."),
    (3, 4, 2, ""),
    (4, 3, 3, "Reporting still feels like being marked."),
    (5, 4, 3, ""),
    (3, 3, 2, "I raised the volunteer drop-off twice and heard nothing back."),
    (4, 4, 4, ""),
)
THIS_PERIOD = ((4, 4, 4, ""), (3, 4, 3, "Better since the reflection session."))


def _people(partnership: Partnership, *roles: str) -> list[User]:
    """The people of the partnership's accepted parties (with one of ``roles`` in their
    organisation, when given), in a fixed order."""
    people = User.objects.filter(
        memberships__organisation__parties__partnership=partnership,
        memberships__organisation__parties__status=Party.Status.ACCEPTED,
    )
    if roles:
        people = people.filter(memberships__role__in=roles)
    return list(people.distinct().order_by("email"))


def _answer(
    partnership: Partnership,
    people: list[User],
    answers: tuple[tuple[int, int, int, str], ...],
    day: datetime.date,
    period_start: datetime.date,
) -> None:
    for person, (speak_up, safe, heard, comment) in zip(people, answers, strict=False):
        if PulseAnswered.objects.filter(
            user=person, partnership=partnership, period_start=period_start
        ).exists():
            continue
        pulse_answer(
            partnership=partnership,
            answers={"speak_up": speak_up, "not_working_safe": safe, "heard": heard},
            comment=comment,
            by=person,
            today=day,
        )


def seed_pulse_demo(partnership: Partnership) -> None:
    today = london_today()
    last = last_ended_period(today, partnership.brief_cadence)
    _answer(partnership, _people(partnership), LAST_PERIOD, last.start, last.start)
    # This period: plain members only, so the admins (the demo's first sign-ins) are
    # asked on their dashboard.
    members = _people(partnership, Membership.Role.MEMBER)[::-1]
    current_start = last.end + datetime.timedelta(days=1)
    _answer(partnership, members, THIS_PERIOD, today, current_start)
    # What beat's hourly sweep does first thing: flag last period's low score.
    pulse_flags_sweep(today=today)
