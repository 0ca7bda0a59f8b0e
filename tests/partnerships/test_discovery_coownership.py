"""Discovery co-ownership: in learning with, every accepted party agrees the discovery
brief; in learning for, the commissioning funder and a learning partner (as before)."""

from typing import Any

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import User
from partnerships.models import ActivityEvent, DiscoveryAgreement, DiscoveryBrief, Partnership
from partnerships.services import partnership_set_learning_mode
from tests.partnerships.factories import (
    OrganisationFactory,
    PartnershipScene,
    add_party,
    admin_of,
    build_partnership_scene,
)

pytestmark = pytest.mark.django_db

LEARNING_FOR = Partnership.LearningMode.LEARNING_FOR
LEARNING_WITH = Partnership.LearningMode.LEARNING_WITH

BRIEF: dict[str, Any] = {
    "audience": "The grantees first, then the families they support.",
    "desired_impact": "Fewer families in fuel poverty.",
    "scope": "Advice services in two cities.",
    "complexity": {
        "duration_years": 2,
        "partner_count": 3,
        "workstream_count": 1,
        "differing_aims": False,
        "power_imbalance": True,
    },
    "open_questions": "",
}


def client_for(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user=user)
    return client


def brief_url(scene: PartnershipScene) -> str:
    return reverse("api:partnership-discovery-brief", kwargs={"pk": scene.partnership.pk})


def agree_url(scene: PartnershipScene) -> str:
    return reverse("api:partnership-discovery-brief-agree", kwargs={"pk": scene.partnership.pk})


def write(scene: PartnershipScene, **changes: Any) -> dict[str, Any]:
    response = client_for(scene.lp_member).put(
        brief_url(scene), {**BRIEF, **changes}, format="json"
    )
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def agree(scene: PartnershipScene, user: User) -> dict[str, Any]:
    response = client_for(user).post(agree_url(scene), {}, format="json")
    assert response.status_code == 200, response.json()
    body: dict[str, Any] = response.json()
    return body


def read(scene: PartnershipScene, user: User | None = None) -> dict[str, Any]:
    response = client_for(user or scene.grantee_member).get(brief_url(scene))
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def ids(parties: list[dict[str, Any]]) -> list[int]:
    return [party["id"] for party in parties]


# --- Learning for: unchanged -------------------------------------------------------------


def test_learning_for_needs_the_commissioning_funder_and_a_learning_partner_only():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    written = write(scene)

    assert written["agreement_rule"] == "funder_and_learning_partner"
    assert ids(written["waiting_for"]) == [scene.funder_party.pk, scene.lp_party.pk]
    after_funder = agree(scene, scene.funder_admin)
    assert (after_funder["status"], ids(after_funder["waiting_for"])) == (
        "draft",
        [scene.lp_party.pk],
    )
    after_lp = agree(scene, scene.lp_admin)
    assert after_lp["status"] == "agreed"
    assert after_lp["waiting_for"] == []
    assert ids(after_lp["agreed_by_parties"]) == [scene.funder_party.pk, scene.lp_party.pk]
    assert after_lp["agreed_at"] is not None


def test_in_learning_for_a_grantee_may_not_agree_and_nothing_is_written():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)

    refused = client_for(scene.grantee_admin).post(agree_url(scene), {}, format="json")

    assert refused.status_code == 403
    assert not DiscoveryAgreement.objects.filter(party=scene.grantee_party).exists()


# --- Learning with: every accepted party -------------------------------------------------


