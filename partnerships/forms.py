"""Forms for the partnership pages. They only parse input: the services decide and write."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from partnerships.models import Organisation, Partnership, Party, QuestionResponse
from partnerships.services.partnerships import (
    MAX_DURATION_YEARS,
    MAX_PARTNER_COUNT,
    MAX_WORKSTREAM_COUNT,
)

LEARNING_MODE_HINTS: dict[str, str] = {
    Partnership.LearningMode.LEARNING_FOR: (
        "The learning partner analyses the evidence and presents what it means."
    ),
    Partnership.LearningMode.LEARNING_WITH: (
        "Everyone works it out together: draft briefs are visible to every party."
    ),
}
PRIORITY_AUDIENCE_HINTS: dict[str, str] = {
    Partnership.PriorityAudience.FUNDER: "To decide how to fund in future.",
    Partnership.PriorityAudience.GRANTEES: "To improve their own work.",
    Partnership.PriorityAudience.BENEFICIARIES: "So that the learning serves them first.",
    Partnership.PriorityAudience.WIDER_SECTOR: "So that others doing similar work can use it.",
}
CADENCE_HINTS: dict[str, str] = {
    Partnership.Cadence.WEEKLY: "",
    Partnership.Cadence.MONTHLY: "",
    Partnership.Cadence.QUARTERLY: "Every three months.",
}
ROLE_HINTS: dict[str, str] = {
    Party.Role.FUNDER: "Another funder who pays for part of the work (a co-funder).",
    Party.Role.GRANTEE: "An organisation doing the work, which gives evidence.",
    Party.Role.LEARNING_PARTNER: (
        "Leads discovery, gathers evidence and writes the insight briefs."
    ),
}
DECISION_HINTS: dict[str, str] = {
    QuestionResponse.Decision.AGREE: "We want to learn about this.",
    QuestionResponse.Decision.OBJECT: "We do not agree with this question as it stands.",
}


class ActingPartyMixin:
    """Adds a required "party" choice when the person could act for several parties."""

    fields: dict[str, forms.Field]

    acting_party_label = "Which organisation are you acting for?"

    def add_party_field(self, parties: Iterable[Party]) -> None:
        parties = list(parties)
        if len(parties) < 2:  # with one party, it acts without asking
            return
        self.fields["party"] = forms.TypedChoiceField(
            label=self.acting_party_label,
            choices=[(p.pk, p.organisation.name) for p in parties],
            coerce=int,
            widget=forms.RadioSelect,
            error_messages={"required": "Choose which organisation you are acting for."},
        )


class PartnershipDetailsForm(forms.Form):
    title = forms.CharField(
        label="Title",
        max_length=200,
        help_text="A short name everyone will recognise, for example “Warm homes, healthy lives”.",
        error_messages={"required": "Enter a title for the partnership."},
    )
    description = forms.CharField(
        label="What is the partnership about? (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    learning_mode = forms.ChoiceField(
        label="How will you learn?",
        choices=Partnership.LearningMode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose learning for or learning with."},
    )
    priority_audience = forms.ChoiceField(
        label="Whose learning is the priority?",
        choices=Partnership.PriorityAudience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whose learning is the priority."},
    )
    brief_cadence = forms.ChoiceField(
        label="How often should insight briefs be made?",
        choices=Partnership.Cadence.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose weekly, monthly or quarterly."},
    )


class PartnershipCreateForm(PartnershipDetailsForm):
    funder = forms.ModelChoiceField(
        label="Which funder is commissioning it?",
        queryset=Organisation.objects.none(),
        empty_label=None,
        widget=forms.RadioSelect,
        help_text="Your organisation becomes the commissioning funder: its admins manage "
        "the partnership.",
        error_messages={
            "required": "Choose the funder organisation that is commissioning the partnership.",
            "invalid_choice": "Choose a funder organisation you belong to.",
        },
    )

    field_order = ("funder", "title", "description")

    def __init__(self, *args: Any, funders: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = cast("forms.ModelChoiceField[Organisation]", self.fields["funder"])
        field.queryset = funders
        only = list(funders[:2])
        #: The one funder a person belongs to: not asked, shown (the field is still sent,
        #: hidden, and checked against the same choices).
        self.only_funder: Organisation | None = only[0] if len(only) == 1 else None
        if self.only_funder is not None:
            field.initial = self.only_funder.pk
            field.widget = forms.HiddenInput()


class OrganisationSearchForm(forms.Form):
    search = forms.CharField(
        label="Search the directory by name or number",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


_ROLE_REQUIRED = "Choose co-funder, grantee or learning partner."


class InviteForm(forms.Form):
    """Organisations ticked in the search results, with one role for all and, for any of
    them, a role of its own (``role_<id>``, which wins)."""

    organisation = forms.ModelMultipleChoiceField(
        label="Organisations",
        queryset=Organisation.objects.none(),
        error_messages={
            "required": "Choose at least one organisation to invite.",
            "invalid_choice": "Choose organisations from the search results.",
            "invalid_pk_value": "Choose organisations from the search results.",
        },
    )
    role = forms.ChoiceField(
        label="What will they do in the partnership?",
        help_text="For every organisation you ticked, unless you choose its own role below it.",
        choices=Party.Role.choices,
        widget=forms.RadioSelect,
        required=False,
    )

    def __init__(self, *args: Any, organisations: QuerySet[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(
            "forms.ModelMultipleChoiceField[Organisation]", self.fields["organisation"]
        ).queryset = organisations

    def role_of(self, organisation: Organisation) -> str:
        """The role chosen for ``organisation``: its own, else the one for all."""
        own = str(self.data.get(f"role_{organisation.pk}", "") or "")
        return own if own in Party.Role.values else str(self.cleaned_data.get("role") or "")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        missing = [o.name for o in cleaned.get("organisation", []) if not self.role_of(o)]
        if missing:
            self.add_error("role", f"{_ROLE_REQUIRED} No role is chosen for {', '.join(missing)}.")
        return cleaned

    def rows(self) -> list[tuple[Organisation, str]]:
        """Each ticked organisation with its role, once the form is valid."""
        return [(o, self.role_of(o)) for o in self.cleaned_data["organisation"]]


class NewOrganisationInviteForm(forms.Form):
    name = forms.CharField(
        label="Organisation’s name",
        max_length=200,
        error_messages={"required": "Enter the organisation’s name."},
    )
    role = forms.ChoiceField(
        label="What will it do in the partnership?",
        choices=Party.Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _ROLE_REQUIRED},
    )
    email = forms.CharField(
        label="Email address of a contact there",
        help_text="They will be its first admin on LearnHub, and can accept or decline the "
        "invitation for it.",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        error_messages={"required": "Enter the contact’s email address."},
    )


class DiscoveryBriefForm(ActingPartyMixin, forms.Form):
    audience = forms.CharField(
        label="Who is the learning for?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say who the learning is for."},
    )
    desired_impact = forms.CharField(
        label="What impact do you want?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what impact the partnership wants."},
    )
    scope = forms.CharField(
        label="What is in scope, and what is not?",
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Say what is in scope and what is not."},
    )
    duration_years = forms.IntegerField(
        label="How many years will the work run?",
        min_value=1,
        max_value=MAX_DURATION_YEARS,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many years the work will run.",
            "invalid": "Enter a whole number of years, like 2.",
        },
    )
    partner_count = forms.IntegerField(
        label="How many partners take part?",
        min_value=1,
        max_value=MAX_PARTNER_COUNT,
        help_text="Count every organisation involved, including the funder.",
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many partners take part.",
            "invalid": "Enter a whole number of partners, like 5.",
        },
    )
    workstream_count = forms.IntegerField(
        label="How many workstreams are there?",
        min_value=1,
        max_value=MAX_WORKSTREAM_COUNT,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
        error_messages={
            "required": "Enter how many workstreams there are.",
            "invalid": "Enter a whole number of workstreams, like 1.",
        },
    )
    differing_aims = forms.BooleanField(label="Partners have different aims", required=False)
    power_imbalance = forms.BooleanField(
        label="There is a power imbalance between partners", required=False
    )
    open_questions = forms.CharField(
        label="Open questions (optional)",
        required=False,
        max_length=10000,
        help_text="What you still need to find out during discovery.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AgreeForm(ActingPartyMixin, forms.Form):
    acting_party_label = "Which organisation is agreeing?"


class QuestionForm(ActingPartyMixin, forms.Form):
    text = forms.CharField(
        label="Research question",
        max_length=1000,
        help_text="One question the partnership wants to learn about, for example “What "
        "helps families keep their homes warm?”.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Enter the research question."},
    )
    rationale = forms.CharField(
        label="Why does it matter? (optional)",
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    acting_party_label = "Which organisation is proposing it?"


class ResponseForm(ActingPartyMixin, forms.Form):
    decision = forms.ChoiceField(
        label="Does your organisation agree with this question?",
        choices=QuestionResponse.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose agree or object."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=10000,
        help_text="If you object, say why: the other parties will see it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    acting_party_label = "Which organisation are you answering for?"
