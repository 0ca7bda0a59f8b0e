"""Every read in the evidence app that depends on who asks. Import selectors from here."""

from .items import (
    THIN_BELOW,
    ContributionOptions,
    Coverage,
    CoverageCell,
    CoverageRow,
    ParticipationMissing,
    contribution_options,
    evidence_coverage,
    evidence_filter_choices,
    evidence_list,
    evidence_own,
    evidence_visible,
    participation_missing_reason,
    with_details,
)

__all__ = [
    "THIN_BELOW",
    "ContributionOptions",
    "ParticipationMissing",
    "Coverage",
    "CoverageCell",
    "CoverageRow",
    "contribution_options",
    "evidence_coverage",
    "evidence_filter_choices",
    "evidence_list",
    "evidence_own",
    "evidence_visible",
    "participation_missing_reason",
    "with_details",
]
