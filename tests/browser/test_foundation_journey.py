"""Foundation journey in a real browser: sign up, create an organisation, invite a colleague,
and the colleague accepts, all through the pages, with an axe-core check on each page.
"""

import re

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import Locator, Page, expect

from partnerships.models import Membership, Organisation, OrganisationInvitation
from tests.browser.helpers import (
    assert_accessible,
    assert_error_summary,
    assert_fits_narrow_screen,
    assert_focus_visible,
    link_in_email,
    sign_in,
    sign_out,
)
from tests.partnerships.factories import PASSWORD, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser


def _sign_up(page: Page, *, name: str, email: str) -> None:
    page.get_by_label("Your full name (optional)").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^sign up$", re.I)).click()


def _notification(page: Page) -> Locator:
    return page.get_by_role("status")


def test_sign_up_create_an_organisation_invite_a_colleague_who_accepts(
    page: Page, mailoutbox
) -> None:
    # Given Priya, new to LearnHub, signs up from the home page
    page.goto("/")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    _sign_up(page, name="Priya Shah", email="priya@northside.example.org")

    # Then she lands on her dashboard, which tells her what to do next
    expect(page).to_have_url(re.compile(r"/dashboard/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your dashboard")
    expect(page.get_by_role("main")).to_contain_text("You do not belong to an organisation yet")
    assert_accessible(page)
    assert_focus_visible(page)
    assert_fits_narrow_screen(page)

    # When she creates her organisation, first forgetting to fill the form in
    page.get_by_role("main").get_by_role("link", name="Create an organisation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an organisation")
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    page.get_by_role("button", name="Create organisation").click()

    # Then the errors are summarised, each linking to its field, and nothing is created
    assert_error_summary(page, {"Organisation name": "Enter the organisation’s name."})
    summary = page.get_by_role("alert")
    summary.get_by_role("link", name="Choose funder, grantee or learning partner.").click()
    expect(page.get_by_role("radio", name=re.compile(r"^Funder"))).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Error: "))
    assert_fits_narrow_screen(page)
    assert not Organisation.objects.exists()

    # When she fills it in properly
    page.get_by_label("Organisation name").fill("Northside Food Bank")
    page.get_by_role("radio", name=re.compile(r"^Grantee")).check()
    page.get_by_label("Charity or company number (optional)").fill("1170123")
    page.get_by_role("button", name="Create organisation").click()

    # Then she is on its page, as its admin
    expect(page.get_by_role("heading", level=1)).to_have_text("Northside Food Bank")
    expect(_notification(page)).to_contain_text(
        "You created Northside Food Bank. You are its admin."
    )
    assert_accessible(page)
    organisation = Organisation.objects.get()
    assert (organisation.name, organisation.kind, organisation.identifier) == (
        "Northside Food Bank",
        "grantee",
        "1170123",
    )

    # When she invites a colleague, first mistyping the address
    invite = page.get_by_role("heading", name="Invite a colleague")
    expect(invite).to_be_visible()
    page.get_by_label("Email address").fill("jon@northside")
    page.get_by_role("button", name="Send invitation").click()

    # Then the mistake is explained, and no invitation is made
    assert_error_summary(
        page,
        {"Email address": "Enter an email address in the correct format, like name@example.org."},
    )
    assert not OrganisationInvitation.objects.exists()
    assert not [m for m in mailoutbox if "jon@northside.example.org" in m.to]

    # When she corrects it
    page.get_by_label("Email address").fill("jon@northside.example.org")
    page.get_by_role("radio", name=re.compile(r"^Member")).check()
    page.get_by_role("button", name="Send invitation").click()

    # Then the invitation is sent by email and listed as waiting
    expect(_notification(page)).to_contain_text(
        "We have emailed an invitation to jon@northside.example.org."
    )
    waiting = page.get_by_role("table", name="Invitations waiting to be accepted")
    expect(waiting.get_by_role("row", name=re.compile("jon@northside.example.org"))).to_be_visible()
    assert_accessible(page)
    accept_path = link_in_email("jon@northside.example.org", "/invitations/")

    # And the organisation is in the directory, where others can find it
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Organisations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Organisations")
    assert_accessible(page)
    page.get_by_label("Search by name or number").fill("northside")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("heading", name="1 organisation found")).to_be_visible()
    expect(page.get_by_role("link", name="Northside Food Bank")).to_be_visible()
    assert_accessible(page)
    sign_out(page)

    # When Jon, who has no account, opens the link in his email
    page.goto(accept_path)

    # Then he sees what he is invited to, and how to accept
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invitation to join Northside Food Bank"
    )
    expect(page.get_by_role("main")).to_contain_text("Priya Shah")
    assert_accessible(page)

    # When he creates an account with that address
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    _sign_up(page, name="Jon Bell", email="jon@northside.example.org")

    # Then he comes back to the invitation and accepts it
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Invitation to join Northside Food Bank"
    )
    assert_accessible(page)
    page.get_by_role("button", name="Accept invitation").click()

    # Then he is a member of the organisation, next to Priya, the admin
    expect(page.get_by_role("heading", level=1)).to_have_text("Northside Food Bank")
    expect(_notification(page)).to_contain_text("You have joined Northside Food Bank as a member.")
    members = page.get_by_role("table", name="Members")
    expect(members.get_by_role("row", name=re.compile(r"Jon Bell \(you\)"))).to_contain_text(
        "Member"
    )
    expect(members.get_by_role("row", name=re.compile("Priya Shah"))).to_contain_text("Admin")
    assert_accessible(page)
    assert set(
        Membership.objects.filter(organisation=organisation).values_list("user__email", "role")
    ) == {("priya@northside.example.org", "admin"), ("jon@northside.example.org", "member")}
    assert OrganisationInvitation.objects.get().accepted_at is not None


