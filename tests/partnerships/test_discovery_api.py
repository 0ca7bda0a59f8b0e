"""The discovery brief in learning for: written by the learning partner, agreed by the
commissioning funder and a learning partner (learning with: test_discovery_coownership.py)."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from partnerships.models import ActivityEvent, DiscoveryAgreement, DiscoveryBrief, Partnership
from tests.partnerships.factories import (
    OrganisationFactory,
    add_member,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

LEARNING_FOR = Partnership.LearningMode.LEARNING_FOR


def client_for(user) -> APIClient:  # type: ignore[no-untyped-def]
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def brief_url(scene) -> str:  # type: ignore[no-untyped-def]
    return reverse("api:partnership-discovery-brief", kwargs={"pk": scene.partnership.pk})


def agree_url(scene) -> str:  # type: ignore[no-untyped-def]
    return reverse("api:partnership-discovery-brief-agree", kwargs={"pk": scene.partnership.pk})


BRIEF: dict[str, Any] = {
    "audience": "The grantees first, then the families they support.",
    "desired_impact": "Fewer families in fuel poverty.",
    "scope": "Advice services in two cities; not the national campaign.",
    "complexity": {
        "duration_years": 3,
        "partner_count": 8,
        "workstream_count": 2,
        "differing_aims": True,
        "power_imbalance": True,
    },
    "open_questions": "How do we reach families who do not ask for help?",
}


def write(scene, body=BRIEF):  # type: ignore[no-untyped-def]
    response = client_for(scene.lp_member).put(brief_url(scene), body, format="json")
    assert response.status_code == 200, response.json()
    return response


def test_a_new_partnership_has_an_empty_draft_brief():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)

    response = client_for(scene.grantee_member).get(brief_url(scene))

    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["version"], body["audience"], body["agreements"]) == (
        "draft",
        0,
        "",
        [],
    )
    assert body["recommended_discovery_weeks"] == 2


def test_learning_partner_writes_the_brief_and_sees_the_recommendation_and_why():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)

    response = write(scene)

    body = response.json()
    assert body["audience"] == BRIEF["audience"]
    assert body["complexity"] == BRIEF["complexity"]
    assert body["open_questions"] == BRIEF["open_questions"]
    assert (body["status"], body["version"]) == ("draft", 1)
    # 2 base + 2 (three years) + 2 (eight partners) + 1 (two workstreams) + 2 + 2 = 11
    assert body["recommended_discovery_weeks"] == 11
    assert body["recommendation_reasons"] == [
        "Every discovery needs about 2 weeks to meet the parties and agree who the learning "
        "is for.",
        "The work runs for 3 years, which adds 2 weeks to understand how it will change over time.",
        "8 partners take part, which adds 2 weeks to hear from each of them.",
        "There are 2 workstreams, which adds 1 week to understand each one.",
        "Partners have different aims, which adds 2 weeks to find common ground.",
        "There is a power imbalance between partners, which adds 2 weeks so that the less "
        "powerful can speak safely.",
    ]
    assert body["updated_by"] == scene.lp_member.display_name
    assert ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="discovery_updated", actor=scene.lp_member
    ).exists()


@pytest.mark.parametrize("who", ["funder_admin", "grantee_admin", "funder_member"])
def test_only_the_learning_partner_writes_the_brief(who):
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)

    response = client_for(getattr(scene, who)).put(brief_url(scene), BRIEF, format="json")

    assert response.status_code == 403
    assert response.json() == {"detail": "Only the learning partner can write the discovery brief."}
    brief = DiscoveryBrief.objects.get(partnership=scene.partnership)
    assert (brief.version, brief.audience) == (0, "")


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"audience": "  "}, "audience"),
        ({"scope": ""}, "scope"),
        ({"complexity": {**BRIEF["complexity"], "duration_years": 0}}, "complexity"),
        ({"complexity": {**BRIEF["complexity"], "partner_count": "many"}}, "complexity"),
        ({"complexity": None}, "complexity"),
    ],
)
def test_bad_brief_is_a_400_and_changes_nothing(change, field):
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)

    response = client_for(scene.lp_member).put(brief_url(scene), {**BRIEF, **change}, format="json")

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).version == 0


def test_brief_becomes_agreed_once_commissioner_and_learning_partner_agree():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)

    by_funder = client_for(scene.funder_admin).post(agree_url(scene))

    assert by_funder.status_code == 200
    assert by_funder.json()["status"] == "draft"
    assert [a["party"]["id"] for a in by_funder.json()["agreements"]] == [scene.funder_party.pk]

    by_lp = client_for(scene.lp_admin).post(agree_url(scene))

    assert by_lp.status_code == 200
    assert by_lp.json()["status"] == "agreed"
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).status == "agreed"
    assert (
        ActivityEvent.objects.filter(
            partnership=scene.partnership, verb="discovery_brief_agreed"
        ).count()
        == 1
    )


def test_agreeing_twice_changes_nothing():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)
    client_for(scene.funder_admin).post(agree_url(scene))

    again = client_for(scene.funder_admin).post(agree_url(scene))

    assert again.status_code == 200
    assert DiscoveryAgreement.objects.count() == 1


def test_a_later_put_returns_the_brief_to_draft_and_old_agreements_stop_counting():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)
    client_for(scene.funder_admin).post(agree_url(scene))
    client_for(scene.lp_admin).post(agree_url(scene))

    rewritten = write(scene, {**BRIEF, "scope": "Only one city."})

    assert (rewritten.json()["status"], rewritten.json()["version"]) == ("draft", 2)
    assert rewritten.json()["agreements"] == []
    after_funder = client_for(scene.funder_admin).post(agree_url(scene))
    assert after_funder.json()["status"] == "draft"
    after_both = client_for(scene.lp_admin).post(agree_url(scene))
    assert after_both.json()["status"] == "agreed"


def test_a_co_funder_may_agree_but_does_not_count_for_the_commissioner():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    co_funder = add_party(
        scene.partnership, OrganisationFactory.create(kind="funder"), role="funder"
    )
    write(scene)

    by_co_funder = client_for(admin_of(co_funder.organisation)).post(agree_url(scene))
    by_lp = client_for(scene.lp_admin).post(agree_url(scene))

    assert by_co_funder.status_code == 200
    assert by_lp.json()["status"] == "draft"
    assert {a["party"]["id"] for a in by_lp.json()["agreements"]} == {
        co_funder.pk,
        scene.lp_party.pk,
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [("grantee_admin", 403), ("funder_member", 403), ("lp_member", 403), ("outsider", 404)],
)
def test_only_funder_and_learning_partner_admins_agree(who, status):
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)

    response = client_for(getattr(scene, who)).post(agree_url(scene))

    assert response.status_code == status
    if status == 403:
        assert response.json() == {
            "detail": "Only admins of the commissioning funder, a co-funder or a learning "
            "partner can agree the discovery brief."
        }
    assert DiscoveryAgreement.objects.count() == 0


def test_an_unwritten_brief_cannot_be_agreed():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)

    response = client_for(scene.funder_admin).post(agree_url(scene))

    assert response.status_code == 409
    assert response.json() == {
        "detail": "The discovery brief has not been written yet, so there is nothing to agree."
    }
    assert DiscoveryAgreement.objects.count() == 0
    assert not ActivityEvent.objects.filter(
        partnership=scene.partnership, verb="discovery_agreed"
    ).exists()


def test_someone_admin_of_two_parties_says_which_one_agrees():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)
    both = scene.funder_admin
    add_member(scene.lp_party.organisation, both, role="admin")

    ambiguous = client_for(both).post(agree_url(scene), {}, format="json")
    not_theirs = client_for(both).post(
        agree_url(scene), {"party": scene.grantee_party.pk}, format="json"
    )
    as_lp = client_for(both).post(agree_url(scene), {"party": scene.lp_party.pk}, format="json")

    assert ambiguous.status_code == 400
    assert list(ambiguous.json()) == ["party"]
    assert not_theirs.status_code == 400
    assert as_lp.status_code == 200
    assert [a["party"]["id"] for a in as_lp.json()["agreements"]] == [scene.lp_party.pk]


def test_removing_the_agreeing_learning_partner_returns_the_brief_to_draft():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)
    client_for(scene.funder_admin).post(agree_url(scene))
    client_for(scene.lp_admin).post(agree_url(scene))

    client_for(scene.funder_admin).post(
        reverse(
            "api:partnership-party-remove",
            kwargs={"pk": scene.partnership.pk, "party_pk": scene.lp_party.pk},
        )
    )

    response = client_for(scene.funder_admin).get(brief_url(scene))
    assert response.json()["status"] == "draft"
    assert [a["party"]["id"] for a in response.json()["agreements"]] == [scene.funder_party.pk]