def test_learning_with_is_agreed_only_when_every_accepted_party_agreed():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    written = write(scene)
    assert written["agreement_rule"] == "every_party"
    assert ids(written["waiting_for"]) == [
        scene.funder_party.pk,
        scene.lp_party.pk,
        scene.grantee_party.pk,
    ]

    agree(scene, scene.funder_admin)
    after_lp = agree(scene, scene.lp_admin)

    assert after_lp["status"] == "draft"
    assert ids(after_lp["waiting_for"]) == [scene.grantee_party.pk]
    after_grantee = agree(scene, scene.grantee_admin)
    assert after_grantee["status"] == "agreed"
    assert after_grantee["waiting_for"] == []
    assert ids(after_grantee["agreed_by_parties"]) == [
        scene.funder_party.pk,
        scene.lp_party.pk,
        scene.grantee_party.pk,
    ]
    assert [row["agreed_by"] for row in after_grantee["parties"]] == [
        scene.funder_admin.display_name,
        scene.lp_admin.display_name,
        scene.grantee_admin.display_name,
    ]
    assert ActivityEvent.objects.filter(
        partnership=scene.partnership,
        verb="discovery_brief_agreed",
        summary="Every party has agreed the discovery brief.",
    ).exists()


def test_a_grantee_agreeing_first_does_not_make_it_agreed_alone():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)

    body = agree(scene, scene.grantee_admin)

    assert body["status"] == "draft"
    assert ids(body["waiting_for"]) == [scene.funder_party.pk, scene.lp_party.pk]


def test_editing_returns_it_to_draft_and_every_party_must_agree_again():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)
    for user in (scene.funder_admin, scene.lp_admin, scene.grantee_admin):
        agree(scene, user)

    rewritten = write(scene, scope="Advice services in three cities.")

    assert (rewritten["status"], rewritten["version"], rewritten["agreed_at"]) == ("draft", 2, None)
    assert rewritten["agreed_by_parties"] == []
    assert len(rewritten["waiting_for"]) == 3
    brief = DiscoveryBrief.objects.get(partnership=scene.partnership)
    assert (brief.status, brief.agreed_at) == ("draft", None)


def test_a_party_joining_before_agreement_is_waited_for():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)
    agree(scene, scene.funder_admin)
    agree(scene, scene.lp_admin)
    newcomer = add_party(scene.partnership)

    after_grantee = agree(scene, scene.grantee_admin)

    assert after_grantee["status"] == "draft"
    assert ids(after_grantee["waiting_for"]) == [newcomer.pk]


def test_a_party_joining_after_agreement_leaves_it_agreed_and_may_agree_too():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)
    for user in (scene.funder_admin, scene.lp_admin, scene.grantee_admin):
        agree(scene, user)
    agreed_at = DiscoveryBrief.objects.get(partnership=scene.partnership).agreed_at

    newcomer = add_party(scene.partnership, OrganisationFactory.create(name="Late Grantee"))
    joined = read(scene)

    assert joined["status"] == "agreed"
    assert joined["waiting_for"] == []
    row = next(r for r in joined["parties"] if r["party"]["id"] == newcomer.pk)
    assert (row["joined_after_agreement"], row["agreed_at"]) == (True, None)
    page = APIClient()
    page.force_login(admin_of(newcomer.organisation))
    html = page.get(
        reverse("partnerships:partnership-discovery", args=[scene.partnership.pk])
    ).content.decode()
    assert "Joined after it was agreed" in html
    assert "Agree discovery brief" in html

    after = agree(scene, admin_of(newcomer.organisation))

    assert after["status"] == "agreed"
    assert newcomer.pk in ids(after["agreed_by_parties"])
    assert DiscoveryBrief.objects.get(partnership=scene.partnership).agreed_at == agreed_at


def test_a_newcomer_does_not_undo_agreement_when_another_party_leaves():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    extra = add_party(scene.partnership)
    write(scene)
    for user in (scene.funder_admin, scene.lp_admin, scene.grantee_admin):
        agree(scene, user)
    agree(scene, admin_of(extra.organisation))
    add_party(scene.partnership)  # joins after agreement, never agrees

    left = client_for(admin_of(extra.organisation)).post(
        reverse(
            "api:partnership-party-leave",
            kwargs={"pk": scene.partnership.pk, "party_pk": extra.pk},
        )
    )

    assert left.status_code == 200
    assert read(scene)["status"] == "agreed"


