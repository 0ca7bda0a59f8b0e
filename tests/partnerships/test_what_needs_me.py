"""The dashboard answers "what needs me now?": discovery briefs waiting for my party's
agreement, replies to my funder's invitations, notices waiting for my organisation's
acknowledgement; each section costs a fixed number of queries."""

import datetime
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from accounts.models import User
from evidence.models import PrePublicationNotice
from evidence.selectors.notices import notices_waiting_for
from partnerships.models import Partnership, Party
from partnerships.selectors import discovery_agreements_awaited_for, invitation_replies_for
from partnerships.services import party_decline, party_invite
from tests.consent.helpers import permit
from tests.evidence.briefs_scene import api, brief_scene, drafted, written
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    UserFactory,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

BRIEF: dict[str, Any] = {
    "audience": "The grantees.",
    "desired_impact": "Warmer homes.",
    "scope": "Two cities.",
    "complexity": {"duration_years": 1, "partner_count": 3, "workstream_count": 1},
}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def dashboard_for(user: User) -> str:
    client = Client()
    client.force_login(user)
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return response.content.decode()


def write(scene: PartnershipScene) -> None:
    response = client_for(scene.lp_member).put(
        api("partnership-discovery-brief", pk=scene.partnership.pk), BRIEF, format="json"
    )
    assert response.status_code == 200, response.json()


def agree(scene: PartnershipScene, user: User) -> None:
    response = client_for(user).post(
        api("partnership-discovery-brief-agree", pk=scene.partnership.pk), {}, format="json"
    )
    assert response.status_code == 200, response.json()


def awaited(user: User) -> list[tuple[int, int]]:
    return [(p.partnership_id, p.pk) for p in discovery_agreements_awaited_for(user=user)]


# --- Agreements waiting for you ------------------------------------------------------------


def test_in_learning_with_every_partys_admins_see_the_brief_waiting_until_they_agree():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    assert awaited(scene.grantee_admin) == []  # nothing written yet
    write(scene)

    page = dashboard_for(scene.grantee_admin)

    assert "Agreements waiting for you" in page
    assert f"/partnerships/{scene.partnership.pk}/discovery/" in page
    assert "version 1 of the discovery brief waits for" in page
    for admin, party in (
        (scene.funder_admin, scene.funder_party),
        (scene.lp_admin, scene.lp_party),
        (scene.grantee_admin, scene.grantee_party),
    ):
        assert awaited(admin) == [(scene.partnership.pk, party.pk)]
    for member in (scene.grantee_member, scene.funder_member, scene.outsider):
        assert awaited(member) == []
    assert "Agreements waiting for you" not in dashboard_for(scene.grantee_member)

    agree(scene, scene.grantee_admin)

    assert awaited(scene.grantee_admin) == []
    assert "Agreements waiting for you" not in dashboard_for(scene.grantee_admin)
    assert awaited(scene.funder_admin) == [(scene.partnership.pk, scene.funder_party.pk)]


def test_in_learning_for_the_funder_and_learning_partner_see_it_and_grantees_do_not():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    co_funder = add_party(scene.partnership, role=Party.Role.FUNDER)
    second_lp = add_party(scene.partnership, role=Party.Role.LEARNING_PARTNER)
    write(scene)

    assert awaited(scene.funder_admin) == [(scene.partnership.pk, scene.funder_party.pk)]
    assert awaited(scene.lp_admin) == [(scene.partnership.pk, scene.lp_party.pk)]
    assert awaited(scene.grantee_admin) == []
    assert awaited(admin_of(co_funder.organisation)) == []

    agree(scene, scene.lp_admin)

    # One learning partner's agreement is enough: the other is no longer asked.
    assert awaited(admin_of(second_lp.organisation)) == []
    assert awaited(scene.funder_admin) == [(scene.partnership.pk, scene.funder_party.pk)]


def test_a_party_that_joined_after_agreement_sees_the_brief_to_agree():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    write(scene)
    for user in (scene.funder_admin, scene.lp_admin, scene.grantee_admin):
        agree(scene, user)
    newcomer = add_party(scene.partnership)

    page = dashboard_for(admin_of(newcomer.organisation))

    assert "Agreements waiting for you" in page
    assert "The other parties agreed it before you joined" in page
    assert awaited(scene.funder_admin) == []


def test_a_closed_partnership_asks_nobody():
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    write(scene)
    Partnership.objects.filter(pk=scene.partnership.pk).update(status=Partnership.Status.CLOSED)

    assert awaited(scene.funder_admin) == []


def _waiting_for(person: User) -> None:
    """A new learning-with partnership whose written brief waits for ``person``, an
    admin of its grantee."""
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    write(scene)
    add_member(scene.grantee_party.organisation, person, role="admin")


def test_agreements_waiting_cost_one_query_however_many(django_assert_num_queries):
    person = UserFactory.create()
    for size in (1, 2, 3):
        _waiting_for(person)
        with django_assert_num_queries(1):
            assert len(awaited(person)) == size


def test_the_dashboard_costs_the_same_queries_with_one_or_three_briefs_waiting():
    person = UserFactory.create()
    client = Client()
    client.force_login(person)
    counts = []
    for added in (1, 2):
        for _ in range(added):
            _waiting_for(person)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/dashboard/").content.decode()
        counts.append(len(queries))
        assert page.count("Read and agree") == {1: 1, 2: 3}[added]
    assert counts[0] == counts[1], counts


