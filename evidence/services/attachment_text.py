"""Reading an attached file's text once, so part of it can be coded.

A file is read as it is attached (``evidence.services.items``); a file attached before
LearnHub read files' text is read the first time someone codes it, and its text stored,
so a file is read once. A file that cannot be read is marked so, and is not read again.
"""

from __future__ import annotations

from django.db import transaction

from evidence.extraction import file_text, has_text_type
from evidence.models import EvidenceAttachment

Status = EvidenceAttachment.TextStatus


def attachment_text_fill(attachment: EvidenceAttachment, data: bytes) -> None:
    """Set ``attachment``'s text (unsaved) from its file's bytes ``data``."""
    text = (
        file_text(data, attachment.content_type) if has_text_type(attachment.content_type) else None
    )
    attachment.text = text or ""
    attachment.text_status = Status.READ if text else Status.UNREADABLE


@transaction.atomic
def attachment_text_read(*, attachment: EvidenceAttachment) -> EvidenceAttachment:
    """``attachment`` with its text, reading its file first when it was never read.
    Reading again changes nothing."""
    if attachment.text_status != Status.NOT_READ:
        return attachment
    locked = EvidenceAttachment.objects.select_for_update().get(pk=attachment.pk)
    if locked.text_status == Status.NOT_READ:
        data = b""
        if has_text_type(locked.content_type):
            with locked.file.open("rb") as stored:
                data = stored.read()
        attachment_text_fill(locked, data)
        locked.save(update_fields=["text", "text_status", "updated_at"])
    attachment.text, attachment.text_status = locked.text, locked.text_status
    return attachment
