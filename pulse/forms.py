"""The pulse's page form: the three statements on the scale, and a comment."""

from typing import Any

from django import forms

from pulse.statements import COMMENT_MAX_LENGTH, SCALE, SCALE_WORDS, STATEMENTS

COMMENT_HINT = (
    "Optional. Everyone in the partnership can read comments once 5 people have answered. "
    "Do not write your name, your organisation or anything that would tell people who you "
    "are."
)


class PulseForm(forms.Form):
    comment = forms.CharField(
        label="Anything you want to add",
        help_text=COMMENT_HINT,
        required=False,
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(value), f"{value} – {SCALE_WORDS[value]}") for value in SCALE]
        statements = {
            key: forms.TypedChoiceField(
                label=statement,
                choices=choices,
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose how much you agree with this statement."},
            )
            for key, statement in STATEMENTS.items()
        }
        # The statements first, then the comment.
        self.fields = {**statements, "comment": self.fields["comment"]}

    def answers(self) -> dict[str, object]:
        return {key: self.cleaned_data[key] for key in STATEMENTS}
