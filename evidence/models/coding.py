"""Qualitative coding: a partnership's codebook and the excerpts of evidence coded to it.

An excerpt is part of an evidence item, so who may see it is who may see the item
(``consent.selectors.evidence_visible_to``, asked by ``evidence.selectors.coding``),
never decided here. An excerpt keeps the words it was made from: when the item's text
changes underneath it, the excerpt is *stale* (its words no longer match the text at its
offsets) and is shown as such, never moved. An excerpt of an attached file's text
counts its offsets in that text and is seen exactly when the file's item is.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower

from learnhub.models import TimeStampedModel

#: Limits shared by the API, the page forms and the services.
CODE_NAME_MAX = 100
CODE_DESCRIPTION_MAX = 2000
MEMO_MAX = 5000


class Code(TimeStampedModel):
    """A code of a partnership's codebook; a code with a ``parent`` is a sub-code (two
    levels at most: a parent never has a parent itself, which the services check)."""

    partnership = models.ForeignKey(
        "partnerships.Partnership", on_delete=models.CASCADE, related_name="codes"
    )
    name = models.CharField(max_length=CODE_NAME_MAX)
    description = models.TextField(blank=True)
    #: What the codebook's editors make of the code: a brief gives it as the theme's note.
    memo = models.TextField(blank=True)
    parent = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="children"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="codes_created",
    )

    class Meta:
        ordering = ("name", "id")
        constraints = [
            models.UniqueConstraint(
                "partnership", Lower("name"), name="evidence_code_name_unique_in_partnership"
            ),
            models.CheckConstraint(condition=~Q(name=""), name="evidence_code_has_name"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="evidence_code_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Excerpt(TimeStampedModel):
    """Characters ``start`` to ``end`` (end excluded) of an evidence item's body, or of
    the text of one of its attached files, tagged to codes and research questions, with an
    optional memo."""

    evidence = models.ForeignKey(
        "evidence.Evidence", on_delete=models.CASCADE, related_name="excerpts"
    )
    #: The attached file whose text the offsets count in; none: the item's body.
    attachment = models.ForeignKey(
        "evidence.EvidenceAttachment",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="excerpts",
    )
    start = models.PositiveIntegerField()
    end = models.PositiveIntegerField()
    #: The words at ``start:end`` when the excerpt was made or last placed.
    text = models.TextField()
    codes = models.ManyToManyField(Code, related_name="excerpts")
    questions = models.ManyToManyField(
        "partnerships.ResearchQuestion", blank=True, related_name="excerpts"
    )
    memo = models.TextField(blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="excerpts",
    )

    class Meta:
        ordering = ("evidence_id", "start", "end", "id")
        constraints = [
            models.CheckConstraint(
                condition=Q(start__lt=F("end")), name="evidence_excerpt_start_before_end"
            ),
            models.CheckConstraint(condition=~Q(text=""), name="evidence_excerpt_has_text"),
        ]

    def __str__(self) -> str:
        return self.text[:80]
