"""Fetch-and-check gateways of the evidence app. Import gateways from here."""

from .items import (
    Contribution,
    ContributionChoices,
    EvidenceAction,
    access_attachment,
    access_contribution,
    access_contribution_choices,
    access_evidence,
    access_evidence_partnership,
    access_new_evidence_party,
    access_own_evidence,
)

__all__ = [
    "Contribution",
    "ContributionChoices",
    "EvidenceAction",
    "access_attachment",
    "access_contribution",
    "access_contribution_choices",
    "access_evidence",
    "access_evidence_partnership",
    "access_new_evidence_party",
    "access_own_evidence",
]
