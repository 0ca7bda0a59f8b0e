"""The web form of a learning session. It only parses; the rules are the service's
(``rhythm.services.session_fields_clean``), shown on the form by ``service_errors_to``."""

from __future__ import annotations

import datetime
from typing import Any, cast

from django import forms
from django.utils import timezone

from partnerships.models import Party
from rhythm.models import DURATION_MAX, DURATION_MIN, LearningSession
from rhythm.services import PROMPT_MAX, PROMPTS_MAX, TITLE_MAX


class SessionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What kind of session is it?",
        choices=LearningSession.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose what kind of session it is."},
    )
    title = forms.CharField(
        label="Title",
        max_length=TITLE_MAX,
        help_text="A few words people will see in their calendar, like “Spring review”.",
        error_messages={"required": "Give the session a short title."},
    )
    day = forms.DateField(
        label="Day",
        help_text="For example 2026-03-31.",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": "Enter the day of the session.",
            "invalid": "Enter a real day, like 2026-03-31.",
        },
    )
    time = forms.TimeField(
        label="Start time (UK time)",
        help_text="For example 14:30.",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        error_messages={
            "required": "Enter the time it starts.",
            "invalid": "Enter a time, like 14:30.",
        },
    )
    duration_minutes = forms.IntegerField(
        label="How long, in minutes",
        min_value=DURATION_MIN,
        max_value=DURATION_MAX,
        initial=90,
        error_messages={
            "required": "Say how long the session lasts.",
            "invalid": "Enter a number of minutes, like 90.",
            "min_value": f"A session lasts at least {DURATION_MIN} minutes.",
            "max_value": f"A session lasts at most {DURATION_MAX // 60} hours.",
        },
    )
    parties = forms.TypedMultipleChoiceField(
        label="Who attends",
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        help_text=(
            "Everyone in the organisations you tick can see the session and is reminded "
            "the day before."
        ),
        error_messages={"required": "Choose at least one organisation to attend."},
    )
    prompts = forms.CharField(
        label="Prompts (optional)",
        required=False,
        help_text=(
            f"Questions to think about, one a line (up to {PROMPTS_MAX}, each up to "
            f"{PROMPT_MAX} characters)."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, parties: list[Party], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedMultipleChoiceField, self.fields["parties"]).choices = [
            (p.pk, f"{p.organisation.name} ({p.get_role_display().lower()})") for p in parties
        ]

    def session_fields(self) -> dict[str, Any]:
        """The cleaned form as the service's fields."""
        data = self.cleaned_data
        zone = timezone.get_default_timezone()
        starts_at = datetime.datetime.combine(data["day"], data["time"], tzinfo=zone)
        return {
            "kind": data["kind"],
            "title": data["title"],
            "starts_at": starts_at,
            "duration_minutes": data["duration_minutes"],
            "parties": list(data["parties"]),
            "prompts": data["prompts"].splitlines(),
        }

    @staticmethod
    def initial_of(session: LearningSession) -> dict[str, Any]:
        local = timezone.localtime(session.starts_at, timezone.get_default_timezone())
        return {
            "kind": session.kind,
            "title": session.title,
            "day": local.date(),
            "time": local.time().replace(second=0, microsecond=0),
            "duration_minutes": session.duration_minutes,
            "parties": [p.pk for p in session.parties.all()],
            "prompts": "\n".join(session.prompts),
        }


class ConfirmForm(forms.Form):
    """A button that confirms a consequential action (no fields)."""
