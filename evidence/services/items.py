"""Writes of evidence items and their attachments.

Rules enforced here, whoever calls: a party adds evidence only with its active
``participate`` consent (``Forbidden`` naming the missing consent and who can give it);
nothing is added or changed once the partnership is closed (deleting one's own evidence
always works). The fields and files arrive as ``CleanEvidence``, already checked by the
one validator (``evidence.cleaning``: research questions of the item's own partnership,
the prompts its kind asks, a unit for every figure, ...) for this partnership. Every
check runs before anything is written, and a stored file is removed again if the
transaction fails, so bad input changes nothing.

Timeline lines say who added, changed or deleted evidence, never what it says: the
timeline is seen by every party, the evidence only as consented.
"""

from collections.abc import Iterable, Sequence

from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.db import transaction

from accounts.models import User
from evidence.cleaning import CleanEvidence, CleanFile
from evidence.models import Evidence, EvidenceAttachment
from evidence.selectors.items import ParticipationMissing, participation_missing_reason
from evidence.services.attachment_text import attachment_text_fill
from learnhub.errors import Conflict
from partnerships.models import Partnership, Party
from partnerships.services import activity_record
from rhythm.models import LearningSession


def _who(user: User, party: Party) -> str:
    return f"{user.display_name} ({party.organisation.name})"


def _refuse_if_closed(partnership: Partnership) -> None:
    if partnership.status == Partnership.Status.CLOSED:
        raise Conflict("This partnership is closed, so its evidence can no longer be changed.")


def _check_party(partnership: Partnership, party: Party) -> None:
    if party.partnership_id != partnership.pk or party.status != Party.Status.ACCEPTED:
        raise ValidationError({"party": ["Choose a party that has joined this partnership."]})


def _refuse_without_participation(party: Party) -> None:
    reason = participation_missing_reason(party=party)
    if reason is not None:
        raise ParticipationMissing(reason)


class _StoredFiles:
    """Files written during one service call: removed again if the call fails."""

    def __init__(self) -> None:
        self.written: list[tuple[Storage, str]] = []

    def discard(self) -> None:
        for storage, name in self.written:
            storage.delete(name)


def _for_partnership(item: CleanEvidence, partnership: Partnership) -> None:
    if item.partnership_id != partnership.pk:
        raise ValueError("This evidence was checked for another partnership.")


def _store_attachment(evidence: Evidence, file: CleanFile, stored: _StoredFiles) -> None:
    checked, upload = file.checked, file.upload
    attachment = EvidenceAttachment(
        evidence=evidence,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    upload.seek(0)
    attachment_text_fill(attachment, upload.read())
    upload.seek(0)
    attachment.file.save("upload", upload, save=False)
    stored.written.append((attachment.file.storage, str(attachment.file.name)))
    attachment.save()


def _delete_files_after_commit(files: Iterable[tuple[Storage, str]]) -> None:
    files = list(files)

    def delete() -> None:
        for storage, name in files:
            storage.delete(name)

    transaction.on_commit(delete)


def evidence_submit(
    *,
    partnership: Partnership,
    party: Party,
    by: User,
    item: CleanEvidence,
    session_id: int | None = None,
) -> Evidence:
    """A member of ``party`` adds one evidence item (and optionally a file), optionally
    from learning session ``session_id``, which must be one of this partnership.

    Needs ``party``'s active ``participate`` consent and an open partnership; ``item``
    was checked by ``evidence.cleaning.clean_evidence`` for this partnership.
    """
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            return _submit(partnership, party, by, item, stored, session_id)
    except BaseException:
        stored.discard()
        raise


def _session_of(partnership: Partnership, session_id: int | None) -> LearningSession | None:
    if session_id is None:
        return None
    session = LearningSession.objects.filter(pk=session_id, partnership=partnership).first()
    if session is None:
        raise ValidationError({"session": ["Choose a learning session of this partnership."]})
    return session


def _submit(
    partnership: Partnership,
    party: Party,
    by: User,
    item: CleanEvidence,
    stored: _StoredFiles,
    session_id: int | None,
) -> Evidence:
    _for_partnership(item, partnership)
    _check_party(partnership, party)
    session = _session_of(partnership, session_id)
    _refuse_if_closed(partnership)
    _refuse_without_participation(party)
    evidence = Evidence.objects.create(
        partnership=partnership,
        party=party,
        submitted_by=by,
        session=session,
        **item.model_fields(),
    )
    evidence.questions.set(item.questions)
    if item.attachment is not None:
        _store_attachment(evidence, item.attachment, stored)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="evidence_added",
        summary=f"{_who(by, party)} added a piece of evidence.",
    )
    return evidence


