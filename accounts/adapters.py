from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

NO_PHONES = "LearnHub does not use phone numbers. People sign in with their email address."


def _refuse_phone(value: str) -> None:
    raise ValidationError(NO_PHONES, code="phone_not_supported")


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the name a person gives at sign-up (allauth knows only the email).

    LearnHub stores no phone numbers. allauth headless still routes its phone endpoints,
    so the adapter answers them: nobody has a phone number, and adding one is refused
    with a clear 400 instead of allauth's unimplemented hooks raising a 500.
    """

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        name = (getattr(form, "cleaned_data", None) or {}).get("name", "")
        if name:
            user.name = name
        if commit:
            user.save()
        return user

    def get_phone(self, user: Any) -> tuple[str, bool] | None:
        return None

    def get_user_by_phone(self, phone: str) -> Any:
        return None

    def phone_form_field(self, **kwargs: Any) -> Any:
        return forms.CharField(validators=[_refuse_phone], **kwargs)
