"""Accounts in a real browser: sign up, sign out and in, reset a password, two-factor sign-in.

Every page on the way is checked with axe-core (no serious or critical WCAG A/AA problem),
forms are driven by their labels and buttons by what they say, and email links are
followed from the captured email, as a person would.
"""

import re
import time

import pytest
from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from playwright.sync_api import Page, expect

from accounts.models import User
from tests.browser.helpers import (
    assert_accessible,
    assert_error_summary,
    assert_fits_narrow_screen,
    assert_focus_visible,
    link_in_email,
    sign_in,
    sign_out,
)
from tests.partnerships.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser


def _name(text: str) -> re.Pattern[str]:
    """An accessible name, whatever its capitalisation ("Sign In" or "Sign in")."""
    return re.compile(rf"^\s*{re.escape(text)}\s*$", re.IGNORECASE)


def test_sign_up_with_mistakes_corrected_then_sign_out_and_sign_in_again(page: Page) -> None:
    # Given someone new on the home page
    page.goto("/")
    assert_accessible(page)
    assert_focus_visible(page)

    # When they follow "Create an account" and send the form with mistakes
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Sign up"))
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    page.get_by_label("Your full name (optional)").fill("Ada Okafor")
    page.get_by_label("Email").fill("ada.okafor@example")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD + "-typo")
    page.get_by_role("button", name=_name("Sign up")).click()

    # Then the form comes back with an error summary linking to each field, and no account
    assert_error_summary(
        page,
        {
            "Email": re.compile("valid email address", re.I),
            "Password (again)": re.compile("same password each time", re.I),
        },
    )
    assert_focus_visible(page)
    assert_fits_narrow_screen(page)
    assert not User.objects.exists()

    # When they correct the mistakes
    page.get_by_label("Email").fill("ada.okafor@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name=_name("Sign up")).click()

    # Then they are signed in, on their dashboard, and their name was kept
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    assert_accessible(page)
    assert User.objects.get(email="ada.okafor@example.org").name == "Ada Okafor"

    # When they sign out, then sign in with a wrong password, then the right one
    sign_out(page)
    page.get_by_role("banner").get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Sign in"))
    assert_accessible(page)
    page.get_by_label("Email").fill("ada.okafor@example.org")
    page.get_by_label("Password", exact=True).fill("not-my-password")
    page.get_by_role("button", name=_name("Sign in")).click()
    summary = page.get_by_role("alert").filter(
        has=page.get_by_role("heading", name="There is a problem")
    )
    expect(summary).to_contain_text(re.compile("email address and/or password", re.I))
    assert_accessible(page)
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)

    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=_name("Sign in")).click()

    # Then they are back on their dashboard
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_forgotten_password_is_reset_through_the_emailed_link(page: Page, mailoutbox) -> None:
    # Given someone with an account who has forgotten their password
    UserFactory(email="sam.reid@example.org")

    # When they ask for a reset from the sign-in page
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Password reset"))
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    page.get_by_label("Email").fill("sam.reid@example.org")
    page.get_by_role("button", name=_name("Reset my password")).click()

    # Then they are told to check their email, and an email with a link was sent
    expect(page.get_by_role("main")).to_contain_text(re.compile("sent you an e-?mail", re.I))
    assert_accessible(page)
    reset_path = link_in_email("sam.reid@example.org", "/accounts/password/reset/key/")

    # When they follow the link and choose a new password, mistyping it the first time
    page.goto(reset_path)
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Change password"))
    assert_accessible(page)
    new_password = "a-Different-Passphrase-77"
    page.get_by_label(re.compile(r"^New password$", re.I)).fill(new_password)
    page.get_by_label(re.compile(r"^New password \(again\)$", re.I)).fill("something-else-77")
    page.get_by_role("button", name=_name("Change password")).click()
    assert_error_summary(
        page,
        {"New password (again)": re.compile("same password each time", re.I)},
    )
    page.get_by_label(re.compile(r"^New password$", re.I)).fill(new_password)
    page.get_by_label(re.compile(r"^New password \(again\)$", re.I)).fill(new_password)
    page.get_by_role("button", name=_name("Change password")).click()

    # Then the password is changed and works for signing in; the old one no longer does
    expect(page.get_by_role("main")).to_contain_text(re.compile("password is now changed", re.I))
    assert_accessible(page)
    user = User.objects.get(email="sam.reid@example.org")
    assert user.check_password(new_password)
    assert not user.check_password(PASSWORD)
    sign_in(page, "sam.reid@example.org", new_password)


