"""Fetch-and-check gateways of the evidence app. Import gateways from here."""

from .coding import (
    CodingAction,
    access_code,
    access_codebook,
    access_evidence_coding,
    access_excerpt,
)
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
    "CodingAction",
    "access_code",
    "access_codebook",
    "access_evidence_coding",
    "access_excerpt",
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
