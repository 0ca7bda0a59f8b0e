"""Forms for the consent pages. They only parse input: the services decide and write."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from consent.answers import NO, YES
from consent.models import ChallengeRecord
from consent.notices import NOTICES
from consent.selectors import PURPOSES
from consent.services import CONDITIONS_MAX_LENGTH, NOTE_MAX_LENGTH
from learnhub.inputs import FormIdField
from partnerships.models import Party, ResearchQuestion

EVERYTHING_LABEL = "Everything: every area of our work, including questions agreed later"

CHANNEL_HINTS: dict[str, str] = {
    ChallengeRecord.Channel.WORKSHOP: "Said in a workshop with the parties, not written down.",
    ChallengeRecord.Channel.PRIVATE_REPORT: "Written in a report only your organisation sees.",
    ChallengeRecord.Channel.PUBLISHED_BRIEF: "Written in a brief that is published to everyone.",
}


#: The answers a consent question takes (GOV.UK's yes/no radios).
ANSWER_CHOICES = [(YES, "Yes"), (NO, "No")]
#: The signed fields are a few hundred characters; anything far longer is not ours.
SIGNED_MAX_LENGTH = 4000


class ChoosePartyForm(forms.Form):
    """For an admin of more than one party: whose consent to answer for."""

    party = forms.TypedChoiceField(
        label="Which organisation are you answering for?",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose which organisation you are answering for."},
    )

    def __init__(self, *args: Any, parties: Iterable[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["party"]).choices = [
            (p.pk, p.organisation.name) for p in parties
        ]


class ConsentAnswersForm(forms.Form):
    """The consent form: one yes/no question per purpose, with the notice's plain words.

    ``shown`` is the signed field saying which party's consent, in which state, the form
    was drawn from (``consent.answers``).
    """

    shown = forms.CharField(max_length=SIGNED_MAX_LENGTH, widget=forms.HiddenInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for purpose in PURPOSES:
            notice = NOTICES[purpose]
            self.fields[purpose] = forms.ChoiceField(
                label=notice.question,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect,
                help_text=f"{notice.allows} {notice.who_sees}",
                error_messages={
                    "required": f"Choose yes or no for “{notice.question}”",
                    "invalid_choice": f"Choose yes or no for “{notice.question}”",
                },
            )

    def answers(self) -> dict[str, str]:
        return {purpose: str(self.cleaned_data[purpose]) for purpose in PURPOSES}


class ConsentConfirmForm(forms.Form):
    """The "Check your answers" page: the signed answers, and a note for the records."""

    answers = forms.CharField(max_length=SIGNED_MAX_LENGTH, widget=forms.HiddenInput)
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX_LENGTH,
        help_text="Anything the other parties should know about these answers. "
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
