"""Forms for the pages of insight briefs, learning actions, comments and share links,
and the plain-words check of the brief's words as the learning partner types them.
They parse input; the services check and write."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from evidence.models import InsightBrief, LearningAction
from evidence.periods import Period
from evidence.services.briefs import (
    CHALLENGE_TEXT_MAX,
    CHALLENGES_MAX,
    RECOMMENDATIONS_MAX,
    SO_WHAT_MAX,
)
from evidence.services.comments import (
    COMMENT_MAX,
    NO_SUCH_SECTION,
    SECTION_MAX,
    TEXT_MISSING,
    TEXT_TOO_LONG,
    comment_text_clean,
)
from partnerships.models import Party

# --- The plain-words check as people type ------------------------------------------------

#: The brief's fields whose words are checked as the learning partner types, by the last
#: part of the field's name (a challenge's is ``challenge-<row>-text``), each with the
#: most it may hold (the service's limit).
PLAIN_WORDS_LIMITS: dict[str, int] = {
    "so_what": SO_WHAT_MAX,
    "recommendations": RECOMMENDATIONS_MAX,
    "text": CHALLENGE_TEXT_MAX,
}
#: How long typing pauses before the words are checked.
PLAIN_WORDS_PAUSE = "700ms"


def check_plain_words_as_typed(form: forms.Form, name: str) -> None:
    """Check the words of ``form``'s field ``name`` as the person types (htmx): after a
    pause, the field alone (with the CSRF token) goes to ``evidence:plain-words-check``,
    whose hints replace the next ``.plain-hints`` region on the page; a newer request
    replaces one still waiting. Without JavaScript nothing is sent, and saving checks."""
    form.fields[name].widget.attrs.update(
        {
            "hx-post": reverse("evidence:plain-words-check"),
            "hx-trigger": f"input changed delay:{PLAIN_WORDS_PAUSE}",
            "hx-target": "next .plain-hints",
            "hx-swap": "innerHTML",
            "hx-params": f"csrfmiddlewaretoken,{form.add_prefix(name)}",
            "hx-sync": "this:replace",
        }
    )


@dataclass(frozen=True)
class TextToCheck:
    """A text sent to the plain-words check, and the most its field may hold."""

    text: str
    limit: int

    @property
    def too_long(self) -> bool:
        return len(self.text) > self.limit


def text_to_check(data: Mapping[str, Any]) -> TextToCheck | None:
    """The one text sent to the plain-words check, under its field's name (see
    ``PLAIN_WORDS_LIMITS``); None unless exactly one such field was sent."""
    sent = [(str(name), data[name]) for name in data if name != "csrfmiddlewaretoken"]
    if len(sent) != 1:
        return None
    name, text = sent[0]
    limit = PLAIN_WORDS_LIMITS.get(name.rsplit("-", 1)[-1])
    if limit is None or not isinstance(text, str):
        return None
    return TextToCheck(text=text, limit=limit)


# --- Insight briefs and learning actions ---------------------------------------------------


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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        check_plain_words_as_typed(self, "so_what")
        check_plain_words_as_typed(self, "recommendations")


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
        check_plain_words_as_typed(self, "text")

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


class CommentForm(forms.Form):
    """A comment on a section of a draft brief (``section``) or on the whole brief (blank).
    One per section on the brief's page, each with its own ids (``comment_form``)."""

    section = forms.IntegerField(
        required=False,
        min_value=0,
        max_value=SECTION_MAX,
        widget=forms.HiddenInput,
        error_messages={
            "invalid": NO_SUCH_SECTION,
            "min_value": NO_SUCH_SECTION,
            "max_value": NO_SUCH_SECTION,
        },
    )
    text = forms.CharField(
        label="Comment on this section",
        max_length=COMMENT_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": TEXT_MISSING, "max_length": TEXT_TOO_LONG},
    )

    #: The section whose form this is (None: the whole brief), set by ``comment_form``.
    section_at: int | None = None

    def clean_text(self) -> str:
        try:
            return comment_text_clean(self.cleaned_data["text"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["text"]) from error


def comment_form(section: int | None, data: Any = None) -> CommentForm:
    """The comment form for ``section`` (None: the whole brief), with ids of its own."""
    key = "whole" if section is None else str(section)
    form = CommentForm(data, initial={"section": section}, auto_id=f"id_comment_{key}_%s")
    form.section_at = section
    if section is None:
        form.fields["text"].label = "Comment on the whole brief"
    return form


def comment_form_posted(data: Any) -> CommentForm:
    """The comment form sent in ``data``, as the form of the section it names (so an
    error shows where it was written); a section that is not a number → the whole
    brief's form, which shows the section's error."""
    raw = str(data.get("section", "")).strip()
    section = int(raw) if raw.isdigit() and len(raw) <= len(str(SECTION_MAX)) else None
    return comment_form(section, data)


class ShareLinkForm(forms.Form):
    """Make a share link: who it is for, and an optional last day (checked by the
    service, as on the API)."""

    AUDIENCE_HINTS = {
        "public": "Anyone with the link can read the published brief, as it is published. "
        "Use it for funders’ boards, newsletters and the wider sector.",
        "community": "A one-page “you said, we did” for the people the evidence came from: "
        "what we heard, what changed and what happens next, in very plain words, with a "
        "poster to print.",
    }

    audience = forms.ChoiceField(
        label="Who is the link for?",
        choices=[
            ("public", "The public"),
            ("community", "The community the evidence came from"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose who the link is for.",
            "invalid_choice": "Choose who the link is for.",
        },
    )
    expires_on = forms.DateField(
        label="Last day the link works (optional)",
        help_text="For example, 2027-03-31. Leave it empty for a link that works until you "
        "revoke it.",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Enter the last day as a real date, like 2027-03-31."},
    )
