"""Forms for the consent pages. They only parse input: the services decide and write."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from consent.models import ChallengeRecord, ConsentRecord
from consent.services import CONDITIONS_MAX_LENGTH, NOTE_MAX_LENGTH
from learnhub.inputs import FormIdField
from partnerships.models import Party, ResearchQuestion

EVERYTHING_LABEL = "Everything: every area of our work, including questions agreed later"

CHANNEL_HINTS: dict[str, str] = {
    ChallengeRecord.Channel.WORKSHOP: "Said in a workshop with the parties, not written down.",
    ChallengeRecord.Channel.PRIVATE_REPORT: "Written in a report only your organisation sees.",
    ChallengeRecord.Channel.PUBLISHED_BRIEF: "Written in a brief that is published to everyone.",
}


class GiveConsentForm(forms.Form):
    """The hidden fields behind a "Give consent" button."""

    purpose = forms.ChoiceField(choices=ConsentRecord.Purpose.choices, widget=forms.HiddenInput)
    party = FormIdField(required=False, widget=forms.HiddenInput)
    notice_version = forms.CharField(max_length=50, required=False, widget=forms.HiddenInput)


class WithdrawConsentForm(forms.Form):
    """The "check your answers" page before a withdrawal (the purpose is in the URL)."""

    party = FormIdField(required=False, widget=forms.HiddenInput)
    notice_version = forms.CharField(max_length=50, required=False, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Anything the other parties should know about this decision. "
        "Everyone in the partnership can read it.",
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"max_length": f"The note must be {NOTE_MAX_LENGTH:,} characters or fewer."},
    )


class ChallengePermissionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What do you want to do?",
        choices=[
            (ChallengeRecord.Decision.GRANT.value, "Give permission to challenge"),
            (ChallengeRecord.Decision.WITHDRAW.value, "Withdraw permission to challenge"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to give or withdraw permission."},
    )
    areas = forms.MultipleChoiceField(
        label="In which areas?",
        widget=forms.CheckboxSelectMultiple,
        help_text="The agreed research questions, or everything.",
        error_messages={
            "required": "Choose everything, or at least one research question.",
            "invalid_choice": "Choose from the research questions listed.",
        },
    )
    channels = forms.MultipleChoiceField(
        label="Through which channels?",
        choices=ChallengeRecord.Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one channel.",
            "invalid_choice": "Choose from the channels listed.",
        },
    )
    notice_version = forms.CharField(max_length=50, required=False, widget=forms.HiddenInput)
    conditions = forms.CharField(
        label="Conditions (optional)",
        required=False,
        max_length=CONDITIONS_MAX_LENGTH,
        error_messages={
            "max_length": f"The conditions must be {CONDITIONS_MAX_LENGTH:,} characters or fewer."
        },
        help_text="For example: “Tell us first, in private, before anything is published.”",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    notify_before_publish = forms.BooleanField(
        label="Tell us before a published brief challenges us",
        required=False,
        help_text="The learning partner must send you a notice and wait for you to "
        "acknowledge it, or for a few days to pass, before publishing.",
    )

    def __init__(
        self,
        *args: Any,
        questions: Iterable[ResearchQuestion],
        parties: Iterable[Party],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["areas"]).choices = [
            (ChallengeRecord.ALL_AREAS, EVERYTHING_LABEL),
            *((str(q.pk), q.text) for q in questions),
        ]
        parties = list(parties)
        if len(parties) > 1:
            self.fields["party"] = forms.TypedChoiceField(
                label="Which organisation are you deciding for?",
                choices=[(p.pk, p.organisation.name) for p in parties],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose which organisation you are deciding for."},
            )
        # Field order: who, what, where, how, conditions.
        self.order_fields(
            ["party", "decision", "areas", "channels", "notify_before_publish", "conditions"]
        )


class LearningModeProposeForm(forms.Form):
    """Propose switching how the partnership learns (the other mode is the only choice)."""

    party = FormIdField(required=False, widget=forms.HiddenInput)
    reason = forms.CharField(
        label="Why switch? (optional)",
        required=False,
        max_length=2000,
        help_text="Every party reads this when it is asked to agree.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LearningModeAnswerForm(forms.Form):
    """Agree or object to the open proposal."""

    party = FormIdField(required=False, widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label="Does your organisation agree?",
        choices=[("agree", "Yes, we agree"), ("object", "No, we object")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether your organisation agrees."},
    )
    comment = forms.CharField(
        label="Comment (optional)",
        required=False,
        max_length=2000,
        help_text="Every party can read it.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
