"""Writes of evidence items and their attachments.

Rules enforced here, whoever calls: a party adds evidence only with its active
``participate`` consent (``Forbidden`` naming the missing consent and who can give it);
nothing is added or changed once the partnership is closed (deleting one's own evidence
always works); an item links only to research questions of its own partnership; prompts
are the ones its kind asks; a figure has a unit. Every check runs before anything is
written, and a stored file is removed again if the transaction fails, so bad input
changes nothing.

Timeline lines say who added, changed or deleted evidence, never what it says: the
timeline is seen by every party, the evidence only as consented.
"""

import datetime
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from evidence.csv_import import ImportRejected, RowProblem, problems_from, read_rows
from evidence.kinds import PROMPTS, guide_for, prompts_for
from evidence.models import Evidence, EvidenceAttachment
from evidence.selectors.items import (
    ParticipationMissing,
    participation_missing_reason,
    question_ids_of,
)
from evidence.uploads import CheckedFile, check_upload
from learnhub.errors import Conflict
from learnhub.inputs import as_id
from partnerships.models import Partnership, Party
from partnerships.services import activity_record

TITLE_MAX = 200
BODY_MAX = 20_000
PROMPT_MAX = 10_000
UNIT_MAX = 50
QUESTIONS_MAX = 100
DECIMAL_LIMIT = Decimal("1e16")

#: The fields a caller may set (on submit) or change (on update).
FIELDS = (
    "kind",
    "title",
    "body",
    "questions",
    "valence",
    "attribution",
    "occurred_on",
    "value",
    "unit",
    "baseline",
    "period_start",
    "period_end",
    "prompts",
)


@dataclass(frozen=True)
class CleanEvidence:
    """Evidence fields that passed every check, ready to store."""

    kind: str
    title: str
    body: str
    questions: tuple[int, ...]
    valence: str
    attribution: str
    occurred_on: datetime.date
    value: Decimal | None
    unit: str
    baseline: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    prompts: dict[str, str]

    @property
    def prompt_text(self) -> str:
        return "\n".join(self.prompts.values())

    def model_fields(self) -> dict[str, Any]:
        fields = {name: getattr(self, name) for name in FIELDS if name != "questions"}
        fields["prompt_text"] = self.prompt_text
        return fields


def _who(user: User, party: Party) -> str:
    return f"{user.display_name} ({party.organisation.name})"


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _clean_prompts(kind: str, raw: object, errors: dict[str, list[str]]) -> dict[str, str]:
    if raw in (None, ""):
        return {}
    if not isinstance(raw, Mapping):
        errors["prompts"] = ["Send the prompt answers as an object of question: answer."]
        return {}
    allowed = [prompt.key for prompt in prompts_for(kind)]
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        label = guide_for(kind).label.lower() if kind in Evidence.Kind.values else "this kind"
        asks = (
            "It asks: " + ", ".join(allowed) + "."
            if allowed
            else "It asks none; write in the body instead."
        )
        errors["prompts"] = [f"{label.capitalize()} does not ask {', '.join(unknown)}. {asks}"]
        return {}
    answers: dict[str, str] = {}
    for key in allowed:
        value = raw.get(key)
        if value is not None and not isinstance(value, str | int | float | Decimal):
            errors["prompts"] = [f"The answer to {key} must be text."]
            return {}
        answer = _text(value)
        if len(answer) > PROMPT_MAX:
            errors["prompts"] = [f"The answer to {key} must be {PROMPT_MAX:,} characters or fewer."]
            return {}
        if answer:
            answers[key] = answer
    return answers


def _clean_decimal(name: str, value: object, errors: dict[str, list[str]]) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value))
    except (ArithmeticError, ValueError):
        errors[name] = ["Enter a number, like 42 or 3.5."]
        return None
    if not number.is_finite() or abs(number) >= DECIMAL_LIMIT:
        errors[name] = ["Enter a smaller number."]
        return None
    if number.normalize().as_tuple().exponent < -4:  # type: ignore[operator]
        errors[name] = ["Use at most 4 decimal places."]
        return None
    return number