# --- Replies to your invitations ------------------------------------------------------------


def test_the_funders_people_see_recent_replies_to_their_invitations():
    scene = build_partnership_scene()
    declining = OrganisationFactory.create(name="Quiet Lane Trust")
    party = party_invite(
        partnership=scene.partnership,
        organisation=declining,
        role=Party.Role.GRANTEE,
        by=scene.funder_admin,
    )
    party_decline(party=party, by=admin_of(declining))
    old = add_party(scene.partnership, OrganisationFactory.create(name="Long Ago Club"))
    Party.objects.filter(pk=old.pk).update(
        responded_at=timezone.now() - datetime.timedelta(days=31)
    )

    page = dashboard_for(scene.funder_member)

    assert "Replies to your invitations" in page
    assert "Quiet Lane Trust</strong> declined to join" in page
    grantee = scene.grantee_party.organisation.name
    assert f"{grantee}</strong> joined" in page
    assert "Long Ago Club" not in page
    assert [p.organisation.name for p in invitation_replies_for(user=scene.funder_member)] == [
        "Quiet Lane Trust",
        grantee,
        scene.lp_party.organisation.name,
    ]
    assert "Replies to your invitations" not in dashboard_for(scene.grantee_admin)
    assert list(invitation_replies_for(user=scene.lp_admin)) == []


def test_invitation_replies_cost_one_query_however_many(django_assert_num_queries):
    scene = build_partnership_scene()
    for size in (2, 5):
        while (
            Party.objects.filter(partnership=scene.partnership, is_commissioner=False).count()
            < size
        ):
            add_party(scene.partnership)
        with django_assert_num_queries(1):
            replies = list(invitation_replies_for(user=scene.funder_admin))
        assert len(replies) == size


# --- Notices waiting for you -----------------------------------------------------------------


def notice_scene() -> Any:
    scene = brief_scene()
    permit(scene.grantee_party, ["*"], ["published_brief"], notify_before_publish=True)
    permit(scene.grantee2_party, ["*"], ["published_brief"], notify_before_publish=True)
    brief = written(scene, drafted(scene))
    challenges = [
        {"party": str(party.pk), "area": "*", "text": f"Challenge for {party.pk}."}
        for party in (scene.grantee_party, scene.grantee2_party)
    ]
    response = client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk), {"challenges": challenges}, format="json"
    )
    assert response.status_code == 200, response.json()
    return scene, brief


def test_a_grantee_admin_sees_a_waiting_notice_with_the_days_left(settings):
    settings.LEARNHUB_CHALLENGE_NOTICE_DAYS = 5
    scene, brief = notice_scene()
    assert notices_waiting_for(user=scene.grantee_admin) == []  # not sent yet
    sent = client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    assert sent.status_code == 200
    PrePublicationNotice.objects.filter(brief=brief).update(
        sent_at=timezone.now() - datetime.timedelta(days=2)
    )

    page = dashboard_for(scene.grantee_admin)

    assert "Notices waiting for you" in page
    assert f"/briefs/{brief.pk}/notice/" in page
    assert "may publish it anyway in 3 days" in page
    [waiting] = notices_waiting_for(user=scene.grantee_admin)
    assert (waiting.notice.party_id, waiting.days_left) == (scene.grantee_party.pk, 3)
    # A plain member may read the notice but not acknowledge it: not asked here.
    assert "Notices waiting for you" not in dashboard_for(scene.grantee_member)
    assert notices_waiting_for(user=scene.funder_admin) == []

    acknowledged = client_for(scene.grantee_admin).post(api("brief-acknowledge", pk=brief.pk))

    assert acknowledged.status_code == 200
    assert "Notices waiting for you" not in dashboard_for(scene.grantee_admin)
    assert [w.notice.party_id for w in notices_waiting_for(user=scene.grantee2_admin)] == [
        scene.grantee2_party.pk
    ]


def test_a_notice_whose_period_passed_or_whose_challenges_changed_is_not_waiting(settings):
    settings.LEARNHUB_CHALLENGE_NOTICE_DAYS = 5
    scene, brief = notice_scene()
    client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    PrePublicationNotice.objects.filter(party=scene.grantee_party).update(
        sent_at=timezone.now() - datetime.timedelta(days=5, minutes=1)
    )
    changed = [
        {"party": str(scene.grantee2_party.pk), "area": "*", "text": "A sharper challenge."},
        {
            "party": str(scene.grantee_party.pk),
            "area": "*",
            "text": f"Challenge for {scene.grantee_party.pk}.",
        },
    ]
    client_for(scene.lp_member).patch(
        api("brief-detail", pk=brief.pk), {"challenges": changed}, format="json"
    )

    assert notices_waiting_for(user=scene.grantee_admin) == []  # the period passed
    assert notices_waiting_for(user=scene.grantee2_admin) == []  # must be sent again


def test_notices_waiting_cost_one_query_however_many(settings, django_assert_num_queries):
    settings.LEARNHUB_CHALLENGE_NOTICE_DAYS = 5
    scene, brief = notice_scene()
    client_for(scene.lp_member).post(api("brief-notify", pk=brief.pk))
    person = scene.grantee_admin

    with django_assert_num_queries(1):
        assert len(notices_waiting_for(user=person)) == 1
    add_member(scene.grantee2_party.organisation, person, role="admin")
    with django_assert_num_queries(1):
        assert len(notices_waiting_for(user=person)) == 2
