"""Fetch-and-check gateways of the partnerships app. Import gateways from here."""

from .organisations import OrganisationAction, access_organisation
from .partnerships import (
    PartnershipAction,
    access_acting_party,
    access_invitation,
    access_partnership,
    access_party,
    access_party_to_leave,
    access_question,
)

__all__ = [
    "OrganisationAction",
    "access_organisation",
    "PartnershipAction",
    "access_acting_party",
    "access_invitation",
    "access_partnership",
    "access_party",
    "access_party_to_leave",
    "access_question",
]
