from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.headless.base.response import RateLimitResponse
from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from accounts.ratelimits import is_headless, seconds_until_allowed

NO_PHONES = "LearnHub does not use phone numbers. People sign in with their email address."


def _refuse_phone(value: str) -> None:
    raise ValidationError(NO_PHONES, code="phone_not_supported")


@dataclass(frozen=True)
class SiteFromSettings:
    """What allauth's emails call ``current_site``: the name and address from settings,
    never the host a request happened to arrive on (``127.0.0.1:8411``)."""

    name: str
    domain: str


def site_from_settings() -> SiteFromSettings:
    return SiteFromSettings(
        name=settings.LEARNHUB_SITE_NAME, domain=urlsplit(settings.LEARNHUB_SITE_URL).netloc
    )


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

    def format_email_subject(self, subject: str) -> str:
        return f"{settings.LEARNHUB_SITE_NAME}: {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's emails name the site from settings, in LearnHub's own templates
        (``templates/account/email/``)."""
        super().send_mail(
            template_prefix,
            email,
            {
                **context,
                "current_site": site_from_settings(),
                "site_url": settings.LEARNHUB_SITE_URL,
            },
        )

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
