"""An admin sends an invitation again and cancels another; the invited person signs up
from the emailed link with the address already filled in, and joins, in Chromium."""

import re

import pytest
from playwright.sync_api import Page, expect

from partnerships.models import Membership
from tests.browser.helpers import (
    assert_accessible,
    check_page,
    link_in_email,
    sign_in,
    sign_out,
)
from tests.partnerships.factories import PASSWORD, InvitationFactory, OrganisationFactory, admin_of

pytestmark = pytest.mark.browser


def test_an_admin_sends_again_and_cancels_and_the_invited_person_signs_up_and_joins(
    page: Page, mailoutbox
) -> None:
    organisation = OrganisationFactory.create(name="Anchor Youth Club")
    lost = InvitationFactory.create(
        organisation=organisation, email="sam@example.org", expired=True
    )
    mistaken = InvitationFactory.create(organisation=organisation, email="wrong@example.org")
    admin = admin_of(organisation)

    # Given the admin looks at the organisation's waiting invitations
    sign_in(page, admin.email)
    page.goto(f"/organisations/{organisation.pk}/")
    waiting = page.get_by_role("table", name="Invitations waiting to be accepted")
    sam_row = waiting.get_by_role("row", name=re.compile("sam@example.org"))
    expect(sam_row).to_contain_text("Expired")
    assert_accessible(page)

    # When she sends Sam's expired invitation again, and cancels the mistaken one
    sam_row.get_by_role("button", name="Send again to sam@example.org").click()
    expect(page.get_by_role("status")).to_contain_text(
        "We have emailed the invitation to sam@example.org again"
    )
    expect(waiting.get_by_role("row", name=re.compile("sam@example.org"))).not_to_contain_text(
        "Expired"
    )
    waiting.get_by_role("button", name="Cancel the invitation to wrong@example.org").click()
    expect(page.get_by_role("status")).to_contain_text(
        "You cancelled the invitation to wrong@example.org"
    )
    expect(waiting.get_by_role("row", name=re.compile("wrong@example.org"))).to_have_count(0)
    assert_accessible(page)
    sign_out(page)

    # Then the mistaken link says it was cancelled
    page.goto(f"/invitations/{mistaken.token}/")
    expect(page.get_by_role("alert")).to_contain_text("was cancelled by one of its admins")
    assert_accessible(page)

    # And Sam follows the new email's link and creates an account, the address filled in
    page.goto(link_in_email("sam@example.org", "/invitations/"))
    check_page(page, heading="Invitation to join Anchor Youth Club")
    page.get_by_role("main").get_by_role("link", name="Create an account").click()
    expect(page.get_by_label("Email")).to_have_value("sam@example.org")
    assert_accessible(page)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    page.get_by_role("button", name=re.compile(r"^sign up$", re.I)).click()

    # Then he is back on the invitation, with no confirmation email to wait for, and joins
    check_page(page, heading="Invitation to join Anchor Youth Club")
    page.get_by_role("button", name="Accept invitation").click()
    expect(page.get_by_role("status")).to_contain_text("You have joined Anchor Youth Club")
    assert Membership.objects.filter(user__email="sam@example.org", organisation=organisation)
    assert not [m for m in mailoutbox if "sam@example.org" in m.to and "confirm" in m.subject]
    lost.refresh_from_db()
    assert lost.accepted_at is not None
