"""Fetch-and-check gateways for learning sessions.

Rules: someone outside the partnership gets ``Http404``; so does anyone in it who
neither attends the session (through an accepted party) nor may schedule sessions, so
nothing says the session exists. A reader who may not change it gets ``Forbidden`` with
a plain reason. Only the learning partner's people and the commissioning funder's admins
schedule, change and cancel sessions (PRODUCT.md: the learning partner runs the learning
rhythm; the commissioner is accountable for the partnership). Recording what came out of
a session is adding evidence, whose own rules (consent) apply.
"""

from __future__ import annotations

from enum import StrEnum

from django.http import Http404

from accounts.models import User
from learnhub.errors import Forbidden
from partnerships.access import PartnershipAction, access_partnership
from partnerships.models import Partnership
from rhythm.models import LearningSession
from rhythm.selectors import manages_sessions, session_for


class SessionAction(StrEnum):
    VIEW = "view"
    MANAGE = "manage"


MANAGE_REFUSAL = (
    "Only the learning partner’s people and the commissioning funder’s admins can "
    "schedule, change or cancel learning sessions."
)


def access_partnership_sessions(*, user: User, pk: int, action: SessionAction) -> Partnership:
    """The partnership ``pk`` if ``user`` may list its sessions (``VIEW``: any accepted
    party, who sees those they attend) or schedule one (``MANAGE``). The result carries
    ``manages_sessions``."""
    partnership = access_partnership(user=user, pk=pk, action=PartnershipAction.VIEW)
    manager = manages_sessions(user=user, partnership=partnership)
    if action == SessionAction.MANAGE and not manager:
        raise Forbidden(MANAGE_REFUSAL)
    partnership.manages_sessions = manager  # type: ignore[attr-defined]  # set for the caller
    return partnership


def access_session(*, user: User, pk: int, action: SessionAction) -> LearningSession:
    """Session ``pk`` (with its partnership and parties) if ``user`` may read it, and for
    ``MANAGE`` change or cancel it. The result carries ``manages_sessions``."""
    partnership_id = (
        LearningSession.objects.filter(pk=pk).values_list("partnership_id", flat=True).first()
    )
    if partnership_id is None:
        raise Http404("No such learning session.")
    partnership = access_partnership(user=user, pk=partnership_id, action=PartnershipAction.VIEW)
    manager = manages_sessions(user=user, partnership=partnership)
    session = session_for(
        user=user, pk=pk, manager_of=frozenset({partnership.pk}) if manager else frozenset()
    )
    if session is None:
        raise Http404("No such learning session.")
    if action == SessionAction.MANAGE and not manager:
        raise Forbidden(MANAGE_REFUSAL)
    session.partnership = partnership
    session.manages_sessions = manager  # type: ignore[attr-defined]  # set for the caller
    return session
