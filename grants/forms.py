"""Forms of the grants pages. The bounds on searches are the selectors' own."""

from django import forms

from grants.selectors import MAX_QUERY_CHARS


class GrantImportForm(forms.Form):
    file = forms.FileField(
        label="Your 360Giving file",
        help_text="A CSV or Excel (.xlsx) file with the 360Giving column titles, or a "
        "360Giving JSON file.",
        error_messages={
            "required": "Choose the file to import.",
            "empty": "The file is empty. Choose a file with grants in it.",
        },
    )


class GrantSearchForm(forms.Form):
    search = forms.CharField(
        label="Search grants",
        help_text="Words in the grant's title, description, recipient or funder.",
        required=False,
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": f"Use {MAX_QUERY_CHARS} characters or fewer."},
    )


class SimilarWorkForm(forms.Form):
    q = forms.CharField(
        label="Only show grants that mention",
        help_text="Optional. For example, a place or a group of people.",
        required=False,
        max_length=MAX_QUERY_CHARS,
        error_messages={"max_length": f"Use {MAX_QUERY_CHARS} characters or fewer."},
    )
