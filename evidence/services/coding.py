"""Writes of the codebook and its excerpts.

The gateways (``evidence.access.coding``) have already checked who may do what; these
services check what the rows must be: a code's name is unique in its partnership
(whatever its case) and a codebook has two levels; an excerpt's offsets lie inside its
item's text (or the text of a file attached to that item); its codes and questions are
its partnership's. Merging a code moves every excerpt to the code it is merged into, so
none is lost.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts.models import User
from evidence.models import Code, Evidence, EvidenceAttachment, Excerpt
from evidence.models.coding import CODE_DESCRIPTION_MAX, CODE_NAME_MAX, MEMO_MAX
from evidence.services.attachment_text import attachment_text_read
from partnerships.models import Partnership, ResearchQuestion
from partnerships.services import activity_record

#: The most codes or questions one excerpt is tagged to.
TAGS_MAX = 50


def _clean_name(partnership: Partnership, name: str, *, code: Code | None = None) -> str:
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": ["Give the code a name."]})
    if len(name) > CODE_NAME_MAX:
        raise ValidationError(
            {"name": [f"A code’s name must be {CODE_NAME_MAX} characters or fewer."]}
        )
    taken = Code.objects.filter(partnership=partnership, name__iexact=name)
    if code is not None:
        taken = taken.exclude(pk=code.pk)
    if taken.exists():
        raise ValidationError({"name": [f"The codebook already has a code called “{name}”."]})
    return name


def _clean_text(field: str, text: str, limit: int) -> str:
    text = text.strip()
    if len(text) > limit:
        raise ValidationError({field: [f"This must be {limit} characters or fewer."]})
    return text


def _clean_parent(
    partnership: Partnership, parent_id: int | None, *, code: Code | None
) -> Code | None:
    """The parent ``parent_id`` names, if it may hold ``code``: a top-level code of the same
    partnership, not the code itself, and only for a code with no sub-codes of its own."""
    if parent_id is None:
        return None
    parent = Code.objects.filter(partnership=partnership, pk=parent_id).first()
    if parent is None:
        raise ValidationError({"parent": ["Choose a code of this partnership’s codebook."]})
    if code is not None and parent.pk == code.pk:
        raise ValidationError({"parent": ["A code cannot be its own parent."]})
    if parent.parent_id is not None:
        raise ValidationError(
            {"parent": [f"“{parent.name}” is already a sub-code: a codebook has two levels."]}
        )
    if code is not None and code.children.exists():
        raise ValidationError(
            {"parent": [f"“{code.name}” has sub-codes of its own: a codebook has two levels."]}
        )
    return parent


def _save_named(code: Code) -> None:
    """Save ``code``; a name taken meanwhile by someone else (the unique constraint) is the
    same 400 as one taken before."""
    try:
        with transaction.atomic():
            code.save()
    except IntegrityError as error:
        raise ValidationError(
            {"name": [f"The codebook already has a code called “{code.name}”."]}
        ) from error


@transaction.atomic
def code_create(
    *,
    partnership: Partnership,
    name: str,
    description: str = "",
    memo: str = "",
    parent_id: int | None = None,
    by: User,
) -> Code:
    """Add a code to ``partnership``'s codebook."""
    code = Code(
        partnership=partnership,
        name=_clean_name(partnership, name),
        description=_clean_text("description", description, CODE_DESCRIPTION_MAX),
        memo=_clean_text("memo", memo, MEMO_MAX),
        parent=_clean_parent(partnership, parent_id, code=None),
        created_by=by,
    )
    _save_named(code)
    activity_record(
        partnership=partnership,
        actor=by,
        verb="code_created",
        summary=f"{by.display_name} added the code “{code.name}” to the codebook.",
    )
    return code


CODE_FIELDS = frozenset({"name", "description", "memo", "parent"})


