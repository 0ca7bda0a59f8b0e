"""What the brief services share: who to tell, where a brief lives, who is acting, and
the row lock every change of a brief takes first."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from accounts.models import User
from evidence.models import InsightBrief
from evidence.periods import Period
from partnerships.models import Organisation, Partnership, Party
from partnerships.selectors import accepted_parties_of

Status = InsightBrief.Status
#: A challenge's area meaning the party's work as a whole (not one research question).
ALL_AREAS = "*"


# --- People to tell ------------------------------------------------------------------------


def people_of(parties: Any) -> list[User]:
    """The active people of the organisations of ``parties`` (a queryset or list)."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation__parties__in=parties,
        )
        .distinct()
        .order_by("pk")
    )


def brief_url(brief: InsightBrief) -> str:
    return reverse("evidence:brief-detail", args=[brief.pk])


def period_words(brief: InsightBrief) -> str:
    return Period(brief.period_start, brief.period_end).describe()


def acting_organisation(user: User, partnership: Partnership) -> Organisation | None:
    """The learning partner organisation ``user`` acts for in ``partnership``, if any."""
    party = (
        accepted_parties_of(partnership=partnership)
        .filter(role=Party.Role.LEARNING_PARTNER, organisation__memberships__user=user)
        .first()
    )
    return party.organisation if party else None


def who(user: User, partnership: Partnership) -> str:
    organisation = acting_organisation(user, partnership)
    return f"{user.display_name} ({organisation.name})" if organisation else user.display_name


# --- Locking ---------------------------------------------------------------------------------


def locked(brief: InsightBrief) -> InsightBrief:
    """``brief`` read again with its row locked (read-modify-write)."""
    return (
        InsightBrief.objects.select_for_update(of=("self",))
        .select_related("partnership")
        .get(pk=brief.pk)
    )


def not_a_draft(brief: InsightBrief) -> str:
    """Why a brief that is not a draft cannot be changed."""
    if brief.status == Status.PUBLISHED:
        return "This brief has been published, so it can no longer be changed."
    return "This brief is still being drafted. Try again in a minute."
