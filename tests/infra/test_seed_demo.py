"""``manage.py seed_demo``: the demo data ``make run`` loads, safe to load again."""

import re
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from rest_framework.test import APIClient

from accounts.models import User
from evidence.selectors.library import LibraryFilters, library_for, recurring_questions
from partnerships.models import Membership, Organisation, OrganisationInvitation, Partnership
from partnerships.selectors import questions_with_status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def demo_site(settings):
    settings.LEARNHUB_DEMO_SITE = True  # as under `make run`; the command refuses otherwise


def _seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def _row_counts() -> dict[str, int]:
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if not model._meta.proxy
    }


def _printed_logins(output: str) -> tuple[list[str], str]:
    emails = re.findall(r"^  (\S+@example\.org)  ", output, flags=re.MULTILINE)
    password = re.search(r"Password for every demo account: (\S+)$", output, flags=re.MULTILINE)
    assert password is not None, output
    return emails, password.group(1)


def test_running_it_twice_changes_no_row_and_prints_the_same_logins():
    first_output = _seed()
    counts_after_first = _row_counts()

    second_output = _seed()

    assert _row_counts() == counts_after_first
    assert second_output == first_output


def test_every_printed_login_can_sign_in():
    emails, password = _printed_logins(_seed())

    assert len(emails) == 8
    for email in emails:
        response = APIClient().post(
            "/_allauth/app/v1/auth/login", {"email": email, "password": password}, format="json"
        )
        assert response.status_code == 200, (email, response.content)
        assert response.json()["meta"]["session_token"]


def test_every_demo_address_is_confirmed_so_no_page_asks_to_verify_it():
    emails, password = _printed_logins(_seed())

    for email in emails:
        assert EmailAddress.objects.filter(email=email, verified=True, primary=True).count() == 1
        client = Client()
        assert (
            client.post("/accounts/login/", {"login": email, "password": password}).status_code
            == 302
        )
        dashboard = client.get("/dashboard/").content.decode()
        assert "confirm your email address" not in dashboard, email
        addresses = client.get("/accounts/email/").content.decode()
        assert "Unverified" not in addresses, email
        assert "Verified" in addresses, email


def test_a_demo_password_changed_by_someone_trying_things_out_is_put_back():
    emails, password = _printed_logins(_seed())
    person = User.objects.get(email=emails[0])
    person.set_password("something-else-entirely")
    person.save()

    _seed()

    person.refresh_from_db()
    assert person.check_password(password)


def test_the_demo_has_each_kind_of_organisation_with_an_admin_and_a_member():
    _seed()

    assert sorted(Organisation.objects.values_list("kind", "name")) == [
        ("funder", "Northbridge Community Foundation"),
        ("grantee", "Eastfield Young Carers Network"),
        ("grantee", "Hillcrest Young Carers"),
        ("grantee", "Riverside Food Bank"),
        ("learning_partner", "Open Ground Learning Co-operative"),
    ]
    # Eastfield is invited by email and waits for its first person; the others have people.
    assert not Membership.objects.filter(organisation__name="Eastfield Young Carers Network")
    for organisation in Organisation.objects.exclude(name="Eastfield Young Carers Network"):
        roles = sorted(organisation.memberships.values_list("role", flat=True))
        assert roles == [Membership.Role.ADMIN, Membership.Role.MEMBER], organisation
        # Memberships were made through the services, so the permission groups match.
        admin = organisation.memberships.get(role=Membership.Role.ADMIN).user
        assert set(admin.groups.all()) >= {organisation.members_group, organisation.admins_group}
    daniel = User.objects.get(email="daniel.hughes@example.org")
    assert daniel.memberships.count() == 2


def test_the_demo_has_one_waiting_organisation_invitation():
    output = _seed()

    invitation = OrganisationInvitation.objects.get(party=None)
    assert (invitation.email, invitation.organisation.name, invitation.accepted_at) == (
        "new.colleague@example.org",
        "Northbridge Community Foundation",
        None,
    )
    assert not invitation.is_expired
    assert invitation.get_absolute_url() in output
    first_admin = OrganisationInvitation.objects.get(party__isnull=False)
    assert (first_admin.email, first_admin.organisation.name, first_admin.role) == (
        "hello@eastfield-carers.example",
        "Eastfield Young Carers Network",
        Membership.Role.ADMIN,
    )


