"""The one validator of an evidence item: raw input in, a typed clean value out.

The API's serializer, the web form and each row of a CSV import call ``clean_evidence``,
so all three say the same thing in the same words (the words live in
``evidence.schema``). It reports every problem at once, keyed by field. The services
take its ``CleanEvidence`` and check only what needs the database at write time (an open
partnership, consent, the party).
"""

from __future__ import annotations

import datetime
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from evidence.kinds import PROMPTS, guide_for, prompts_for
from evidence.models import Evidence
from evidence.schema import (
    ATTACHMENT_NEEDED,
    BODY_MAX,
    BY_NAME,
    DECIMAL_LIMIT,
    DECIMAL_PLACES,
    FIELD_NAMES,
    PROMPT_MAX,
    QUESTIONS_MAX,
    STORED_FIELD_NAMES,
    TITLE_MAX,
    UNCHANGEABLE_FIELD,
    UNIT_MAX,
    UNKNOWN_FIELD,
)
from evidence.selectors.items import question_ids_of
from evidence.uploads import CheckedFile, check_upload
from learnhub.inputs import as_id
from partnerships.models import Partnership


@dataclass(frozen=True)
class CleanFile:
    """An uploaded file that passed the content and size checks, ready to store."""

    upload: UploadedFile[bytes]
    checked: CheckedFile


@dataclass(frozen=True)
class CleanEvidence:
    """Evidence fields that passed every check for ``partnership_id``, ready to store
    (with the file to add, if any)."""

    partnership_id: int
    kind: str
    title: str
    body: str
    questions: tuple[int, ...]
    valence: str
    attribution: str
    speaker: str
    occurred_on: datetime.date
    value: Decimal | None
    unit: str
    baseline: Decimal | None
    period_start: datetime.date | None
    period_end: datetime.date | None
    prompts: dict[str, str]
    attachment: CleanFile | None = None

    @property
    def prompt_text(self) -> str:
        return "\n".join(self.prompts.values())

    def model_fields(self) -> dict[str, Any]:
        fields = {name: getattr(self, name) for name in STORED_FIELD_NAMES}
        fields["prompt_text"] = self.prompt_text
        return fields


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def current_data(evidence: Evidence) -> dict[str, Any]:
    """An item's fields as input, so a change is checked as the whole item it makes."""
    data = {name: getattr(evidence, name) for name in STORED_FIELD_NAMES}
    data["questions"] = [q.pk for q in evidence.questions.all()]
    return data


def _refuse_unknown(data: Mapping[str, Any], *, changing: bool) -> None:
    unknown = sorted(set(data) - set(FIELD_NAMES))
    if unknown:
        message = UNCHANGEABLE_FIELD if changing else UNKNOWN_FIELD
        raise ValidationError({name: [message] for name in unknown})