def _clean_date(name: str, value: object, errors: dict[str, list[str]]) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value))
    except ValueError:
        errors[name] = ["Enter a real date, like 2025-03-31."]
        return None


def clean_evidence(
    *,
    partnership: Partnership,
    data: Mapping[str, Any],
    has_attachment: bool = False,
    partnership_questions: Collection[int] | None = None,
) -> CleanEvidence:
    """Check a whole set of evidence fields; every problem at once, by field.

    Used for the API, the pages and each row of a CSV import, so all three say the same.
    ``partnership_questions`` (the ids of the partnership's research questions) saves a
    query per item when checking many.
    """
    errors: dict[str, list[str]] = {}
    kind = _text(data.get("kind"))
    if kind not in Evidence.Kind.values:
        errors["kind"] = [
            "Choose what kind of evidence this is: " + ", ".join(Evidence.Kind.values) + "."
        ]
    title = " ".join(_text(data.get("title")).split())
    if not title:
        errors["title"] = ["Give it a short title, so people can find it in a list."]
    elif len(title) > TITLE_MAX:
        errors["title"] = [f"The title must be {TITLE_MAX} characters or fewer."]
    body = _text(data.get("body"))
    if len(body) > BODY_MAX:
        errors["body"] = [f"This must be {BODY_MAX:,} characters or fewer."]
    valence = _text(data.get("valence"))
    if valence not in Evidence.Valence.values:
        errors["valence"] = [
            "Say whether it shows something working, not working, mixed or unclear."
        ]
    attribution = _text(data.get("attribution")) or Evidence.Attribution.ANONYMOUS
    if attribution not in Evidence.Attribution.values:
        errors["attribution"] = ["Choose named or anonymous."]
    occurred_on = _clean_date("occurred_on", data.get("occurred_on"), errors)
    if occurred_on is None and "occurred_on" not in errors:
        errors["occurred_on"] = ["Enter the date it happened, like 2025-03-31."]
    elif occurred_on is not None and occurred_on > timezone.localdate():
        errors["occurred_on"] = ["The date cannot be in the future."]

    value = _clean_decimal("value", data.get("value"), errors)
    baseline = _clean_decimal("baseline", data.get("baseline"), errors)
    unit = _text(data.get("unit"))
    if len(unit) > UNIT_MAX:
        errors["unit"] = [f"The unit must be {UNIT_MAX} characters or fewer."]
    elif value is not None and not unit:
        errors["unit"] = ["Say what the number counts, for example “families”, “%” or “visits”."]
    if kind == Evidence.Kind.STATISTIC and value is None and "value" not in errors:
        errors["value"] = ["Enter the number."]
    if baseline is not None and value is None and "value" not in errors:
        errors["value"] = ["Enter the number now, as well as the baseline it is compared with."]

    period_start = _clean_date("period_start", data.get("period_start"), errors)
    period_end = _clean_date("period_end", data.get("period_end"), errors)
    if (period_start is None) != (period_end is None):
        missing = "period_end" if period_end is None else "period_start"
        errors.setdefault(missing, ["Enter both the first and the last day of the period."])
    elif period_start and period_end and period_end < period_start:
        errors["period_end"] = ["The period must end on or after the day it starts."]

    prompts = _clean_prompts(kind, data.get("prompts"), errors)

    raw_questions = data.get("questions") or ()
    question_ids: tuple[int, ...] = ()
    parsed = (
        [as_id(q) for q in raw_questions] if isinstance(raw_questions, list | tuple) else [None]
    )
    if None in parsed:
        errors["questions"] = ["Choose research questions by their numbers."]
    else:
        question_ids = tuple(dict.fromkeys(q for q in parsed if q is not None))
    if len(question_ids) > QUESTIONS_MAX:
        errors["questions"] = [f"Link at most {QUESTIONS_MAX} research questions."]
    elif question_ids:
        known = (
            set(partnership_questions)
            if partnership_questions is not None
            else question_ids_of(partnership=partnership, ids=question_ids)
        )
        strangers = [str(q) for q in question_ids if q not in known]
        if strangers:
            errors["questions"] = [
                f"{'Question' if len(strangers) == 1 else 'Questions'} {', '.join(strangers)} "
                f"{'is' if len(strangers) == 1 else 'are'} not among this partnership’s "
                "research questions."
            ]

    if not (body or prompts or value is not None or has_attachment) and "kind" not in errors:
        if kind in PROMPTS:
            errors.setdefault("prompts", ["Answer at least one of the questions."])
        elif kind == Evidence.Kind.DOCUMENT:
            errors.setdefault("attachment", ["Attach the document, or say what is in it."])
        else:
            errors.setdefault("body", ["Write what you found."])

    if errors:
        raise ValidationError(errors)
    assert occurred_on is not None  # noqa: S101 - guaranteed by the checks above
    return CleanEvidence(
        kind=kind,
        title=title,
        body=body,
        questions=question_ids,
        valence=valence,
        attribution=attribution,
        occurred_on=occurred_on,
        value=value,
        unit=unit,
        baseline=baseline,
        period_start=period_start,
        period_end=period_end,
        prompts=prompts,
    )


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


