"""Fetch-and-check gateways of the partnerships app. Import gateways from here."""

from .organisations import OrganisationAction, access_organisation, access_organisation_invitation
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
    "access_organisation_invitation",
    "PartnershipAction",
    "access_acting_party",
    "access_invitation",
    "access_partnership",
    "access_party",
    "access_party_to_leave",
    "access_question",
]