def test_a_colleague_with_an_account_accepts_from_their_dashboard(page: Page, mailoutbox) -> None:
    # Given an admin of a funder, and a colleague who already uses LearnHub (address confirmed)
    admin = UserFactory(email="mo@fund.example.org", name="Mo Ahmed")
    OrganisationFactory(name="Riverside Fund", kind="funder", admin=admin)
    colleague = UserFactory(email="kit@fund.example.org", name="Kit Lowe")
    EmailAddress.objects.create(user=colleague, email=colleague.email, verified=True, primary=True)

    # When the admin invites the colleague as an admin from the organisation page
    sign_in(page, "mo@fund.example.org")
    page.get_by_role("main").get_by_role("link", name="Riverside Fund").click()
    page.get_by_label("Email address").fill("kit@fund.example.org")
    page.get_by_role("radio", name=re.compile(r"^Admin")).check()
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed an invitation")
    sign_out(page)

    # Then the colleague sees it waiting on their dashboard when they sign in
    sign_in(page, "kit@fund.example.org")
    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_contain_text("Join Riverside Fund as an admin.")
    expect(waiting).to_contain_text("Mo Ahmed invited you.")
    assert_accessible(page)
    assert_fits_narrow_screen(page)

    # When they accept it there
    waiting.get_by_role("button", name="Accept invitation to join Riverside Fund").click()

    # Then they are an admin of the organisation, and nothing is left waiting
    expect(page.get_by_role("status")).to_contain_text(
        "You have joined Riverside Fund as an admin."
    )
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(page.get_by_role("region", name="Waiting for you")).to_contain_text(
        "Nothing is waiting for you right now."
    )
    expect(page.get_by_role("region", name="Your organisations")).to_contain_text("Riverside Fund")
    assert Membership.objects.get(user__email="kit@fund.example.org").role == "admin"


def test_an_invitation_opened_while_signed_in_as_someone_else_explains_why_it_cannot_be_accepted(
    page: Page, mailoutbox
) -> None:
    # Given an invitation for one address, opened by someone signed in with another
    admin = UserFactory(email="ola@lp.example.org")
    OrganisationFactory(name="Clear Insight", kind="learning_partner", admin=admin)
    UserFactory(email="someone.else@example.org")
    sign_in(page, "ola@lp.example.org")
    page.get_by_role("main").get_by_role("link", name="Clear Insight").click()
    page.get_by_label("Email address").fill("ray@lp.example.org")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("status")).to_contain_text("We have emailed an invitation")
    sign_out(page)
    accept_path = link_in_email("ray@lp.example.org", "/invitations/")
    sign_in(page, "someone.else@example.org")

    # When they open the link
    page.goto(accept_path)

    # Then they are told plainly why they cannot accept it, and it stays unused
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("You cannot accept this invitation")
    expect(refusal).to_contain_text(
        "This invitation was sent to ray@lp.example.org, but you are signed in as "
        "someone.else@example.org."
    )
    expect(page.get_by_role("button", name="Accept invitation")).to_have_count(0)
    assert_accessible(page)
    assert OrganisationInvitation.objects.get().accepted_at is None
    assert not Membership.objects.filter(user__email="someone.else@example.org").exists()
