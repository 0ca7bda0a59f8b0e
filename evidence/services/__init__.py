"""Every write in the evidence app. Import services from here."""

from .items import (
    CleanEvidence,
    attachment_delete,
    clean_evidence,
    evidence_delete,
    evidence_import,
    evidence_submit,
    evidence_update,
)

__all__ = [
    "CleanEvidence",
    "attachment_delete",
    "clean_evidence",
    "evidence_delete",
    "evidence_import",
    "evidence_submit",
    "evidence_update",
]