def evidence_update(*, evidence: Evidence, by: User, item: CleanEvidence) -> Evidence:
    """The submitting party changes its item to ``item`` (the whole item after the change,
    checked by ``clean_evidence`` with ``current=evidence``), adding its file if any.

    Changing one's own evidence does not need ``participate`` consent (it shares
    nothing new).
    """
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            return _update(evidence, by, item, stored)
    except BaseException:
        stored.discard()
        raise


def _update(evidence: Evidence, by: User, item: CleanEvidence, stored: _StoredFiles) -> Evidence:
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("partnership", "party__organisation")
        .get(pk=evidence.pk)
    )
    _for_partnership(item, evidence.partnership)
    _refuse_if_closed(evidence.partnership)
    fields = item.model_fields()
    changed = [name for name, value in fields.items() if getattr(evidence, name) != value]
    current_questions = set(evidence.questions.values_list("pk", flat=True))
    questions_changed = set(item.questions) != current_questions
    for name in changed:
        setattr(evidence, name, fields[name])
    touched = bool(changed or questions_changed or item.attachment is not None)
    if touched:
        evidence.save(update_fields=[*changed, "updated_at"])
    if questions_changed:
        evidence.questions.set(item.questions)
    if item.attachment is not None:
        _store_attachment(evidence, item.attachment, stored)
    if touched:
        activity_record(
            partnership=evidence.partnership,
            actor=by,
            organisation=evidence.party.organisation,
            verb="evidence_changed",
            summary=f"{_who(by, evidence.party)} changed a piece of evidence.",
        )
    return evidence


@transaction.atomic
def evidence_delete(*, evidence: Evidence, by: User) -> None:
    """The submitting party deletes its item and its files (files go after commit).

    Always possible, even in a closed partnership or without consent: it is theirs.
    """
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("partnership", "party__organisation")
        .get(pk=evidence.pk)
    )
    files = [(a.file.storage, str(a.file.name)) for a in evidence.attachments.all()]
    partnership, party = evidence.partnership, evidence.party
    evidence.delete()
    _delete_files_after_commit(files)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="evidence_deleted",
        summary=f"{_who(by, party)} deleted a piece of evidence.",
    )


@transaction.atomic
def attachment_delete(*, attachment: EvidenceAttachment, by: User) -> None:
    """The submitting party removes one file from its item (the file goes after commit)."""
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("partnership", "party__organisation")
        .get(pk=attachment.evidence_id)
    )
    _refuse_if_closed(evidence.partnership)
    files = [(attachment.file.storage, str(attachment.file.name))]
    attachment.delete()
    evidence.save(update_fields=["updated_at"])
    _delete_files_after_commit(files)
    activity_record(
        partnership=evidence.partnership,
        actor=by,
        organisation=evidence.party.organisation,
        verb="evidence_changed",
        summary=f"{_who(by, evidence.party)} removed a file from a piece of evidence.",
    )


@transaction.atomic
def evidence_import(
    *, partnership: Partnership, party: Party, by: User, items: Sequence[CleanEvidence]
) -> list[Evidence]:
    """Add many items at once (the rows of a CSV file, each checked by ``clean_evidence``
    as the form and the API check one item: ``evidence.csv_import.clean_rows``)."""
    _check_party(partnership, party)
    _refuse_if_closed(partnership)
    _refuse_without_participation(party)
    for item in items:
        _for_partnership(item, partnership)
    created = Evidence.objects.bulk_create(
        Evidence(partnership=partnership, party=party, submitted_by=by, **item.model_fields())
        for item in items
    )
    Link = Evidence.questions.through
    Link.objects.bulk_create(
        Link(evidence_id=evidence.pk, researchquestion_id=question)
        for evidence, item in zip(created, items, strict=True)
        for question in item.questions
    )
    count = len(created)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="evidence_imported",
        summary=(
            f"{_who(by, party)} added {count} piece{'s' if count != 1 else ''} of evidence "
            "from a spreadsheet."
        ),
    )
    return created