def test_the_demo_shows_one_active_partnership_and_one_still_in_discovery():
    _seed()

    stages = {
        partnership.title: (
            partnership.status,
            partnership.discovery_brief.status,
            # ``status`` is an annotation the stubs cannot see.
            list(questions_with_status(partnership=partnership).values_list("status", flat=True)),  # type: ignore[misc]
            sorted(partnership.parties.values_list("organisation__name", "role", "status")),
        )
        for partnership in Partnership.objects.select_related("discovery_brief")
    }

    assert stages == {
        "Food security in Riverside": (
            "active",
            "agreed",
            ["agreed", "agreed"],
            [
                ("Northbridge Community Foundation", "funder", "accepted"),
                ("Open Ground Learning Co-operative", "learning_partner", "accepted"),
                ("Riverside Food Bank", "grantee", "accepted"),
            ],
        ),
        "Young carers' wellbeing": (
            "discovery",
            "draft",
            ["proposed", "contested", "proposed"],
            [
                ("Eastfield Young Carers Network", "grantee", "invited"),
                ("Hillcrest Young Carers", "grantee", "accepted"),
                ("Northbridge Community Foundation", "funder", "accepted"),
                ("Open Ground Learning Co-operative", "learning_partner", "accepted"),
            ],
        ),
    }


def test_it_refuses_to_run_on_a_site_that_is_not_a_demo_and_creates_nothing(settings):
    settings.LEARNHUB_DEMO_SITE = False
    settings.DEBUG = True  # debug pages alone do not make a demo site

    with pytest.raises(CommandError, match="not a demo site"):
        _seed()

    assert User.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_it_runs_on_a_site_that_is_not_a_demo_when_asked_explicitly(settings):
    settings.LEARNHUB_DEMO_SITE = False

    _seed("--allow-without-debug")

    assert Organisation.objects.count() == 5


def test_the_demo_foundation_sees_a_question_both_its_partnerships_ask():
    _seed()
    priya = User.objects.get(email="priya.shah@example.org")
    foundation = Organisation.objects.get(name="Northbridge Community Foundation")

    groups = recurring_questions(user=priya, organisation=foundation)

    assert [(group.partnerships, group.words) for group in groups if group.recurs] == [
        (2, ["stops", "coming", "advice", "visit"])
    ]
    assert len(library_for(user=priya, filters=LibraryFilters())) == 1


def test_the_demo_pulse_shows_last_periods_results_and_this_periods_count():
    from pulse.selectors import pulse_results

    _seed()
    partnership = Partnership.objects.get(title="Food security in Riverside")

    current, last = pulse_results(partnership=partnership)[:2]
    assert (current["responses"], current["scores"]) == (2, None)
    assert last["responses"] == 6
    assert last["scores"] == {"speak_up": 3.83, "not_working_safe": 3.67, "heard": 2.83}
    assert len(last["comments"] or []) == 3
    assert partnership.pulse_flags.get().low == ["heard"]


def test_the_demo_codes_its_evidence_and_its_draft_briefs_themes_are_the_codes():
    from evidence.models import Code, Excerpt, InsightBrief

    call_command("seed_demo", "--allow-without-debug", verbosity=0, stdout=StringIO())
    call_command("seed_demo", "--allow-without-debug", verbosity=0, stdout=StringIO())

    assert sorted(Code.objects.values_list("name", flat=True)) == [
        "Feeling welcome",
        "Getting here",
        "Reminders",
        "Same-day help",
    ]
    assert Excerpt.objects.count() == 6
    draft = InsightBrief.objects.get(status="draft")
    assert [sorted(t["label"] for t in section["themes"]) for section in draft.sections] == [
        [],
        ["Same-day help"],
        ["Feeling welcome", "Reminders"],
    ]
