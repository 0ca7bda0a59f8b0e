"""Forms for the evidence items' pages. They parse input and hand it to the one
validator (``evidence.cleaning``); the services write.

The "Add evidence" form is built for the kind chosen first from ``evidence.schema``: it
asks that kind's prompts (``evidence.kinds``) and, for numbers and survey results, the
figure, unit, baseline and period. Every label is a plain question.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from evidence.cleaning import CleanEvidence, clean_evidence
from evidence.kinds import GUIDES, Prompt, date_words_for, guide_for, prompts_for
from evidence.models import Evidence
from evidence.schema import (
    BY_NAME,
    DECIMAL_PLACES,
    MAX_DIGITS,
    PROMPT_MAX,
    STORED_FIELD_NAMES,
    EvidenceField,
    FieldType,
)
from learnhub.forms import form_add_service_errors
from partnerships.models import Partnership, Party, ResearchQuestion

VALENCE_LABELS = {
    Evidence.Valence.WORKING: "Working",
    Evidence.Valence.NOT_WORKING: "Not working",
    Evidence.Valence.MIXED: "Mixed",
    Evidence.Valence.UNCLEAR: "Unclear",
}
VALENCE_HINTS: dict[str, str] = {
    Evidence.Valence.WORKING: "It shows something going well.",
    Evidence.Valence.NOT_WORKING: "It shows something not going well. This is just as "
    "useful to learn from.",
    Evidence.Valence.MIXED: "Some things went well and some did not.",
    Evidence.Valence.UNCLEAR: "It is too early to say, or it could go either way.",
}
ATTRIBUTION_LABELS = {
    Evidence.Attribution.ANONYMOUS: "Keep it anonymous",
    Evidence.Attribution.NAMED: "You may name our organisation",
}
ATTRIBUTION_HINTS: dict[str, str] = {
    Evidence.Attribution.ANONYMOUS: "Briefs say it came from “a grantee”, “a funder” or "
    "“a learning partner”.",
    Evidence.Attribution.NAMED: "Briefs may say it came from your organisation, but only "
    "while your organisation also gives the “Name us” consent.",
}
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    return cast(forms.ChoiceField, form.fields[name])


def prompt_field_name(key: str) -> str:
    return f"prompt_{key}"


class KindForm(forms.Form):
    """Step one of adding evidence: what kind is it?"""

    kind = forms.ChoiceField(
        label="What do you want to add?",
        choices=[(kind, guide.label) for kind, guide in GUIDES.items()],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose what you want to add.",
            "invalid_choice": "Choose one of the kinds of evidence listed.",
        },
    )

    def choices_with_hints(self) -> list[dict[str, object]]:
        return [
            {"radio": radio, "hint": GUIDES[str(radio.data["value"])].description}
            for radio in self["kind"]
        ]


def _question_label(question: ResearchQuestion) -> str:
    status = getattr(question, "status", "")
    suffix = "" if status in ("", ResearchQuestion.Status.AGREED) else f" ({status})"
    return f"{question.text}{suffix}"


#: The order the page (and its error summary) shows the evidence fields in; the
#: kind's prompts come straight after the title.
FORM_ORDER: tuple[str, ...] = (
    "title",
    "body",
    "value",
    "unit",
    "baseline",
    "period_start",
    "period_end",
    "occurred_on",
    "questions",
    "valence",
    "attribution",
    "speaker",
)
#: Fields the form does not show as a field of its own: the kind is chosen in step one,
#: and the prompts are one field per prompt.
NOT_FORM_FIELDS: tuple[str, ...] = ("kind", "prompts")
_DECIMAL_WIDGET = {"inputmode": "decimal", "class": "input--short"}
_CHOICE_LABELS: dict[str, dict[Any, str]] = {
    "valence": VALENCE_LABELS,
    "attribution": ATTRIBUTION_LABELS,
    "speaker": {"": "Not said", **dict(Evidence.Speaker.choices)},
}
_TEXT_WIDGETS: dict[str, forms.Widget] = {
    "body": forms.Textarea(attrs={"rows": 6}),
    "unit": forms.TextInput(attrs={"class": "input--medium"}),
}


def _text_field(spec: EvidenceField) -> forms.Field:
    messages = {"required": spec.messages["required"]} if spec.required else {}
    if not spec.framework_length_words:
        messages["max_length"] = spec.message("too_long")
    return forms.CharField(
        label=spec.label,
        required=spec.required,
        max_length=spec.max_length,
        help_text=spec.help_text,
        widget=_TEXT_WIDGETS.get(spec.name),
        error_messages=messages,
    )


def _decimal_field(spec: EvidenceField) -> forms.Field:
    return forms.DecimalField(
        label=spec.label,
        required=False,
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        help_text=spec.help_text,
        widget=forms.TextInput(attrs=_DECIMAL_WIDGET),
        error_messages={
            "invalid": spec.message("invalid"),
            "max_decimal_places": spec.message("places"),
            "max_digits": spec.message("too_big"),
            "max_whole_digits": spec.message("too_big"),
        },
    )


def _date_field(spec: EvidenceField) -> forms.Field:
    messages = {"invalid": spec.message("invalid")}
    if spec.required:
        messages["required"] = spec.message("form_required")
    return forms.DateField(
        label=spec.label,
        required=spec.required,
        help_text=spec.help_text,
        widget=DATE_WIDGET,
        error_messages=messages,
    )


def _choice_field_for(spec: EvidenceField) -> forms.Field:
    """A radio choice: asked when the item needs it (a default is already ticked), else
    optional (left unticked: not said)."""
    return forms.ChoiceField(
        label=spec.label,
        required=spec.required or "form_required" in spec.messages,
        help_text=spec.help_text,
        choices=list(_CHOICE_LABELS[spec.name].items()),
        widget=forms.RadioSelect,
        initial=spec.default or None,
        error_messages={"required": spec.messages.get("form_required", spec.message("invalid"))},
    )


def _ids_field(spec: EvidenceField) -> forms.Field:
    return forms.TypedMultipleChoiceField(
        label=spec.label,
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": spec.message("not_listed")},
    )


_FORM_FIELDS: dict[FieldType, Callable[[EvidenceField], forms.Field]] = {
    FieldType.TEXT: _text_field,
    FieldType.DECIMAL: _decimal_field,
    FieldType.DATE: _date_field,
    FieldType.CHOICE: _choice_field_for,
    FieldType.IDS: _ids_field,
}


def _prompt_field(prompt: Prompt) -> forms.Field:
    return forms.CharField(
        label=prompt.question,
        help_text=prompt.hint,
        required=False,
        max_length=PROMPT_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": BY_NAME["prompts"].message("form_too_long")},
    )


def _field_for_kind(spec: EvidenceField, kind: str) -> forms.Field:
    """``spec``'s form field, required (and labelled) as ``kind`` needs it."""
    field = _FORM_FIELDS[spec.type](spec)
    if kind in spec.required_for:
        field.required = True
        field.error_messages["required"] = spec.message("required")
    elif "optional_label" in spec.extra:
        field.label = spec.extra["optional_label"]
    return field