def _max_upload_bytes() -> int:
    return int(settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES)


class _StoredFiles:
    """Files written during one service call: removed again if the call fails."""

    def __init__(self) -> None:
        self.written: list[tuple[Storage, str]] = []

    def discard(self) -> None:
        for storage, name in self.written:
            storage.delete(name)


def _check_all(
    partnership: Partnership,
    data: Mapping[str, Any],
    attachment: UploadedFile | None,
    *,
    has_attachment: bool,
) -> tuple[CleanEvidence, CheckedFile | None]:
    """Check the fields and the file together, so every problem is reported at once."""
    errors: dict[str, list[str]] = {}
    clean: CleanEvidence | None = None
    checked: CheckedFile | None = None
    try:
        clean = clean_evidence(partnership=partnership, data=data, has_attachment=has_attachment)
    except ValidationError as error:
        errors.update(error.message_dict)
    if attachment is not None:
        try:
            checked = check_upload(attachment, max_bytes=_max_upload_bytes())
        except ValidationError as error:
            errors.update(error.message_dict)
    if errors or clean is None:
        raise ValidationError(errors)
    return clean, checked


def _store_attachment(
    evidence: Evidence, upload: UploadedFile, checked: CheckedFile, stored: _StoredFiles
) -> EvidenceAttachment:
    attachment = EvidenceAttachment(
        evidence=evidence,
        original_name=checked.display_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
    )
    upload.seek(0)
    attachment.file.save("upload", upload, save=False)
    stored.written.append((attachment.file.storage, str(attachment.file.name)))
    attachment.save()
    return attachment


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
    data: Mapping[str, Any],
    attachment: UploadedFile | None = None,
) -> Evidence:
    """A member of ``party`` adds one evidence item (and optionally a file).

    Needs ``party``'s active ``participate`` consent and an open partnership; ``data`` is
    checked by ``clean_evidence``, and the file by its content and size, before anything
    is written.
    """
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            return _submit(partnership, party, by, data, attachment, stored)
    except BaseException:
        stored.discard()
        raise


def _submit(
    partnership: Partnership,
    party: Party,
    by: User,
    data: Mapping[str, Any],
    attachment: UploadedFile | None,
    stored: _StoredFiles,
) -> Evidence:
    _check_party(partnership, party)
    _refuse_if_closed(partnership)
    _refuse_without_participation(party)
    unknown = sorted(set(data) - set(FIELDS))
    if unknown:
        raise ValidationError(
            {name: ["This is not a field of an evidence item."] for name in unknown}
        )
    clean, checked = _check_all(
        partnership, data, attachment, has_attachment=attachment is not None
    )
    evidence = Evidence.objects.create(
        partnership=partnership, party=party, submitted_by=by, **clean.model_fields()
    )
    evidence.questions.set(clean.questions)
    if attachment is not None and checked is not None:
        _store_attachment(evidence, attachment, checked, stored)
    activity_record(
        partnership=partnership,
        actor=by,
        organisation=party.organisation,
        verb="evidence_added",
        summary=f"{_who(by, party)} added a piece of evidence.",
    )
    return evidence


