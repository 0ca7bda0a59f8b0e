"""What the partnerships services tell people, in-app and by email: a discovery brief
waiting for agreement, a discovery brief agreed, an invitation accepted or declined."""

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from notifications.models import Notification
from partnerships.models import Partnership, Party
from partnerships.services import partnership_set_learning_mode, party_invite
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    add_member,
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


def write(scene: PartnershipScene, user: User | None = None) -> None:
    response = client_for(user or scene.lp_member).put(
        reverse("api:partnership-discovery-brief", args=[scene.partnership.pk]),
        BRIEF,
        format="json",
    )
    assert response.status_code == 200, response.json()


def agree(scene: PartnershipScene, user: User) -> None:
    response = client_for(user).post(
        reverse("api:partnership-discovery-brief-agree", args=[scene.partnership.pk]),
        {},
        format="json",
    )
    assert response.status_code == 200, response.json()


def told(kind: str) -> list[int]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


def emailed_to(subject: str) -> list[str]:
    return sorted(m.to[0] for m in mail.outbox if m.subject == f"LearnHub: {subject}")


def test_a_new_version_in_learning_with_asks_every_partys_admins_but_not_the_editor(
    django_capture_on_commit_callbacks,
):
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    # The editor is an admin of the learning partner: the other admins are asked, not them.
    add_member(scene.lp_party.organisation, scene.lp_member, role="admin")

    with django_capture_on_commit_callbacks(execute=True):
        write(scene)

    admins = [scene.funder_admin, scene.lp_admin, scene.grantee_admin]
    assert told("discovery_waiting") == sorted(u.pk for u in admins)
    notice = Notification.objects.filter(kind="discovery_waiting").first()
    assert notice is not None
    title = scene.partnership.title
    assert notice.subject == f"The discovery brief waits for your agreement: {title}"
    assert notice.url == f"/partnerships/{scene.partnership.pk}/discovery/"
    assert notice.partnership_id == scene.partnership.pk
    assert emailed_to(notice.subject) == sorted(u.email for u in admins)
    assert scene.lp_member.email not in [m.to[0] for m in mail.outbox]


def test_a_new_version_in_learning_for_asks_only_the_commissioning_funders_admins(
    django_capture_on_commit_callbacks,
):
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)

    with django_capture_on_commit_callbacks(execute=True):
        write(scene)

    assert told("discovery_waiting") == [scene.funder_admin.pk]
    assert [m.to for m in mail.outbox] == [[scene.funder_admin.email]]


def test_when_it_becomes_agreed_every_party_is_told_except_whoever_agreed_last(
    django_capture_on_commit_callbacks,
):
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_WITH)
    write(scene)
    agree(scene, scene.funder_admin)
    agree(scene, scene.lp_admin)
    assert told("discovery_agreed") == []

    with django_capture_on_commit_callbacks(execute=True):
        agree(scene, scene.grantee_admin)

    everyone = [
        scene.funder_admin,
        scene.funder_member,
        scene.lp_admin,
        scene.lp_member,
        scene.grantee_member,
    ]
    assert told("discovery_agreed") == sorted(u.pk for u in everyone)
    subject = f"The discovery brief is agreed: {scene.partnership.title}"
    assert emailed_to(subject) == sorted(u.email for u in everyone)
    assert "is agreed by every party" in mail.outbox[0].body


def test_agreeing_again_tells_nobody_again(django_capture_on_commit_callbacks):
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    write(scene)
    agree(scene, scene.funder_admin)
    agree(scene, scene.lp_admin)
    before = Notification.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        agree(scene, scene.lp_admin)

    assert Notification.objects.count() == before
    assert mail.outbox == []


