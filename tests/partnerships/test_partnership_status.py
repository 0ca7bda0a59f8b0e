"""Moving a partnership on: discovery → active (only when ready) → closed."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.models import ActivityEvent, Party
from partnerships.services import (
    Complexity,
    discovery_brief_agree,
    discovery_brief_update,
    question_propose,
    question_respond,
)
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipFactory,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

# The factories' partnerships learn with their parties: every party agrees the brief.
MISSING_BRIEF = "the discovery brief has not been agreed by every party"
MISSING_QUESTION = "no research question has been agreed by every party"
MISSING_LP = "no learning partner has accepted an invitation to join"


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def set_status(user, partnership, status):  # type: ignore[no-untyped-def]
    return client_for(user).post(
        reverse("api:partnership-status", kwargs={"pk": partnership.pk}),
        {"status": status},
        format="json",
    )


def agree_brief(scene) -> None:  # type: ignore[no-untyped-def]
    discovery_brief_update(
        partnership=scene.partnership,
        audience="Grantees",
        desired_impact="Warmer homes",
        scope="Two cities",
        complexity=Complexity(
            duration_years=1,
            partner_count=3,
            workstream_count=1,
            differing_aims=False,
            power_imbalance=False,
        ),
        by=scene.lp_member,
        party=scene.lp_party,
    )
    discovery_brief_agree(
        partnership=scene.partnership, party=scene.funder_party, by=scene.funder_admin
    )
    discovery_brief_agree(partnership=scene.partnership, party=scene.lp_party, by=scene.lp_admin)
    discovery_brief_agree(
        partnership=scene.partnership, party=scene.grantee_party, by=scene.grantee_admin
    )


def agree_a_question(scene) -> None:  # type: ignore[no-untyped-def]
    question = question_propose(
        partnership=scene.partnership, party=scene.lp_party, text="What works?", by=scene.lp_member
    )
    for party, user in (
        (scene.funder_party, scene.funder_member),
        (scene.lp_party, scene.lp_member),
        (scene.grantee_party, scene.grantee_member),
    ):
        question_respond(question=question, party=party, decision="agree", by=user)


def test_a_new_partnership_cannot_become_active_and_is_told_everything_missing():
    partnership = PartnershipFactory.create()

    response = set_status(admin_of(partnership.funder), partnership, "active")

    assert response.status_code == 409
    assert response.json() == {
        "detail": "This partnership cannot become active yet: "
        f"{MISSING_BRIEF}; {MISSING_QUESTION}; {MISSING_LP}.",
        "missing": [MISSING_BRIEF, MISSING_QUESTION, MISSING_LP],
    }
    partnership.refresh_from_db()
    assert partnership.status == "discovery"


def test_becomes_active_once_brief_question_and_learning_partner_are_in_place():
    scene = build_partnership_scene()
    assert set_status(scene.funder_admin, scene.partnership, "active").json()["missing"] == [
        MISSING_BRIEF,
        MISSING_QUESTION,
    ]
    agree_brief(scene)
    assert set_status(scene.funder_admin, scene.partnership, "active").json()["missing"] == [
        MISSING_QUESTION
    ]
    agree_a_question(scene)

    response = set_status(scene.funder_admin, scene.partnership, "active")

    assert response.status_code == 200
    assert response.json()["status"] == "active"
    assert response.json()["status_changed_at"] is not None
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "active"
    assert scene.partnership.status_changed_at is not None
    assert ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="status_active", actor=scene.funder_admin
    ).exists()


def test_a_question_agreed_before_a_new_party_joined_no_longer_counts():
    scene = build_partnership_scene()
    agree_brief(scene)
    agree_a_question(scene)
    add_party(scene.partnership, OrganisationFactory.create(kind="grantee"))

    response = set_status(scene.funder_admin, scene.partnership, "active")

    assert response.status_code == 409
    assert response.json()["missing"] == [MISSING_QUESTION]
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"
    assert not ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="status_active"
    ).exists()


def test_active_then_closed_and_nothing_after_that():
    scene = build_partnership_scene()
    agree_brief(scene)
    agree_a_question(scene)
    set_status(scene.funder_admin, scene.partnership, "active")

    again = set_status(scene.funder_admin, scene.partnership, "active")
    closed = set_status(scene.funder_admin, scene.partnership, "closed")
    reopened = set_status(scene.funder_admin, scene.partnership, "active")
    closed_twice = set_status(scene.funder_admin, scene.partnership, "closed")

    assert (again.status_code, again.json()) == (
        409,
        {"detail": "This partnership is already active."},
    )
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    assert (reopened.status_code, reopened.json()) == (
        409,
        {"detail": "A partnership that is closed cannot become active."},
    )
    assert (closed_twice.status_code, closed_twice.json()) == (
        409,
        {"detail": "This partnership is already closed."},
    )
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "closed"


def test_a_partnership_in_discovery_can_be_closed():
    partnership = PartnershipFactory.create()

    admin = admin_of(partnership.funder)

    response = set_status(admin, partnership, "closed")

    assert (response.status_code, response.json()["status"]) == (200, "closed")
    partnership.refresh_from_db()
    assert partnership.status == "closed"
    assert ActivityEvent.objects.filter(
        partnership=partnership, verb="status_closed", actor=admin
    ).exists()


@pytest.mark.parametrize("status", ["discovery", "archived", "", None])
def test_an_unknown_target_status_is_a_400(status):
    partnership = PartnershipFactory.create()

    response = set_status(admin_of(partnership.funder), partnership, status)

    assert response.status_code == 400
    assert list(response.json()) == ["status"]
    partnership.refresh_from_db()
    assert partnership.status == "discovery"


@pytest.mark.parametrize("who", ["funder_member", "lp_admin", "grantee_admin"])
def test_only_funder_admins_change_the_status(who):
    scene = build_partnership_scene()

    response = set_status(getattr(scene, who), scene.partnership, "closed")

    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only admins of the commissioning funder can make the partnership active or "
        "close it."
    }
    scene.partnership.refresh_from_db()
    assert scene.partnership.status == "discovery"


def test_a_closed_partnership_can_still_be_seen_but_not_changed():
    scene = build_partnership_scene()
    set_status(scene.funder_admin, scene.partnership, "closed")
    pk = scene.partnership.pk
    closed = {"detail": "This partnership is closed, so it can no longer be changed."}
    newcomer = OrganisationFactory.create(kind="grantee")

    detail = client_for(scene.grantee_member).get(
        reverse("api:partnership-detail", kwargs={"pk": pk})
    )
    patch = client_for(scene.funder_admin).patch(
        reverse("api:partnership-detail", kwargs={"pk": pk}), {"title": "New"}, format="json"
    )
    invite = client_for(scene.funder_admin).post(
        reverse("api:partnership-parties", kwargs={"pk": pk}),
        {"organisation": newcomer.pk, "role": "grantee"},
        format="json",
    )
    question = client_for(scene.grantee_member).post(
        reverse("api:partnership-questions", kwargs={"pk": pk}), {"text": "Late?"}, format="json"
    )

    assert detail.status_code == 200
    assert [(r.status_code, r.json()) for r in (patch, invite, question)] == [(409, closed)] * 3
    assert not Party.objects.filter(organisation=newcomer).exists()
    assert scene.partnership.questions.count() == 0
