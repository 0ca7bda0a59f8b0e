"""The pulse's gateway: who may read a partnership's pulse, and who may answer it."""

from enum import StrEnum

from accounts.models import User
from learnhub.errors import Forbidden
from partnerships.access import PartnershipAction, access_partnership
from partnerships.models import Partnership
from partnerships.permissions import PartnershipPermission
from partnerships.selectors import partnership_permissions_for


class PulseAction(StrEnum):
    VIEW = "view"
    ANSWER = "answer"


def access_pulse(*, user: User, partnership_pk: int, action: PulseAction) -> Partnership:
    """The partnership whose pulse ``user`` may read (every accepted party's people: it is
    their shared climate) or answer (a member of an accepted party). Outsiders and
    invited parties get ``Http404``; someone who may read but not answer, ``Forbidden``."""
    partnership = access_partnership(user=user, pk=partnership_pk, action=PartnershipAction.VIEW)
    if action == PulseAction.ANSWER and PartnershipPermission.CONTRIBUTE not in (
        partnership_permissions_for(user=user, partnership=partnership)
    ):
        raise Forbidden("Only members of an organisation that has joined can answer the pulse.")
    return partnership
