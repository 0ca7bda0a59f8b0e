"""Fetch-and-check gateway of the funders' view of the library.

The library itself needs no gateway: it lists only what its reader may read
(``evidence.selectors.library``). The questions across a funder's partnerships are for
the admins and members of a funder organisation: anyone else gets ``Forbidden`` with a
plain reason (the page says only what it is for, nothing about any partnership).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import Http404

from accounts.models import User
from learnhub.errors import Forbidden
from partnerships.models import Organisation
from partnerships.selectors import funder_organisations_for

NOT_A_FUNDER = (
    "This page is for funders. It shows the research questions across the partnerships "
    "your organisation funds, and you are not in a funder organisation."
)


@dataclass(frozen=True)
class FunderChoice:
    """The funder organisation asked about, among those ``user`` may choose from."""

    organisation: Organisation
    choices: list[Organisation]


def access_funder_organisation(*, user: User, pk: int | None = None) -> FunderChoice:
    """The funder organisation ``pk`` (by default the first, by name) that ``user`` is an
    admin or member of. In none → ``Forbidden``; ``pk`` not one of them → ``Http404``."""
    organisations = list(funder_organisations_for(user=user))
    if not organisations:
        raise Forbidden(NOT_A_FUNDER)
    chosen = next((o for o in organisations if pk is None or o.pk == pk), None)
    if chosen is None:
        raise Http404("No such funder organisation of yours.")
    return FunderChoice(organisation=chosen, choices=organisations)