@pytest.mark.parametrize("answer", ["accept", "decline"])
def test_the_commissioning_funders_people_hear_that_an_invitation_was_answered(
    answer: str, django_capture_on_commit_callbacks
):
    scene = build_partnership_scene()
    organisation = OrganisationFactory.create(name="Eastside Youth Club")
    party = party_invite(
        partnership=scene.partnership,
        organisation=organisation,
        role=Party.Role.GRANTEE,
        by=scene.funder_admin,
    )
    answerer = admin_of(organisation)
    earlier = list(Notification.objects.values_list("pk", flat=True))  # the scene's joins

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(answerer).post(
            reverse(f"api:partnership-party-{answer}", args=[scene.partnership.pk, party.pk])
        )

    assert response.status_code == 200
    new = Notification.objects.exclude(pk__in=earlier)
    kind = "party_accepted" if answer == "accept" else "party_declined"
    # Only the commissioning funder's people hear of it, never the one who answered.
    assert sorted((n.kind, n.recipient_id) for n in new) == sorted(
        [(kind, scene.funder_admin.pk), (kind, scene.funder_member.pk)]
    )
    notice = new.first()
    assert notice is not None
    title = scene.partnership.title
    verb = "accepted" if answer == "accept" else "declined"
    assert notice.subject == f"Eastside Youth Club {verb} your invitation: {title}"
    assert notice.url == f"/partnerships/{scene.partnership.pk}/parties/"
    assert notice.body == (
        f"Eastside Youth Club joined “{title}” as a grantee."
        if answer == "accept"
        else f"Eastside Youth Club declined the invitation to join “{title}” as a grantee."
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [scene.funder_admin.email, scene.funder_member.email]
    )
    assert {m.subject for m in mail.outbox} == {f"LearnHub: {notice.subject}"}


def test_switching_to_learning_with_asks_the_grantees_admins_to_agree(
    django_capture_on_commit_callbacks,
):
    scene = build_partnership_scene(learning_mode=Partnership.LearningMode.LEARNING_FOR)
    write(scene)
    agree(scene, scene.funder_admin)
    agree(scene, scene.lp_admin)
    earlier = list(Notification.objects.values_list("pk", flat=True))

    with django_capture_on_commit_callbacks(execute=True):
        partnership_set_learning_mode(
            partnership=scene.partnership,
            learning_mode=Partnership.LearningMode.LEARNING_WITH,
            by=scene.funder_admin,
            organisation=scene.partnership.funder,
        )

    # Only the grantee's agreement is missing now: its admins (only) are asked.
    new = Notification.objects.exclude(pk__in=earlier)
    assert [(n.kind, n.recipient_id) for n in new] == [
        ("discovery_waiting", scene.grantee_admin.pk)
    ]
    [email] = mail.outbox
    assert email.to == [scene.grantee_admin.email]
    assert "now learns with its parties" in email.body


def test_a_proposed_question_asks_every_partys_people_but_not_the_proposer(
    django_capture_on_commit_callbacks,
):
    scene = build_partnership_scene()

    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(scene.grantee_member).post(
            reverse("api:partnership-questions", args=[scene.partnership.pk]),
            {"text": "What helps families keep warm?"},
            format="json",
        )

    assert response.status_code == 201
    everyone_else = [
        scene.funder_admin,
        scene.funder_member,
        scene.lp_admin,
        scene.lp_member,
        scene.grantee_admin,
    ]
    assert told("question_proposed") == sorted(u.pk for u in everyone_else)
    notice = Notification.objects.filter(kind="question_proposed").first()
    assert notice is not None
    assert notice.url == (
        f"/partnerships/{scene.partnership.pk}/questions/{response.json()['id']}/respond/"
    )
    assert "“What helps families keep warm?”" in notice.body
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in everyone_else)


def test_a_long_title_is_cut_to_fit_the_subject(django_capture_on_commit_callbacks):
    scene = build_partnership_scene(title="A" * 200)

    with django_capture_on_commit_callbacks(execute=True):
        write(scene)

    subjects = set(
        Notification.objects.filter(kind="discovery_waiting").values_list("subject", flat=True)
    )
    assert subjects == {("The discovery brief waits for your agreement: " + "A" * 200)[:200]}
