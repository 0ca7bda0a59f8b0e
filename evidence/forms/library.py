"""The library's search and filters (a GET form)."""

from collections.abc import Iterable
from typing import Any, cast

from django import forms

from evidence.selectors.library import LibraryFilters
from partnerships.models import Partnership


class LibraryFilterForm(forms.Form):
    """The search and filters above the library (a GET form)."""

    search = forms.CharField(
        label="Search",
        required=False,
        max_length=200,
        help_text="Words in the brief: its findings, figures, quotes and the learning "
        "partner’s words.",
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    partnership = forms.TypedChoiceField(
        label="Partnership", required=False, coerce=int, empty_value=None
    )
    year = forms.TypedChoiceField(label="Year", required=False, coerce=int, empty_value=None)
    question = forms.CharField(
        label="Research question",
        required=False,
        max_length=200,
        help_text="Words in the research questions the brief reports on.",
    )

    def __init__(
        self, *args: Any, partnerships: Iterable[Partnership], years: Iterable[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["partnership"]).choices = [
            ("", "All your partnerships"),
            *[(p.pk, p.title) for p in partnerships],
        ]
        years_field = cast(forms.ChoiceField, self.fields["year"])
        years_field.choices = [("", "Any year"), *[(y, str(y)) for y in years]]

    def filters(self) -> LibraryFilters:
        """What the valid fields ask for (a field in error asks for nothing)."""
        if not self.is_bound:
            return LibraryFilters()
        self.is_valid()
        data = self.cleaned_data
        return LibraryFilters(
            search=data.get("search") or "",
            partnership=data.get("partnership"),
            year=data.get("year"),
            question=data.get("question") or "",
        )
