"""The codebook's page forms. They only parse; the rules are the services'
(``evidence.services.coding``), shown on the form by ``service_errors_to``."""

from __future__ import annotations

from typing import Any, cast

from django import forms

from evidence.extraction import TEXT_MAX
from evidence.models import Code
from evidence.models.coding import CODE_DESCRIPTION_MAX, CODE_NAME_MAX, MEMO_MAX
from evidence.passages import Sentence
from partnerships.models import ResearchQuestion


def _code_choices(codes: list[Code]) -> list[tuple[int, str]]:
    return [
        (code.pk, f"{code.parent.name}: {code.name}" if code.parent else code.name)
        for code in codes
    ]


class CodeForm(forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=CODE_NAME_MAX,
        help_text=(
            "A few words for what the excerpts coded to it are about, like “Feeling welcome”."
        ),
        error_messages={"required": "Give the code a name."},
    )
    description = forms.CharField(
        label="Description (optional)",
        required=False,
        max_length=CODE_DESCRIPTION_MAX,
        help_text="When to use this code, so everyone codes alike.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    memo = forms.CharField(
        label="Memo (optional)",
        required=False,
        max_length=MEMO_MAX,
        help_text="What you make of what is coded here. A brief shows it with the code.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    parent = forms.TypedChoiceField(
        label="Put it under another code (optional)",
        required=False,
        coerce=int,
        empty_value=None,
        help_text="A codebook has two levels: a code and the codes under it.",
    )

    def __init__(self, *args: Any, parents: list[Code], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["parent"]).choices = [
            ("", "No: a top-level code"),
            *_code_choices(parents),
        ]

    def code_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "description": data["description"],
            "memo": data["memo"],
            "parent": data["parent"],
        }


class MergeForm(forms.Form):
    into = forms.TypedChoiceField(
        label="Merge it into",
        coerce=int,
        help_text="Every excerpt moves to the code you choose, and this code is deleted.",
        error_messages={"required": "Choose the code to merge it into."},
    )

    def __init__(self, *args: Any, codes: list[Code], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["into"]).choices = [
            ("", "Choose a code"),
            *_code_choices(codes),
        ]


class ConfirmForm(forms.Form):
    """A confirmation with nothing to fill in."""


class ExcerptTagsForm(forms.Form):
    """What an excerpt is tagged to, and its memo."""

    codes = forms.TypedMultipleChoiceField(
        label="Codes",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text="Tick every code the excerpt is about.",
        error_messages={"required": "Choose at least one code."},
    )
    questions = forms.TypedMultipleChoiceField(
        label="Research questions (optional)",
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    memo = forms.CharField(
        label="Memo (optional)",
        required=False,
        max_length=MEMO_MAX,
        help_text="What strikes you about this excerpt.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self, *args: Any, codes: list[Code], questions: list[ResearchQuestion], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["codes"]).choices = _code_choices(codes)
        cast(forms.TypedMultipleChoiceField, self.fields["questions"]).choices = [
            (q.pk, q.text) for q in questions
        ]

    def tag_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "codes": list(data["codes"]),
            "questions": list(data["questions"]),
            "memo": data["memo"],
        }


class ExcerptForm(ExcerptTagsForm):
    """Where the excerpt is: from one sentence to another, or, when both are given, exact
    character positions (which selecting the text with a mouse or finger fills in)."""

    first = forms.TypedChoiceField(
        label="From the sentence",
        coerce=int,
        required=False,
        empty_value=None,
    )
    last = forms.TypedChoiceField(
        label="To the sentence",
        coerce=int,
        required=False,
        empty_value=None,
        help_text="The same sentence again for an excerpt of one sentence.",
    )
    start = forms.IntegerField(
        label="From character",
        required=False,
        min_value=0,
        max_value=TEXT_MAX,
        error_messages={"invalid": "Enter a whole number, like 0."},
    )
    end = forms.IntegerField(
        label="To character (not included)",
        required=False,
        min_value=1,
        max_value=TEXT_MAX,
        error_messages={"invalid": "Enter a whole number, like 42."},
    )

    field_order = ("first", "last", "start", "end", "codes", "questions", "memo")

    def __init__(self, *args: Any, sentences: list[Sentence], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sentences = sentences
        options = [("", "Choose a sentence"), *[(s.number, s.label) for s in sentences]]
        cast(forms.TypedChoiceField, self.fields["first"]).choices = options
        cast(forms.TypedChoiceField, self.fields["last"]).choices = options

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if "start" in self.errors or "end" in self.errors:
            return data
        if start is not None or end is not None:
            if start is None:
                self.add_error("start", "Enter the character it starts at, or clear both.")
            elif end is None:
                self.add_error("end", "Enter the character it ends at, or clear both.")
            else:
                data["offsets"] = (start, end)
            return data
        first, last = data.get("first"), data.get("last")
        if first is None:
            self.add_error("first", "Choose the sentence the excerpt starts with.")
        if last is None:
            self.add_error("last", "Choose the sentence the excerpt ends with.")
        if first is not None and last is not None:
            if last < first:
                self.add_error("last", "Choose a sentence after the one it starts with.")
            else:
                by_number = {s.number: s for s in self.sentences}
                data["offsets"] = (by_number[first].start, by_number[last].end)
        return data