def _authenticator_code(secret: str, *, not_in_step: int | None = None) -> tuple[str, int]:
    """The code an authenticator app shows now, and its time step.

    allauth refuses a code that was already used, so when ``not_in_step`` is the current
    step we wait for the next one, as a person would wait for their app to move on.
    """
    step = int(time.time()) // mfa_settings.TOTP_PERIOD
    if step == not_in_step:
        time.sleep(mfa_settings.TOTP_PERIOD - time.time() % mfa_settings.TOTP_PERIOD + 0.5)
        step = int(time.time()) // mfa_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, step)), step


def test_two_factor_authentication_is_set_up_and_then_asked_for_at_sign_in(
    page: Page, mailoutbox
) -> None:
    # Given a signed-in person who has not confirmed their email address yet
    UserFactory(email="lee.chan@example.org")
    sign_in(page, "lee.chan@example.org")

    # When they try to turn on two-factor authentication from their account pages
    page.get_by_role("banner").get_by_role("link", name="Your account").click()
    assert_accessible(page)
    account_nav = page.get_by_role("navigation", name="Your account")
    account_nav.get_by_role("link", name="Two-factor authentication").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Two-factor authentication"))
    assert_accessible(page)
    page.get_by_role("link", name=_name("Activate")).click()

    # Then they are told to confirm their address first
    expect(page.get_by_role("status")).to_contain_text(
        "You cannot activate two-factor authentication until you have verified your email address."
    )
    assert not Authenticator.objects.filter(user__email="lee.chan@example.org").exists()

    # When they ask for the confirmation email again and follow its link
    account_nav.get_by_role("link", name="Email addresses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Email addresses"))
    assert_accessible(page)
    page.get_by_role("button", name=_name("Send the confirmation email again")).click()
    expect(page.get_by_role("status")).to_contain_text("lee.chan@example.org")
    page.goto(link_in_email("lee.chan@example.org", "/accounts/confirm-email/"))
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Confirm email address"))
    assert_accessible(page)
    page.get_by_role("button", name=_name("Confirm")).click()
    expect(page.get_by_role("status")).to_contain_text(
        re.compile("you have confirmed lee.chan@example.org", re.I)
    )

    # And try again, confirming it is them with their password
    page.goto("/accounts/2fa/")
    page.get_by_role("link", name=_name("Activate")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Confirm access"))
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=_name("Confirm")).click()

    # Then they see the QR code with a text alternative and the secret to type in
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Activate authenticator app"))
    expect(page.get_by_role("img", name=re.compile("QR code", re.I))).to_be_visible()
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    secret = page.get_by_label("Authenticator secret").input_value()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret), secret

    # When they type a wrong code
    right_code, _ = _authenticator_code(secret)
    page.get_by_label("Authenticator code").fill(f"{(int(right_code) + 1) % 1_000_000:06d}")
    page.get_by_role("button", name=_name("Activate")).click()

    # Then the error is summarised and nothing is switched on
    assert_error_summary(page, {"Authenticator code": re.compile("incorrect code", re.I)})
    assert not Authenticator.objects.filter(user__email="lee.chan@example.org").exists()

    # When they type the code their app shows
    code, step = _authenticator_code(secret)
    page.get_by_label("Authenticator code").fill(code)
    page.get_by_role("button", name=_name("Activate")).click()

    # Then two-factor authentication is on and they are shown recovery codes
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Recovery codes"))
    expect(page.get_by_label("Unused codes")).not_to_be_empty()
    assert_accessible(page)
    assert set(
        Authenticator.objects.filter(user__email="lee.chan@example.org").values_list(
            "type", flat=True
        )
    ) == {"totp", "recovery_codes"}

    # When they sign out and sign in with their password
    sign_out(page)
    page.goto("/accounts/login/")
    page.get_by_label("Email").fill("lee.chan@example.org")
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name=_name("Sign in")).click()

    # Then they are asked for a code before they get in
    expect(page.get_by_role("heading", level=1)).to_have_text(_name("Two-factor authentication"))
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    assert_accessible(page)
    code, _ = _authenticator_code(secret, not_in_step=step)
    page.get_by_label("Code", exact=False).first.fill(code)
    page.get_by_role("button", name=_name("Sign in")).click()
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()
