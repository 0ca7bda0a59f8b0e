from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.headless.base.response import RateLimitResponse
from django import forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.ratelimits import is_headless, seconds_until_allowed

NO_PHONES = "LearnHub does not use phone numbers. People sign in with their email address."


def _refuse_phone(value: str) -> None:
    raise ValidationError(NO_PHONES, code="phone_not_supported")


class AccountAdapter(DefaultAccountAdapter):
    """Keeps the name a person gives at sign-up (allauth knows only the email).

    LearnHub stores no phone numbers. allauth headless still routes its phone endpoints,
    so the adapter answers them: nobody has a phone number, and adding one is refused
    with a clear 400 instead of allauth's unimplemented hooks raising a 500.
    """

    def pre_authenticate(self, request: HttpRequest, **credentials: Any) -> None:
        """A sign-in locked out by too many failed attempts (allauth's ``login_failed``
        limit) is a 429 with ``Retry-After`` on the API, and says how long to wait on the
        page; allauth itself answers a 400 "Too many failed login attempts"."""
        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            key = self._get_login_attempts_cache_key(request, **credentials)
            wait = seconds_until_allowed(request, action="login_failed", key=key)
            if is_headless(request):
                response = RateLimitResponse(request)
                response["Retry-After"] = str(wait)
                raise ImmediateHttpResponse(response) from None
            minutes = max(1, -(-wait // 60))
            raise ValidationError(
                "Too many failed sign-in attempts with this email address. Wait "
                f"{minutes} minute{'s' if minutes != 1 else ''} and try again, or reset "
                "your password.",
                code="too_many_login_attempts",
            ) from None

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
