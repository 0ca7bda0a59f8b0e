"""Commissioning in Chromium: a funder invites two organisations from the directory at
once and one that is not on LearnHub yet by email; the new organisation's contact signs
up from the email, becomes its first admin and accepts. axe checks every page."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from partnerships.models import Membership, Organisation, Party
from tests.browser.helpers import (
    assert_accessible,
    assert_fits_narrow_screen,
    check_page,
    link_in_email,
    sign_in,
)
from tests.partnerships.factories import (
    PASSWORD,
    OrganisationFactory,
    PartnershipFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

TITLE = "Warm homes, healthy lives"


def test_a_funder_invites_two_organisations_at_once_and_a_new_one_by_email_which_accepts(
    page: Page, new_context: Callable[..., BrowserContext], mailoutbox
) -> None:
    fay = UserFactory.create(email="fay@riverside.example", name="Fay Okafor")
    funder = OrganisationFactory.create(name="Riverside Fund", kind="funder", admin=fay)
    partnership = PartnershipFactory.create(funder=funder, title=TITLE)
    OrganisationFactory.create(name="Clear Insight", kind="learning_partner")
    OrganisationFactory.create(name="Northside Food Bank", kind="grantee")

    # Given Fay, an admin of the commissioning funder, on the parties page
    sign_in(page, fay.email)
    page.goto(f"/partnerships/{partnership.pk}/parties/")
    check_page(page, heading=TITLE)

    # When she searches, ticks two organisations and gives each its role
    page.get_by_role("link", name="Invite organisations").click()
    check_page(page, heading="Invite organisations")
    page.get_by_label("Search the directory by name or number").fill("i")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("checkbox", name=re.compile(r"^Clear Insight")).check()
    page.get_by_role("checkbox", name=re.compile(r"^Northside Food Bank")).check()
    page.get_by_label("Its role for Clear Insight").select_option("learning_partner")
    page.get_by_role("radio", name=re.compile(r"^Grantee")).check()
    assert_accessible(page)
    assert_fits_narrow_screen(page)
    page.get_by_role("button", name="Send invitations").click()

    # Then both are invited with their roles, in one go
    expect(page.get_by_role("status")).to_contain_text(
        "You invited 2 organisations: Clear Insight as a learning partner; "
        "Northside Food Bank as a grantee."
    )
    assert_accessible(page)

    # And searching again shows them as invited: they cannot be ticked
    page.get_by_role("link", name="Invite organisations").click()
    page.get_by_label("Search the directory by name or number").fill("Clear")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("checkbox", name=re.compile(r"^Clear Insight"))).to_be_disabled()
    page.get_by_role("link", name="Back to the parties").click()

    # When she invites an organisation not on LearnHub yet, first by a name that is
    page.get_by_role("link", name="Invite an organisation that is not on LearnHub yet").click()
    check_page(page, heading="Invite an organisation by email")
    assert_accessible(page)
    page.get_by_label("Organisation’s name").fill("northside food bank")
    page.get_by_role("radio", name=re.compile(r"^Grantee")).check()
    page.get_by_label("Email address of a contact there").fill("sam@hopestreet.example")
    page.get_by_role("button", name="Send invitation").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "An organisation called “northside food bank” is already on LearnHub."
    )
    expect(
        page.get_by_role("link", name="Invite Northside Food Bank from the directory")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Organisation’s name").fill("Hope Street Project")
    page.get_by_role("radio", name=re.compile(r"^Grantee")).check()
    page.get_by_role("button", name="Send invitation").click()

    # Then it waits for its first person, and nobody joined twice
    expect(page.get_by_role("status")).to_contain_text(
        "You invited Hope Street Project to join as a grantee. We have emailed "
        "sam@hopestreet.example"
    )
    parties = page.get_by_role("table", name="Parties")
    expect(parties.get_by_role("row").filter(has_text="Hope Street Project")).to_contain_text(
        "Waiting for its first person to join LearnHub"
    )
    assert_accessible(page)
    assert Organisation.objects.filter(name__iexact="northside food bank").count() == 1

    # When Sam follows the email's one link and creates an account, the address filled in
    sam = new_context().new_page()
    sam.goto(link_in_email("sam@hopestreet.example", "/invitations/"))
    check_page(sam, heading="Invitation to join Hope Street Project")
    expect(sam.get_by_role("main")).to_contain_text(
        f"Riverside Fund invites Hope Street Project to “{TITLE}”"
    )
    assert_accessible(sam)
    sam.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(sam.get_by_label("Email")).to_have_value("sam@hopestreet.example")
    sam.get_by_label("Password", exact=True).fill(PASSWORD)
    sam.get_by_label("Password (again)").fill(PASSWORD)
    sam.get_by_role("button", name=re.compile(r"^sign up$", re.I)).click()
    check_page(sam, heading="Invitation to join Hope Street Project")
    sam.get_by_role("button", name="Accept invitation").click()

    # Then she is Hope Street Project's first admin, on the partnership invitation
    check_page(sam, heading=f"Invitation to join “{TITLE}”")
    expect(sam.get_by_role("status")).to_contain_text(
        "You have joined Hope Street Project as an admin."
    )
    assert_accessible(sam)
    sam.get_by_role("button", name=re.compile(r"^Accept invitation")).click()
    check_page(sam, heading=TITLE)
    expect(sam.get_by_role("status")).to_contain_text(f"Hope Street Project has joined “{TITLE}”.")
    assert_accessible(sam)
    assert Membership.objects.get(user__email="sam@hopestreet.example").role == "admin"
    assert set(Party.objects.values_list("organisation__name", "role", "status")) == {
        ("Riverside Fund", "funder", "accepted"),
        ("Clear Insight", "learning_partner", "invited"),
        ("Northside Food Bank", "grantee", "invited"),
        ("Hope Street Project", "grantee", "accepted"),
    }

    # And Fay is told both that Sam joined LearnHub and that Hope Street accepted
    page.goto("/notifications/")
    expect(page.get_by_role("main")).to_contain_text(
        f"Hope Street Project has joined LearnHub: {TITLE}"
    )
    expect(page.get_by_role("main")).to_contain_text(
        f"Hope Street Project accepted your invitation: {TITLE}"
    )
    assert_accessible(page)
