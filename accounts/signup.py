"""Sign-up that gives nothing away: the same password rules and the same answer everywhere.

allauth's two sign-up forms (the web page's ``SignupForm`` and the headless API's
``SignupInput``) share two rules here, so they cannot drift apart:

- a password is checked against the person it would belong to, so the email address
  itself (or something close to it) is refused by ``UserAttributeSimilarityValidator`` on
  the API as on the page (allauth's headless input checks it without a user);
- signing up with an address that already has an account never says so. allauth prevents
  this enumeration only under mandatory email verification; in every mode LearnHub makes
  no second account, emails the address's owner ("someone tried to sign up with your
  address") and answers as allauth does under mandatory verification: the API's 401 with
  a pending ``verify_email`` flow, the page's "check your email" page.
"""

from typing import Any

from allauth.account import app_settings as account_settings
from allauth.account.adapter import get_adapter
from allauth.account.forms import SignupForm
from allauth.account.internal.flows.login import perform_login
from allauth.account.models import Login
from allauth.headless.account.inputs import SignupInput
from allauth.headless.account.views import SignupView
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse


class SignupRulesMixin:
    """Mixed into both allauth sign-up forms (before them in the bases)."""

    cleaned_data: dict[str, Any]
    account_already_exists: bool

    def validate_unique_email(self, value: str) -> str:
        try:
            # allauth is untyped, so mypy sees no base with this method: the form's is it.
            return super().validate_unique_email(value)  # type: ignore[misc, no-any-return]
        except ValidationError:
            # allauth refuses a taken address outright unless verification is mandatory.
            if not account_settings.PREVENT_ENUMERATION:
                raise
            self.account_already_exists = True
            return value

    def try_save(self, request: HttpRequest) -> tuple[Any, HttpResponse | None]:
        if not self.account_already_exists:
            # allauth is untyped (as above).
            return super().try_save(request)  # type: ignore[misc, no-any-return]
        # allauth's own enumeration answer (flows.signup.prevent_enumeration), run as
        # under mandatory verification whatever the setting: no user, the owner is emailed.
        login = Login(
            user=None,
            email=self.cleaned_data.get("email"),
            signup=True,
            email_verification=account_settings.EmailVerificationMethod.MANDATORY,
        )
        return None, perform_login(request, login)


class AccountSignupForm(SignupRulesMixin, SignupForm):
    """The web sign-up page's form (``ACCOUNT_FORMS["signup"]``)."""


class AccountSignupInput(SignupRulesMixin, SignupInput):
    """The headless sign-up input: also checks the password against the new person."""

    def clean(self) -> dict[str, Any]:
        cleaned_data: dict[str, Any] = super().clean()
        password = cleaned_data.get("password")
        if password and "password" not in self.errors:
            person = get_user_model()(email=cleaned_data.get("email") or "")
            try:
                get_adapter().clean_password(password, user=person)
            except ValidationError as error:
                self.add_error("password", error)
        return cleaned_data


class AccountSignupView(SignupView):
    """allauth's headless sign-up endpoint with LearnHub's sign-up input."""

    input_class = {"POST": AccountSignupInput}  # noqa: RUF012 - allauth's own shape
