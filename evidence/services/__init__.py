"""Every write in the evidence app. Import services from here."""

from .items import (
    attachment_delete,
    evidence_delete,
    evidence_import,
    evidence_submit,
    evidence_update,
)

__all__ = [
    "attachment_delete",
    "evidence_delete",
    "evidence_import",
    "evidence_submit",
    "evidence_update",
]