class _Cleaning:
    """One run of the checks: each step reads ``data``, records problems in ``errors``
    (first problem per field, in the order people read the form) and returns the clean
    value."""

    def __init__(
        self, data: Mapping[str, Any], *, known: Collection[int] | None, partnership: Partnership
    ) -> None:
        self.data = data
        self.known = known
        self.partnership = partnership
        self.errors: dict[str, list[str]] = {}

    def fail(self, name: str, which: str, /, **values: object) -> None:
        self.errors[name] = [BY_NAME[name].message(which, **values)]

    def choice(self, name: str) -> str:
        spec = BY_NAME[name]
        value = _text(self.data.get(name)) or spec.default
        if value not in spec.values:
            self.fail(name, "invalid")
        return value

    def title(self) -> str:
        title = " ".join(_text(self.data.get("title")).split())
        if not title:
            self.fail("title", "required")
        elif len(title) > TITLE_MAX:
            self.fail("title", "too_long")
        return title

    def body(self) -> str:
        body = _text(self.data.get("body"))
        if len(body) > BODY_MAX:
            self.fail("body", "too_long")
        return body

    def date(self, name: str) -> datetime.date | None:
        value = self.data.get(name)
        if value in (None, ""):
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return datetime.date.fromisoformat(str(value))
        except ValueError:
            self.fail(name, "invalid")
            return None

    def occurred_on(self) -> datetime.date | None:
        occurred_on = self.date("occurred_on")
        if occurred_on is None and "occurred_on" not in self.errors:
            self.fail("occurred_on", "required")
        elif occurred_on is not None and occurred_on > timezone.localdate():
            self.fail("occurred_on", "future")
        return occurred_on

    def decimal(self, name: str) -> Decimal | None:
        value = self.data.get(name)
        if value in (None, ""):
            return None
        try:
            number = value if isinstance(value, Decimal) else Decimal(str(value))
        except (ArithmeticError, ValueError):
            self.fail(name, "invalid")
            return None
        if not number.is_finite() or abs(number) >= DECIMAL_LIMIT:
            self.fail(name, "too_big")
            return None
        exponent = number.normalize().as_tuple().exponent  # an int: the number is finite
        if isinstance(exponent, int) and exponent < -DECIMAL_PLACES:
            self.fail(name, "places")
            return None
        return number

    def unit(self, value: Decimal | None) -> str:
        """The unit, needed with a figure: also with one written wrongly, so both
        problems are said at once."""
        unit = _text(self.data.get("unit"))
        written = value is not None or "value" in self.errors
        if len(unit) > UNIT_MAX:
            self.fail("unit", "too_long")
        elif written and not unit:
            self.fail("unit", "required")
        return unit

    def value_needed(self, kind: str, value: Decimal | None, baseline: Decimal | None) -> None:
        if value is not None or "value" in self.errors:
            return
        if kind in BY_NAME["value"].required_for:
            self.fail("value", "required")
        if baseline is not None and "value" not in self.errors:
            self.fail("value", "with_baseline")

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        start = self.date("period_start")
        end = self.date("period_end")
        if (start is None) != (end is None):
            missing = "period_end" if end is None else "period_start"
            self.errors.setdefault(missing, [BY_NAME[missing].message("both")])
        elif start and end and end < start:
            self.fail("period_end", "before_start")
        return start, end

    def prompts(self, kind: str) -> dict[str, str]:
        raw = self.data.get("prompts")
        if raw in (None, ""):
            return {}
        if not isinstance(raw, Mapping):
            self.fail("prompts", "invalid")
            return {}
        allowed = [prompt.key for prompt in prompts_for(kind)]
        unknown = sorted(str(key) for key in raw if key not in allowed)
        if unknown:
            self._unknown_prompts(kind, allowed, unknown)
            return {}
        answers: dict[str, str] = {}
        for key in allowed:
            answer = self._answer(key, raw.get(key))
            if answer is None:
                return {}
            if answer:
                answers[key] = answer
        return answers

    def _unknown_prompts(self, kind: str, allowed: list[str], unknown: list[str]) -> None:
        label = guide_for(kind).label.lower() if kind in Evidence.Kind.values else "this kind"
        spec = BY_NAME["prompts"]
        asks = (
            spec.message("asks", keys=", ".join(allowed)) if allowed else spec.message("asks_none")
        )
        self.fail(
            "prompts", "unknown", label=label.capitalize(), keys=", ".join(unknown), asks=asks
        )

    def _answer(self, key: str, value: object) -> str | None:
        """One prompt's answer as text, or None (recorded) when it cannot be one."""
        if value is not None and not isinstance(value, str | int | float | Decimal):
            self.fail("prompts", "not_text", key=key)
            return None
        answer = _text(value)
        if len(answer) > PROMPT_MAX:
            self.fail("prompts", "too_long", key=key)
            return None
        return answer

    def questions(self) -> tuple[int, ...]:
        raw = self.data.get("questions") or ()
        parsed = [as_id(q) for q in raw] if isinstance(raw, list | tuple) else [None]
        if None in parsed:
            self.fail("questions", "invalid")
            return ()
        ids = tuple(dict.fromkeys(q for q in parsed if q is not None))
        if len(ids) > QUESTIONS_MAX:
            self.fail("questions", "too_many")
        elif ids:
            self._strangers(ids)
        return ids

    def _strangers(self, ids: tuple[int, ...]) -> None:
        known = (
            set(self.known)
            if self.known is not None
            else question_ids_of(partnership=self.partnership, ids=ids)
        )
        strangers = [str(q) for q in ids if q not in known]
        if strangers:
            one = len(strangers) == 1
            self.fail(
                "questions",
                "strangers",
                noun="Question" if one else "Questions",
                ids=", ".join(strangers),
                verb="is" if one else "are",
            )

    def something_said(self, kind: str, *, said: bool) -> None:
        """An item says something: text, answers, a figure or (for a document) a file."""
        if said or "kind" in self.errors:
            return
        if kind in PROMPTS:
            self.errors.setdefault("prompts", [BY_NAME["prompts"].message("required")])
        elif kind == Evidence.Kind.DOCUMENT:
            self.errors.setdefault("attachment", [ATTACHMENT_NEEDED])
        else:
            self.errors.setdefault("body", [BY_NAME["body"].message("required")])