def _current_data(evidence: Evidence) -> dict[str, Any]:
    data = {name: getattr(evidence, name) for name in FIELDS if name != "questions"}
    data["questions"] = [q.pk for q in evidence.questions.all()]
    return data


def evidence_update(
    *,
    evidence: Evidence,
    by: User,
    changes: Mapping[str, Any],
    attachment: UploadedFile | None = None,
) -> Evidence:
    """The submitting party changes its item: any of ``FIELDS``, and/or adds a file.

    The whole item is checked again as it would be after the change. Changing one's own
    evidence does not need ``participate`` consent (it shares nothing new).
    """
    stored = _StoredFiles()
    try:
        with transaction.atomic():
            return _update(evidence, by, changes, attachment, stored)
    except BaseException:
        stored.discard()
        raise


def _update(
    evidence: Evidence,
    by: User,
    changes: Mapping[str, Any],
    attachment: UploadedFile | None,
    stored: _StoredFiles,
) -> Evidence:
    evidence = (
        Evidence.objects.select_for_update(of=("self",))
        .select_related("partnership", "party__organisation")
        .get(pk=evidence.pk)
    )
    _refuse_if_closed(evidence.partnership)
    unknown = sorted(set(changes) - set(FIELDS))
    if unknown:
        raise ValidationError({name: ["This cannot be changed."] for name in unknown})
    current = _current_data(evidence)
    has_attachment = attachment is not None or evidence.attachments.exists()
    clean, checked = _check_all(
        evidence.partnership, {**current, **changes}, attachment, has_attachment=has_attachment
    )
    fields = clean.model_fields()
    changed = [name for name, value in fields.items() if getattr(evidence, name) != value]
    questions_changed = set(clean.questions) != set(current["questions"])
    for name in changed:
        setattr(evidence, name, fields[name])
    if changed or questions_changed or attachment is not None:
        evidence.save(update_fields=[*changed, "updated_at"])
    if questions_changed:
        evidence.questions.set(clean.questions)
    if attachment is not None and checked is not None:
        _store_attachment(evidence, attachment, checked, stored)
    if changed or questions_changed or attachment is not None:
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


def evidence_import(
    *, partnership: Partnership, party: Party, by: User, upload: UploadedFile
) -> list[Evidence]:
    """Add many items at once from a CSV file: every row, or — if any row has a problem —
    none (``ImportRejected`` lists each problem with its row number).

    Each row is checked exactly as the form and the API check one item.
    """
    with transaction.atomic():
        _check_party(partnership, party)
        _refuse_if_closed(partnership)
        _refuse_without_participation(party)
        rows = read_rows(upload)
        known = set(partnership.questions.values_list("pk", flat=True))
        cleaned: list[CleanEvidence] = []
        problems: list[RowProblem] = []
        for row in rows:
            problems.extend(row.problems)
            try:
                cleaned.append(
                    clean_evidence(
                        partnership=partnership, data=row.data, partnership_questions=known
                    )
                )
            except ValidationError as error:
                problems.extend(p for p in problems_from(row.row, error) if p not in row.problems)
        if problems:
            raise ImportRejected(problems)
        created = Evidence.objects.bulk_create(
            Evidence(partnership=partnership, party=party, submitted_by=by, **c.model_fields())
            for c in cleaned
        )
        Link = Evidence.questions.through
        Link.objects.bulk_create(
            Link(evidence_id=evidence.pk, researchquestion_id=question)
            for evidence, clean in zip(created, cleaned, strict=True)
            for question in clean.questions
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
