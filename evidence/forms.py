"""Forms for the evidence pages. They only parse input: the services check and write.

Evidence items' forms come first, then those of insight briefs and learning actions.

The "Add evidence" form is built for the kind chosen first: it asks that kind's prompts
(``evidence.kinds``) and, for numbers and survey results, the figure, unit, baseline and
period. Every label is a plain question.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.utils import timezone

from evidence.kinds import GUIDES, Prompt, guide_for, prompts_for
from evidence.models import Evidence, InsightBrief, LearningAction
from evidence.periods import Period
from evidence.services.briefs import CHALLENGES_MAX
from evidence.services.items import BODY_MAX, PROMPT_MAX, TITLE_MAX, UNIT_MAX
from partnerships.models import Party, ResearchQuestion

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
#: Kinds whose form asks for a figure (a number is required for ``statistic``).
FIGURE_KINDS = (Evidence.Kind.STATISTIC, Evidence.Kind.SURVEY_RESULT)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "Enter a real date, like 2025-03-31."}


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
    return f"Question {question.pk}: {question.text}{suffix}"


class EvidenceForm(forms.Form):
    """Step two: the evidence itself, shaped by its kind."""

    party = forms.TypedChoiceField(
        label="Who are you adding this for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which organisation you are adding this for."},
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="A few words so people can find it in a list, like “Winter drop-in sessions”.",
        error_messages={
            "required": "Give it a short title, so people can find it in a list.",
            "max_length": f"The title must be {TITLE_MAX} characters or fewer.",
        },
    )
    body = forms.CharField(
        required=False,
        max_length=BODY_MAX,
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"max_length": f"This must be {BODY_MAX:,} characters or fewer."},
    )
    value = forms.DecimalField(
        label="The number",
        required=False,
        max_digits=20,
        decimal_places=4,
        help_text="Just the number, like 42 or 3.5.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
        error_messages={
            "invalid": "Enter a number, like 42 or 3.5.",
            "max_decimal_places": "Use at most 4 decimal places.",
            "max_digits": "Enter a smaller number.",
            "max_whole_digits": "Enter a smaller number.",
        },
    )
    unit = forms.CharField(
        label="What does the number count?",
        required=False,
        max_length=UNIT_MAX,
        help_text="For example “families”, “%” or “visits”.",
        widget=forms.TextInput(attrs={"class": "input--medium"}),
    )
    baseline = forms.DecimalField(
        label="What was it before? (optional)",
        required=False,
        max_digits=20,
        decimal_places=4,
        help_text="The number to compare with, like last year’s figure.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "class": "input--short"}),
        error_messages={
            "invalid": "Enter a number, like 42 or 3.5.",
            "max_decimal_places": "Use at most 4 decimal places.",
            "max_digits": "Enter a smaller number.",
            "max_whole_digits": "Enter a smaller number.",
        },
    )
    period_start = forms.DateField(
        label="First day of the period it covers (optional)",
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    period_end = forms.DateField(
        label="Last day of the period it covers (optional)",
        required=False,
        widget=DATE_WIDGET,
        error_messages=DATE_ERRORS,
    )
    occurred_on = forms.DateField(
        label="When did this happen?",
        help_text="For a number, the day it was measured.",
        widget=DATE_WIDGET,
        error_messages={"required": "Enter the date it happened.", **DATE_ERRORS},
    )
    questions = forms.TypedMultipleChoiceField(
        label="Which research questions does it help answer? (optional)",
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "Choose from the research questions listed."},
    )
    valence = forms.ChoiceField(
        label="Does it show something working or not working?",
        choices=list(VALENCE_LABELS.items()),
        widget=forms.RadioSelect,
        error_messages={
            "required": "Say whether it shows something working, not working, mixed or unclear."
        },
    )
    attribution = forms.ChoiceField(
        label="May a brief name your organisation with it?",
        choices=list(ATTRIBUTION_LABELS.items()),
        widget=forms.RadioSelect,
        initial=Evidence.Attribution.ANONYMOUS,
        error_messages={"required": "Choose whether it may be named or kept anonymous."},
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
        questions: Iterable[ResearchQuestion],
        parties: Iterable[Party] = (),
        editing: bool = False,
        max_upload_bytes: int,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.guide = guide_for(kind)
        self.prompts: tuple[Prompt, ...] = prompts_for(kind)
        self.editing = editing

        parties = list(parties)
        if len(parties) > 1 and not editing:
            _choice_field(self, "party").choices = [(p.pk, p.organisation.name) for p in parties]
        else:
            del self.fields["party"]

        self.fields["body"].label = self.guide.body_label
        self.fields["body"].help_text = self.guide.body_hint
        if not self.prompts and kind not in FIGURE_KINDS and kind != Evidence.Kind.DOCUMENT:
            self.fields["body"].required = True
            self.fields["body"].error_messages["required"] = "Write what you found."

        prompt_fields = {}
        for prompt in self.prompts:
            prompt_fields[prompt_field_name(prompt.key)] = forms.CharField(
                label=prompt.question,
                help_text=prompt.hint,
                required=False,
                max_length=PROMPT_MAX,
                widget=forms.Textarea(attrs={"rows": 4}),
                error_messages={
                    "max_length": f"This answer must be {PROMPT_MAX:,} characters or fewer."
                },
            )
        # The prompts come straight after the title, in the order the kind asks them.
        ordered = {}
        for name, field in self.fields.items():
            ordered[name] = field
            if name == "title":
                ordered.update(prompt_fields)
        self.fields = ordered  # type: ignore[assignment]

        if kind in FIGURE_KINDS:
            if kind == Evidence.Kind.STATISTIC:
                self.fields["value"].required = True
                self.fields["value"].error_messages["required"] = "Enter the number."
                self.fields["unit"].required = True
                self.fields["unit"].error_messages["required"] = (
                    "Say what the number counts, for example “families”, “%” or “visits”."
                )
            else:
                self.fields["value"].label = "The main figure (optional)"
                self.fields["unit"].label = "What does the figure count? (optional)"
        else:
            for name in ("value", "unit", "baseline", "period_start", "period_end"):
                del self.fields[name]

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

    @property
    def prompt_fields(self) -> list[forms.BoundField]:
        return [self[prompt_field_name(prompt.key)] for prompt in self.prompts]

    def radio_choices(self, name: str) -> list[dict[str, object]]:
        hints: dict[str, str] = VALENCE_HINTS if name == "valence" else ATTRIBUTION_HINTS
        return [
            {"radio": radio, "hint": hints.get(str(radio.data["value"]), "")}
            for radio in self[name]
        ]

    def question_choices(self) -> list[dict[str, object]]:
        if "questions" not in self.fields:
            return []
        return [{"box": box, "hint": ""} for box in self["questions"]]

    def evidence_data(self) -> dict[str, Any]:
        """The cleaned answers as evidence fields, for the services."""
        data = self.cleaned_data
        fields: dict[str, Any] = {
            "kind": self.kind,
            "title": data["title"],
            "body": data.get("body", ""),
            "valence": data["valence"],
            "attribution": data["attribution"],
            "occurred_on": data["occurred_on"],
            "questions": data.get("questions", []),
            "prompts": {
                prompt.key: data.get(prompt_field_name(prompt.key), "") for prompt in self.prompts
            },
        }
        if self.kind in FIGURE_KINDS:
            for name in ("value", "unit", "baseline", "period_start", "period_end"):
                fields[name] = data.get(name)
        return fields

    @classmethod
    def initial_for(cls, evidence: Evidence) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(evidence, name)
            for name in (
                "title",
                "body",
                "valence",
                "attribution",
                "occurred_on",
                "value",
                "unit",
                "baseline",
                "period_start",
                "period_end",
            )
        }
        initial["questions"] = [q.pk for q in evidence.questions.all()]
        for key, answer in (evidence.prompts or {}).items():
            initial[prompt_field_name(key)] = answer
        return initial

    def field_for_error(self, name: str) -> str | None:
        """Which form field shows a service error about ``name``."""
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
            *[(q.pk, f"Question {q.pk}: {q.text[:80]}") for q in questions],
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


# --- Insight briefs and learning actions ----------------------------------------------------


class BriefRequestForm(forms.Form):
    period_start = forms.DateField(
        label="First day of the period",
        help_text="For example, 2026-10-01",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the first day of the period.",
            "invalid": "Enter the first day as a real date, like 2026-10-01.",
        },
    )
    period_end = forms.DateField(
        label="Last day of the period",
        help_text="For example, 2026-10-31",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the last day of the period.",
            "invalid": "Enter the last day as a real date, like 2026-10-31.",
        },
    )


class BriefEditForm(forms.Form):
    so_what = forms.CharField(
        label="So what?",
        help_text="What does this evidence mean for the partnership? Use plain words.",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    recommendations = forms.CharField(
        label="Recommendations",
        help_text="What should each party do next?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
    )


class ChallengeForm(forms.Form):
    party = forms.TypedChoiceField(label="Who is challenged", required=False, coerce=int)
    area = forms.ChoiceField(label="About", required=False)
    text = forms.CharField(
        label="The challenge", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    remove = forms.BooleanField(label="Remove this challenge", required=False)

    def __init__(
        self,
        *args: Any,
        parties: list[tuple[int, str]],
        areas: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        party_field = cast(forms.TypedChoiceField, self.fields["party"])
        party_field.choices = [("", "Choose a party"), *parties]
        cast(forms.ChoiceField, self.fields["area"]).choices = areas

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not data.get("text") and not data.get("party")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("remove") or (not data.get("text") and not data.get("party")):
            return data
        if not data.get("party"):
            self.add_error("party", "Choose who this challenge is for.")
        if not (data.get("text") or "").strip():
            self.add_error("text", "Write the challenge, or tick “Remove this challenge”.")
        return data


ChallengeFormSet = forms.formset_factory(ChallengeForm, extra=0, max_num=CHALLENGES_MAX)


def challenge_formset_with_blanks(blanks: int) -> type[forms.BaseFormSet[ChallengeForm]]:
    """``ChallengeFormSet`` with ``blanks`` empty rows to fill in (a page's first view)."""
    return forms.formset_factory(ChallengeForm, extra=max(blanks, 0), max_num=CHALLENGES_MAX)


class LearningActionForm(forms.Form):
    party = forms.TypedChoiceField(
        label="Which organisation will change something",
        coerce=int,
        error_messages={"required": "Choose the organisation."},
    )
    brief = forms.TypedChoiceField(
        label="Because of which brief (optional)", coerce=int, required=False, empty_value=None
    )
    description = forms.CharField(
        label="What we will change",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what you will change."},
    )
    status = forms.ChoiceField(
        label="Where it is up to",
        choices=LearningAction.Status.choices,
        initial=LearningAction.Status.PLANNED,
        widget=forms.RadioSelect,
    )
    outcome = forms.CharField(
        label="What changed",
        help_text="Once you have done it: what difference did it make?",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(
        self,
        *args: Any,
        parties: list[Party],
        briefs: list[InsightBrief],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["party"]).choices = [
            ("", "Choose an organisation"),
            *[(p.pk, p.organisation.name) for p in parties],
        ]
        cast(forms.TypedChoiceField, self.fields["brief"]).choices = [
            ("", "Not linked to a brief"),
            *[
                (b.pk, f"Insight brief: {Period(b.period_start, b.period_end).describe()}")
                for b in briefs
            ],
        ]


class LearningActionEditForm(forms.Form):
    description = LearningActionForm.base_fields["description"]
    status = LearningActionForm.base_fields["status"]
    outcome = LearningActionForm.base_fields["outcome"]