def _fields(
    run: _Cleaning, *, partnership: Partnership, has_attachment: bool
) -> CleanEvidence | None:
    kind = run.choice("kind")
    title = run.title()
    body = run.body()
    valence = run.choice("valence")
    attribution = run.choice("attribution")
    speaker = run.choice("speaker")
    occurred_on = run.occurred_on()
    value = run.decimal("value")
    baseline = run.decimal("baseline")
    unit = run.unit(value)
    run.value_needed(kind, value, baseline)
    period_start, period_end = run.period()
    prompts = run.prompts(kind)
    questions = run.questions()
    run.something_said(kind, said=bool(body or prompts or value is not None or has_attachment))
    if run.errors or occurred_on is None:
        return None
    return CleanEvidence(
        partnership_id=partnership.pk,
        kind=kind,
        title=title,
        body=body,
        questions=questions,
        valence=valence,
        attribution=attribution,
        speaker=speaker,
        occurred_on=occurred_on,
        value=value,
        unit=unit,
        baseline=baseline,
        period_start=period_start,
        period_end=period_end,
        prompts=prompts,
    )


def _max_upload_bytes() -> int:
    return int(settings.LEARNHUB_EVIDENCE_MAX_UPLOAD_BYTES)


def clean_evidence(
    data: Mapping[str, Any],
    *,
    partnership: Partnership,
    current: Evidence | None = None,
    attachment: UploadedFile[bytes] | None = None,
    partnership_questions: Collection[int] | None = None,
) -> CleanEvidence:
    """Check a whole evidence item for ``partnership``; every problem at once, by field.

    ``data`` holds fields of ``evidence.schema`` (a key that is not one is refused first).
    With ``current`` (an item being changed), ``data`` holds the changes and the item is
    checked as it would be after them. ``attachment``, a file to add, is checked by its
    content and size. ``partnership_questions`` (the ids of the partnership's research
    questions) saves a query per item when checking many.
    """
    _refuse_unknown(data, changing=current is not None)
    has_attachment = attachment is not None
    if current is not None:
        data = {**current_data(current), **data}
        has_attachment = has_attachment or current.attachments.exists()
    run = _Cleaning(data, known=partnership_questions, partnership=partnership)
    clean = _fields(run, partnership=partnership, has_attachment=has_attachment)
    checked = None
    if attachment is not None:
        try:
            checked = check_upload(attachment, max_bytes=_max_upload_bytes())
        except ValidationError as error:
            run.errors.update(error.message_dict)
    if run.errors or clean is None:
        raise ValidationError(run.errors)
    if attachment is not None and checked is not None:
        return replace(clean, attachment=CleanFile(upload=attachment, checked=checked))
    return clean
