"""Who may import grants data, and who may follow an import.

360Giving data is public, so any signed-in person may search it; importing it is for
LearnHub's operators (staff) and admins of funder organisations. An import is seen only by
the person who uploaded it (and operators): anyone else gets ``Http404``.
"""

from django.http import Http404

from accounts.models import User
from grants.models import GrantImport
from learnhub.errors import Forbidden
from partnerships.models import Membership, Organisation

IMPORTERS_ONLY = (
    "Only LearnHub's operators and admins of funder organisations can import grants data."
)


def importing_organisation(*, user: User) -> Organisation | None:
    """The funder organisation ``user`` imports for (the first they administer by name),
    or None for an operator who administers none; ``Forbidden`` for anyone else."""
    membership = (
        Membership.objects.filter(
            user=user,
            role=Membership.Role.ADMIN,
            organisation__kind=Organisation.Kind.FUNDER,
        )
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id")
        .first()
    )
    if membership is not None:
        return membership.organisation
    if user.is_staff:
        return None
    raise Forbidden(IMPORTERS_ONLY)


def may_import(*, user: User) -> bool:
    """Whether ``user`` may import grants data (for showing the way to)."""
    if user.is_staff:
        return True
    return Membership.objects.filter(
        user=user, role=Membership.Role.ADMIN, organisation__kind=Organisation.Kind.FUNDER
    ).exists()


def access_grant_import(*, user: User, pk: int) -> GrantImport:
    """The import ``pk`` when ``user`` uploaded it or is an operator; ``Http404`` otherwise."""
    found = GrantImport.objects.defer("data").filter(pk=pk)
    if not user.is_staff:
        found = found.filter(uploaded_by=user)
    grant_import = found.first()
    if grant_import is None:
        raise Http404("No such import.")
    return grant_import
