"""Forms for accounts: the extra sign-up field allauth does not know about."""

from django import forms
from django.http import HttpRequest

from accounts.models import User


class SignupExtraFieldsForm(forms.Form):
    """Asks for the person's name at sign-up, on the web page and in the headless API.

    allauth builds both of its sign-up forms on top of this class
    (``ACCOUNT_SIGNUP_FORM_CLASS``). The name is optional so that app clients can sign up
    with an email address and password alone; ``AccountAdapter.save_user`` stores it.
    """

    field_order = ["name", "email", "password1", "password2"]

    name = forms.CharField(
        label="Your full name (optional)",
        max_length=200,
        required=False,
        help_text="Colleagues see this next to your email address.",
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data.get("name", "").split())

    def signup(self, request: HttpRequest, user: User) -> None:
        """Nothing left to do: the adapter has already saved the name with the user."""