class EvidenceForm(forms.Form):
    """Step two: the evidence itself, shaped by its kind (its fields come from
    ``evidence.schema``); a valid form holds the checked ``item`` for the services."""

    party = forms.TypedChoiceField(
        label="Who are you adding this for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which organisation you are adding this for."},
    )
    attachment = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text="A PDF, a photo or picture, a Word, Excel or PowerPoint file, or a CSV "
        "file. We check what the file really is.",
    )

    def __init__(
        self,
        *args: Any,
        kind: str,
        partnership: Partnership,
        questions: Iterable[ResearchQuestion],
        parties: Iterable[Party] = (),
        evidence: Evidence | None = None,
        max_upload_bytes: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.partnership = partnership
        self.evidence = evidence
        self.item: CleanEvidence | None = None
        self.guide = guide_for(kind)
        self.prompts: tuple[Prompt, ...] = prompts_for(kind)
        editing = evidence is not None

        parties = list(parties)
        if len(parties) > 1 and not editing:
            _choice_field(self, "party").choices = [(p.pk, p.organisation.name) for p in parties]
        else:
            del self.fields["party"]
        self.fields = self._fields_for_kind(kind)
        self.fields["body"].label = self.guide.body_label
        self.fields["body"].help_text = self.guide.body_hint
        date = date_words_for(kind)
        self.fields["occurred_on"].label = date.question
        self.fields["occurred_on"].help_text = date.hint
        self.fields["occurred_on"].error_messages["required"] = date.missing

        _choice_field(self, "questions").choices = [(q.pk, _question_label(q)) for q in questions]
        if not _choice_field(self, "questions").choices:
            del self.fields["questions"]
        if kind == Evidence.Kind.DOCUMENT and not editing:
            self.fields["attachment"].label = "Attach the document"
        if editing:
            self.fields["attachment"].label = "Add another file (optional)"
        self.fields[
            "attachment"
        ].help_text += f" Files can be up to {max_upload_bytes // (1024 * 1024)} MB."
        if not self.is_bound and "occurred_on" not in self.initial:
            self.initial["occurred_on"] = timezone.localdate()

    def _fields_for_kind(self, kind: str) -> dict[str, forms.Field]:
        """The party, the evidence fields ``kind`` asks (its prompts after the title), in
        the page's order, then the file."""
        fields = {"party": self.fields["party"]} if "party" in self.fields else {}
        for name in FORM_ORDER:
            spec = BY_NAME[name]
            if spec.kinds is None or kind in spec.kinds:
                fields[name] = _field_for_kind(spec, kind)
            if name == "title":
                fields.update({prompt_field_name(p.key): _prompt_field(p) for p in self.prompts})
        fields["attachment"] = self.fields["attachment"]
        return fields

    @property
    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[prompt_field_name(prompt.key)] for prompt in self.prompts]

    def radio_choices(self, name: str) -> list[dict[str, object]]:
        hints: dict[str, str] = {"valence": VALENCE_HINTS, "attribution": ATTRIBUTION_HINTS}.get(
            name, {}
        )
        return [
            {"radio": radio, "hint": hints.get(str(radio.data["value"]), "")}
            for radio in self[name]
        ]

    def question_choices(self) -> list[dict[str, object]]:
        if "questions" not in self.fields:
            return []
        return [{"box": box, "hint": ""} for box in self["questions"]]

    def _answer(self, name: str) -> Any:
        """A field's parsed answer; for a field that did not parse, what was written, so
        the validator still sees that something was (a figure needs its unit, an item
        needs something said) and says everything else that is wrong in the same round."""
        if name in self.cleaned_data:
            return self.cleaned_data[name]
        return self[name].data if name in self.fields else None

    def evidence_data(self) -> dict[str, Any]:
        """The answers as evidence fields (``evidence.schema``'s names)."""
        fields: dict[str, Any] = {"kind": self.kind}
        for name in FORM_ORDER:
            if name in self.fields:
                fields[name] = self._answer(name)
        fields["body"] = self._answer("body") or ""
        fields["questions"] = self._answer("questions") or []
        fields["prompts"] = {
            prompt.key: self._answer(prompt_field_name(prompt.key)) or "" for prompt in self.prompts
        }
        return fields

    def clean(self) -> dict[str, Any] | None:
        """The whole item is checked by the one validator (as it would be after the
        change, when editing) even when some fields did not parse, so every problem of
        every field shows in one round. A field keeps its own first problem: the
        validator's words about a field that already shows one are left out."""
        cleaned = super().clean()
        try:
            item = clean_evidence(
                self.evidence_data(),
                partnership=self.partnership,
                current=self.evidence,
                attachment=self.cleaned_data.get("attachment"),
            )
        except ValidationError as error:
            fresh = {
                name: messages
                for name, messages in error.message_dict.items()
                if not self._shows_problem_with(name)
            }
            if fresh:
                form_add_service_errors(self, ValidationError(fresh), self.field_for_error)
        else:
            if not self.errors:
                self.item = item
        return cleaned

    def _shows_problem_with(self, name: str) -> bool:
        """Whether the form already shows a problem with the validator's field ``name``
        (for ``prompts``: with any of the prompts)."""
        if name == "prompts":
            return any(prompt_field_name(p.key) in self.errors for p in self.prompts)
        target = self.field_for_error(name)
        return target is not None and target in self.errors

    def checked_item(self) -> CleanEvidence:
        """The checked item of a valid form."""
        if self.item is None:
            raise ValueError("The form has not been checked, or has problems.")
        return self.item

    @classmethod
    def initial_for(cls, evidence: Evidence) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(evidence, name)
            for name in STORED_FIELD_NAMES
            if name not in NOT_FORM_FIELDS
        }
        initial["questions"] = [q.pk for q in evidence.questions.all()]
        for key, answer in (evidence.prompts or {}).items():
            initial[prompt_field_name(key)] = answer
        return initial

    def field_for_error(self, name: str) -> str | None:
        """Which form field shows a validator error about ``name``."""
        if name == "prompts":
            return prompt_field_name(self.prompts[0].key) if self.prompts else None
        return name if name in self.fields else None