# --- Switching learning mode ---------------------------------------------------------------


def test_switching_to_learning_with_asks_the_grantees_and_back_again_drops_them():
    scene = build_partnership_scene(learning_mode=LEARNING_FOR)
    write(scene)
    agree(scene, scene.funder_admin)
    assert agree(scene, scene.lp_admin)["status"] == "agreed"

    partnership_set_learning_mode(
        partnership=scene.partnership,
        learning_mode=LEARNING_WITH,
        by=scene.funder_admin,
        organisation=scene.partnership.funder,
    )

    switched = read(scene)
    assert (switched["status"], switched["agreement_rule"]) == ("draft", "every_party")
    assert ids(switched["waiting_for"]) == [scene.grantee_party.pk]
    assert agree(scene, scene.grantee_admin)["status"] == "agreed"

    partnership_set_learning_mode(
        partnership=scene.partnership,
        learning_mode=LEARNING_FOR,
        by=scene.funder_admin,
        organisation=scene.partnership.funder,
    )

    back = read(scene)
    assert (back["status"], back["agreement_rule"]) == ("agreed", "funder_and_learning_partner")
    write(scene, scope="A new scope.")
    refused = client_for(scene.grantee_admin).post(agree_url(scene), {}, format="json")
    assert refused.status_code == 403


def test_switching_to_learning_with_asks_parties_that_joined_after_agreement_too():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)
    for user in (scene.funder_admin, scene.lp_admin, scene.grantee_admin):
        agree(scene, user)
    newcomer = add_party(scene.partnership)
    assert read(scene)["status"] == "agreed"

    for mode in (LEARNING_FOR, LEARNING_WITH):
        partnership_set_learning_mode(
            partnership=scene.partnership,
            learning_mode=mode,
            by=scene.funder_admin,
            organisation=scene.partnership.funder,
        )

    switched = read(scene)
    assert (switched["status"], ids(switched["waiting_for"])) == ("draft", [newcomer.pk])


# --- Refusals ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [("outsider", 404), ("grantee_member", 403), ("lp_member", 403), ("funder_member", 403)],
)
def test_who_may_not_agree_in_learning_with_changes_nothing(who: str, status: int):
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)

    response = client_for(getattr(scene, who)).post(agree_url(scene), {}, format="json")

    assert response.status_code == status
    assert DiscoveryAgreement.objects.count() == 0


def test_an_invited_party_cannot_see_or_agree_the_brief():
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    invited = add_party(scene.partnership, accepted=False)
    write(scene)
    admin = admin_of(invited.organisation)

    seen = client_for(admin).get(brief_url(scene))
    agreed = client_for(admin).post(agree_url(scene), {}, format="json")

    assert (seen.status_code, agreed.status_code) == (404, 404)
    assert DiscoveryAgreement.objects.count() == 0
    assert ids(read(scene)["waiting_for"]) == [
        scene.funder_party.pk,
        scene.lp_party.pk,
        scene.grantee_party.pk,
    ]


# --- The discovery page --------------------------------------------------------------------


def test_the_page_shows_each_party_and_who_is_still_awaited(client):
    scene = build_partnership_scene(learning_mode=LEARNING_WITH)
    write(scene)
    agree(scene, scene.lp_admin)
    client.force_login(scene.grantee_admin)

    html = client.get(
        reverse("partnerships:partnership-discovery", args=[scene.partnership.pk])
    ).content.decode()

    assert "every party taking part has agreed this version" in html
    funder = scene.partnership.funder.name
    grantee = scene.grantee_party.organisation.name
    assert f"Still waiting for: {funder} and {grantee}." in html
    assert html.count(">Waiting</strong>") == 2
    assert html.count(">Agreed</strong>") == 1
    assert "Agree discovery brief" in html
