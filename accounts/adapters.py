from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the name a person gives at sign-up (allauth knows only the email)."""

    def save_user(self, request: HttpRequest, user: Any, form: Any, commit: bool = True) -> Any:
        user = super().save_user(request, user, form, commit=False)
        name = (getattr(form, "cleaned_data", None) or {}).get("name", "")
        if name:
            user.name = name
        if commit:
            user.save()
        return user