class FilterForm(forms.Form):
    """The filters above the evidence list (a GET form)."""

    search = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the title, the text or the answers.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        required=False,
        choices=[("", "All kinds"), *[(k, g.label) for k, g in GUIDES.items()]],
    )
    valence = forms.ChoiceField(
        label="Working or not",
        required=False,
        choices=[("", "Any"), *VALENCE_LABELS.items()],
    )
    question = forms.TypedChoiceField(
        label="Research question", required=False, coerce=int, empty_value=None
    )
    party = forms.TypedChoiceField(label="Added by", required=False, coerce=int, empty_value=None)

    def __init__(
        self,
        *args: Any,
        questions: Iterable[ResearchQuestion],
        parties: Iterable[Party],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "question").choices = [
            ("", "Any question"),
            *[(q.pk, q.text[:80]) for q in questions],
        ]
        _choice_field(self, "party").choices = [
            ("", "Anyone"),
            *[(p.pk, p.organisation.name) for p in parties],
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_valid():
            return {}
        return {name: value for name, value in self.cleaned_data.items() if value not in ("", None)}


class ImportForm(forms.Form):
    party = forms.TypedChoiceField(
        label="Who are you adding these for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which organisation you are adding these for."},
    )
    file = forms.FileField(
        label="Your CSV file",
        help_text="Save your spreadsheet as CSV, laid out like the template.",
        error_messages={
            "required": "Choose the CSV file to import.",
            "empty": "The file is empty.",
        },
    )

    def __init__(self, *args: Any, parties: Iterable[Party] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        parties = list(parties)
        if len(parties) > 1:
            _choice_field(self, "party").choices = [(p.pk, p.organisation.name) for p in parties]
        else:
            del self.fields["party"]