@transaction.atomic
def code_update(*, code: Code, fields: dict[str, Any], by: User) -> Code:
    """Rename ``code``, or change its description, memo or parent (``parent``: an id or None)."""
    unknown = set(fields) - CODE_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    code = Code.objects.select_for_update().get(pk=code.pk)
    old_name = code.name
    if "name" in fields:
        code.name = _clean_name(code.partnership, fields["name"], code=code)
    if "description" in fields:
        code.description = _clean_text("description", fields["description"], CODE_DESCRIPTION_MAX)
    if "memo" in fields:
        code.memo = _clean_text("memo", fields["memo"], MEMO_MAX)
    if "parent" in fields:
        code.parent = _clean_parent(code.partnership, fields["parent"], code=code)
    _save_named(code)
    if code.name != old_name:
        activity_record(
            partnership=code.partnership,
            actor=by,
            verb="code_renamed",
            summary=f"{by.display_name} renamed the code “{old_name}” to “{code.name}”.",
        )
    return code


@transaction.atomic
def code_merge(*, code: Code, into_id: int, by: User) -> Code:
    """Merge ``code`` into the code ``into_id`` of the same codebook: every excerpt coded
    to ``code`` is coded to the other (none lost), its sub-codes move under it (under its
    parent when it is itself a sub-code, as a codebook has two levels), its memo is added
    to the other's, and ``code`` is deleted. Returns the code merged into."""
    into = (
        Code.objects.select_for_update()
        .filter(partnership_id=code.partnership_id, pk=into_id)
        .first()
    )
    if into is None:
        raise ValidationError({"into": ["Choose another code of this partnership’s codebook."]})
    if into.pk == code.pk:
        raise ValidationError({"into": ["A code cannot be merged into itself."]})
    code = Code.objects.select_for_update().get(pk=code.pk)
    if into.parent_id == code.pk:
        into.parent = code.parent
    home = into if into.parent_id is None else into.parent
    Code.objects.filter(parent=code).exclude(pk=into.pk).update(parent=home)
    through = Excerpt.codes.through
    moving = list(through.objects.filter(code=code).values_list("excerpt_id", flat=True))
    already = set(
        through.objects.filter(code=into, excerpt_id__in=moving).values_list(
            "excerpt_id", flat=True
        )
    )
    through.objects.bulk_create(
        [through(code_id=into.pk, excerpt_id=pk) for pk in moving if pk not in already]
    )
    if code.memo:
        into.memo = f"{into.memo}\n\n{code.memo}".strip() if into.memo else code.memo
    into.save()
    activity_record(
        partnership=code.partnership,
        actor=by,
        verb="code_merged",
        summary=f"{by.display_name} merged the code “{code.name}” into “{into.name}”.",
    )
    code.delete()
    return into


@transaction.atomic
def code_delete(*, code: Code, by: User) -> None:
    """Delete ``code``: its sub-codes become top-level codes, and excerpts coded to it
    alone are deleted with it (others keep their other codes)."""
    only_this = Excerpt.objects.filter(codes=code).exclude(
        codes__in=Code.objects.exclude(pk=code.pk)
    )
    only_this.delete()
    activity_record(
        partnership=code.partnership,
        actor=by,
        verb="code_deleted",
        summary=f"{by.display_name} deleted the code “{code.name}” from the codebook.",
    )
    code.delete()


def _codes(partnership_id: int, ids: Sequence[int]) -> list[Code]:
    wanted = set(ids)
    if not wanted:
        raise ValidationError({"codes": ["Choose at least one code."]})
    if len(wanted) > TAGS_MAX:
        raise ValidationError({"codes": [f"Choose at most {TAGS_MAX} codes."]})
    codes = list(Code.objects.filter(partnership_id=partnership_id, pk__in=wanted))
    if len(codes) != len(wanted):
        raise ValidationError({"codes": ["Choose codes of this partnership’s codebook."]})
    return codes


def _questions(partnership_id: int, ids: Sequence[int]) -> list[ResearchQuestion]:
    wanted = set(ids)
    if len(wanted) > TAGS_MAX:
        raise ValidationError({"questions": [f"Choose at most {TAGS_MAX} questions."]})
    questions = list(ResearchQuestion.objects.filter(partnership_id=partnership_id, pk__in=wanted))
    if len(questions) != len(wanted):
        raise ValidationError({"questions": ["Choose research questions of this partnership."]})
    return questions


