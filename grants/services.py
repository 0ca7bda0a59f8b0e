"""Writes of the grants app: starting an import of a 360Giving file, and running it.

An import is recorded with its file and queued through the outbox; the task
(``grants.run_import``) reads the file, keeps every good row (a grant already known by its
identifier is updated, never duplicated), records each bad row's number and what is wrong,
and tells the uploader when it is done. Progress is committed as it goes, so the import's
page can show it.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from accounts.models import User
from grants.access import importing_organisation
from grants.models import Grant, GrantImport
from grants.standard import MAX_ERRORS, CleanGrant, UnreadableFile, clean_grant, read_rows
from learnhub.outbox import outbox_send
from learnhub.uploads import max_file_bytes
from notifications.services import notify

RUN_IMPORT_TASK = "grants.run_import"
UNREADABLE = "This file could not be read. Check it is a 360Giving CSV, Excel or JSON file."
#: Grants written per transaction (and per progress update).
BATCH = 1000
_UPDATED_FIELDS = [
    "title",
    "description",
    "currency",
    "amount_awarded",
    "award_date",
    "recipient_identifier",
    "recipient_name",
    "funder_identifier",
    "funder_name",
    "source",
    "updated_at",
]


def _file_name(upload: UploadedFile[bytes]) -> str:
    name = (upload.name or "grants").replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in name if ch.isprintable()).strip()[:255] or "grants"


@transaction.atomic
def grant_import_start(*, by: User, upload: UploadedFile[bytes]) -> GrantImport:
    """Record an upload of a 360Giving file by an operator or a funder's admin and queue
    its import. The file must fit LearnHub's upload limit and hold something."""
    organisation = importing_organisation(user=by)
    size = upload.size or 0
    if size > max_file_bytes():
        raise ValidationError(
            {
                "file": [
                    f"The file is {filesizeformat(size)}. Files must be "
                    f"{filesizeformat(max_file_bytes())} or smaller."
                ]
            }
        )
    upload.seek(0)
    data = upload.read()
    if not data.strip():
        raise ValidationError({"file": ["The file is empty. Choose a file with grants in it."]})
    grant_import = GrantImport.objects.create(
        uploaded_by=by, organisation=organisation, file_name=_file_name(upload), data=data
    )
    outbox_send(task=RUN_IMPORT_TASK, args=[grant_import.pk])
    return grant_import


def _claim(import_id: int) -> tuple[GrantImport, bytes] | None:
    with transaction.atomic():
        grant_import = GrantImport.objects.select_for_update().filter(pk=import_id).first()
        if grant_import is None or grant_import.finished:
            return None
        grant_import.status = GrantImport.Status.RUNNING
        grant_import.save(update_fields=["status", "updated_at"])
        return grant_import, bytes(grant_import.data)


def _read(data: bytes) -> tuple[list[CleanGrant], list[dict[str, object]], int]:
    """The good grants, the errors by row, and how many rows there were."""
    good: list[CleanGrant] = []
    errors: list[dict[str, object]] = []
    first_row: dict[str, int] = {}
    rows = 0
    for raw in read_rows(data):
        rows += 1
        cleaned = clean_grant(raw.values)
        if isinstance(cleaned, list):
            errors.append({"row": raw.number, "message": " ".join(cleaned)})
            continue
        if cleaned.identifier in first_row:
            errors.append(
                {
                    "row": raw.number,
                    "message": f"The identifier {cleaned.identifier} is used again "
                    f"(first on row {first_row[cleaned.identifier]}). This row was left out.",
                }
            )
            continue
        first_row[cleaned.identifier] = raw.number
        good.append(cleaned)
    return good, errors, rows


def _write(grants: Iterable[CleanGrant], source: GrantImport) -> None:
    now = timezone.now()
    Grant.objects.bulk_create(
        [
            Grant(
                identifier=g.identifier,
                title=g.title,
                description=g.description,
                currency=g.currency,
                amount_awarded=g.amount_awarded,
                award_date=g.award_date,
                recipient_identifier=g.recipient_identifier,
                recipient_name=g.recipient_name,
                funder_identifier=g.funder_identifier,
                funder_name=g.funder_name,
                source=source,
                created_at=now,
                updated_at=now,
            )
            for g in grants
        ],
        update_conflicts=True,
        unique_fields=["identifier"],
        update_fields=_UPDATED_FIELDS,
    )


def _finish(grant_import: GrantImport, *, status: str, message: str = "") -> GrantImport:
    with transaction.atomic():
        grant_import.status = status
        grant_import.message = message
        grant_import.finished_at = timezone.now()
        grant_import.data = b""
        grant_import.save(
            update_fields=[
                "status",
                "message",
                "finished_at",
                "data",
                "rows",
                "imported",
                "errors",
                "updated_at",
            ]
        )
        _tell_uploader(grant_import)
    return grant_import


def _tell_uploader(grant_import: GrantImport) -> None:
    if grant_import.status == GrantImport.Status.FAILED:
        subject = "Your grants data could not be imported"
        body = f"We could not import {grant_import.file_name}. {grant_import.message}"
    else:
        problems = len(grant_import.errors)
        subject = "Your grants data is imported"
        body = (
            f"{grant_import.imported:,} of {grant_import.rows:,} grants from "
            f"{grant_import.file_name} are imported."
        )
        if problems:
            body += f" {problems:,} rows had problems: the import's page lists them."
    notify(
        recipients=[grant_import.uploaded_by],
        kind="grants_import",
        subject=subject,
        body=body,
        url=grant_import.get_absolute_url(),
    )


def grant_import_run(*, import_id: int) -> GrantImport | None:
    """Run the import ``import_id``: keep the good rows (updating grants already known by
    identifier), record the bad ones by row, then tell the uploader. An import already
    finished is left as it is, so running it again changes nothing; one interrupted
    part way is run again from the start, which writes the same rows."""
    claimed = _claim(import_id)
    if claimed is None:
        return None
    grant_import, data = claimed
    try:
        good, errors, rows = _read(data)
    except UnreadableFile as error:
        return _finish(grant_import, status=GrantImport.Status.FAILED, message=str(error))
    except Exception:  # a parser's own error on a damaged file: the file's fault, not ours
        return _finish(grant_import, status=GrantImport.Status.FAILED, message=UNREADABLE)
    if rows == 0:
        return _finish(
            grant_import,
            status=GrantImport.Status.FAILED,
            message="The file has no grants in it.",
        )
    grant_import.rows = rows
    grant_import.imported = 0
    grant_import.errors = errors[:MAX_ERRORS]
    grant_import.save(update_fields=["rows", "imported", "errors", "updated_at"])
    for start in range(0, len(good), BATCH):
        with transaction.atomic():
            _write(good[start : start + BATCH], grant_import)
            grant_import.imported = min(start + BATCH, len(good))
            grant_import.save(update_fields=["imported", "updated_at"])
    return _finish(grant_import, status=GrantImport.Status.DONE)