def excerpt_words(
    evidence: Evidence, start: int, end: int, *, attachment: EvidenceAttachment | None = None
) -> str:
    """The words of ``evidence``'s text (or of its ``attachment``'s text) from ``start`` to
    ``end`` (end excluded), after checking the offsets lie inside it."""
    whole = evidence.body if attachment is None else attachment.text
    length = len(whole)
    if length == 0:
        raise ValidationError(
            {"start": ["This evidence has no text to code."]}
            if attachment is None
            else {"attachment": ["The text of this file could not be read, so it cannot be coded."]}
        )
    errors: dict[str, list[str]] = {}
    if not 0 <= start < length:
        errors["start"] = [
            f"The start must be between 0 and {length - 1}: the text is {length} characters long."
        ]
    if not 0 < end <= length:
        errors["end"] = [
            f"The end must be between 1 and {length}: the text is {length} characters long."
        ]
    if not errors and start >= end:
        errors["end"] = ["The end must come after the start."]
    if errors:
        raise ValidationError(errors)
    text = whole[start:end]
    if not text.strip():
        raise ValidationError({"end": ["The excerpt has no words in it: choose some text."]})
    return text


def _attachment(evidence: Evidence, attachment_id: int | None) -> EvidenceAttachment | None:
    """The file ``attachment_id`` of ``evidence``, with its text read; None: the body."""
    if attachment_id is None:
        return None
    attachment = EvidenceAttachment.objects.filter(evidence=evidence, pk=attachment_id).first()
    if attachment is None:
        raise ValidationError({"attachment": ["Choose a file attached to this evidence."]})
    return attachment_text_read(attachment=attachment)


@transaction.atomic
def excerpt_create(
    *,
    evidence: Evidence,
    start: int,
    end: int,
    code_ids: Sequence[int],
    question_ids: Sequence[int] = (),
    memo: str = "",
    attachment_id: int | None = None,
    by: User,
) -> Excerpt:
    """Code the text of ``evidence`` (or of its attached file ``attachment_id``, else 400)
    from ``start`` to ``end`` to ``code_ids`` (at least one) and ``question_ids``, all of
    the item's partnership."""
    attachment = _attachment(evidence, attachment_id)
    text = excerpt_words(evidence, start, end, attachment=attachment)
    codes = _codes(evidence.partnership_id, code_ids)
    questions = _questions(evidence.partnership_id, question_ids)
    excerpt = Excerpt.objects.create(
        evidence=evidence,
        attachment=attachment,
        start=start,
        end=end,
        text=text,
        memo=_clean_text("memo", memo, MEMO_MAX),
        author=by,
    )
    excerpt.codes.set(codes)
    excerpt.questions.set(questions)
    return excerpt


EXCERPT_FIELDS = frozenset({"start", "end", "codes", "questions", "memo"})


@transaction.atomic
def excerpt_update(*, excerpt: Excerpt, fields: dict[str, Any], by: User) -> Excerpt:
    """Change an excerpt's codes, questions or memo, or place it again (``start`` and
    ``end``: its words are read afresh from the item's text, or its file's, so it is no
    longer stale). Which text it is of never changes."""
    unknown = set(fields) - EXCERPT_FIELDS
    if unknown:
        raise ValidationError({name: ["This field cannot be changed."] for name in sorted(unknown)})
    excerpt = (
        Excerpt.objects.select_for_update(of=("self",))
        .select_related("evidence", "attachment")
        .get(pk=excerpt.pk)
    )
    partnership_id = excerpt.evidence.partnership_id
    if "start" in fields or "end" in fields:
        excerpt.start = fields.get("start", excerpt.start)
        excerpt.end = fields.get("end", excerpt.end)
        excerpt.text = excerpt_words(
            excerpt.evidence, excerpt.start, excerpt.end, attachment=excerpt.attachment
        )
    if "memo" in fields:
        excerpt.memo = _clean_text("memo", fields["memo"], MEMO_MAX)
    if "codes" in fields:
        excerpt.codes.set(_codes(partnership_id, fields["codes"]))
    if "questions" in fields:
        excerpt.questions.set(_questions(partnership_id, fields["questions"]))
    excerpt.save()
    return excerpt


@transaction.atomic
def excerpt_delete(*, excerpt: Excerpt, by: User) -> None:
    """Delete an excerpt (the item's text is untouched)."""
    excerpt.delete()
